// Baseline for the quality benchmark: a fixed jitter buffer. The first frame fixes the playout offset
// (arrival + delayMs); every later frame plays at its timestamp + that offset or is concealed. This is what a
// "fixed 60 ms buffer" means in softphones (Asterisk's fixed jb without its resync, which no trace here triggers).
import type { GetResult, JitterFrame, PutOutcome } from '../../electron/core/media/jitter/index.js';

export class FixedJitterBuffer<T> {
  private readonly queue: { ts: number; durationMs: number; data: T }[] = [];
  private offset: number | undefined;
  private playTs = 0;
  private started = false;

  constructor(private readonly delayMs: number, private readonly frameMs = 20) {}

  put(frame: JitterFrame<T>, ts: number, now: number): PutOutcome {
    if (frame.kind !== 'voice') return 'invalid';
    if (this.offset === undefined) this.offset = now + this.delayMs - ts;
    if (this.started && ts < this.playTs) return 'late';
    if (this.queue.some((f) => f.ts === ts)) return 'duplicate';
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1].ts > ts) i--;
    this.queue.splice(i, 0, { ts, durationMs: frame.durationMs, data: frame.data });
    return 'queued';
  }

  get(now: number, leadMs = 0): GetResult<T> {
    const head = this.queue[0];
    if (!this.started) {
      if (!head || this.offset === undefined) return { kind: 'empty', durationMs: this.frameMs };
      // Start exactly on the playout timeline (now + what the caller already holds), so the added delay is exactly
      // the fixed 60 ms; that favours the baseline on delay (its frames are then decided up to a period early).
      const startAt = head.ts + this.offset;
      const playout = now + leadMs;
      if (startAt - playout > 0.5) return { kind: 'empty', durationMs: Math.min(this.frameMs, Math.ceil(startAt - playout)) };
      this.started = true;
      this.playTs = head.ts;
    }
    while (this.queue.length > 0 && this.queue[0].ts < this.playTs) this.queue.shift();
    const next = this.queue[0];
    if (next && next.ts <= this.playTs) {
      this.queue.shift();
      this.playTs = next.ts + next.durationMs;
      return { kind: 'frame', data: next.data, timestamp: next.ts, durationMs: next.durationMs };
    }
    this.playTs += this.frameMs;
    return { kind: 'interpolate', durationMs: this.frameMs, reason: 'lost' };
  }
}
