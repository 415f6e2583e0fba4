// The transport: one UDP socket for everything, the dialog table, datagram demultiplexing (spec §4.1),
// INVAL rules, tombstones and the stateless (apathetic) replies to POKE, PING and LAGRQ (spec §8.2, N-1).
// Reliability itself lives in ReliableDialog; the replies without a dialog in stateless-replies.ts, the voice gate
// in voice-gate.ts, the round-trip memory in peer-rtts.ts, the room kept for direct callers in incoming-room.ts,
// the decryption of datagrams before they are looked at in datagram-unseal.ts.
import type { Clock, Logger, RandomSource, UdpEndpoint, UdpSocketPort } from '../../ports.js';
import { decodeDatagram } from '../wire/frame-codec.js';
import { FrameType, IaxSubclass, type FullFrame } from '../wire/types.js';
import { CallNumberAllocator } from './call-numbers.js';
import type { DialogCloseReason } from './dialog.js';
import type { DialogLink, DialogSnapshot } from './dialog-link.js';
import { ReliableDialog } from './reliable-dialog.js';
import { PeerRtts } from './peer-rtts.js';
import { VoiceGate } from './voice-gate.js';
import { DEFAULT_RETRANSMIT, type RetransmitPolicy } from './retransmit-policy.js';
import type { CallTokenPolicy } from '../engine-api.js';
import { IncomingAdmission } from './incoming-admission.js';
import { RemoteIndex } from './remote-index.js';
import { TombstoneTable } from './tombstones.js';
import { StatelessReplies, isInvalExempt, statelessFrame } from './stateless-replies.js';
import { IncomingRoom } from './incoming-room.js';
import { unsealDatagram, type UnsealLookup } from './datagram-unseal.js';

export { MAX_HALF_OPEN_PER_ADDRESS } from './incoming-room.js';

export interface TransportOptions {
  readonly socket: UdpSocketPort;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly logger?: Logger;
  readonly policy?: RetransmitPolicy;
  readonly quarantineMs?: number;
  /** Live dialogs at most; incoming NEWs beyond it are dropped (bounded state under floods). */
  readonly maxDialogs?: number;
  readonly tombstoneMs?: number;
  readonly maxTombstones?: number;
  /**
   * Every datagram sent or received, for the trace. Encrypted ones (spec §7) are passed decrypted with `crypt`
   * 'decrypted' (the trace shows the frame, never the key); one that did not decrypt is passed as received with
   * 'undecryptable'.
   */
  readonly onDatagram?: (direction: 'tx' | 'rx', bytes: Uint8Array, peer: UdpEndpoint, retry: boolean, crypt?: TraceCrypt) => void;
  /**
   * Sources we may answer statelessly (INVAL, PONG, LAGRP): the servers we register with. Peers of live dialogs and
   * tombstones, and direct callers that passed the call-token check, are always answerable (docs/security.md §7).
   */
  readonly isKnownSource?: (from: UdpEndpoint) => boolean;
  /** Voice stops to a peer that has answered none of our frames for this long (default voice-gate.ts PEER_SILENT_MS). */
  readonly peerSilentMs?: number;
  /** A NEW with dcallno 0 that matches no dialog: the engine decides (C-10) and may call {@link IaxTransport.acceptIncoming}. */
  readonly onIncomingNew?: (frame: FullFrame, from: UdpEndpoint) => void;
}

const EMPTY = new Uint8Array(0);
const FULL_HEADER_BYTES = 12;

/** How an encrypted datagram reached the trace (spec §7): shown decrypted, or dropped because it did not decrypt. */
export type TraceCrypt = 'decrypted' | 'undecryptable';

/**
 * The stateless replies a peer sends from call number 1 to a dialog's opening frame (Asterisk's
 * send_apathetic_reply() callers): CALLTOKEN, REJECT to a NEW, REGREJ to a REGREQ/REGREL, PONG to a POKE.
 */
function isApatheticReply(f: FullFrame): boolean {
  return f.frameType === FrameType.IAX && (f.subclass === IaxSubclass.CALLTOKEN || f.subclass === IaxSubclass.REJECT
    || f.subclass === IaxSubclass.REGREJ || f.subclass === IaxSubclass.PONG);
}

export class IaxTransport {
  readonly clock: Clock;
  readonly policy: RetransmitPolicy;
  private readonly socket: UdpSocketPort;
  private readonly logger?: Logger;
  private readonly numbers: CallNumberAllocator;
  private readonly dialogs = new Map<number, ReliableDialog>();
  private readonly byRemote = new RemoteIndex<ReliableDialog>();
  /** Voice only to peers that receive us and still answer (voice-gate.ts). */
  private readonly voice: VoiceGate<ReliableDialog>;
  /** Direct calls (docs/security.md §7): tokens, rate limits. */
  private readonly admission: IncomingAdmission;
  /** Room in the table for direct callers (incoming-room.ts). */
  private readonly room: IncomingRoom<ReliableDialog>;
  /** Where an encrypted datagram's key is found (datagram-unseal.ts). */
  private readonly sealed: UnsealLookup<ReliableDialog>;
  /** Dialogs already warned about replies from a foreign address (P16), so a flood logs once. */
  private readonly foreignWarned = new WeakSet<ReliableDialog>();
  private readonly tombstones: TombstoneTable;
  private readonly replies: StatelessReplies;
  private readonly maxDialogs: number;
  private readonly link: DialogLink;
  private readonly rtts: PeerRtts;
  private stopped = false;

  constructor(private readonly options: TransportOptions) {
    this.socket = options.socket;
    this.clock = options.clock;
    this.logger = options.logger;
    this.policy = options.policy ?? DEFAULT_RETRANSMIT;
    this.numbers = new CallNumberAllocator(options.clock, options.random, { quarantineMs: options.quarantineMs });
    this.tombstones = new TombstoneTable(options.tombstoneMs ?? 30_000, options.maxTombstones ?? 4096);
    this.maxDialogs = options.maxDialogs ?? 2048;
    this.admission = new IncomingAdmission(options.clock, options.random);
    this.voice = new VoiceGate(() => this.clock.now(), options.peerSilentMs);
    this.rtts = new PeerRtts(() => this.clock.now());
    this.room = new IncomingRoom({
      dialogs: this.dialogs, maxDialogs: this.maxDialogs, peerKnowsUs: (d) => this.voice.peerKnowsUs(d), logger: this.logger,
    });
    this.sealed = {
      byLocal: (n) => this.dialogs.get(n),
      byRemote: (from, n) => this.byRemote.get(from, n),
      tombstoneCipher: (local, from, remote) => this.tombstones.find(local, from, remote, this.clock.now())?.cipher,
      now: () => this.clock.now(),
    };
    this.replies = new StatelessReplies({
      send: (bytes, to, retry, clear) => this.sendRaw(bytes, to, retry, clear),
      transientNumber: () => {
        const n = this.numbers.allocate();
        if (n !== undefined) this.numbers.release(n);
        return n;
      },
      known: (from) => this.mayAnswer(from),
    });
    this.link = {
      clock: this.clock,
      policy: this.policy,
      logger: this.logger,
      random: options.random,
      send: (bytes, to, retry, clear) => this.sendRaw(bytes, to, retry, clear),
      remoteLocked: (d) => this.byRemote.set(d.peer, d.remoteCall, d),
      closed: (d, reason) => this.dialogClosed(d, reason),
      mayCarryVoice: (d) => this.voice.mayCarryVoice(d),
      renumber: (d, abandoned) => this.renumber(d, abandoned),
      rttOf: (peer) => this.rtts.of(peer),
      noteRtt: (peer, estimate) => this.rtts.note(peer, estimate),
    };
    this.socket.onDatagram((data, from) => this.receive(data, from));
  }

  get local(): UdpEndpoint {
    return this.socket.local;
  }

  /** A new outgoing dialog, or undefined if every call number is busy (only under a flood). */
  openDialog(peer: UdpEndpoint, alternateAddresses: readonly string[] = []): ReliableDialog | undefined {
    if (this.stopped) return undefined;
    const n = this.numbers.allocate();
    if (n === undefined) return undefined;
    const d = new ReliableDialog(n, { address: peer.address, port: peer.port }, 'outgoing', this.link, alternateAddresses);
    this.dialogs.set(n, d);
    return d;
  }

  /**
   * Opens the incoming dialog for a NEW the engine accepted, and feeds the NEW through it (sequencing, ACK) to
   * `deliver`. Undefined when the table is full.
   */
  acceptIncoming(frame: FullFrame, from: UdpEndpoint, deliver: (d: ReliableDialog, f: FullFrame) => void): ReliableDialog | undefined {
    if (this.stopped || this.dialogs.size >= this.maxDialogs) return undefined;
    const n = this.numbers.allocate();
    if (n === undefined) return undefined;
    const d = new ReliableDialog(n, { address: from.address, port: from.port }, 'incoming', this.link);
    this.dialogs.set(n, d);
    d.lockRemote(frame.sourceCall, from);
    d.receiveFull(frame, (f) => deliver(d, f));
    return d;
  }

  /** Whether direct callers without call-token support are let in (docs/security.md §7.3). Default 'required'. */
  setCallTokenPolicy(policy: CallTokenPolicy): void {
    this.admission.policy = policy;
  }

  /**
   * A NEW from a direct caller (no server we register with): the call-token check, rate limits and room in the table
   * (docs/security.md §7) decide whether it opens a dialog through {@link acceptIncoming}, draws a stateless reply
   * no larger than itself, or nothing.
   */
  admitDirect(frame: FullFrame, from: UdpEndpoint, deliver: (d: ReliableDialog, f: FullFrame) => void): ReliableDialog | undefined {
    if (this.stopped) return undefined;
    const a = this.admission.check(frame, from, FULL_HEADER_BYTES + frame.payload.length);
    if (a.kind === 'reply') {
      this.replies.apathetic(frame, from, a.subclass, a.payload);
      return undefined;
    }
    if (a.kind === 'drop') {
      this.logger?.log('debug', 'direct NEW dropped', { from: `${from.address}:${from.port}`, reason: a.reason });
      return undefined;
    }
    if (!this.room.makeRoom(from)) {
      // A proven address gets told (REJECT from call number 1, header only); an unproven one gets nothing.
      if (a.verified) this.replies.apathetic(frame, from, IaxSubclass.REJECT, EMPTY);
      return undefined;
    }
    const d = this.acceptIncoming(frame, from, deliver);
    if (d && !a.verified && !d.closed) this.room.admittedUnverified(d);
    return d;
  }

  /** Voice frames not sent because the peer had not shown it receives us, or stopped answering (§7.4). */
  voiceWithheldCount(): number {
    return this.voice.withheld;
  }

  dialogCount(): number {
    return this.dialogs.size;
  }

  tombstoneCount(): number {
    return this.tombstones.size;
  }

  callNumbersHeld(): number {
    return this.numbers.size();
  }

  /** Close every dialog (no messages) and stop answering. The socket stays open: it belongs to the caller. */
  stop(): void {
    this.stopped = true;
    for (const d of [...this.dialogs.values()]) d.close('local');
  }

  /** Sends a raw datagram (trace included). Socket errors are logged, never thrown. */
  sendRaw(bytes: Uint8Array, to: UdpEndpoint, retry = false, clear?: Uint8Array): void {
    this.voice.sent(clear ?? bytes, (n) => this.dialogs.get(n));
    try {
      this.options.onDatagram?.('tx', clear ?? bytes, to, retry, clear !== undefined ? 'decrypted' : undefined);
      this.socket.send(bytes, to);
    } catch (err) {
      this.logger?.log('warn', 'UDP send failed', { to: `${to.address}:${to.port}`, error: String(err) });
    }
  }

  /** A keepalive POKE (spec §8.2 "Client-initiated POKE"): its own transient call number, no state kept. */
  sendPoke(to: UdpEndpoint): void {
    const n = this.numbers.allocate();
    if (n === undefined) return;
    this.numbers.release(n);
    this.sendRaw(statelessFrame(n, 0, 0, 0, 0, IaxSubclass.POKE), to);
  }

  // ----------------------------------------------------------------------------------------------
  // Receiving

  private receive(data: Uint8Array, from: UdpEndpoint): void {
    if (this.stopped) return;
    try {
      const opened = unsealDatagram(data, from, this.sealed);
      if (!opened) { this.options.onDatagram?.('rx', data, from, false, 'undecryptable'); return; } // dropped
      this.options.onDatagram?.('rx', opened.bytes, from, false, opened.encrypted ? 'decrypted' : undefined);
      const decoded = decodeDatagram(opened.bytes);
      if (!decoded.ok) return; // malformed: dropped (it is in the trace)
      const d = decoded.value;
      switch (d.kind) {
        case 'full':
          this.receiveFull(d, from);
          return;
        case 'mini':
          // Matched by (remote address, the peer's call number); unknown → dropped silently (spec §4.1).
          this.byRemote.get(from, d.sourceCall)?.receiveMini(d);
          return;
        case 'trunk':
          for (const e of d.entries) this.byRemote.get(from, e.sourceCall)?.receiveTrunkEntry(e);
          return;
        case 'video':
          return; // audio-only client: parsed, dropped knowingly (spec §1.4)
      }
    } catch (err) {
      this.logger?.log('error', 'datagram handling failed', { from: `${from.address}:${from.port}`, error: String(err) });
    }
  }

  private receiveFull(f: FullFrame, from: UdpEndpoint): void {
    const now = this.clock.now();
    if (f.destCall !== 0) {
      const d = this.dialogs.get(f.destCall);
      if (d && d.accepts(from)) {
        // Apathetic replies come from the pseudo call number 1 and are matched by dcallno alone (spec §4.1): only
        // the few that answer a dialog's opening frame, and only while the peer has not answered from its own
        // number. Anything else from call number 1 (HANGUP, TEXT, DTMF, TRANSFER …) would let anyone who knows our
        // call number and the peer's address steer the dialog: dropped (docs/security.md §6).
        if (f.sourceCall === 1) {
          if (d.remoteCall === 0 && isApatheticReply(f)) d.receiveFull(f);
          return;
        }
        if (d.remoteCall === 0) {
          if (f.sourceCall === 0) return;
          d.lockRemote(f.sourceCall, from);
        } else if (f.sourceCall !== d.remoteCall) {
          // R-8 / spec §3.4 duplicate-dialog hazard: a second server dialog for our number gets INVAL (rate-limited,
          // see ReliableDialog.shouldInvalStray()).
          if (!isInvalExempt(f) && d.shouldInvalStray(f.sourceCall)) this.replies.inval(from, d.localCall, f.sourceCall);
          return;
        }
        this.voice.heardFrom(d);
        d.receiveFull(f);
        return;
      }
      if (d && !d.closed && d.remoteCall === 0) this.warnForeignReply(d, from);
      const t = this.tombstones.find(f.destCall, from, f.sourceCall, now);
      if (t) { this.replies.tombstone(t, f, from); return; }
      this.replies.unknownDialog(f, from);
      return;
    }
    // dcallno 0: the peer does not know our number yet (NEW and its retransmissions, POKE, PING outside calls).
    const existing = this.byRemote.get(from, f.sourceCall);
    if (existing && f.sourceCall > 1) {
      // Matched by the peer's call number alone. Fine while the peer cannot know ours yet (our answer to its NEW
      // was lost); once it has used our number, only a retransmitted NEW may still come without it (re-ACKed as a
      // duplicate). Anything else must carry both call numbers (docs/security.md §6).
      if (!this.voice.peerKnowsUs(existing) || (f.frameType === FrameType.IAX && f.subclass === IaxSubclass.NEW)) existing.receiveFull(f);
      return;
    }
    const t = f.sourceCall > 1 ? this.tombstones.findByRemote(from, f.sourceCall, now) : undefined;
    if (t) { this.replies.tombstone(t, f, from); return; }
    if (f.frameType !== FrameType.IAX || f.sourceCall < 2) return;
    switch (f.subclass) {
      case IaxSubclass.NEW:
        this.options.onIncomingNew?.(f, from);
        return;
      case IaxSubclass.POKE:
        // N-1: PONG from a fresh call number, timestamp echoed, oseqno 0, iseqno 1 (spec §8.2).
        this.replies.answer(f, from, IaxSubclass.PONG);
        return;
      case IaxSubclass.PING:
        this.replies.answer(f, from, IaxSubclass.PONG);
        return;
      case IaxSubclass.LAGRQ:
        this.replies.answer(f, from, IaxSubclass.LAGRP);
        return;
      default:
        return; // we are not a registrar; REGREQ and friends are ignored
    }
  }

  /**
   * Spec P16 (asterisk/asterisk#413): a reply to our pending dialog from an address outside the server's resolved
   * set is dropped (Asterisk ties dialogs to exact addresses, and so do we), but it explains a call or registration
   * that "never gets an answer": say so once per dialog, with the server-side fix.
   */
  private warnForeignReply(d: ReliableDialog, from: UdpEndpoint): void {
    if (this.foreignWarned.has(d)) return;
    this.foreignWarned.add(d);
    this.logger?.log('warn', 'a reply for our dialog came from an address that is not the server\'s; ignored. '
      + 'If the server is multi-homed, set bindaddr= in its iax.conf (or dial it by the address it answers from)', {
      expected: `${d.peer.address}:${d.peer.port}`, got: `${from.address}:${from.port}`, call: d.localCall,
    });
  }

  /** Stateless answers only to sources we have business with (docs/security.md §7). */
  private mayAnswer(from: UdpEndpoint): boolean {
    if (this.options.isKnownSource?.(from) || this.admission.verified(from)) return true;
    for (const d of this.dialogs.values()) if (d.peer.address === from.address && d.peer.port === from.port) return true;
    return this.tombstones.hasPeer(from, this.clock.now());
  }

  /**
   * An outgoing set-up restarts (dialog-setup.ts restart()): the dialog moves to a fresh number and the old one
   * is abandoned. Asterisk may hold a dialog for it that answered nothing we saw; an INVAL from the old number with
   * dcallno 0 reaches that dialog and no other (Asterisk matches it on our source number alone, and no other
   * dialog of ours ever used that number), so it is destroyed now instead of holding one of the user's `maxauthreq`
   * unanswered challenges until its retransmissions run out. Anything it still sends meets the tombstone: INVAL.
   */
  private renumber(d: ReliableDialog, abandoned: number): number | undefined {
    const n = this.numbers.allocate();
    if (n === undefined) return undefined;
    if (this.dialogs.get(abandoned) === d) this.dialogs.delete(abandoned);
    this.dialogs.set(n, d);
    this.sendRaw(statelessFrame(abandoned, 0, 0, 0, 0, IaxSubclass.INVAL), d.peer);
    this.numbers.release(abandoned);
    const now = this.clock.now();
    this.tombstones.prune(now);
    this.tombstones.add({ localCall: abandoned, remoteCall: 0, peer: d.peer, oseqno: 0, iseqno: 0 }, now);
    return n;
  }

  private dialogClosed(d: ReliableDialog, _reason: DialogCloseReason): void {
    if (this.dialogs.get(d.localCall) === d) this.dialogs.delete(d.localCall);
    this.room.forget(d);
    if (d.remoteCall !== 0) {
      this.byRemote.delete(d.peer, d.remoteCall, d);
    }
    this.numbers.release(d.localCall);
    // Expired tombstones are otherwise only dropped when looked up by their own call number, so without this sweep
    // the table keeps one per closed dialog up to maxTombstones (soak: 101 after 100 calls in 105 s, never fewer).
    const now = this.clock.now();
    this.tombstones.prune(now);
    this.tombstones.add(d.snapshot(), now);
  }
}
