// The values of `redial`'s options (pure): each parser turns one option's text into a checked value or a UsageError
// naming the option and what it expects. args.ts puts them together into a command.
import type { CodecName } from '../core/media/codec.js';
import { CODEC_NAMES } from '../shared/api.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface DspChoice {
  readonly echoCancellation: boolean;
  readonly noiseSuppression: boolean;
  readonly autoGain: boolean;
}

/** "1004" or "350,440": tone frequencies in Hz. */
export function toneList(text: string): number[] {
  const hz = text.split(',').map((f) => Number(f.trim()));
  if (hz.length === 0 || hz.some((f) => !Number.isFinite(f) || f < 20 || f > 20_000)) {
    throw new UsageError(`--tone needs frequencies in Hz between 20 and 20000, comma-separated (got '${text}')`);
  }
  return hz;
}

/** "--calltoken required|optional" (listen without a server). */
export function callTokenPolicy(text: string | undefined): 'required' | 'optional' {
  if (text === undefined || text === 'required') return 'required';
  if (text === 'optional') return 'optional';
  throw new UsageError(`--calltoken must be required or optional (got '${text}')`);
}

/** "--dsp aec,ns,agc" (any subset) or "--dsp none". */
export function parseDsp(text: string): DspChoice {
  const parts = text.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  if (parts.length === 1 && parts[0] === 'none') return { echoCancellation: false, noiseSuppression: false, autoGain: false };
  for (const p of parts) {
    if (p !== 'aec' && p !== 'ns' && p !== 'agc') throw new UsageError(`--dsp: unknown stage '${p}' (aec, ns, agc, or none)`);
  }
  if (parts.length === 0) throw new UsageError('--dsp needs aec, ns, agc (comma-separated) or none');
  return { echoCancellation: parts.includes('aec'), noiseSuppression: parts.includes('ns'), autoGain: parts.includes('agc') };
}

export function parseCodecs(text: string): CodecName[] {
  const names = text.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  if (names.length === 0) throw new UsageError('--codec needs at least one codec');
  const out: CodecName[] = [];
  for (const n of names) {
    const alias = n === 'mulaw' || n === 'pcmu' ? 'ulaw' : n === 'pcma' ? 'alaw' : n;
    if (!(CODEC_NAMES as readonly string[]).includes(alias)) {
      throw new UsageError(`unknown codec '${n}' (known: ${CODEC_NAMES.join(', ')})`);
    }
    if (!out.includes(alias as CodecName)) out.push(alias as CodecName);
  }
  return out;
}

/** "Alice <1001>", "Alice", "<1001>" or "1001". */
export function parseCallerId(text: string): { name?: string; number?: string } {
  const m = /^\s*(.*?)\s*<([^>]*)>\s*$/.exec(text);
  if (m) {
    return { ...(m[1] ? { name: m[1] } : {}), ...(m[2] ? { number: m[2] } : {}) };
  }
  const t = text.trim();
  return /^[0-9*#+]+$/.test(t) ? { number: t } : { name: t };
}

export function validateNumber(number: string): void {
  if (number === '') throw new UsageError('the number to call is empty');
  // Asterisk extensions: digits, letters, * # + and a few pattern-safe characters; no spaces or control characters.
  if (!/^[A-Za-z0-9*#+_.-]+$/.test(number)) throw new UsageError(`'${number}' is not a valid extension to dial`);
  if (number.length > 80) throw new UsageError('the number to call is longer than 80 characters');
}

export function validateDtmf(text: string): string {
  const digits = text.replace(/\s+/g, '').toUpperCase();
  if (!/^[0-9*#A-D,]*$/.test(digits)) throw new UsageError(`--dtmf: only 0-9 * # A-D (and ',' for a pause) are DTMF digits, got '${text}'`);
  return digits;
}

export function seconds(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isFinite(v) || v < 0) throw new UsageError(`${name} must be a number of seconds ≥ 0 (got '${text}')`);
  return v;
}

export function positiveInt(text: string, name: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${name} must be a whole number ≥ 1 (got '${text}')`);
  return Number(text);
}

export function positiveNumber(text: string, name: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v <= 0) throw new UsageError(`${name} must be a number > 0 (got '${text}')`);
  return v;
}

export function wholeNumber(text: string, name: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${name} must be a whole number ≥ 0 (got '${text}')`);
  return Number(text);
}

export function portNumber(text: string, name: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new UsageError(`${name} must be a UDP port 0-65535 (got '${text}')`);
  return Number(text);
}

export function noPositionals(verb: string, rest: readonly string[]): void {
  if (rest.length > 0) throw new UsageError(`${verb} takes no argument '${rest[0]}'`);
}
