// A scripted stand-in for the Iax2Engine, for PhoneService unit tests: it records what the phone asks of it
// and lets the test play the network's part (registration results, incoming calls, call progress).
// The phone is also tested against the real engine (phone-service-engine.test.ts).
import type {
  AccountConfig, CallDirection, CallEvents, CallHandle, CallState, CallStats, DialOptions, EngineEvents, Iax2Engine,
  RegistrationState,
} from '../../../electron/core/iax2/engine-api.js';
import type { CodecName } from '../../../electron/core/media/codec.js';
import { TypedEmitter } from '../../../electron/core/util/typed-emitter.js';

export class FakeCall extends TypedEmitter<CallEvents> implements CallHandle {
  state: CallState;
  codec?: CodecName;
  /** AES-128 (spec §7): the engine sets it without an event of its own; tests flip it the same way. */
  encrypted?: boolean;
  readonly actions: string[] = [];
  constructor(
    readonly id: string, readonly direction: CallDirection, readonly number: string,
    readonly accountId?: string, readonly remote: CallHandle['remote'] = {},
    readonly autoAnswerRequested = false,
  ) {
    super();
    this.state = direction === 'incoming' ? 'ringing' : 'dialing';
  }
  go(state: CallState): void { this.state = state; this.emit('state', state); }
  fire<K extends keyof CallEvents>(name: K, payload: CallEvents[K]): void { this.emit(name, payload); }
  end(by: 'local' | 'remote' | 'network', extra: Partial<CallEvents['ended']> = {}): void {
    this.state = 'ended';
    this.emit('state', 'ended');
    this.emit('ended', { by, ...extra });
  }
  answer(): void { this.actions.push('answer'); this.codec = 'ulaw'; this.go('up'); }
  reject(reason?: 'busy' | 'declined'): void { this.actions.push(`reject:${reason ?? ''}`); this.end('local', { cause: 'Call rejected' }); }
  hangup(): void { this.actions.push('hangup'); this.end('local', { cause: 'Normal Clearing', causeCode: 16 }); }
  sendDtmf(d: string): void { this.actions.push(`dtmf:${d}`); }
  sendText(t: string): void { this.actions.push(`text:${t}`); }
  /** As the engine's Call: only an answered call goes on hold, and only a held one resumes. */
  hold(): void { this.actions.push('hold'); if (this.state === 'up') this.go('held'); }
  unhold(): void { this.actions.push('unhold'); if (this.state === 'held') this.go('up'); }
  transfer(t: string): void { this.actions.push(`transfer:${t}`); }
  sendVoice(_payload: Uint8Array, _durationMs: number): void { /* no media here */ }
  stats(): CallStats { return { framesReceived: 10, framesSent: 9, framesLost: 1, lossPercent: 10, retransmissions: 0, rttMs: 5 }; }
}

export class FakeEngine extends TypedEmitter<EngineEvents> implements Iax2Engine {
  localPort = 45000;
  accounts: readonly AccountConfig[] = [];
  readonly dials: DialOptions[] = [];
  readonly reregistered: (string | undefined)[] = [];
  acceptDirect = false;
  shutDown = false;
  private n = 0;
  private readonly live: FakeCall[] = [];

  setAccounts(accounts: readonly AccountConfig[]): void { this.accounts = accounts; }
  registrations(): RegistrationState[] { return this.accounts.filter((a) => a.register !== false).map((a) => ({ accountId: a.id, status: 'registering', server: a.server })); }
  reregister(accountId?: string): void { this.reregistered.push(accountId); }
  dial(options: DialOptions): CallHandle {
    this.dials.push(options);
    // As the engine: a one-off account (a direct call) names the call like a saved one would.
    const c = new FakeCall(`out-${++this.n}`, 'outgoing', options.number, options.accountId ?? options.account?.id);
    this.live.push(c);
    return c;
  }
  calls(): CallHandle[] { return this.live.filter((c) => c.state !== 'ended'); }
  setAcceptDirectCalls(accept: boolean): void { this.acceptDirect = accept; }
  shutdown(): Promise<void> { this.shutDown = true; return Promise.resolve(); }

  fire<K extends keyof EngineEvents>(name: K, payload: EngineEvents[K]): void { this.emit(name, payload); }
  lastCall(): FakeCall { return this.live[this.live.length - 1]; }
  /** An incoming call from `remote` to `called` (Asterisk sends "s" when its dialplan names no extension). */
  ring(remote: CallHandle['remote'], autoAnswer = false, called = 's'): FakeCall {
    return this.ringAs(this.accounts[0]?.id, remote, autoAnswer, called);
  }
  /** A direct call (no account): from `remote.address`, sent to the extension `called`. */
  ringDirect(remote: CallHandle['remote'], called: string): FakeCall {
    return this.ringAs(undefined, remote, false, called);
  }
  private ringAs(accountId: string | undefined, remote: CallHandle['remote'], autoAnswer: boolean, called: string): FakeCall {
    const c = new FakeCall(`in-${++this.n}`, 'incoming', called, accountId, remote, autoAnswer);
    this.live.push(c);
    this.emit('incoming', c);
    return c;
  }
}
