// Small hand-written runtime guards (no schema library): every payload that crosses a process or trust
// boundary (renderer → main, main → worker, browser → ws-host) is checked with one of these before use
// (stack-notes §3.1 item 6: validate the sender AND the payload).

export type Guard<T> = (value: unknown) => value is T;

export const isString: Guard<string> = (v): v is string => typeof v === 'string';
export const isBoolean: Guard<boolean> = (v): v is boolean => typeof v === 'boolean';
export const isNull: Guard<null> = (v): v is null => v === null;
export const isFiniteNumber: Guard<number> = (v): v is number => typeof v === 'number' && Number.isFinite(v);

/** A string of bounded length (renderer input is untrusted; nothing legitimate is longer than this). */
export function boundedString(max: number, min = 0): Guard<string> {
  return (v): v is string => typeof v === 'string' && v.length >= min && v.length <= max;
}

/** A string matching a pattern (and bounded). */
export function matching(pattern: RegExp, max = 256): Guard<string> {
  return (v): v is string => typeof v === 'string' && v.length <= max && pattern.test(v);
}

export function integerIn(min: number, max: number): Guard<number> {
  return (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

export function numberIn(min: number, max: number): Guard<number> {
  return (v): v is number => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
}

export function oneOf<const T extends readonly (string | number | boolean)[]>(...values: T): Guard<T[number]> {
  return (v): v is T[number] => (values as readonly unknown[]).includes(v);
}

export function optional<T>(guard: Guard<T>): Guard<T | undefined> {
  return (v): v is T | undefined => v === undefined || guard(v);
}

export function nullable<T>(guard: Guard<T>): Guard<T | null> {
  return (v): v is T | null => v === null || guard(v);
}

export function either<A, B>(a: Guard<A>, b: Guard<B>): Guard<A | B> {
  return (v): v is A | B => a(v) || b(v);
}

export function arrayOf<T>(guard: Guard<T>, maxLength = 10_000): Guard<T[]> {
  return (v): v is T[] => Array.isArray(v) && v.length <= maxLength && v.every((item) => guard(item));
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Fields of T, each with the guard of its (possibly optional) value type. */
export type ShapeGuards<T> = { [K in keyof Required<T>]: Guard<T[K]> };

/**
 * An object with exactly these fields: missing required fields, wrong types and unknown extra keys are all
 * rejected (extra keys are refused so a compromised renderer cannot smuggle options the engine might read).
 */
export function shape<T>(fields: ShapeGuards<T>): Guard<T> {
  const keys = Object.keys(fields) as (keyof T & string)[];
  return (v): v is T => {
    if (!isPlainObject(v)) return false;
    for (const k of Object.keys(v)) if (!Object.prototype.hasOwnProperty.call(fields, k)) return false;
    for (const k of keys) {
      const g = (fields as Record<string, Guard<unknown>>)[k];
      if (!g(v[k])) return false;
    }
    return true;
  };
}

/** The empty request payload: `{}` (undefined is accepted too, so `request('x')` callers need not pass one). */
export const isEmpty: Guard<Empty> = (v): v is Empty =>
  v === undefined || (isPlainObject(v) && Object.keys(v).length === 0);
export type Empty = Record<string, never> | undefined;
