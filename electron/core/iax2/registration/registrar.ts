// Registration of one account with its server (spec §5.4, A-1..A-5; RFC 5456 §6.1; the client side of Asterisk's
// iax2_do_register(), registry_rerequest(), iax2_ack_registry()):
//   REGREQ → [CALLTOKEN → REGREQ+token] → [REGAUTH → REGREQ+MD5] → REGACK | REGREJ
// Every attempt and every refresh is a new dialog. Refresh at 5/6 of the granted REFRESH; after a failure, retry
// with back-off 10, 20, 40, 60, 60 … s. REGREL (same flow, same subclass answering REGAUTH: A-3) on shutdown.
import type { CancelTimer, Clock, Logger, UdpEndpoint } from '../../ports.js';
import { answerChallenge } from '../auth.js';
import type { AccountConfig, RegistrationState, UserFacingError } from '../engine-api.js';
import { userErrors } from '../errors.js';
import type { ResolvedServer } from '../transport/call-host.js';
import type { Dialog } from '../transport/dialog.js';
import { encodeIes, IeReader } from '../wire/ies.js';
import { FrameType, IaxSubclass, IeType, type FullFrame, type RawIe } from '../wire/types.js';
import { parseCause, parseRegAck } from './regack.js';

export const DEFAULT_REFRESH_SECONDS = 60;
export const DEFAULT_BACKOFF_MS: readonly number[] = [10_000, 20_000, 40_000, 60_000];

export interface RegistrarHost {
  readonly clock: Clock;
  readonly logger?: Logger;
  openDialog(peer: UdpEndpoint, alternateAddresses: readonly string[]): Dialog | undefined;
  resolveServer(server: string): Promise<ResolvedServer>;
  stateChanged(state: RegistrationState): void;
  /** REGACK showed a different APPARENT_ADDR than the previous one: the NAT mapping moved (N-3). */
  apparentAddressChanged(accountId: string): void;
}

export interface RegistrarOptions {
  readonly backoffMs?: readonly number[];
  /** How long unregister() waits for REGREL to complete. */
  readonly unregisterTimeoutMs?: number;
}

type Purpose = 'register' | 'unregister';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

export class Registrar {
  private st: RegistrationState;
  private endpoints: readonly UdpEndpoint[] = [];
  private timer: CancelTimer | undefined;
  private dialog: Dialog | undefined;
  private failures = 0;
  private generation = 0;
  private stopped = false;
  private lastApparent: string | undefined;
  /** The server holds a binding for us (last REGREQ succeeded): REGREL is worth sending. */
  private bound = false;
  private readonly backoff: readonly number[];
  private readonly unregisterTimeoutMs: number;

  constructor(readonly account: AccountConfig, private readonly host: RegistrarHost, options: RegistrarOptions = {}) {
    this.backoff = options.backoffMs ?? DEFAULT_BACKOFF_MS;
    this.unregisterTimeoutMs = options.unregisterTimeoutMs ?? 4_000;
    this.st = { accountId: account.id, status: 'unregistered', server: account.server };
  }

  get state(): RegistrationState {
    return this.st;
  }

  /** The server's resolved endpoints (for C-10 and for deciding whom we may answer). */
  serverEndpoints(): readonly UdpEndpoint[] {
    return this.endpoints;
  }

  /** Register now (also: "check now", network change). Cancels any pending attempt or refresh. */
  start(): void {
    if (this.stopped) return;
    this.cancelTimer();
    this.abandonDialog();
    void this.attempt('register');
  }

  /** Stop without telling the server (account removed while unregistered, or engine teardown). */
  stop(): void {
    this.stopped = true;
    this.generation++;
    this.cancelTimer();
    this.abandonDialog();
  }

  /** REGREL if registered, then stop. Resolves when the server answered, gave up, or the timeout passed. */
  async unregister(): Promise<void> {
    const wasRegistered = this.bound;
    this.stopped = true;
    this.cancelTimer();
    this.abandonDialog();
    if (!wasRegistered) { this.generation++; return; }
    await new Promise<void>((resolve) => {
      const cancel = this.host.clock.setTimer(this.unregisterTimeoutMs, () => done());
      let finished = false;
      const done = (): void => {
        if (finished) return;
        finished = true;
        cancel();
        this.abandonDialog();
        if (this.st.status === 'unregistering') this.setState({ status: 'unregistered' });
        resolve();
      };
      void this.attempt('unregister', done);
    });
    this.generation++;
  }

  // --------------------------------------------------------------------------------------------

  private async attempt(purpose: Purpose, done?: () => void): Promise<void> {
    const gen = ++this.generation;
    const acc = this.account;
    this.setState({ status: purpose === 'register' ? 'registering' : 'unregistering' }, true);
    const resolved = this.endpoints.length > 0 && purpose === 'unregister'
      ? { ok: true as const, endpoints: this.endpoints }
      : await this.host.resolveServer(acc.server);
    if (gen !== this.generation) return;
    if (!resolved.ok) { this.failed(resolved.error, purpose, done); return; }
    this.endpoints = resolved.endpoints;
    if (text(acc.username).length > 255 || acc.username.length === 0) {
      this.failed({ code: 'unknown-user', message: `The user name "${acc.username.slice(0, 40)}" is empty or longer than IAX2 allows (255 bytes).` }, purpose, done);
      return;
    }
    const [primary, ...others] = resolved.endpoints;
    const dialog = this.host.openDialog(primary, others.map((e) => e.address));
    if (!dialog) { this.failed(userErrors.internal('no free call number'), purpose, done); return; }
    this.dialog = dialog;
    const subclass = purpose === 'register' ? IaxSubclass.REGREQ : IaxSubclass.REGREL;
    const baseIes: RawIe[] = [{ type: IeType.USERNAME, data: text(acc.username) }];
    if (purpose === 'register') {
      const refresh = Math.max(1, Math.min(65535, Math.round(acc.refreshSeconds ?? DEFAULT_REFRESH_SECONDS)));
      baseIes.push({ type: IeType.REFRESH, data: Uint8Array.of(refresh >>> 8, refresh & 0xff) });
    }
    let answeredChallenge = false;
    let settled = false;
    const settle = (): boolean => {
      if (settled || gen !== this.generation) return false;
      settled = true;
      return true;
    };

    dialog.on('frame', (f: FullFrame) => {
      if (f.frameType !== FrameType.IAX || gen !== this.generation || settled) return;
      switch (f.subclass) {
        case IaxSubclass.REGAUTH: {
          if (answeredChallenge) return; // a second challenge in one dialog: ignore, let it time out
          const r = IeReader.fromPayload(f.payload);
          const methods = r.ok ? r.value.u16(IeType.AUTHMETHODS) ?? 0 : 0;
          const challenge = r.ok ? r.value.bytes(IeType.CHALLENGE) : undefined;
          const answer = answerChallenge(methods, challenge, acc.secret, acc.auth);
          if (!answer.ok) {
            if (settle()) { dialog.close('local'); this.failed(userErrors.authMethod(acc.server, answer.reason), purpose, done); }
            return;
          }
          let payload: Uint8Array;
          try {
            payload = encodeIes([...baseIes, answer.ie]);
          } catch {
            if (settle()) { dialog.close('local'); this.failed(userErrors.authMethod(acc.server, 'the password is longer than IAX2 allows (255 bytes)'), purpose, done); }
            return;
          }
          answeredChallenge = true;
          // answer with the same subclass (REGREQ or REGREL); Asterisk decides by it.
          dialog.sendReliable({ frameType: FrameType.IAX, subclass, payload });
          return;
        }
        case IaxSubclass.REGACK: {
          if (!settle()) return;
          dialog.close('remote');
          if (purpose === 'register') this.registered(parseRegAck(f.payload));
          else { this.bound = false; this.setState({ status: 'unregistered' }); done?.(); }
          return;
        }
        case IaxSubclass.REGREJ:
        case IaxSubclass.REJECT: {
          if (!settle()) return;
          dialog.close('remote');
          const { cause, causeCode } = parseCause(f.payload);
          let error: UserFacingError;
          if (f.sourceCall === 1 && f.payload.length === 0) error = userErrors.callTokenRequired(acc.server);
          else if (answeredChallenge) error = userErrors.authFailed(acc.username, acc.server, cause, causeCode);
          else error = userErrors.unknownUser(acc.username, acc.server, cause, causeCode);
          this.failed(error, purpose, done);
          return;
        }
        default:
          return;
      }
    });
    dialog.on('closed', (reason) => {
      if (gen !== this.generation || settled) return;
      if (reason === 'max-retries') { settle(); this.failed(userErrors.noAnswer(acc.server, dialog.peer), purpose, done); }
      else if (reason === 'inval') { settle(); this.failed(userErrors.invalidated(acc.server), purpose, done); }
    });
    dialog.sendOpening(subclass, baseIes);
  }

  private registered(info: ReturnType<typeof parseRegAck>): void {
    this.failures = 0;
    this.bound = true;
    this.dialog = undefined;
    const refresh = info.refreshSeconds ?? this.account.refreshSeconds ?? DEFAULT_REFRESH_SECONDS;
    const apparent = info.apparentAddress ? `${info.apparentAddress.address}:${info.apparentAddress.port}` : undefined;
    const moved = apparent !== undefined && this.lastApparent !== undefined && apparent !== this.lastApparent;
    if (apparent !== undefined) this.lastApparent = apparent;
    // refresh at 5/6 of the granted time, as Asterisk's own client does.
    const delay = Math.max(1_000, Math.floor((refresh * 1000 * 5) / 6));
    this.timer = this.host.clock.setTimer(delay, () => { this.timer = undefined; void this.attempt('register'); });
    this.setState({
      status: 'registered', refreshSeconds: refresh,
      ...(info.apparentAddress ? { apparentAddress: info.apparentAddress } : {}),
      ...(info.messages ? { messages: info.messages } : {}),
      nextAttemptAt: this.host.clock.now() + delay,
    });
    if (moved) this.host.apparentAddressChanged(this.account.id);
  }

  private failed(error: UserFacingError, purpose: Purpose, done?: () => void): void {
    this.dialog = undefined;
    if (purpose === 'unregister') {
      this.bound = false;
      this.setState({ status: 'unregistered', error });
      done?.();
      return;
    }
    const delay = this.backoff[Math.min(this.failures, this.backoff.length - 1)] ?? 60_000;
    this.failures++;
    this.host.logger?.log('warn', 'registration failed', { account: this.account.id, code: error.code, retryInMs: delay });
    this.timer = this.host.clock.setTimer(delay, () => { this.timer = undefined; void this.attempt('register'); });
    this.setState({ status: 'failed', error, nextAttemptAt: this.host.clock.now() + delay });
  }

  private setState(change: Partial<Omit<RegistrationState, 'accountId' | 'server'>>, keepDetails = false): void {
    const base: RegistrationState = { accountId: this.account.id, server: this.account.server, status: this.st.status };
    const kept = keepDetails
      ? { ...(this.st.apparentAddress ? { apparentAddress: this.st.apparentAddress } : {}),
          ...(this.st.messages ? { messages: this.st.messages } : {}) }
      : {};
    this.st = { ...base, ...kept, ...change } as RegistrationState;
    this.host.stateChanged(this.st);
  }

  private cancelTimer(): void {
    this.timer?.();
    this.timer = undefined;
  }

  private abandonDialog(): void {
    const d = this.dialog;
    this.dialog = undefined;
    if (d && !d.closed) d.close('local');
  }
}
