// A stand-in for the transport's Dialog (transport/dialog.ts) so the call layer's decisions can be checked frame by
// frame. It records what the call sends and lets the test deliver frames; sequencing/ACK is the transport's job and
// is covered by the integration tests over real UDP.
import type { Dialog, DialogCloseReason, DialogEvents, DialogStats, OutgoingFrame, ReceivedVoice, SendOptions } from '../../../../electron/core/iax2/transport/dialog.js';
import type { CallHost } from '../../../../electron/core/iax2/transport/call-host.js';
import { TypedEmitter } from '../../../../electron/core/util/typed-emitter.js';
import { FrameType, type FullFrame, type RawIe } from '../../../../electron/core/iax2/wire/types.js';
import { IeReader } from '../../../../electron/core/iax2/wire/ies.js';
import { FakeClock } from '../../../support/fake-clock.js';

export type Sent =
  | { kind: 'opening'; subclass: number; ies: readonly RawIe[] }
  | { kind: 'reliable'; frame: OutgoingFrame; options?: SendOptions }
  | { kind: 'voice'; formatBit: number; payload: Uint8Array; durationMs: number };

class Emitter extends TypedEmitter<DialogEvents> {
  fire<K extends keyof DialogEvents>(k: K, p: DialogEvents[K]): void { this.emit(k, p); }
}

export class FakeDialog implements Dialog {
  readonly sent: Sent[] = [];
  readonly peer = { address: '127.0.0.1', port: 4569 };
  remoteCall = 0;
  closed = false;
  closeReason: string | undefined;
  private readonly ev = new Emitter();
  constructor(readonly localCall: number, readonly direction: 'outgoing' | 'incoming', private readonly clock: FakeClock) {
    // Surface listener errors synchronously (the default rethrows in a microtask).
    (this.ev as unknown as { onListenerError: (e: unknown) => void }).onListenerError = (e) => { throw e; };
  }
  elapsed(): number { return this.clock.now(); }
  sendOpening(subclass: number, ies: readonly RawIe[]): void { this.sent.push({ kind: 'opening', subclass, ies }); }
  sendReliable(frame: OutgoingFrame, options?: SendOptions): void {
    if (this.closed) return;
    this.sent.push({ kind: 'reliable', frame, ...(options ? { options } : {}) });
  }
  sendVoice(formatBit: number, payload: Uint8Array, durationMs: number): void { this.sent.push({ kind: 'voice', formatBit, payload, durationMs }); }
  close(reason: 'local' | 'remote' = 'local'): void {
    if (this.closed) return;
    this.closed = true; this.closeReason = reason; this.ev.fire('closed', reason);
  }
  stats(): DialogStats {
    return { fullFramesSent: 0, fullFramesReceived: 0, voiceFramesSent: 0, voiceFramesReceived: 0, retransmissions: 2, duplicatesReceived: 0, vnaksSent: 0 };
  }
  on<K extends keyof DialogEvents>(event: K, listener: (payload: DialogEvents[K]) => void): () => void { return this.ev.on(event, listener); }

  // --- test side
  deliver(frameType: number, subclass: number, payload: Uint8Array = new Uint8Array(0), extra: Partial<FullFrame> = {}): void {
    if (this.remoteCall === 0 && (extra.sourceCall ?? 7) !== 1) this.remoteCall = extra.sourceCall ?? 7;
    this.ev.fire('frame', { kind: 'full', sourceCall: 7, destCall: this.localCall, retransmit: false, timestamp: this.clock.now(),
      oseqno: 0, iseqno: 0, frameType, subclass, payload, ...extra });
  }
  voice(v: ReceivedVoice): void { this.ev.fire('voice', v); }
  fail(reason: DialogCloseReason): void { this.closed = true; this.ev.fire('closed', reason); }
  /** The reliable frames sent, as [type, subclass] pairs. */
  frames(): Array<[number, number]> {
    return this.sent.filter((s): s is Extract<Sent, { kind: 'reliable' }> => s.kind === 'reliable').map((s) => [s.frame.frameType, s.frame.subclass]);
  }
  lastReliable(): Extract<Sent, { kind: 'reliable' }> {
    const r = this.sent.filter((s): s is Extract<Sent, { kind: 'reliable' }> => s.kind === 'reliable');
    return r[r.length - 1]!;
  }
  iesOf(s: Extract<Sent, { kind: 'reliable' }>): IeReader {
    return new IeReader(IeReader.fromPayload(s.frame.payload ?? new Uint8Array(0)).ok ? (IeReader.fromPayload(s.frame.payload ?? new Uint8Array(0)) as { ok: true; value: IeReader }).value.ies : []);
  }
}

export function fakeHost(clock: FakeClock, dialogs: FakeDialog[], warnings: string[] = []): CallHost {
  let n = 100;
  return {
    clock,
    // A call-layer bug (an illegal state transition) fails the test.
    illegalTransitions: 'throw',
    random: { int: (min) => min, bytes: (len) => new Uint8Array(len) },
    openDialog: () => { const d = new FakeDialog(n++, 'outgoing', clock); dialogs.push(d); return d; },
    resolveServer: async (server) => server.startsWith('bad')
      ? { ok: false, error: { code: 'dns', message: `cannot resolve ${server}` } }
      : { ok: true, endpoints: [{ address: '127.0.0.1', port: 4569 }] },
    account: () => undefined,
    warn: (m) => { warnings.push(m); },
  };
}

export { FrameType };
