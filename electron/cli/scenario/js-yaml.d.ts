// The part of js-yaml 4 (MIT, nodeca/js-yaml; ships no types) that the scenario parser uses.
declare module 'js-yaml' {
  export interface Mark {
    /** 0-based. */
    readonly line: number;
    readonly column: number;
  }
  export class YAMLException extends Error {
    readonly reason: string;
    readonly mark?: Mark;
  }
  export interface Schema { readonly __schema: never }
  /** Every scalar stays a string: types are decided by the reader, not guessed (0800 stays "0800"). */
  export const FAILSAFE_SCHEMA: Schema;
  export interface LoaderState {
    /** 0-based line of the parser's position. */
    readonly line: number;
    readonly result: unknown;
  }
  export interface LoadOptions {
    readonly filename?: string;
    readonly schema?: Schema;
    readonly json?: boolean;
    readonly listener?: (event: 'open' | 'close', state: LoaderState) => void;
  }
  export function load(text: string, options?: LoadOptions): unknown;
}
