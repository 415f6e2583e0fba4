// A model of how Asterisk 22's chan_iax2 matches frames to dialogs and sets up a call or a registration, for
// fake-time tests of our set-up under loss. Written from chan_iax2.c (socket_process_helper(), __find_callno(),
// match(), handle_call_token(), __attempt_transmit(), vnak_retransmit()); test/interop/asterisk-matching.test.ts
// runs the same frame scripts against the real Asterisk to show it behaves as modelled. It is not Asterisk:
// only what the set-up hazard depends on is here.
//
// The rules modelled (docs/decisions.md D-29):
//  M-1 A full frame is first looked up exactly: address + our source call number + its dcallno as Asterisk's own.
//  M-2 Failing that, a NEW/REGREQ/REGREL with dcallno 0 is a token question: an empty CALLTOKEN IE draws a
//      stateless CALLTOKEN; a valid token ALWAYS opens a new dialog (NEW_ALLOW_CALLTOKEN_VALIDATED skips the lookup).
//  M-3 Failing that, any frame but ACK matches the oldest dialog with our address + source call number, whatever
//      its dcallno; so does every mini frame.
//  M-4 Nothing matches: dropped silently.
//  M-5 INVAL destroys the dialog it matched. VNAK resends every unacknowledged frame from its iseqno.
//  M-6 Asterisk's own reliable frames: retransmitted after 2 s, then ×10 up to 10 s, 4 transmissions in all.
//  M-7 maxauthreq (3 by default): while a user has that many call dialogs whose AUTHREQ is unanswered, a new one
//      is refused with REJECT "Unauthenticated call limit reached" (authenticate_request()).
import { md5Response } from '../../electron/core/iax2/auth.js';
import { decodeDatagram, encodeFullFrame } from '../../electron/core/iax2/wire/frame-codec.js';
import { encodeApparentAddr, IeReader, IeWriter } from '../../electron/core/iax2/wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType, type FullFrame } from '../../electron/core/iax2/wire/types.js';
import type { Clock, UdpEndpoint, UdpSocketPort } from '../../electron/core/ports.js';

export interface ModelDialog {
  /** Asterisk's call number and ours (`iax2 show channels` "ID (Lo/Rem)"). */
  readonly callno: number;
  readonly peercallno: number;
  readonly addr: UdpEndpoint;
  readonly kind: 'call' | 'registration';
  state: 'challenged' | 'up' | 'registered' | 'rejected';
  readonly createdAt: number;
  destroyedAt?: number;
  destroyedBy?: 'inval' | 'hangup' | 'retries' | 'final';
  /** Voice frames (full and mini) this dialog received; whether a full one gave it the format. */
  voiceIn: number;
  voiceFormat: boolean;
  iseqno: number;
  oseqno: number;
  readonly challenge: string;
  /** USERNAME of the opening frame: whose secret answers the challenge. */
  readonly user: string;
  readonly pending: ModelPending[];
}

interface ModelPending {
  readonly oseqno: number;
  readonly subclass: number;
  readonly frameType: number;
  readonly payload: Uint8Array;
  readonly timestamp: number;
  readonly final: boolean;
  transmissions: number;
  cancel?: () => void;
}

export interface AsteriskModelOptions {
  readonly clock: Clock;
  /** Where the model's datagrams go (the network towards the client). */
  readonly send: (bytes: Uint8Array, to: UdpEndpoint) => void;
  readonly users: Readonly<Record<string, string>>;
  /** calltokenexpiration (s), default 10. */
  readonly tokenLifetimeS?: number;
  /** maxauthreq, default 3 (0: no limit). */
  readonly maxAuthReq?: number;
}

const isUnsequenced = (f: FullFrame): boolean => f.frameType === FrameType.IAX && [IaxSubclass.ACK, IaxSubclass.INVAL,
  IaxSubclass.VNAK, IaxSubclass.TXCNT, IaxSubclass.TXACC].includes(f.subclass);
const sameAddr = (a: UdpEndpoint, b: UdpEndpoint): boolean => a.address === b.address && a.port === b.port;
const EMPTY = new Uint8Array(0);

export class AsteriskModel {
  /** Every dialog ever opened, in creation order (destroyed ones keep destroyedAt). */
  readonly dialogs: ModelDialog[] = [];
  private nextCallno = 2;
  private readonly epoch: number;

  constructor(private readonly o: AsteriskModelOptions) {
    this.epoch = o.clock.now();
  }

  alive(): ModelDialog[] {
    return this.dialogs.filter((d) => d.destroyedAt === undefined);
  }

  /** `iax2 show channels`: Asterisk's and our call numbers of the live dialogs. */
  channels(): Array<{ lo: number; rem: number }> {
    return this.alive().map((d) => ({ lo: d.callno, rem: d.peercallno }));
  }

  receive(bytes: Uint8Array, from: UdpEndpoint): void {
    const r = decodeDatagram(bytes);
    if (!r.ok) return;
    const dg = r.value;
    if (dg.kind === 'mini') {
      const d = this.oldest(from, dg.sourceCall); // M-3
      if (!d) return;
      d.voiceIn++;
      // "Received mini frame before first full voice frame": Asterisk asks for it with a VNAK.
      if (!d.voiceFormat) this.unsequenced(d, IaxSubclass.VNAK, this.ts(d));
      return;
    }
    if (dg.kind !== 'full') return;
    const f = dg;
    const isIax = f.frameType === FrameType.IAX;
    if (isIax && f.subclass === IaxSubclass.POKE) { this.apathetic(f, from, IaxSubclass.PONG); return; }
    if (isIax && f.subclass === IaxSubclass.ACK && f.destCall === 1) return;
    // M-1
    let d = f.destCall !== 1 ? this.alive().find((x) => sameAddr(x.addr, from) && x.peercallno === f.sourceCall && x.callno === f.destCall) : undefined;
    if (!d && f.destCall === 0 && isIax && [IaxSubclass.NEW, IaxSubclass.REGREQ, IaxSubclass.REGREL].includes(f.subclass)) {
      this.opening(f, from); // M-2
      return;
    }
    if (!d && !(isIax && f.subclass === IaxSubclass.ACK)) d = this.oldest(from, f.sourceCall); // M-3
    if (!d) return; // M-4
    this.inDialog(d, f);
  }

  // ------------------------------------------------------------------------------------------------ matching

  private oldest(from: UdpEndpoint, peercallno: number): ModelDialog | undefined {
    return this.alive().find((x) => sameAddr(x.addr, from) && x.peercallno === peercallno);
  }

  private opening(f: FullFrame, from: UdpEndpoint): void {
    const ies = IeReader.fromPayload(f.payload);
    if (!ies.ok) return;
    const token = ies.value.bytes(IeType.CALLTOKEN);
    const refuse = f.subclass === IaxSubclass.NEW ? IaxSubclass.REJECT : IaxSubclass.REGREJ;
    if (token === undefined) { this.apathetic(f, from, refuse); return; } // requirecalltoken=yes
    if (token.length === 0) {
      const issued = Math.floor(this.o.clock.now() / 1000);
      this.apathetic(f, from, IaxSubclass.CALLTOKEN,
        new IeWriter().string(IeType.CALLTOKEN, `${issued}?${from.address}:${from.port}`).finish());
      return;
    }
    const [issued, bound] = new TextDecoder().decode(token).split('?');
    const age = Math.floor(this.o.clock.now() / 1000) - Number(issued);
    if (bound !== `${from.address}:${from.port}` || !(age >= 0 && age < (this.o.tokenLifetimeS ?? 10))) {
      this.apathetic(f, from, refuse);
      return;
    }
    const user = ies.value.string(IeType.USERNAME) ?? '';
    const registration = f.subclass !== IaxSubclass.NEW;
    const d: ModelDialog = {
      callno: this.nextCallno++, peercallno: f.sourceCall, addr: from, kind: registration ? 'registration' : 'call',
      state: 'challenged', createdAt: this.o.clock.now(), voiceIn: 0, voiceFormat: false, iseqno: 1, oseqno: 0,
      challenge: String(100_000_000 + this.dialogs.length), user, pending: [],
    };
    this.dialogs.push(d);
    const limit = this.o.maxAuthReq ?? 3;
    const unanswered = this.alive().filter((x) => x !== d && x.kind === 'call' && x.user === user && x.state === 'challenged').length;
    if (!registration && limit > 0 && unanswered >= limit) { // M-7
      d.state = 'rejected';
      this.send(d, IaxSubclass.REJECT, new IeWriter().string(IeType.CAUSE, 'Unauthenticated call limit reached')
        .u8(IeType.CAUSECODE, 21).finish(), FrameType.IAX, true);
      return;
    }
    const w = new IeWriter().u16(IeType.AUTHMETHODS, 2).string(IeType.CHALLENGE, d.challenge).string(IeType.USERNAME, user);
    this.send(d, registration ? IaxSubclass.REGAUTH : IaxSubclass.AUTHREQ, w.finish());
  }

  // ------------------------------------------------------------------------------------------------ one dialog

  private inDialog(d: ModelDialog, f: FullFrame): void {
    const isIax = f.frameType === FrameType.IAX;
    if (!isUnsequenced(f) && f.oseqno !== d.iseqno) {
      if (((d.iseqno - f.oseqno) & 0xff) < 128) this.unsequenced(d, IaxSubclass.ACK, f.timestamp); // "Acking anyway"
      else this.unsequenced(d, IaxSubclass.VNAK, this.ts(d));
      return;
    }
    if (!isUnsequenced(f)) d.iseqno = (d.iseqno + 1) & 0xff;
    if (!(isIax && f.subclass === IaxSubclass.INVAL)) this.implicitAck(d, f.iseqno);
    if (d.destroyedAt !== undefined) return;
    if (isIax && f.subclass === IaxSubclass.INVAL) { this.destroy(d, 'inval'); return; } // M-5
    if (isIax && f.subclass === IaxSubclass.VNAK) {
      // vnak_retransmit(): a copy at once, not counted against the frame's retries.
      for (const p of d.pending) if (((p.oseqno - f.iseqno) & 0xff) < 128) this.transmit(d, p, false, false);
      return;
    }
    if (isUnsequenced(f)) return;
    const before = d.oseqno;
    if (f.frameType === FrameType.VOICE) { d.voiceIn++; d.voiceFormat = true; }
    else if (isIax) this.command(d, f);
    if (d.oseqno === before && d.destroyedAt === undefined) this.unsequenced(d, IaxSubclass.ACK, f.timestamp);
  }

  private command(d: ModelDialog, f: FullFrame): void {
    const ies = IeReader.fromPayload(f.payload);
    const md5 = ies.ok ? ies.value.string(IeType.MD5_RESULT) : undefined;
    switch (f.subclass) {
      case IaxSubclass.AUTHREP: {
        if (d.state !== 'challenged' || d.kind !== 'call') return;
        const secret = this.o.users[d.user];
        if (secret === undefined || md5 !== md5Response(new TextEncoder().encode(d.challenge), secret)) { d.state = 'rejected'; this.send(d, IaxSubclass.REJECT, EMPTY, FrameType.IAX, true); return; }
        d.state = 'up';
        // Echo(): ACCEPT, then Answer() and the indication stop Asterisk sends with it.
        this.send(d, IaxSubclass.ACCEPT, new IeWriter().u32(IeType.FORMAT, 4).versionedU64(IeType.FORMAT2, 4n).finish());
        this.send(d, ControlSubclass.ANSWER, EMPTY, FrameType.CONTROL);
        this.send(d, ControlSubclass.STOP_INDICATIONS, EMPTY, FrameType.CONTROL);
        return;
      }
      case IaxSubclass.REGREQ: {
        if (d.state !== 'challenged' || d.kind !== 'registration') return;
        const secret = this.o.users[d.user];
        if (secret === undefined || md5 !== md5Response(new TextEncoder().encode(d.challenge), secret)) {
          d.state = 'rejected';
          this.send(d, IaxSubclass.REGREJ, EMPTY, FrameType.IAX, true);
          return;
        }
        d.state = 'registered';
        this.send(d, IaxSubclass.REGACK, new IeWriter().string(IeType.USERNAME, d.user).u16(IeType.REFRESH, 60)
          .bytes(IeType.APPARENT_ADDR, encodeApparentAddr(d.addr)).finish(), FrameType.IAX, true);
        return;
      }
      case IaxSubclass.HANGUP:
        this.unsequenced(d, IaxSubclass.ACK, f.timestamp);
        this.destroy(d, 'hangup');
        return;
      case IaxSubclass.PING:
        this.send(d, IaxSubclass.PONG, EMPTY, FrameType.IAX, false, f.timestamp);
        return;
      default:
        return;
    }
  }

  private implicitAck(d: ModelDialog, iseqno: number): void {
    for (const p of [...d.pending]) {
      // Everything before iseqno (window 128) is acknowledged.
      if (((iseqno - p.oseqno - 1) & 0xff) < 128) {
        p.cancel?.();
        d.pending.splice(d.pending.indexOf(p), 1);
        if (p.final) this.destroy(d, 'final');
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ sending

  private ts(d: ModelDialog): number {
    return Math.max(0, Math.round(this.o.clock.now() - d.createdAt));
  }

  private send(d: ModelDialog, subclass: number, payload: Uint8Array, frameType: number = FrameType.IAX, final = false,
               timestamp?: number): void {
    const p: ModelPending = { oseqno: d.oseqno, subclass, frameType, payload, timestamp: timestamp ?? this.ts(d), final, transmissions: 0 };
    d.oseqno = (d.oseqno + 1) & 0xff;
    d.pending.push(p);
    this.transmit(d, p);
    this.arm(d, p, 2_000); // M-6: pingtime 1000 ms until measured
  }

  private arm(d: ModelDialog, p: ModelPending, rto: number): void {
    p.cancel = this.o.clock.setTimer(rto, () => {
      if (d.destroyedAt !== undefined || !d.pending.includes(p)) return;
      if (p.transmissions >= 4) { this.destroy(d, 'retries'); return; }
      this.transmit(d, p, true);
      this.arm(d, p, Math.min(10_000, rto * 10));
    });
  }

  private transmit(d: ModelDialog, p: ModelPending, retry = false, counted = true): void {
    if (counted) p.transmissions++;
    this.o.send(encodeFullFrame({ sourceCall: d.callno, destCall: d.peercallno, retransmit: retry, timestamp: p.timestamp,
      oseqno: p.oseqno, iseqno: d.iseqno, frameType: p.frameType, subclass: p.subclass, payload: p.payload }), d.addr);
  }

  private unsequenced(d: ModelDialog, subclass: number, timestamp: number): void {
    this.o.send(encodeFullFrame({ sourceCall: d.callno, destCall: d.peercallno, retransmit: false, timestamp,
      oseqno: d.oseqno, iseqno: d.iseqno, frameType: FrameType.IAX, subclass, payload: EMPTY }), d.addr);
  }

  /** send_apathetic_reply(): from call number 1, timestamp echoed, oseqno 0, iseqno + 1. */
  private apathetic(f: FullFrame, to: UdpEndpoint, subclass: number, payload: Uint8Array = EMPTY): void {
    this.o.send(encodeFullFrame({ sourceCall: 1, destCall: f.sourceCall, retransmit: false, timestamp: f.timestamp,
      oseqno: 0, iseqno: (f.iseqno + 1) & 0xff, frameType: FrameType.IAX, subclass, payload }), to);
  }

  private destroy(d: ModelDialog, by: NonNullable<ModelDialog['destroyedBy']>): void {
    if (d.destroyedAt !== undefined) return;
    d.destroyedAt = this.o.clock.now();
    d.destroyedBy = by;
    for (const p of d.pending) p.cancel?.();
    d.pending.length = 0;
  }

  /** ms since the model started (for reports). */
  elapsed(): number {
    return this.o.clock.now() - this.epoch;
  }
}

export interface LossyLinkOptions {
  readonly clock: Clock;
  /** 0-1 draws, seeded. */
  readonly random: () => number;
  readonly lossRate: number;
  readonly duplicateRate: number;
  readonly jitterMs: number;
  /** Targeted impairment: drop ('drop') or duplicate ('dup') this datagram regardless of the draws. */
  readonly decide?: (bytes: Uint8Array) => 'drop' | 'dup' | undefined;
}

/** One direction of a seeded lossy network in fake time (as test/support/impair-proxy.ts does in real time). */
export function lossyLink(o: LossyLinkOptions, deliver: (bytes: Uint8Array) => void): (bytes: Uint8Array) => void {
  return (bytes) => {
    const verdict = o.decide?.(bytes);
    const lose = o.random() < o.lossRate || verdict === 'drop';
    const dup = o.random() < o.duplicateRate || verdict === 'dup';
    const delay = o.random() * o.jitterMs;
    if (lose) return;
    const copy = Uint8Array.from(bytes);
    for (let i = 0; i < (dup ? 2 : 1); i++) o.clock.setTimer(delay, () => deliver(copy));
  };
}

/** Our engine's socket in a fake-time test: what it sends goes into `out`. */
export class LinkedSocket implements UdpSocketPort {
  readonly local: UdpEndpoint = { address: '127.0.0.1', port: 40000 };
  private receiver: ((data: Uint8Array, from: UdpEndpoint) => void) | undefined;
  out: (data: Uint8Array, to: UdpEndpoint) => void = () => undefined;

  send(data: Uint8Array, to: UdpEndpoint): void { this.out(data, to); }
  onDatagram(receive: (data: Uint8Array, from: UdpEndpoint) => void): void { this.receiver = receive; }
  async close(): Promise<void> {}
  deliver(data: Uint8Array, from: UdpEndpoint): void { this.receiver?.(data, from); }
}
