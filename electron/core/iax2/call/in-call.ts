// The features of an established call (spec §2, §5.7, §8.1): DTMF and TEXT both ways, hold (QUELCH/UNQUELCH) and
// the far end's hold, blind transfer and the server's TRANSFER to us, PING/PONG/LAGRQ, comfort noise, and the
// CONTROL frames that only inform (stop indications, PROGRESS after the answer). The call (call.ts) routes here
// every frame its set-up phase did not take.
import type { CancelTimer } from '../../ports.js';
import type { ReceptionReport } from '../engine-api.js';
import { IeWriter, type IeReader } from '../wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType, type FullFrame } from '../wire/types.js';
import type { CallLeg } from './call-leg.js';
import { CallPings } from './call-pings.js';
import { DtmfSender, digitOfSubclass } from './dtmf.js';
import { ieText } from './new-ies.js';
import type { ReceiveStats } from './receive-stats.js';

/** How long to wait for the server's HANGUP after our TRANSFER before warning (spec P25). */
export const TRANSFER_NOTICE_MS = 5_000;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

export class InCall {
  private readonly dtmf: DtmfSender;
  private readonly pings: CallPings;
  private transferTimer: CancelTimer | undefined;

  constructor(private readonly leg: CallLeg, rx: ReceiveStats) {
    const dialog = () => (leg.ended ? undefined : leg.dialog);
    this.dtmf = new DtmfSender(leg.host.clock, dialog, (m) => leg.host.warn(m));
    this.pings = new CallPings(leg.host.clock, dialog, rx);
  }

  get rttMs(): number | undefined { return this.pings.rttMs; }

  /** ACCEPT exchanged: PINGs start (spec §8.1). */
  started(): void { this.pings.start(); }

  stop(): void {
    this.pings.stop();
    this.dtmf.stop();
    this.transferTimer?.();
    this.transferTimer = undefined;
  }

  setReportSource(source: (() => ReceptionReport) | undefined): void { this.pings.setReportSource(source); }

  // ------------------------------------------------------------------------------------------------- receiving

  onIax(f: FullFrame, ies: IeReader): void {
    if (this.pings.onIax(f.subclass, f.timestamp)) return;
    if (f.subclass === IaxSubclass.TRANSFER) {
      // Server-driven redirect (Asterisk Transfer() app, spec §5.7): surfaced, not followed (MAY; docs/decisions.md D-17).
      const target = ies.string(IeType.CALLED_NUMBER);
      const context = ies.string(IeType.CALLED_CONTEXT);
      this.leg.emit('notice', {
        kind: 'transfer-requested',
        message: `The server asked to transfer this call to ${target ?? '(no number)'}${context ? `@${context}` : ''}; not followed.`,
        ...(target !== undefined ? { target } : {}),
      });
    } else if (f.subclass === IaxSubclass.UNSUPPORT) {
      this.leg.emit('notice', { kind: 'unsupported', message: `The far end does not support IAX command ${ies.u8(IeType.IAX_UNKNOWN) ?? '?'}.` });
    }
    // LAGRP, QUELCH/UNQUELCH (not sent to clients), DPREP, MWI …: ACKed by the transport, nothing else.
  }

  onControl(subclass: number): void {
    switch (subclass) {
      case ControlSubclass.PROGRESS:
      case ControlSubclass.STOP_INDICATIONS:
        this.leg.emit('stop-tones', null); // 0xFF: MUST stop ringback/busy (spec P18); PROGRESS: media follows (§2.3)
        return;
      case ControlSubclass.HOLD: this.leg.emit('remote-hold', true); return;
      case ControlSubclass.UNHOLD: this.leg.emit('remote-hold', false); return;
      default:
        return; // RINGING/ANSWER once answered, RING, OFFHOOK, FLASH, WINK, OPTION, RADIO_*, … ignored after the ACK (C-5)
    }
  }

  /** DTMF, TEXT and comfort noise. */
  onMedia(f: FullFrame): void {
    switch (f.frameType) {
      case FrameType.DTMF:
      case FrameType.DTMF_BEGIN: {
        // Both BEGIN+END and a legacy single END are accepted (spec §2.4, C-6); a lone END is a complete digit.
        const digit = digitOfSubclass(f.subclass);
        if (digit) this.leg.emit('dtmf', { digit, phase: f.frameType === FrameType.DTMF ? 'end' : 'begin' });
        return;
      }
      case FrameType.TEXT: {
        // UTF-8; Asterisk sends a trailing NUL (spec §2.1 TEXT).
        const nul = f.payload.indexOf(0);
        this.leg.emit('text', utf8Decoder.decode(nul >= 0 ? f.payload.subarray(0, nul) : f.payload));
        return;
      }
      case FrameType.CNG:
        // Comfort noise: silence for the jitter buffer (spec §2.1, §2.4); the subclass is the level in -dBov.
        this.leg.emit('cng', { timestamp: f.timestamp, levelDbov: f.subclass >= 0 && f.subclass <= 127 ? f.subclass : 127 });
        return;
      default:
        return; // NULL, IMAGE, HTML, MODEM, VIDEO: ACKed by the transport, otherwise ignored
    }
  }

  // ---------------------------------------------------------------------------------------------- user actions

  sendDtmf(digits: string): void { this.dtmf.send(digits); }

  sendText(text: string): void {
    // UTF-8 plus a trailing NUL, subclass 0 (spec §2.4); keep the datagram well under 1200 bytes (F-6).
    const bytes = utf8.encode(text.replace(/\0/g, ''));
    const body = bytes.length > 1000 ? bytes.subarray(0, 1000) : bytes;
    const payload = new Uint8Array(body.length + 1);
    payload.set(body);
    this.leg.dialog?.sendReliable({ frameType: FrameType.TEXT, subclass: 0, payload });
  }

  /**
   * Hold = QUELCH with MUSICONHOLD; unhold = UNQUELCH (spec §5.7 method (b), as iaxclient does; why: see
   * docs/decisions.md D-14). Asterisk then both stops sending us voice and queues HOLD so the bridged party hears
   * music on hold. Only one method is ever used, so the bridge never sees two HOLDs. QUELCH is honoured only once
   * the call is up, the only state we allow it in.
   */
  hold(): void {
    const dialog = this.leg.dialog;
    if (this.leg.state !== 'up' || !dialog) return;
    dialog.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.QUELCH, payload: new IeWriter().empty(IeType.MUSICONHOLD).finish() });
    this.leg.setState('held', 'local hold');
  }

  unhold(): void {
    const dialog = this.leg.dialog;
    if (this.leg.state !== 'held' || !dialog) return;
    dialog.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.UNQUELCH });
    this.leg.setState('up', 'local unhold');
  }

  /** Blind transfer (spec §5.7): TRANSFER(CALLED_NUMBER); success shows up as the server hanging up our leg. */
  transfer(target: string): void {
    const s = this.leg.state;
    const dialog = this.leg.dialog;
    const to = target.trim();
    if ((s !== 'up' && s !== 'held') || !dialog || to === '') return;
    dialog.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.TRANSFER,
      payload: new IeWriter().bytes(IeType.CALLED_NUMBER, ieText(to)).finish() });
    this.transferTimer?.();
    this.transferTimer = this.leg.host.clock.setTimer(TRANSFER_NOTICE_MS, () => {
      this.transferTimer = undefined;
      if (this.leg.ended) return;
      this.leg.emit('notice', { kind: 'transfer-may-have-failed', target: to,
        message: `Transfer to ${to} may have failed: the server did not release the call within ${TRANSFER_NOTICE_MS / 1000} s.` });
    });
  }
}
