// Our 15-bit call numbers (spec §4.1, R-1): random in 2-32767 (0 means "unknown", 1 is Asterisk's stateless
// source), held for the dialog's life and quarantined for 60 s afterwards, as Asterisk does (MIN_REUSE_TIME = 60,
// sched_delay_remove()), so a stale retransmission can never land in a new dialog.
import type { Clock, RandomSource } from '../../ports.js';

export const MIN_CALL_NUMBER = 2;
export const MAX_CALL_NUMBER = 32767;
export const CALL_NUMBER_QUARANTINE_MS = 60_000;

export class CallNumberAllocator {
  /** In use by a live dialog or a transient reply (PONG), or quarantined until the given clock time. */
  private readonly busy = new Map<number, number>();
  private readonly quarantineMs: number;

  constructor(private readonly clock: Clock, private readonly random: RandomSource,
              options: { quarantineMs?: number } = {}) {
    this.quarantineMs = options.quarantineMs ?? CALL_NUMBER_QUARANTINE_MS;
  }

  /** A free number, or undefined when all 32766 are taken (a flood; the caller drops the work). */
  allocate(): number | undefined {
    const now = this.clock.now();
    // Random probes first: with few numbers busy this succeeds at once.
    for (let i = 0; i < 32; i++) {
      const n = this.random.int(MIN_CALL_NUMBER, MAX_CALL_NUMBER);
      if (this.isFree(n, now)) return this.take(n);
    }
    // Crowded: sweep from a random start so the result stays unpredictable.
    const span = MAX_CALL_NUMBER - MIN_CALL_NUMBER + 1;
    const start = this.random.int(0, span - 1);
    for (let i = 0; i < span; i++) {
      const n = MIN_CALL_NUMBER + ((start + i) % span);
      if (this.isFree(n, now)) return this.take(n);
    }
    return undefined;
  }

  /** The dialog is over: the number may be reused after the quarantine. */
  release(n: number): void {
    if (this.busy.has(n)) this.busy.set(n, this.clock.now() + this.quarantineMs);
  }

  /** Allocated and not yet released (quarantined numbers are not "in use"). */
  inUse(n: number): boolean {
    return this.busy.get(n) === Infinity;
  }

  /** Numbers held (in use or quarantined). Expired quarantines are pruned lazily. */
  size(): number {
    this.prune();
    return this.busy.size;
  }

  private isFree(n: number, now: number): boolean {
    const until = this.busy.get(n);
    if (until === undefined) return true;
    if (until <= now) { this.busy.delete(n); return true; }
    return false;
  }

  private take(n: number): number {
    this.busy.set(n, Infinity);
    if (this.busy.size > 1024 && this.busy.size % 256 === 0) this.prune();
    return n;
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [n, until] of this.busy) if (until <= now) this.busy.delete(n);
  }
}
