// The debug console's live stream of the engine's frames: when the store listens for them, the seeding with the
// engine's recent frames, picking the stream up again after the engine restarts, and what to say about a saved pcap.
// Kept apart from the store's snapshot because the trace is not state the page re-renders from (TraceLog, polled by
// the console).

import type { AccountView, RedialApi, TraceView } from '../../electron/shared/api.js';
import { serverPort } from '../lib/server-port.js';
import { TraceLog } from './trace-log.js';

/** Runs a request; a failure becomes a notice and `undefined` (the store's `run`). */
export type RunRequest = <T>(fn: () => Promise<T>) => Promise<T | undefined>;

export class TraceFeed {
  readonly log = new TraceLog();
  /** Stops the current stream's listener; null when nothing streams. */
  private off: (() => void) | null = null;
  /** The debug pane was open when the engine went: reopen its stream once it is back. */
  private wanted = false;

  constructor(private readonly run: RunRequest) {}

  /** Turns the live stream on or off; when turned on, seeds the log with the engine's recent frames. */
  async setLive(api: RedialApi, enabled: boolean): Promise<void> {
    // Events only flow while someone listens (electron/shared/rpc.ts), so the listener lives exactly as long as the pane.
    if (!enabled) {
      this.wanted = false;
      this.off?.();
      this.off = null;
      await this.run(() => api.request('trace:subscribe', { enabled: false }));
      return;
    }
    if (this.off) return;
    // Frames streamed before the buffered ones arrive are held back, so the log stays in seq order.
    let early: TraceView[] | null = [];
    this.off = api.on('trace', (t) => { if (early) early.push(t); else this.log.push(t); });
    const recent = await this.run(() => api.request('trace:subscribe', { enabled: true }));
    this.log.seed([...(recent ?? []), ...early]);
    early = null;
  }

  /** The engine went: stop listening, and remember to listen again if the pane was streaming. */
  pause(): void {
    if (this.off) this.wanted = true;
    this.off?.();
    this.off = null;
  }

  /** The page has a new connection: the old one's listener went with it. */
  detach(): void { this.off = null; }

  /** The engine is back: the stream the pane had is reopened. */
  resume(api: RedialApi): void {
    if (this.wanted) void this.setLive(api, true);
  }

  async clear(api: RedialApi): Promise<void> {
    this.log.clear();
    await this.run(() => api.request('trace:clear'));
  }
}

/** What to tell the user about a saved pcap of `res.frames` frames, with how to read it when a server is off 4569. */
export function pcapSaved(res: { readonly path: string; readonly frames: number }, accounts: readonly AccountView[]): string {
  // Wireshark decodes IAX2 on UDP 4569 only; a server on another port needs "Decode As".
  const ports = [...new Set(accounts.map((a) => serverPort(a.server)).filter((p) => p !== 4569))];
  const hint = ports.length > 0 ? ` (in Wireshark, use Decode As… UDP port ${ports.join('/')} → IAX2)` : '';
  return `Saved ${res.frames} frames to ${res.path}${hint}`;
}
