// The IAX2 engine facade (engine-api.ts Iax2Engine): one socket, the transport and dialog table, one
// Registrar per account, NAT keepalive POKEs (N-2), incoming-call gating (C-10), the debug trace, and the call
// layer (electron/core/iax2/call/**) plugged in through a CallManagerFactory.
import type { CancelTimer, Clock, Logger, RandomSource, Resolver, UdpEndpoint, UdpSocketPort } from '../ports.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { createCallManager } from './call/index.js';
import type { IllegalTransitionPolicy } from './call/call-state-machine.js';
import type {
  AccountConfig, CallHandle, DialOptions, EngineEvents, Iax2Engine, RegistrationState,
} from './engine-api.js';
import { Registrar, type RegistrarOptions } from './registration/registrar.js';
import { resolveServer } from './registration/server-resolver.js';
import { traceEntryFrom } from './trace/format.js';
import type { CallHost, CallManager, CallManagerFactory, ResolvedServer } from './transport/call-host.js';
import type { Dialog } from './transport/dialog.js';
import { IaxTransport, type TraceCrypt } from './transport/iax-transport.js';
import type { RetransmitPolicy } from './transport/retransmit-policy.js';
import type { FullFrame } from './wire/types.js';
import type { CodecName } from '../media/codec.js';
import type { CallTokenPolicy } from './engine-api.js';
import { incomingAccount } from './incoming-account.js';

export interface EngineOptions {
  readonly socket: UdpSocketPort;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly resolver: Resolver;
  readonly logger?: Logger;
  /** The call layer (default: call/index.ts createCallManager). */
  readonly callManager?: CallManagerFactory;
  /** Retransmission timing (default: Asterisk's, spec §4.4). */
  readonly retransmit?: RetransmitPolicy;
  /** Registration retry back-off after failures (default 10, 20, 40, 60 s). */
  readonly registrationBackoffMs?: readonly number[];
  /** How long shutdown waits for each REGREL (default 4 s). */
  readonly unregisterTimeoutMs?: number;
  /** NAT keepalive POKE interval range while registered and idle (default 20-25 s, spec §8.3); 0 disables. */
  readonly keepaliveMs?: readonly [number, number] | 0;
  /**
   * An illegal call-state transition is a bug in the call layer: 'log' it and keep the call (the default, for users),
   * or 'throw' (the tests inject this, so such a bug fails them).
   */
  readonly illegalCallTransitions?: IllegalTransitionPolicy;
  /** Bounds on state under floods (defaults: 2048 dialogs, 4096 tombstones). */
  readonly maxDialogs?: number;
  readonly maxTombstones?: number;
  /** Voice stops to a peer that has answered none of our frames for this long (default 5 s; docs/security.md §7.4). */
  readonly peerSilentMs?: number;
}

const sameEndpoint = (a: UdpEndpoint, b: UdpEndpoint): boolean => a.address === b.address && a.port === b.port;


/** Fields of an account that, when changed, require a fresh registration. */
function registrationKey(a: AccountConfig): string {
  return JSON.stringify([a.server, a.username, a.secret ?? null, a.auth ?? null, a.refreshSeconds ?? null, a.register ?? true]);
}

export class Iax2EngineImpl extends TypedEmitter<EngineEvents> implements Iax2Engine {
  private readonly transport: IaxTransport;
  private readonly manager: CallManager;
  private readonly accounts = new Map<string, AccountConfig>();
  private readonly registrars = new Map<string, Registrar>();
  private readonly clock: Clock;
  private readonly logger?: Logger;
  private acceptDirect = false;
  private directCodecs: CodecName[] | undefined;
  private traceListeners = 0;
  private keepaliveTimer: CancelTimer | undefined;
  private shuttingDown = false;
  private readonly registrarOptions: RegistrarOptions;

  constructor(private readonly options: EngineOptions) {
    super();
    this.clock = options.clock;
    this.logger = options.logger;
    this.registrarOptions = {
      ...(options.registrationBackoffMs ? { backoffMs: options.registrationBackoffMs } : {}),
      ...(options.unregisterTimeoutMs !== undefined ? { unregisterTimeoutMs: options.unregisterTimeoutMs } : {}),
    };
    this.transport = new IaxTransport({
      socket: options.socket,
      clock: options.clock,
      random: options.random,
      logger: options.logger,
      ...(options.retransmit ? { policy: options.retransmit } : {}),
      ...(options.maxDialogs !== undefined ? { maxDialogs: options.maxDialogs } : {}),
      ...(options.maxTombstones !== undefined ? { maxTombstones: options.maxTombstones } : {}),
      ...(options.peerSilentMs !== undefined ? { peerSilentMs: options.peerSilentMs } : {}),
      onDatagram: (direction, bytes, peer, retry, crypt) => this.trace(direction, bytes, peer, retry, crypt),
      // Stateless answers go to our servers; direct callers earn them with a call token (docs/security.md §7).
      isKnownSource: (from) => this.accountsAt(from).length > 0,
      onIncomingNew: (frame, from) => this.incomingNew(frame, from),
    });
    const host: CallHost = {
      clock: options.clock,
      random: options.random,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.illegalCallTransitions ? { illegalTransitions: options.illegalCallTransitions } : {}),
      openDialog: (peer, o) => this.openDialogForCall(peer, o?.alternateAddresses ?? []),
      resolveServer: (server) => this.resolve(server),
      account: (id) => this.accounts.get(id),
      warn: (message) => this.emit('warning', message),
    };
    this.manager = (options.callManager ?? createCallManager)(host);
  }

  get localPort(): number {
    return this.transport.local.port;
  }

  override on<K extends keyof EngineEvents>(event: K, listener: (payload: EngineEvents[K]) => void): () => void {
    const off = super.on(event, listener);
    if (event !== 'trace') return off;
    this.traceListeners++;
    let removed = false;
    return () => { if (!removed) { removed = true; this.traceListeners--; } off(); };
  }

  // ----------------------------------------------------------------------------------------------
  // Accounts and registration

  setAccounts(accounts: readonly AccountConfig[]): void {
    if (this.shuttingDown) return;
    const next = new Map(accounts.map((a) => [a.id, a]));
    for (const [id, r] of this.registrars) {
      const a = next.get(id);
      if (!a || registrationKey(a) !== registrationKey(r.account)) {
        this.registrars.delete(id);
        // Same server and user (new secret, refresh…): the new REGREQ simply replaces the binding; a REGREL racing
        // it could undo it. Otherwise REGREL the old binding.
        const sameBinding = a !== undefined && a.register !== false && a.server === r.account.server && a.username === r.account.username;
        if (sameBinding) r.stop();
        else void r.unregister();
        if (!a) this.emit('registration', { accountId: id, server: r.account.server, status: 'unregistered' });
      }
    }
    this.accounts.clear();
    for (const [id, a] of next) {
      this.accounts.set(id, a);
      if (a.register === false || this.registrars.has(id)) continue;
      const r = new Registrar(a, {
        clock: this.clock,
        ...(this.logger ? { logger: this.logger } : {}),
        openDialog: (peer, alternates) => this.transport.openDialog(peer, alternates),
        resolveServer: (server) => this.resolve(server),
        stateChanged: (state) => { if (this.registrars.get(id) === r) this.onRegistration(state); },
        apparentAddressChanged: (accountId) => this.natMoved(accountId),
      }, this.registrarOptions);
      this.registrars.set(id, r);
      r.start();
    }
  }

  registrations(): RegistrationState[] {
    return [...this.registrars.values()].map((r) => r.state);
  }

  reregister(accountId?: string): void {
    if (this.shuttingDown) return;
    for (const [id, r] of this.registrars) if (accountId === undefined || id === accountId) r.start();
  }

  private onRegistration(state: RegistrationState): void {
    this.emit('registration', state);
    this.scheduleKeepalive();
  }

  /** N-3: one server saw our public address move, so every other server's binding is stale too: refresh them now. */
  private natMoved(accountId: string): void {
    this.emit('warning', `Our public address changed (seen by account ${accountId}); re-registering the other accounts.`);
    for (const [id, r] of this.registrars) if (id !== accountId) r.start();
  }

  // ----------------------------------------------------------------------------------------------
  // NAT keepalive (spec §8.3, N-2): a stateless POKE to each registered server every 20-25 s while idle.

  private scheduleKeepalive(): void {
    const range = this.options.keepaliveMs ?? [20_000, 25_000];
    if (range === 0 || this.keepaliveTimer || this.shuttingDown) return;
    if (!this.registrations().some((s) => s.status === 'registered')) return;
    const [lo, hi] = range;
    const delay = this.options.random.int(Math.round(lo), Math.round(Math.max(lo, hi)));
    this.keepaliveTimer = this.clock.setTimer(delay, () => {
      this.keepaliveTimer = undefined;
      this.sendKeepalives();
      this.scheduleKeepalive();
    });
  }

  private sendKeepalives(): void {
    const sent: UdpEndpoint[] = [];
    for (const r of this.registrars.values()) {
      if (r.state.status !== 'registered') continue;
      const target = r.serverEndpoints()[0];
      if (!target || sent.some((e) => sameEndpoint(e, target))) continue;
      // A call to that server sends its own PINGs (spec §8.1): the binding is warm already.
      if (this.manager.calls().some((c) => c.state !== 'ended' && c.accountId === r.account.id)) continue;
      sent.push(target);
      this.transport.sendPoke(target);
    }
  }

  // ----------------------------------------------------------------------------------------------
  // Calls

  dial(options: DialOptions): CallHandle {
    const account = options.account ?? (options.accountId !== undefined ? this.accounts.get(options.accountId) : undefined);
    return this.manager.dial(options, account);
  }

  calls(): CallHandle[] {
    return this.manager.calls();
  }

  setAcceptDirectCalls(accept: boolean, codecs?: readonly CodecName[], callTokens: CallTokenPolicy = 'required'): void {
    this.acceptDirect = accept;
    this.directCodecs = codecs && codecs.length > 0 ? [...codecs] : undefined;
    this.transport.setCallTokenPolicy(callTokens);
  }

  private openDialogForCall(peer: UdpEndpoint, alternates: readonly string[]): Dialog {
    const d = this.transport.openDialog(peer, alternates);
    if (d) return d;
    throw new Error('no free call number (too many dialogs)');
  }

  /** C-10: NEW only from a server we register with, unless direct calls are accepted. Others are dropped unanswered. */
  private incomingNew(frame: FullFrame, from: UdpEndpoint): void {
    if (this.shuttingDown) return;
    const accounts = this.accountsAt(from);
    if (accounts.length === 0 && !this.acceptDirect) {
      this.logger?.log('info', 'ignored a NEW from an address we do not register with', { from: `${from.address}:${from.port}` });
      return;
    }
    const { account, codecs } = incomingAccount(accounts, frame, this.directCodecs);
    const deliver = (dialog: Dialog, f: FullFrame): void => {
      const handle = this.manager.incoming(dialog, f, account, codecs);
      if (handle) this.emit('incoming', handle);
    };
    // A server we register with is known by its exact address (C-10); anyone else proves theirs with a call token
    // first, within rate limits (docs/security.md §7).
    if (accounts.length > 0) this.transport.acceptIncoming(frame, from, deliver);
    else this.transport.admitDirect(frame, from, deliver);
  }

  /**
   * The accounts whose server is exactly at `from` (address and port). C-10 asks for the IP "and ideally the port";
   * we require both, so another program on the server's host (or anything sharing its NAT address) can neither
   * call us nor draw stateless answers from us.
   */
  private accountsAt(from: UdpEndpoint): AccountConfig[] {
    const found: AccountConfig[] = [];
    for (const r of this.registrars.values()) {
      if (r.serverEndpoints().some((e) => sameEndpoint(e, from))) found.push(r.account);
    }
    return found;
  }

  private resolve(server: string): Promise<ResolvedServer> {
    return resolveServer(this.options.resolver, server);
  }

  // ----------------------------------------------------------------------------------------------

  private trace(direction: 'tx' | 'rx', bytes: Uint8Array, peer: UdpEndpoint, retry: boolean, crypt?: TraceCrypt): void {
    if (this.traceListeners === 0) return;
    // No copy: a received datagram is never reused (ports.ts UdpSocketPort), and every frame we send, retransmissions
    // included, is encoded (and sealed) into a buffer of its own.
    this.emit('trace', traceEntryFrom(direction, bytes, peer, this.clock.now(), direction === 'tx' ? retry : undefined, crypt));
  }

  async shutdown(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.keepaliveTimer?.();
    this.keepaliveTimer = undefined;
    try {
      await this.manager.hangupAll();
    } catch (err) {
      this.logger?.log('warn', 'hanging up calls at shutdown failed', { error: String(err) });
    }
    await Promise.all([...this.registrars.values()].map((r) => r.unregister()));
    for (const r of this.registrars.values()) r.stop();
    this.transport.stop();
  }

  /** Introspection for tests and diagnostics: sizes of the bounded tables. */
  stateSizes(): { dialogs: number; tombstones: number; callNumbers: number; voiceWithheld: number } {
    return {
      dialogs: this.transport.dialogCount(),
      tombstones: this.transport.tombstoneCount(),
      callNumbers: this.transport.callNumbersHeld(),
      voiceWithheld: this.transport.voiceWithheldCount(),
    };
  }

  protected override onListenerError(err: unknown, event: string): void {
    this.logger?.log('error', `engine listener for '${event}' threw`, { error: String(err) });
  }
}

/** Builds the engine (the lead's CLI and the Electron main process call this). */
export function createIax2Engine(options: EngineOptions): Iax2EngineImpl {
  return new Iax2EngineImpl(options);
}
