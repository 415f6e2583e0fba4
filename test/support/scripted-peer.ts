// A scripted IAX2 server on 127.0.0.1 for tests: real UDP, our wire codec, and its own *minimal* reliability
// (sequence numbers, implicit ACK, explicit ACK, re-ACK of duplicates, retransmission) so it can play Asterisk's
// part independently of our transport. It is a fixture, not the product.
//
// Built in: registration (spec §5.4) with requirecalltoken yes/no, MD5 (or plaintext) REGAUTH, REGACK with refresh /
// apparent address / msgcount / caller id, REGREJ for a wrong secret or an unknown user, the apathetic REGREJ when
// the token is missing, PONG to POKE, optional datagram dropping, and a record of everything received and sent.
//
// Extending it (call scenarios): register handlers with `peer.handle(frameType, subclass, ctx => …)`; a handler for
// a frame without a dialog (dcallno 0, e.g. NEW) can `ctx.checkCallToken()` then `ctx.accept()` to get a
// ServerDialog and answer with `dialog.send(...)`. `peer.openDialog(to)` starts a dialog towards us (NEW to the
// client). When to use it at all: docs/testing.md §1.3.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import type { UdpEndpoint } from '../../electron/core/ports.js';
import { decodeDatagram, encodeFullFrame, encodeMiniFrame } from '../../electron/core/iax2/wire/frame-codec.js';
import { encodeApparentAddr, encodeIes, IeReader, IeWriter } from '../../electron/core/iax2/wire/ies.js';
import {
  AuthMethod, FrameType, IaxSubclass, IeType, type Datagram, type FullFrame, type MiniFrame, type RawIe,
} from '../../electron/core/iax2/wire/types.js';

export interface PeerUser {
  /** Undefined: REGACK without REGAUTH (a peer with no secret). */
  readonly secret?: string;
  readonly mailbox?: { readonly old: number; readonly new: number };
  readonly callerId?: { readonly number?: string; readonly name?: string };
}

export interface RegistrarScript {
  readonly users: Readonly<Record<string, PeerUser>>;
  /** requirecalltoken=yes (default true). */
  readonly requireCallToken?: boolean;
  /** AUTHMETHODS offered in REGAUTH (default MD5). */
  readonly authMethods?: number;
  /** REFRESH granted (default: the requested value clamped to [minRefresh, maxRefresh] = [60, 60], like Asterisk). */
  readonly grantRefresh?: (requested: number | undefined) => number;
  /** APPARENT_ADDR to report (default: the REGREQ's real source). */
  readonly apparentAddress?: (from: UdpEndpoint) => UdpEndpoint;
  /** Like Asterisk (no delayreject): unknown users get a fake REGAUTH first. Default false: REGREJ at once. */
  readonly fakeChallengeForUnknownUsers?: boolean;
}

export interface Received {
  readonly at: number;
  readonly from: UdpEndpoint;
  readonly datagram: Datagram;
  readonly raw: Uint8Array;
}

export interface PeerOptions {
  /** Drop this inbound datagram (n counts every datagram received, from 0). */
  readonly dropInbound?: (d: Datagram, n: number) => boolean;
  /** Drop this outbound datagram (n counts every datagram the peer tried to send). */
  readonly dropOutbound?: (d: Datagram, n: number) => boolean;
  /** The peer's own retransmission timeout (ms) and transmissions before it gives up. */
  readonly rtoMs?: number;
  readonly maxTransmissions?: number;
  /**
   * Emulate Asterisk's duplicate-dialog hazard (spec §3.4): a retransmitted request carrying a valid token opens a
   * brand-new server dialog instead of matching the existing one (__find_callno() with NEW_ALLOW_CALLTOKEN_VALIDATED).
   */
  readonly duplicateDialogOnTokenResend?: boolean;
  /** Call-token lifetime (Asterisk calltokenexpiration, 10 s). */
  readonly tokenLifetimeMs?: number;
}

export interface FrameContext {
  readonly frame: FullFrame;
  readonly from: UdpEndpoint;
  /** The dialog the frame belongs to (undefined for frames with dcallno 0 that opened nothing yet). */
  readonly dialog: ServerDialog | undefined;
  readonly peer: ScriptedPeer;
  /**
   * For a dialog-opening frame (dcallno 0): enforce call tokens like Asterisk (spec §3.4). Returns true when the caller
   * may proceed (token valid, or tokens not required); otherwise the apathetic reply (CALLTOKEN, or REJECT/REGREJ
   * with no IEs) was already sent.
   */
  checkCallToken(required: boolean): boolean;
  /** Creates the server dialog for a dialog-opening frame, processing the frame (sequence numbers) in it. */
  accept(): ServerDialog;
}

export type FrameHandler = (ctx: FrameContext) => void;

interface Pending {
  readonly oseqno: number;
  readonly frame: Omit<FullFrame, 'kind' | 'iseqno' | 'retransmit'>;
  readonly final: boolean;
  transmissions: number;
  timer?: NodeJS.Timeout;
}

const now = (): number => performance.now();
const key = (e: UdpEndpoint, call: number): string => `${e.address}|${e.port}|${call}`;
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** One server-side dialog with minimal reliability. */
export class ServerDialog {
  remoteCall: number;
  oseqno = 0;
  iseqno = 0;
  closed = false;
  readonly epoch = now();
  /** Scenario scratch space (e.g. the user being registered). */
  readonly data: Record<string, unknown> = {};
  private pending: Pending[] = [];
  private sentDuringHandler = 0;

  constructor(readonly peer: ScriptedPeer, readonly localCall: number, readonly remote: UdpEndpoint, remoteCall: number) {
    this.remoteCall = remoteCall;
  }

  elapsed(): number {
    return Math.max(0, Math.floor(now() - this.epoch));
  }

  /** A reliable full frame; `final`: the dialog is destroyed once it is ACKed. */
  send(frameType: number, subclass: number, payload: Uint8Array | readonly RawIe[] = new Uint8Array(0),
       opts: { final?: boolean; timestamp?: number; subclassBit?: number } = {}): void {
    if (this.closed) return;
    const body = payload instanceof Uint8Array ? payload : encodeIes(payload);
    const p: Pending = {
      oseqno: this.oseqno,
      frame: { sourceCall: this.localCall, destCall: this.remoteCall, timestamp: opts.timestamp ?? this.elapsed(),
        oseqno: this.oseqno, frameType, subclass, ...(opts.subclassBit !== undefined ? { subclassBit: opts.subclassBit } : {}), payload: body },
      final: opts.final ?? false,
      transmissions: 0,
    };
    this.oseqno = (this.oseqno + 1) & 0xff;
    this.pending.push(p);
    this.sentDuringHandler++;
    this.transmit(p, false);
  }

  /** Unsequenced frames (ACK, VNAK, INVAL): current seqnos, never retransmitted. */
  sendUnsequenced(subclass: number, timestamp: number): void {
    this.sentDuringHandler++;
    this.peer.sendRaw(encodeFullFrame({ sourceCall: this.localCall, destCall: this.remoteCall, retransmit: false,
      timestamp, oseqno: this.oseqno, iseqno: this.iseqno, frameType: FrameType.IAX, subclass, payload: new Uint8Array(0) }), this.remote);
  }

  sendMini(timestamp16: number, payload: Uint8Array): void {
    this.peer.sendRaw(encodeMiniFrame(this.localCall, timestamp16, payload), this.remote);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending) if (p.timer) clearTimeout(p.timer);
    this.pending = [];
    this.peer.forget(this);
  }

  /** Frames still waiting for an ACK. */
  unacked(): number {
    return this.pending.length;
  }

  private transmit(p: Pending, retry: boolean): void {
    p.transmissions++;
    this.peer.sendRaw(encodeFullFrame({ ...p.frame, iseqno: this.iseqno, retransmit: retry }), this.remote);
    if (p.timer) clearTimeout(p.timer);
    p.timer = setTimeout(() => {
      if (this.closed || !this.pending.includes(p)) return;
      if (p.transmissions >= this.peer.maxTransmissions) { this.close(); return; }
      this.transmit(p, true);
    }, this.peer.rtoMs);
    p.timer.unref();
  }

  /** @internal Receive path: implicit ACK, ordering, delivery, explicit ACK. */
  receive(f: FullFrame, from: UdpEndpoint, handler: FrameHandler | undefined): void {
    if (this.closed) return;
    const isIax = f.frameType === FrameType.IAX;
    if (!(isIax && f.subclass === IaxSubclass.INVAL)) this.implicitAck(f.iseqno);
    if (isIax && (f.subclass === IaxSubclass.ACK || f.subclass === IaxSubclass.TXCNT || f.subclass === IaxSubclass.TXACC)) return;
    if (isIax && f.subclass === IaxSubclass.INVAL) { this.close(); return; }
    if (isIax && f.subclass === IaxSubclass.VNAK) {
      for (const p of [...this.pending]) if (((p.oseqno - f.iseqno) & 0xff) < 128) this.transmit(p, true);
      return;
    }
    const behind = (this.iseqno - f.oseqno) & 0xff;
    if (behind !== 0) {
      if (behind < 128) this.sendUnsequenced(IaxSubclass.ACK, f.timestamp); // duplicate: ACK anyway
      else this.sendUnsequenced(IaxSubclass.VNAK, this.elapsed());
      return;
    }
    this.iseqno = (this.iseqno + 1) & 0xff;
    this.sentDuringHandler = 0;
    handler?.({ frame: f, from, dialog: this, peer: this.peer, checkCallToken: () => true, accept: () => this });
    if (this.sentDuringHandler === 0) this.sendUnsequenced(IaxSubclass.ACK, f.timestamp);
  }

  private implicitAck(iseqno: number): void {
    const still: Pending[] = [];
    let finalAcked = false;
    for (const p of this.pending) {
      const acked = ((iseqno - p.oseqno - 1) & 0xff) < 128;
      if (acked) { if (p.timer) clearTimeout(p.timer); if (p.final) finalAcked = true; } else still.push(p);
    }
    this.pending = still;
    if (finalAcked) this.close();
  }
}

export class ScriptedPeer {
  readonly received: Received[] = [];
  readonly sent: Received[] = [];
  readonly rtoMs: number;
  readonly maxTransmissions: number;
  private readonly handlers = new Map<string, FrameHandler>();
  private miniHandler: ((m: MiniFrame, dialog: ServerDialog) => void) | undefined;
  private readonly dialogs = new Map<number, ServerDialog>();
  private readonly byRemote = new Map<string, ServerDialog>();
  private readonly tokenKey = randomBytes(16);
  private readonly tokenLifetimeMs: number;
  private inCount = 0;
  private outCount = 0;
  private nextCall = 2 + Math.floor(Math.random() * 1000);

  private constructor(private readonly socket: Socket, readonly address: UdpEndpoint, private readonly options: PeerOptions) {
    this.rtoMs = options.rtoMs ?? 250;
    this.maxTransmissions = options.maxTransmissions ?? 8;
    this.tokenLifetimeMs = options.tokenLifetimeMs ?? 10_000;
    socket.on('message', (msg, rinfo) => this.onMessage(new Uint8Array(msg), { address: rinfo.address, port: rinfo.port }));
    // Qualify: PONG from call number 1, timestamp echoed, oseqno 0, iseqno 1 (Asterisk's stateless answer).
    this.handle(FrameType.IAX, IaxSubclass.POKE, (ctx) => {
      if (!ctx.dialog) this.sendApathetic(ctx.frame, ctx.from, IaxSubclass.PONG);
    });
  }

  static async start(options: PeerOptions = {}): Promise<ScriptedPeer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => { socket.off('error', reject); resolve(); });
    });
    const a = socket.address();
    return new ScriptedPeer(socket, { address: a.address, port: a.port }, options);
  }

  /** "127.0.0.1:port", for AccountConfig.server. */
  get server(): string {
    return `${this.address.address}:${this.address.port}`;
  }

  async stop(): Promise<void> {
    for (const d of [...this.dialogs.values()]) d.close();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  handle(frameType: number, subclass: number, handler: FrameHandler): void {
    this.handlers.set(`${frameType}:${subclass}`, handler);
  }

  /** Answers the client's HANGUP as a server does: ACK it (timestamp echoed) and forget the dialog. */
  ackHangups(): void {
    this.handle(FrameType.IAX, IaxSubclass.HANGUP, (ctx) => {
      ctx.dialog?.sendUnsequenced(IaxSubclass.ACK, ctx.frame.timestamp);
      ctx.dialog?.close();
    });
  }

  /** Mini voice frames from the client, per dialog (they are also in `received`). */
  handleMini(handler: (m: MiniFrame, dialog: ServerDialog) => void): void {
    this.miniHandler = handler;
  }

  /** A dialog started by the peer (e.g. an incoming call to the client: then `dialog.send(IAX, NEW, ies)`). */
  openDialog(to: UdpEndpoint): ServerDialog {
    const d = new ServerDialog(this, this.allocate(), to, 0);
    this.dialogs.set(d.localCall, d);
    return d;
  }

  liveDialogs(): ServerDialog[] {
    return [...this.dialogs.values()];
  }

  /** Full frames received, decoded (optionally only IAX ones of a subclass). */
  fullFramesReceived(subclass?: number): FullFrame[] {
    return this.received.map((r) => r.datagram)
      .filter((d): d is FullFrame => d.kind === 'full' && (subclass === undefined || (d.frameType === FrameType.IAX && d.subclass === subclass)));
  }

  sendRaw(bytes: Uint8Array, to: UdpEndpoint): void {
    const decoded = decodeDatagram(bytes);
    if (!decoded.ok) throw new Error(`scripted peer built a bad datagram: ${decoded.error}`);
    const n = this.outCount++;
    if (this.options.dropOutbound?.(decoded.value, n)) return;
    this.sent.push({ at: now(), from: to, datagram: decoded.value, raw: bytes });
    this.socket.send(bytes, to.port, to.address);
  }

  /** Stateless reply from call number 1 (CALLTOKEN, REJECT, REGREJ, PONG): Asterisk's send_apathetic_reply(). */
  sendApathetic(to: FullFrame, from: UdpEndpoint, subclass: number, ies: readonly RawIe[] = []): void {
    this.sendRaw(encodeFullFrame({ sourceCall: 1, destCall: to.sourceCall, retransmit: false, timestamp: to.timestamp,
      oseqno: 0, iseqno: (to.iseqno + 1) & 0xff, frameType: FrameType.IAX, subclass, payload: encodeIes(ies) }), from);
  }

  sendInval(ours: number, theirs: number, to: UdpEndpoint): void {
    this.sendRaw(encodeFullFrame({ sourceCall: ours, destCall: theirs, retransmit: false, timestamp: 0, oseqno: 0, iseqno: 0,
      frameType: FrameType.IAX, subclass: IaxSubclass.INVAL, payload: new Uint8Array(0) }), to);
  }

  /** @internal */
  forget(d: ServerDialog): void {
    this.dialogs.delete(d.localCall);
    if (d.remoteCall) this.byRemote.delete(key(d.remote, d.remoteCall));
  }

  // ------------------------------------------------------------------------------------------
  // Registration (spec §5.4 as Asterisk's register_verify()/registry_authrequest()/update_registry() behave)

  enableRegistrar(script: RegistrarScript): void {
    const onReg = (ctx: FrameContext): void => {
      const f = ctx.frame;
      const regSubclass = f.subclass;
      const ies = IeReader.fromPayload(f.payload);
      if (!ies.ok) return;
      const username = ies.value.string(IeType.USERNAME) ?? '';
      if (!ctx.dialog) {
        if (!ctx.checkCallToken(script.requireCallToken ?? true)) return;
        const d = ctx.accept();
        const user = script.users[username];
        d.data.username = username;
        d.data.requested = ies.value.u16(IeType.REFRESH);
        if (!user) {
          if (script.fakeChallengeForUnknownUsers) this.sendRegAuth(d, username, script, true);
          else d.send(FrameType.IAX, IaxSubclass.REGREJ, regRej(), { final: true });
          return;
        }
        if (user.secret === undefined) { this.sendRegAck(d, regSubclass, user, ctx.from, script); return; }
        this.sendRegAuth(d, username, script, false);
        return;
      }
      // The credentials, in the dialog the REGAUTH opened.
      const d = ctx.dialog;
      const user = script.users[String(d.data.username ?? '')];
      const challenge = d.data.challenge as string | undefined;
      const md5 = ies.value.string(IeType.MD5_RESULT);
      const password = ies.value.string(IeType.PASSWORD);
      const methods = script.authMethods ?? AuthMethod.MD5;
      let ok = false;
      if (user?.secret !== undefined && !d.data.fake) {
        if (md5 !== undefined && challenge !== undefined && (methods & AuthMethod.MD5)) {
          ok = md5.toLowerCase() === createHash('md5').update(challenge + user.secret).digest('hex');
        } else if (password !== undefined && (methods & AuthMethod.PLAINTEXT)) {
          ok = password === user.secret;
        }
      }
      if (!ok || !user) { d.send(FrameType.IAX, IaxSubclass.REGREJ, regRej(), { final: true }); return; }
      this.sendRegAck(d, regSubclass, user, ctx.from, script);
    };
    this.handle(FrameType.IAX, IaxSubclass.REGREQ, onReg);
    this.handle(FrameType.IAX, IaxSubclass.REGREL, onReg);
  }

  private sendRegAuth(d: ServerDialog, username: string, script: RegistrarScript, fake: boolean): void {
    const challenge = String(Math.floor(Math.random() * 1e9));
    d.data.challenge = challenge;
    d.data.fake = fake;
    d.send(FrameType.IAX, IaxSubclass.REGAUTH, new IeWriter()
      .u16(IeType.AUTHMETHODS, script.authMethods ?? AuthMethod.MD5).string(IeType.CHALLENGE, challenge)
      .string(IeType.USERNAME, username).raw());
  }

  private sendRegAck(d: ServerDialog, subclass: number, user: PeerUser, from: UdpEndpoint, script: RegistrarScript): void {
    const w = new IeWriter().string(IeType.USERNAME, String(d.data.username ?? '')).u32(IeType.DATETIME, 0x30b16daf);
    if (subclass === IaxSubclass.REGREQ) {
      const requested = d.data.requested as number | undefined;
      const refresh = script.grantRefresh ? script.grantRefresh(requested) : 60;
      w.u16(IeType.REFRESH, refresh).bytes(IeType.APPARENT_ADDR, encodeApparentAddr(script.apparentAddress?.(from) ?? from));
      if (user.mailbox) w.u16(IeType.MSGCOUNT, (Math.min(255, user.mailbox.old) << 8) | Math.min(255, user.mailbox.new));
      if (user.callerId?.number) w.string(IeType.CALLING_NUMBER, user.callerId.number);
      if (user.callerId?.name) w.string(IeType.CALLING_NAME, user.callerId.name);
    }
    d.send(FrameType.IAX, IaxSubclass.REGACK, w.raw(), { final: true });
  }

  // ------------------------------------------------------------------------------------------

  private allocate(): number {
    for (;;) {
      const n = this.nextCall;
      this.nextCall = this.nextCall >= 16383 ? 2 : this.nextCall + 1;
      if (!this.dialogs.has(n)) return n;
    }
  }

  private makeToken(from: UdpEndpoint): string {
    const t = Math.floor(Date.now() / 1000);
    const mac = createHmac('sha1', this.tokenKey).update(`${from.address}:${from.port}:${t}`).digest('hex');
    return `${t}?${mac}`;
  }

  private tokenValid(token: string, from: UdpEndpoint): boolean {
    const [t, mac] = token.split('?');
    const issued = Number(t);
    if (!Number.isFinite(issued) || !mac) return false;
    const expect = createHmac('sha1', this.tokenKey).update(`${from.address}:${from.port}:${issued}`).digest('hex');
    return expect === mac && Date.now() / 1000 - issued <= this.tokenLifetimeMs / 1000;
  }

  private hasToken(f: FullFrame): boolean {
    const ies = IeReader.fromPayload(f.payload);
    return ies.ok && (ies.value.bytes(IeType.CALLTOKEN)?.length ?? 0) > 0;
  }

  private onMessage(raw: Uint8Array, from: UdpEndpoint): void {
    const decoded = decodeDatagram(raw);
    if (!decoded.ok) return;
    const d = decoded.value;
    const n = this.inCount++;
    if (this.options.dropInbound?.(d, n)) return;
    this.received.push({ at: now(), from, datagram: d, raw });
    if (d.kind === 'mini') {
      const dialog = this.byRemote.get(key(from, d.sourceCall));
      if (dialog) this.miniHandler?.(d, dialog);
      return;
    }
    if (d.kind !== 'full') return;
    const handler = this.handlers.get(`${d.frameType}:${d.subclass}`);
    if (d.destCall !== 0) {
      const dialog = this.dialogs.get(d.destCall);
      if (!dialog || dialog.remote.address !== from.address || dialog.remote.port !== from.port) {
        const exempt = d.frameType === FrameType.IAX && [IaxSubclass.ACK, IaxSubclass.INVAL, IaxSubclass.TXCNT, IaxSubclass.TXACC].includes(d.subclass);
        if (!exempt && d.sourceCall > 1) this.sendInval(d.destCall, d.sourceCall, from);
        return;
      }
      if (dialog.remoteCall === 0) { dialog.remoteCall = d.sourceCall; this.byRemote.set(key(from, d.sourceCall), dialog); }
      dialog.receive(d, from, handler);
      return;
    }
    // dcallno 0: a retransmission of the frame that opened a dialog, or a new opening frame.
    const existing = this.byRemote.get(key(from, d.sourceCall));
    if (existing && !(this.options.duplicateDialogOnTokenResend && this.hasToken(d))) { existing.receive(d, from, handler); return; }
    if (!handler) return;
    let opened: ServerDialog | undefined;
    handler({
      frame: d, from, dialog: undefined, peer: this,
      checkCallToken: (required) => {
        const ies = IeReader.fromPayload(d.payload);
        const token = ies.ok ? ies.value.bytes(IeType.CALLTOKEN) : undefined;
        if (!required) return true;
        const reject = d.subclass === IaxSubclass.NEW ? IaxSubclass.REJECT : IaxSubclass.REGREJ;
        if (token === undefined) { this.sendApathetic(d, from, reject); return false; }
        if (token.length === 0) {
          this.sendApathetic(d, from, IaxSubclass.CALLTOKEN, [{ type: IeType.CALLTOKEN, data: text(this.makeToken(from)) }]);
          return false;
        }
        if (!this.tokenValid(new TextDecoder().decode(token), from)) { this.sendApathetic(d, from, reject); return false; }
        return true;
      },
      accept: () => {
        if (opened) return opened;
        const dialog = new ServerDialog(this, this.allocate(), from, d.sourceCall);
        this.dialogs.set(dialog.localCall, dialog);
        this.byRemote.set(key(from, d.sourceCall), dialog);
        dialog.iseqno = (d.oseqno + 1) & 0xff; // the opening frame is consumed here
        opened = dialog;
        return dialog;
      },
    });
  }
}

function regRej(): readonly RawIe[] {
  return new IeWriter().string(IeType.CAUSE, 'Registration Refused').u8(IeType.CAUSECODE, 29).raw();
}
