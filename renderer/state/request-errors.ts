// How a failed request reads in a notice: the contract's errors carry a code and a message (electron/shared/api.ts),
// anything else thrown is shown as its text under the code 'error'.

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export function codeOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : 'error';
}
