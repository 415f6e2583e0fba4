// Asterisk as the caller, for the set-up-under-loss anchor: a second stock Asterisk 22 (test/asterisk/caller) dials
// the test PBX's Echo() as the user `loadgen` through an impairment proxy, and its dialplan (context setup-loss)
// records in AstDB when Dial() started and when the call was answered. Same yardstick as echo-calls.ts for Redial:
// dial → answer, a call not answered within 10 s counts as failed (Dial()'s timeout).
import type { Asterisk } from './asterisk.js';

export interface CallerResult {
  /** Dial() → answer in ms; undefined when not answered within 10 s. */
  readonly setupMs?: number;
  readonly status: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** AstDB family setuploss: "<uid>" = "<t0> <tanswer>" and "<uid>-status" = DIALSTATUS. */
async function results(caller: Asterisk): Promise<Map<string, { times?: string; status?: string }>> {
  const text = await caller.cli('database show setuploss');
  const out = new Map<string, { times?: string; status?: string }>();
  for (const m of text.matchAll(/^\/setuploss\/(\S+?)(-status)?\s*:\s*(.*?)\s*$/gm)) {
    const e = out.get(m[1]) ?? {};
    if (m[2]) e.status = m[3]; else e.times = m[3];
    out.set(m[1], e);
  }
  return out;
}

/**
 * `count` calls into the echo behind `proxyPort`, `parallel` at a time (in waves: the next wave starts when every
 * call of the last one has a DIALSTATUS).
 */
export async function asteriskCallerCalls(caller: Asterisk, proxyPort: number, count: number, parallel: number): Promise<CallerResult[]> {
  await caller.cli('database deltree setuploss');
  let done = 0;
  while (done < count) {
    const wave = Math.min(parallel, count - done);
    for (let i = 0; i < wave; i++) await caller.cli(`channel originate Local/${proxyPort}@setup-loss application Wait 20`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const finished = [...(await results(caller)).values()].filter((e) => e.status !== undefined).length;
      if (finished >= done + wave) break;
      if (Date.now() > deadline) throw new Error(`the Asterisk caller finished ${finished - done} of ${wave} calls in 60 s`);
      await sleep(250);
    }
    done += wave;
  }
  return [...(await results(caller)).values()].filter((e) => e.status !== undefined).map((e) => {
    const [t0, t1] = (e.times ?? '').split(' ').map(Number);
    const answered = e.status === 'ANSWER' && Number.isFinite(t0) && Number.isFinite(t1);
    return { status: e.status ?? '', ...(answered ? { setupMs: (t1 - t0) * 1000 } : {}) };
  });
}
