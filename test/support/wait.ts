// Waiting in tests: a plain sleep for when real time must pass, and `until` for waiting on a condition
// (polled every few ms, so a test takes as long as the thing it waits for, not a guessed fixed delay).

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `pred()` is true; rejects with "timed out: <what>" after `timeoutMs`. */
export async function until(what: string, pred: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out: ${what}`);
    await sleep(5);
  }
}

/** `until` for conditions that must be fetched (a CLI query, a file): polled every `intervalMs`. */
export async function untilAsync(what: string, pred: () => Promise<boolean>, timeoutMs = 5000, intervalMs = 100): Promise<void> {
  const start = Date.now();
  while (!(await pred())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out: ${what}`);
    await sleep(intervalMs);
  }
}
