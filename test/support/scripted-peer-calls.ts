// A scripted IAX2 peer for call scenarios, on a real loopback UDP socket. It plays Asterisk's part the way spec §5.2
// and §5.3 describe it: stateless CALLTOKEN challenge, AUTHREQ with an MD5 challenge, ACCEPT or REJECT, then
// whatever frames the test scripts; or it places a NEW towards the engine. It keeps its own sequence numbers, ACKs
// what it receives (explicitly, always: an extra ACK is harmless, spec §4.3), VNAKs gaps and retransmits its own
// reliable frames until acknowledged, so scenarios also run through a lossy proxy.
// Written for these tests from the spec; it is not Asterisk and shares no code with the engine's transport.
import { createHash, randomInt } from 'node:crypto';
import { decodeDatagram, encodeFullFrame, encodeMiniFrame, encodeTrunkFrame } from '../../electron/core/iax2/wire/frame-codec.js';
import { IeReader, IeWriter } from '../../electron/core/iax2/wire/ies.js';
import { FrameType, IaxSubclass, IeType, type Datagram, type FullFrame, type MiniFrame } from '../../electron/core/iax2/wire/types.js';
import type { UdpEndpoint } from '../../electron/core/ports.js';
import { LoopbackUdpPort } from './scripted-peer-calls-net.js';

export interface Received { readonly at: number; readonly from: UdpEndpoint; readonly d: Datagram }

export interface ServeOptions {
  /** Demand a call token first (Asterisk's default, spec §3.4). Default true. */
  readonly callToken?: boolean;
  /** Answer every NEW with an apathetic REJECT (scallno 1, no IEs), as for a missing/bad token (§5.5). */
  readonly apatheticReject?: boolean;
  /** MD5-authenticate with this secret (AUTHREQ, spec §5.1); no secret = ACCEPT straight away. */
  readonly secret?: string;
  /** What to do once authenticated: ACCEPT with this format, or REJECT with a cause. Default ACCEPT µ-law. */
  readonly outcome?: { readonly accept: bigint } | { readonly reject: { readonly cause: string; readonly code: number } };
}

interface Pending { oseqno: number; bytes: (retry: boolean) => Uint8Array; tries: number; timer?: NodeJS.Timeout }

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

  /** A reliable, sequenced full frame on the current dialog. */
  send(frameType: number, subclass: number, payload: Uint8Array = new Uint8Array(0), opts: { timestamp?: number; subclassBit?: number } = {}): void {
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
    const p: Pending = { oseqno, bytes, tries: 0 };
    this.pending.push(p);
    this.transmit(p, false);
  }

  private transmit(p: Pending, retry: boolean): void {
    if (this.closed || !this.enginePeer) return;
    p.tries++;
    this.socket.send(p.bytes(retry), this.enginePeer);
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
    this.socket.send(encodeMiniFrame(this.local, ts & 0xffff, payload), this.enginePeer);
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
  private sendRaw(to: UdpEndpoint, f: Omit<FullFrame, 'kind' | 'retransmit' | 'payload'> & { payload?: Uint8Array }): void {
    if (this.closed) return;
    this.socket.send(encodeFullFrame({ retransmit: false, payload: new Uint8Array(0), ...f }), to);
  }

  /** Place a call to the engine (spec §5.3 from Asterisk's side): NEW with dcallno 0 and the given IEs. */
  call(engine: UdpEndpoint, ies: IeWriter): void {
    this.resetDialog(engine, 0);
    this.send(FrameType.IAX, IaxSubclass.NEW, ies.finish());
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
    this.epoch = performance.now();
    this.lastTs = 0;
  }

  // ------------------------------------------------------------------------------------------------ receiving

  private onDatagram(data: Uint8Array, from: UdpEndpoint): void {
    const decoded = decodeDatagram(data);
    if (!decoded.ok) return;
    const d = decoded.value;
    this.received.push({ at: performance.now(), from, d });
    if (d.kind === 'full') this.onFull(d, from);
    for (const w of [...this.waiters]) w();
  }

  private onFull(f: FullFrame, from: UdpEndpoint): void {
    const isIax = f.frameType === FrameType.IAX;
    if (isIax && f.subclass === IaxSubclass.NEW && f.destCall === 0) {
      if (this.enginePeer && from.port === this.enginePeer.port && f.sourceCall === this.remote) {
        this.processSequenced(f, () => undefined); // a retransmitted NEW of the current dialog: re-ACK it
        return;
      }
      this.onNew(f, from);
      return;
    }
    if (f.destCall !== this.local) return;
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
      // AUTHREQ answers (and so acknowledges) the NEW, as Asterisk does (spec §4.3 ⚠ AST).
      this.sendIax(IaxSubclass.AUTHREQ, new IeWriter().u16(IeType.AUTHMETHODS, 2).string(IeType.CHALLENGE, this.challenge)
        .string(IeType.USERNAME, ies.string(IeType.USERNAME) ?? ''));
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
    if (f.subclass === IaxSubclass.AUTHREP && this.serve.secret !== undefined) {
      const r = IeReader.fromPayload(f.payload);
      const got = r.ok ? r.value.string(IeType.MD5_RESULT) : undefined;
      const want = createHash('md5').update(this.challenge).update(this.serve.secret).digest('hex');
      if (got === want) this.decide();
      else this.sendIax(IaxSubclass.REJECT, new IeWriter().string(IeType.CAUSE, 'No authority found').u8(IeType.CAUSECODE, 50));
    } else if (f.subclass === IaxSubclass.PING) {
      this.send(FrameType.IAX, IaxSubclass.PONG, undefined, { timestamp: f.timestamp });
    }
  }
}
