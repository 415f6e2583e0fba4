// A scripted IAX2 peer for call scenarios, on a real loopback UDP socket. It plays Asterisk's part the way spec §5.2
// and spec §5.3 describe it: stateless CALLTOKEN challenge, AUTHREQ with an MD5 challenge, ACCEPT or REJECT, then
// whatever frames the test scripts; or it places a NEW towards the engine. It keeps its own sequence numbers, ACKs
// what it receives (explicitly, always: an extra ACK is harmless, spec §4.3), VNAKs gaps and retransmits its own
// reliable frames until acknowledged, so scenarios also run through a lossy proxy.
// Written for these tests from the spec; it is not Asterisk and shares no code with the engine's transport.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { decodeDatagram, encodeFullFrame, encodeMiniFrame, encodeTrunkFrame } from '../../electron/core/iax2/wire/frame-codec.js';
import { IeReader, IeWriter } from '../../electron/core/iax2/wire/ies.js';
import { FrameType, IaxSubclass, IeType, type Datagram, type FullFrame, type MiniFrame } from '../../electron/core/iax2/wire/types.js';
import type { UdpEndpoint } from '../../electron/core/ports.js';
import { LoopbackUdpPort } from './scripted-peer-calls-net.js';
import { peerAesKey, peerDecrypt, peerEncrypt } from './scripted-peer-aes.js';

export interface Received { readonly at: number; readonly from: UdpEndpoint; readonly d: Datagram }

export interface ServeOptions {
  /** Demand a call token first (Asterisk's default, spec §3.4). Default true. */
  readonly callToken?: boolean;
  /** Answer every NEW with an apathetic REJECT (scallno 1, no IEs), as for a missing/bad token (spec §5.5). */
  readonly apatheticReject?: boolean;
  /** MD5-authenticate with this secret (AUTHREQ, spec §5.1); no secret = ACCEPT straight away. */
  readonly secret?: string;
  /** What to do once authenticated: ACCEPT with this format, or REJECT with a cause. Default ACCEPT µ-law. */
  readonly outcome?: { readonly accept: bigint } | { readonly reject: { readonly cause: string; readonly code: number } };
  /**
   * Spec §7: 'yes' = encryption=yes (AES-128 when the NEW offers it; needs `secret`), 'force' = forceencryption=yes
   * (also REJECT "No authority found" to a NEW that did not offer it). Default: no encryption (AUTHREQ without it).
   */
  readonly encryption?: 'yes' | 'force';
  /** Also offer key rotation (0x8001), as Asterisk 22 always does for encryption=yes (spec §7.1). */
  readonly offerKeyRotate?: boolean;
  /**
   * Asterisk cannot tell a wrong key (spec §7.3): when garbage from a client with another secret passes its length
   * checks, the MD5 check fails and it sends REJECT "No authority found", encrypted under its own key. Emulated: a
   * full frame that does not decrypt before ACCEPT is answered so.
   */
  readonly rejectUndecryptable?: boolean;
}

/** One datagram as it crossed the wire, for asserts on what was encrypted. */
export interface WireRecord {
  readonly dir: 'rx' | 'tx';
  readonly encrypted: boolean;
  readonly kind: 'full' | 'mini' | 'other';
  readonly frameType?: number;
  readonly subclass?: number;
}

interface Pending { oseqno: number; bytes: (retry: boolean) => Uint8Array; tries: number; timer?: NodeJS.Timeout; clear?: boolean }

const isUnsequenced = (f: FullFrame) => f.frameType === FrameType.IAX && (f.subclass === IaxSubclass.ACK
  || f.subclass === IaxSubclass.INVAL || f.subclass === IaxSubclass.VNAK || f.subclass === IaxSubclass.TXCNT
  || f.subclass === IaxSubclass.TXACC);

export class ScriptedCallPeer {
  readonly received: Received[] = [];
  /** The reliable frames this peer sent (first transmissions). */
  readonly sent: Array<{ readonly frameType: number; readonly subclass: number; readonly timestamp: number; readonly oseqno: number }> = [];
  /** NEW IEs as received with the token (the engine's outgoing NEW), for asserts. */
  newIes: IeReader | undefined;
  /** The NEW IEs of the first (token-less) NEW. */
  firstNewIes: IeReader | undefined;
  serve: ServeOptions = {};
  readonly token = `${Math.floor(Date.now() / 1000)}?${'ab'.repeat(20)}`;
  challenge = String(randomInt(100_000_000, 999_999_999));
  /** Every datagram in and out, with whether it was encrypted on the wire. */
  readonly wire: WireRecord[] = [];
  /** Datagrams of our dialog that did not decrypt (wrong key / clear frame where an encrypted one was due). */
  undecryptable = 0;
  /** The AES key of the current dialog once encryption is agreed (spec §7.2); separate ones after a rotation. */
  private encKey: Buffer | undefined;
  private decKey: Buffer | undefined;

  // The one dialog this peer handles at a time.
  local = 0;
  remote = 0;
  enginePeer: UdpEndpoint | undefined;
  private oseqno = 0;
  private iseqno = 0;
  private ackBase = 0;
  private pending: Pending[] = [];
  private epoch = performance.now();
  private lastTs = 0;
  private waiters: Array<() => void> = [];
  private closed = false;

  private constructor(private readonly socket: LoopbackUdpPort) {
    socket.onDatagram((data, from) => this.onDatagram(data, from));
  }

  static async start(): Promise<ScriptedCallPeer> {
    return new ScriptedCallPeer(await LoopbackUdpPort.bind(0));
  }

  get endpoint(): UdpEndpoint { return this.socket.local; }

  /** Retransmission interval of the peer's own reliable frames (ms). */
  rto = 200;

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.pending) clearTimeout(p.timer);
    this.pending = [];
    await this.socket.close();
  }

  // ------------------------------------------------------------------------------------------------ queries

  fulls(frameType?: number, subclass?: number): FullFrame[] {
    return this.received.map((r) => r.d).filter((d): d is FullFrame => d.kind === 'full'
      && (frameType === undefined || d.frameType === frameType) && (subclass === undefined || d.subclass === subclass));
  }

  /** Frames of the current dialog, deduplicated by oseqno (retransmissions removed), in arrival order. */
  dialogFrames(): FullFrame[] {
    const seen = new Set<string>();
    const out: FullFrame[] = [];
    for (const f of this.fulls()) {
      if (f.sourceCall !== this.remote || isUnsequenced(f)) continue;
      const key = `${f.oseqno}|${f.frameType}|${f.subclass}|${f.timestamp}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(f);
    }
    return out;
  }

  minis(): MiniFrame[] {
    return this.received.map((r) => r.d).filter((d): d is MiniFrame => d.kind === 'mini');
  }

  /** Resolves when `pred` holds (checked on every datagram), rejects after `timeoutMs`. */
  waitFor<T>(what: string, pred: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const v = pred();
        if (v !== undefined && v !== false) { cleanup(); resolve(v); return true; }
        return false;
      };
      const timer = setTimeout(() => { cleanup(); reject(new Error(`scripted peer: timed out waiting for ${what}`)); }, timeoutMs);
      const waiter = () => { check(); };
      const cleanup = () => { clearTimeout(timer); this.waiters = this.waiters.filter((w) => w !== waiter); };
      if (!check()) this.waiters.push(waiter);
    });
  }

  /** Waits for a full frame of the dialog with this type/subclass (the `nth`, 1-based, counting duplicates once). */
  waitFrame(frameType: number, subclass?: number, nth = 1, timeoutMs = 5000): Promise<FullFrame> {
    return this.waitFor(`frame ${frameType}/${subclass ?? '*'} #${nth}`, () =>
      this.dialogFrames().filter((f) => f.frameType === frameType && (subclass === undefined || f.subclass === subclass))[nth - 1], timeoutMs);
  }

  // ------------------------------------------------------------------------------------------------ sending

  /** ms since this peer's dialog epoch, strictly increasing for our non-voice frames. */
  private stamp(): number {
    const t = Math.max(Math.floor(performance.now() - this.epoch), this.lastTs + 1);
    this.lastTs = t;
    return t;
  }

  /**
   * Every datagram leaves here: encrypted once a key is set, except `clear` ones (AUTHREQ and its retransmissions,
   * apathetic replies: spec §7.3).
   */
  private put(bytes: Uint8Array, to: UdpEndpoint, clear = false): void {
    const encrypt = this.encKey !== undefined && !clear;
    this.wire.push({ dir: 'tx', encrypted: encrypt, ...describe(bytes) });
    this.socket.send(encrypt ? peerEncrypt(this.encKey!, bytes, randomBytes(31)) : bytes, to);
  }

  /** Puts these exact bytes on the wire to the engine (forged or junk datagrams), bypassing encryption. */
  injectRaw(bytes: Uint8Array): void {
    if (!this.enginePeer) throw new Error('scripted peer: no dialog');
    this.socket.send(bytes, this.enginePeer);
  }

  /** True once this dialog encrypts. */
  get encrypting(): boolean { return this.encKey !== undefined; }

  /**
   * Asterisk's key rotation (spec §7.5): RTKEY carrying a fresh 16-byte key, sent under the old key; everything we
   * send afterwards uses the new key. Our decrypt key stays (only the engine's RTKEY would change it).
   */
  rotateKey(): Buffer {
    const next = randomBytes(16);
    this.send(FrameType.IAX, IaxSubclass.RTKEY, new IeWriter().bytes(IeType.CHALLENGE, next).finish());
    this.encKey = next;
    return next;
  }

  /** A reliable, sequenced full frame on the current dialog. */
  send(frameType: number, subclass: number, payload: Uint8Array = new Uint8Array(0), opts: { timestamp?: number; subclassBit?: number; clear?: boolean } = {}): void {
    const peer = this.enginePeer;
    if (!peer || this.closed) throw new Error('scripted peer: no dialog');
    const oseqno = this.oseqno;
    this.oseqno = (this.oseqno + 1) & 0xff;
    const ts = opts.timestamp ?? this.stamp();
    this.sent.push({ frameType, subclass, timestamp: ts, oseqno });
    const bytes = (retry: boolean) => encodeFullFrame({
      sourceCall: this.local, destCall: this.remote, retransmit: retry, timestamp: ts, oseqno, iseqno: this.iseqno,
      frameType, subclass, ...(opts.subclassBit !== undefined ? { subclassBit: opts.subclassBit } : {}), payload,
    });
    if (this.pending.length === 0) this.ackBase = oseqno;
    const p: Pending = { oseqno, bytes, tries: 0, ...(opts.clear ? { clear: true } : {}) };
    this.pending.push(p);
    this.transmit(p, false);
  }

  private transmit(p: Pending, retry: boolean): void {
    if (this.closed || !this.enginePeer) return;
    p.tries++;
    this.put(p.bytes(retry), this.enginePeer, p.clear);
    clearTimeout(p.timer);
    if (p.tries < 25) p.timer = setTimeout(() => this.transmit(p, true), this.rto);
  }

  sendIax(subclass: number, w?: IeWriter): void { this.send(FrameType.IAX, subclass, w ? w.finish() : undefined); }

  /** A full VOICE frame with format bit number `bit` and timestamp `ts`. */
  sendVoiceFull(bit: number, ts: number, payload: Uint8Array): void {
    this.send(FrameType.VOICE, 2 ** bit, payload, { timestamp: ts, subclassBit: bit });
  }

  sendMini(ts: number, payload: Uint8Array): void {
    if (!this.enginePeer) throw new Error('scripted peer: no dialog');
    this.put(encodeMiniFrame(this.local, ts & 0xffff, payload), this.enginePeer);
  }

  /** A meta trunk frame with per-entry timestamps (spec §1.5, cmddata 1) carrying one voice entry of this dialog. */
  sendTrunk(ts: number, payload: Uint8Array): void {
    if (!this.enginePeer) throw new Error('scripted peer: no dialog');
    this.socket.send(encodeTrunkFrame({ timestamp: ts, withTimestamps: true,
      entries: [{ sourceCall: this.local, timestamp16: ts & 0xffff, payload }] }), this.enginePeer);
  }

  /** A "supermini" meta trunk frame (cmddata 0, Asterisk's default for trunk=yes): entries carry no timestamp. */
  sendSupermini(trunkTs: number, payloads: readonly Uint8Array[]): void {
    if (!this.enginePeer) throw new Error('scripted peer: no dialog');
    this.socket.send(encodeTrunkFrame({ timestamp: trunkTs, withTimestamps: false,
      entries: payloads.map((payload) => ({ sourceCall: this.local, payload })) }), this.enginePeer);
  }

  /** Unsequenced frames (ACK, VNAK, apathetic replies): never retransmitted. */
  private sendRaw(to: UdpEndpoint, f: Omit<FullFrame, 'kind' | 'retransmit' | 'payload'> & { payload?: Uint8Array }, clear = false): void {
    if (this.closed) return;
    // Apathetic replies (call number 1) are never encrypted (spec §7.3).
    this.put(encodeFullFrame({ retransmit: false, payload: new Uint8Array(0), ...f }), to, clear || f.sourceCall === 1);
  }

  /**
   * Place a call to the engine (spec §5.3 from Asterisk's side): NEW with dcallno 0 and the given IEs. If the engine
   * answers CALLTOKEN (a direct call: docs/security.md §7), the NEW is sent again with the token, counters reset, as
   * Asterisk's resend_with_token() does.
   */
  call(engine: UdpEndpoint, ies: IeWriter): void {
    this.resetDialog(engine, 0);
    this.newIesSent = ies.raw();
    this.send(FrameType.IAX, IaxSubclass.NEW, ies.finish());
  }

  /** The IEs of the NEW this peer placed last (resent with a token on CALLTOKEN). */
  private newIesSent: readonly { readonly type: number; readonly data: Uint8Array }[] = [];
  /** Tokens the engine gave this peer's NEWs, in order. */
  readonly tokensReceived: string[] = [];
  /** Apathetic REJECTs (call number 1) the engine answered this peer's NEWs with. */
  apatheticRejects = 0;

  private resendWithToken(token: Uint8Array): void {
    for (const p of this.pending) clearTimeout(p.timer);
    this.pending = [];
    this.oseqno = 0;
    this.iseqno = 0;
    this.ackBase = 0;
    const ies = new IeWriter();
    for (const ie of this.newIesSent) if (ie.type !== IeType.CALLTOKEN) ies.bytes(ie.type, ie.data);
    this.send(FrameType.IAX, IaxSubclass.NEW, ies.bytes(IeType.CALLTOKEN, token).finish());
  }

  private resetDialog(peer: UdpEndpoint, remote: number): void {
    for (const p of this.pending) clearTimeout(p.timer);
    this.pending = [];
    this.enginePeer = peer;
    this.local = randomInt(2, 16383);
    this.remote = remote;
    this.oseqno = 0;
    this.iseqno = 0;
    this.ackBase = 0;
    this.encKey = undefined;
    this.decKey = undefined;
    this.epoch = performance.now();
    this.lastTs = 0;
  }

  // ------------------------------------------------------------------------------------------------ receiving

  private onDatagram(data: Uint8Array, from: UdpEndpoint): void {
    // An encrypted dialog: decrypt what is addressed to it (full frames by dcallno, minis by the engine's number),
    // as Asterisk's socket_process() does before looking inside. Undecryptable ones are dropped and counted.
    let encrypted = false;
    if (this.decKey && data.length >= 4) {
      const full = (data[0] & 0x80) !== 0;
      const ours = full ? (((data[2] << 8) | data[3]) & 0x7fff) === this.local : ((data[0] << 8) | data[1]) === this.remote;
      if (ours) {
        const clear = peerDecrypt(this.decKey, data);
        const check = clear && decodeDatagram(clear);
        if (!clear || !check || !check.ok || (check.value.kind === 'full' && (check.value.frameType < 1 || check.value.frameType > 12))) {
          this.undecryptable++;
          this.wire.push({ dir: 'rx', encrypted: true, kind: 'other' });
          if (full && this.serve.rejectUndecryptable && !this.sent.some((s) => s.frameType === FrameType.IAX
            && (s.subclass === IaxSubclass.ACCEPT || s.subclass === IaxSubclass.REJECT))) {
            this.sendIax(IaxSubclass.REJECT, new IeWriter().string(IeType.CAUSE, 'No authority found').u8(IeType.CAUSECODE, 50));
          }
          for (const w of [...this.waiters]) w();
          return;
        }
        data = clear;
        encrypted = true;
      }
    }
    this.wire.push({ dir: 'rx', encrypted, ...describe(data) });
    const decoded = decodeDatagram(data);
    if (!decoded.ok) return;
    const d = decoded.value;
    this.received.push({ at: performance.now(), from, d });
    if (d.kind === 'full') this.onFull(d, from);
    for (const w of [...this.waiters]) w();
  }

  /** Secret used to answer an AUTHREQ the engine sends for a call this peer placed (spec §5.3, §7.1). */
  callerSecret: string | undefined;

  private onFull(f: FullFrame, from: UdpEndpoint): void {
    const isIax = f.frameType === FrameType.IAX;
    if (isIax && (f.subclass === IaxSubclass.REGREQ || f.subclass === IaxSubclass.REGREL) && f.destCall === 0) {
      // A registrar with no secret and no call tokens (spec §5.4): REGACK at once from a fresh call number, so the
      // engine counts this peer as its server (incoming calls are accepted only from there, C-10).
      this.sendRaw(from, { sourceCall: randomInt(2, 16383), destCall: f.sourceCall, timestamp: f.timestamp, oseqno: 0,
        iseqno: (f.oseqno + 1) & 0xff, frameType: FrameType.IAX, subclass: IaxSubclass.REGACK,
        payload: new IeWriter().string(IeType.USERNAME, 'x').u16(IeType.REFRESH, 60).finish() }, true);
      return;
    }
    if (isIax && f.subclass === IaxSubclass.NEW && f.destCall === 0) {
      if (this.enginePeer && from.port === this.enginePeer.port && f.sourceCall === this.remote) {
        this.processSequenced(f, () => undefined); // a retransmitted NEW of the current dialog: re-ACK it
        return;
      }
      this.onNew(f, from);
      return;
    }
    if (f.destCall !== this.local) return;
    if (f.sourceCall === 1 && this.remote === 0 && isIax) {
      // Apathetic replies to our NEW (spec §3.4): the token, or a refusal.
      if (f.subclass === IaxSubclass.CALLTOKEN) {
        const token = IeReader.fromPayload(f.payload);
        const data = token.ok ? token.value.bytes(IeType.CALLTOKEN) : undefined;
        if (data && data.length > 0) { this.tokensReceived.push(new TextDecoder().decode(data)); this.resendWithToken(data); }
      } else if (f.subclass === IaxSubclass.REJECT) {
        this.apatheticRejects++;
        for (const p of this.pending) clearTimeout(p.timer);
        this.pending = [];
      }
      return;
    }
    if (this.remote === 0 && !isUnsequenced(f)) this.remote = f.sourceCall; // our NEW's answer locks the number
    if (f.sourceCall !== this.remote) return;
    this.implicitAck(f.iseqno);
    if (isIax && f.subclass === IaxSubclass.VNAK) {
      for (const p of this.pending) if (((p.oseqno - f.iseqno) & 0xff) < 128) this.transmit(p, true);
      return;
    }
    if (isIax && f.subclass === IaxSubclass.INVAL) { this.pending.forEach((p) => clearTimeout(p.timer)); this.pending = []; return; }
    if (isUnsequenced(f)) return;
    this.processSequenced(f, () => this.onDialogFrame(f));
  }

  private processSequenced(f: FullFrame, handle: () => void): void {
    const peer = this.enginePeer!;
    const ahead = (f.oseqno - this.iseqno) & 0xff;
    if (ahead === 0) {
      this.iseqno = (this.iseqno + 1) & 0xff;
      handle();
      this.ack(f.timestamp);
    } else if (ahead >= 128) {
      this.ack(f.timestamp); // duplicate: "Acking anyway" (spec §4.3)
    } else {
      // A gap: ask for everything from our iseqno (spec §4.5).
      this.sendRaw(peer, { sourceCall: this.local, destCall: this.remote, timestamp: this.stamp(), oseqno: this.oseqno,
        iseqno: this.iseqno, frameType: FrameType.IAX, subclass: IaxSubclass.VNAK });
    }
  }

  private ack(ts: number): void {
    this.sendRaw(this.enginePeer!, { sourceCall: this.local, destCall: this.remote, timestamp: ts, oseqno: this.oseqno,
      iseqno: this.iseqno, frameType: FrameType.IAX, subclass: IaxSubclass.ACK });
  }

  private implicitAck(iseqno: number): void {
    const outstanding = (this.oseqno - this.ackBase) & 0xff;
    const covered = (iseqno - this.ackBase) & 0xff;
    if (covered === 0 || covered > outstanding) return;
    this.pending = this.pending.filter((p) => {
      const acked = ((p.oseqno - this.ackBase) & 0xff) < covered;
      if (acked) clearTimeout(p.timer);
      return !acked;
    });
    this.ackBase = iseqno;
  }

  /** NEW from the engine (dcallno 0): the call-token dance, then a dialog (spec §3.4, §5.2). */
  private onNew(f: FullFrame, from: UdpEndpoint): void {
    const parsed = IeReader.fromPayload(f.payload);
    if (!parsed.ok) return;
    const ies = parsed.value;
    const apathetic = (subclass: number, w?: IeWriter) => this.sendRaw(from, {
      sourceCall: 1, destCall: f.sourceCall, timestamp: f.timestamp, oseqno: 0, iseqno: (f.oseqno + 1) & 0xff,
      frameType: FrameType.IAX, subclass, ...(w ? { payload: w.finish() } : {}),
    });
    if (this.serve.apatheticReject) { apathetic(IaxSubclass.REJECT); return; }
    const token = ies.bytes(IeType.CALLTOKEN);
    if (this.serve.callToken !== false) {
      if (!token || token.length === 0) {
        this.firstNewIes = ies;
        apathetic(IaxSubclass.CALLTOKEN, new IeWriter().string(IeType.CALLTOKEN, this.token));
        return;
      }
      if (new TextDecoder().decode(token) !== this.token) { apathetic(IaxSubclass.REJECT); return; }
    }
    this.newIes = ies;
    this.resetDialog(from, f.sourceCall);
    this.iseqno = 1; // the NEW (oseqno 0) is consumed
    if (this.serve.secret !== undefined) {
      // AUTHREQ answers (and so acknowledges) the NEW, as Asterisk does (spec §4.3 ⚠ AST). With encryption agreed
      // (our mask AND the offer, spec §7.1) it carries ENCRYPTION = 0x0001 and goes out in clear; from then on
      // everything of this dialog is encrypted (Asterisk sets IAX_ENCRYPTED right after sending it).
      const ours = this.serve.encryption ? (this.serve.offerKeyRotate ? 0x8001 : 0x0001) : 0;
      const agreed = (ours & (ies.u16(IeType.ENCRYPTION) ?? 0)) & 0x0001;
      const w = new IeWriter().u16(IeType.AUTHMETHODS, 2).string(IeType.CHALLENGE, this.challenge);
      if (agreed) w.u16(IeType.ENCRYPTION, 0x0001);
      w.string(IeType.USERNAME, ies.string(IeType.USERNAME) ?? '');
      this.send(FrameType.IAX, IaxSubclass.AUTHREQ, w.finish(), { clear: true });
      if (agreed) { this.encKey = peerAesKey(this.challenge, this.serve.secret); this.decKey = this.encKey; }
    } else {
      this.decide();
    }
  }

  private decide(): void {
    const outcome = this.serve.outcome ?? { accept: 0x4n };
    if ('accept' in outcome) {
      this.sendIax(IaxSubclass.ACCEPT, new IeWriter().u32(IeType.FORMAT, Number(outcome.accept & 0xffffffffn))
        .versionedU64(IeType.FORMAT2, outcome.accept));
    } else {
      this.sendIax(IaxSubclass.REJECT, new IeWriter().string(IeType.CAUSE, outcome.reject.cause).u8(IeType.CAUSECODE, outcome.reject.code));
    }
  }

  private onDialogFrame(f: FullFrame): void {
    if (f.frameType !== FrameType.IAX) return;
    if (f.subclass === IaxSubclass.AUTHREQ && this.callerSecret !== undefined) {
      // We placed the call and the engine challenges us (Asterisk's authenticate_reply()): agree to AES-128 if it
      // is asked, switch keys, and answer with AUTHREP — already encrypted (spec §7.3).
      const r = IeReader.fromPayload(f.payload);
      if (!r.ok) return;
      const challenge = r.value.string(IeType.CHALLENGE) ?? '';
      if (((r.value.u16(IeType.ENCRYPTION) ?? 0) & 0x0001) !== 0) {
        this.encKey = peerAesKey(challenge, this.callerSecret);
        this.decKey = this.encKey;
      }
      this.sendIax(IaxSubclass.AUTHREP, new IeWriter().string(IeType.MD5_RESULT,
        createHash('md5').update(challenge).update(this.callerSecret).digest('hex')));
      return;
    }
    if (f.subclass === IaxSubclass.AUTHREP && this.serve.secret !== undefined) {
      const r = IeReader.fromPayload(f.payload);
      const got = r.ok ? r.value.string(IeType.MD5_RESULT) : undefined;
      const want = createHash('md5').update(this.challenge).update(this.serve.secret).digest('hex');
      if (got === want && this.serve.encryption === 'force' && !this.encKey) {
        this.sendIax(IaxSubclass.REJECT, new IeWriter().string(IeType.CAUSE, 'No authority found').u8(IeType.CAUSECODE, 50));
      } else if (got === want) this.decide();
      else this.sendIax(IaxSubclass.REJECT, new IeWriter().string(IeType.CAUSE, 'No authority found').u8(IeType.CAUSECODE, 50));
    } else if (f.subclass === IaxSubclass.PING) {
      this.send(FrameType.IAX, IaxSubclass.PONG, undefined, { timestamp: f.timestamp });
    }
  }
}

function describe(d: Uint8Array): Omit<WireRecord, 'dir' | 'encrypted'> {
  const r = decodeDatagram(d);
  if (!r.ok) return { kind: 'other' };
  if (r.value.kind === 'full') return { kind: 'full', frameType: r.value.frameType, subclass: r.value.subclass };
  return { kind: r.value.kind === 'mini' ? 'mini' : 'other' };
}
