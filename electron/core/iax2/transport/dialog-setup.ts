// The outgoing set-up of one dialog (spec §3.4, §4.4, §4.5): the opening frame (NEW, REGREQ, REGREL, POKE) as a
// probe with an empty CALLTOKEN IE, the tokenised copy once the server's token comes, restarts under a fresh call
// number, and the VNAK pull while the server is quiet. The dialog (reliable-dialog.ts) sends and times the frames;
// this decides what the set-up sends next.
//
// Why once per number (docs/decisions.md D-29): Asterisk opens a new server dialog for *every* NEW, REGREQ or
// REGREL that carries a valid call token (__find_callno() with NEW_ALLOW_CALLTOKEN_VALIDATED), and matches a frame
// whose dcallno it does not know — and every mini frame — on our source call number alone (match() without the
// dcallno check). Two server dialogs for one of our numbers therefore misroute our voice and let a stale frame (an
// INVAL above all) land on the live one. So a tokenised opening frame is sent exactly once per call number: when it
// goes unanswered, the set-up takes a fresh number and sends it again from there (restart()), and the old number is
// abandoned, so whatever Asterisk opened for it can only ever hear from, and be INVALed by, that number.
import type { CancelTimer } from '../../ports.js';
import { encodeIes, IeReader } from '../wire/ies.js';
import { FrameType, IaxSubclass, IeType, type FullFrame, type RawIe } from '../wire/types.js';
import type { SendOptions } from './dialog.js';
import type { DialogLink } from './dialog-link.js';
import { initialRto, type RttEstimate } from './retransmit-policy.js';
import type { PendingMode } from './send-window.js';

/**
 * Asterisk accepts a token while (now − its issue second) < calltokenexpiration, 10 s by default
 * (handle_call_token()): at least 9 s after it was issued. A restart reuses it for 8 s — no CALLTOKEN round trip —
 * and fetches a new one if the server refuses it anyway (a shorter calltokenexpiration).
 */
export const TOKEN_REUSE_MS = 8_000;
/**
 * Set-up pull (spec §4.5): Asterisk resends at once every frame still unacknowledged when it gets a VNAK
 * (vnak_retransmit()), while its own first retransmission waits 2 s (__attempt_transmit()). Once its first
 * retransmission is due anyway, pulling adds nothing: stop when the interval reaches this.
 */
const PULL_MAX_INTERVAL_MS = 2_000;

interface Opening {
  readonly subclass: number;
  readonly ies: readonly RawIe[];
  readonly options: SendOptions;
  readonly startedAt: number;
  /** The server's call token and when it came; reused by restarts while it is young (TOKEN_REUSE_MS). */
  token?: { readonly bytes: Uint8Array; readonly at: number };
  /** The token in the frame now pending was fetched for this attempt (not reused from an earlier one). */
  tokenFresh: boolean;
  /** Restarts so far (each under a new call number). */
  restarts: number;
}

/** What the set-up needs from its dialog. */
export interface SetupHost {
  readonly link: DialogLink;
  closed(): boolean;
  /** The server's call number (0 until it answered). */
  remoteCall(): number;
  rtt(): RttEstimate | undefined;
  /** Sends `payload` as the opening frame: oseqno 0 of a fresh sequence, timed in `mode`. */
  sendFirst(subclass: number, payload: Uint8Array, options: SendOptions, mode: Exclude<PendingMode, 'normal'>): void;
  /** Takes a fresh call number (the transport abandons the old one); false when none is free. */
  renumber(): boolean;
  /** Nothing more to try: `onFail`, then close. */
  giveUp(options: SendOptions): void;
  /** The opening frame cannot be encoded at all: `onFail`, then close at once. */
  refuse(options: SendOptions): void;
  pending(mode: PendingMode): boolean;
  rttSample(ms: number): void;
  elapsed(): number;
  sendVnak(): void;
}

export class DialogSetup {
  private opening: Opening | undefined;
  /** Outgoing set-up not yet declared done (see {@link established}): pull with VNAK when the server goes quiet. */
  private settingUp = false;
  private pullTimer: CancelTimer | undefined;
  private pullInterval = 0;

  constructor(private readonly host: SetupHost) {}

  get started(): boolean { return this.opening !== undefined; }
  /** When the set-up began: the deadline of its opening frames runs from here across restarts. */
  get startedAt(): number | undefined { return this.opening?.startedAt; }
  /** Restarts so far: a tokenised frame's timeout grows with each (restartBackoff). */
  get restarts(): number { return this.opening?.restarts ?? 0; }

  begin(subclass: number, ies: readonly RawIe[], options: SendOptions): void {
    if (this.opening) return;
    try {
      // Checked once with the largest token there could be, so that no copy sent later can fail to encode.
      encodeIes([...ies, { type: IeType.CALLTOKEN, data: new Uint8Array(255) }]);
    } catch (err) {
      // An IE over 255 bytes (a caller's bug): nothing can be sent, so the dialog ends at once instead of hanging.
      this.host.link.logger?.log('error', 'opening frame cannot be encoded', { subclass, error: String(err) });
      this.host.refuse(options);
      return;
    }
    this.opening = { subclass, ies: [...ies], options, startedAt: this.host.link.clock.now(), tokenFresh: false, restarts: 0 };
    this.send(undefined);
  }

  /**
   * The tokenised opening went unanswered, or the server refused a reused token: start over from a fresh call
   * number, with the token while it is young, else with a new probe.
   */
  restart(): void {
    const opening = this.opening;
    if (!opening || this.host.closed() || this.host.remoteCall() !== 0) return;
    const now = this.host.link.clock.now();
    if (now - opening.startedAt >= this.host.link.policy.giveUpMs || !this.host.renumber()) { this.host.giveUp(opening.options); return; }
    opening.restarts++;
    const token = opening.token && now - opening.token.at < TOKEN_REUSE_MS ? opening.token.bytes : undefined;
    opening.tokenFresh = false;
    this.send(token);
  }

  /**
   * Spec §3.4 K-2: the server's token, in answer to our probe. Its timestamp echoes the probe copy it answers (each
   * copy has its own), so it is an exact RTT sample — the first one a set-up gets. Rebuild the opening frame with
   * the token and send it, once, from this number. Not ACKed. A CALLTOKEN for a probe we already replaced (the
   * answer to an earlier copy, or a duplicate) changes nothing: the tokenised frame is never sent twice.
   */
  onCallToken(f: FullFrame): void {
    const opening = this.opening;
    if (!opening || this.host.remoteCall() !== 0 || !this.host.pending('probe')) return;
    const reader = IeReader.fromPayload(f.payload);
    const token = reader.ok ? reader.value.bytes(IeType.CALLTOKEN) : undefined;
    if (!token || token.length === 0) return;
    this.host.rttSample(this.host.elapsed() - f.timestamp);
    opening.token = { bytes: Uint8Array.from(token), at: this.host.link.clock.now() };
    opening.tokenFresh = true;
    this.send(opening.token.bytes);
  }

  /**
   * A stateless refusal (REJECT, REGREJ without IEs) of a token we reused: it may have expired (a
   * calltokenexpiration below our reuse window). Fetch a fresh one before taking the refusal for an answer.
   * True when the refusal was taken so.
   */
  refusedReusedToken(f: FullFrame): boolean {
    const opening = this.opening;
    if (!opening || this.host.remoteCall() !== 0 || opening.tokenFresh || !this.host.pending('tokenised')) return false;
    if (f.frameType !== FrameType.IAX || (f.subclass !== IaxSubclass.REJECT && f.subclass !== IaxSubclass.REGREJ) || f.payload.length > 0) return false;
    opening.token = undefined;
    this.restart();
    return true;
  }

  /** The server answered (its call number is known): from now on the set-up only pulls (spec §4.5). */
  answered(): void {
    if (this.opening) this.settingUp = true;
  }

  /** A frame from the server: a quiet period starts again. */
  heard(): void {
    if (this.settingUp) this.armPull(true);
  }

  /** The set-up is over (the call answered, or the dialog closed): stop pulling. */
  established(): void {
    this.settingUp = false;
    this.pullTimer?.();
    this.pullTimer = undefined;
  }

  /** Spec §3.4: K-1, the probe (empty CALLTOKEN IE, last), or with a token the tokenised copy. */
  private send(token: Uint8Array | undefined): void {
    const opening = this.opening;
    if (!opening) return;
    const payload = encodeIes([...opening.ies, { type: IeType.CALLTOKEN, data: token ?? new Uint8Array(0) }]);
    this.host.sendFirst(opening.subclass, payload, opening.options, token ? 'tokenised' : 'probe');
  }

  /**
   * Set-up pull (spec §4.5): when the server has been quiet for an RTO during an outgoing set-up, a VNAK carrying
   * our iseqno makes Asterisk resend at once whatever it sent that we have not acknowledged (its ACCEPT, ANSWER or
   * REGACK lost on the way), instead of after its own 2 s. Each quiet period pulls at RTO, 2 RTO, 4 RTO … up to
   * PULL_MAX_INTERVAL_MS; any frame from the server starts the schedule again.
   */
  private armPull(reset: boolean): void {
    this.pullTimer?.();
    this.pullTimer = undefined;
    const { policy, clock } = this.host.link;
    this.pullInterval = reset ? initialRto(policy, this.host.rtt()) : this.pullInterval * policy.backoff;
    if (this.pullInterval > PULL_MAX_INTERVAL_MS) return;
    this.pullTimer = clock.setTimer(this.pullInterval, () => {
      this.pullTimer = undefined;
      if (!this.settingUp || this.host.closed()) return;
      this.host.sendVnak();
      this.armPull(false);
    });
  }
}
