// Admission of direct calls: NEWs that come from no server we register with (`redial listen` without a server, the
// app's "accept direct calls"). Anyone can send those, with any source address, so before a NEW may cost us a
// dialog, a ringing phone or a single byte more than it carried, its sender must prove that it receives what we send
// to its address: the call-token round trip of spec §3.4, played from the server's side as Asterisk does with
// requirecalltoken=yes (handle_call_token()). Our token is our own design (docs/security.md §7):
//
//   token = "<t>?<mac>"   t: whole seconds of our clock, base 36; mac: the first 12 bytes of HMAC-SHA256(secret,
//                          "<address>|<port>|<t>"), base64url; secret: 32 random bytes drawn once per process.
//
// 23 characters or so: the CALLTOKEN reply is about 37 bytes, smaller than any NEW a real caller sends (Asterisk's
// are over 100). A NEW too small to be answered without amplification gets no answer.
//
// It is stateless (nothing is stored per NEW), bound to the source address and port, and valid for 10 s. The reply
// carrying it is sent only when it is no larger than the NEW it answers (no amplification), and only within per-
// source and global rate limits. Callers that cannot do tokens at all (libiax2: iaxmodem, old iaxclient phones) are
// refused unless the listener opted in ('optional'), and then they are admitted as unverified.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock, RandomSource, UdpEndpoint } from '../../ports.js';
import type { CallTokenPolicy } from '../engine-api.js';
import { IeReader, IeWriter } from '../wire/ies.js';
import { IaxSubclass, IeType, type FullFrame } from '../wire/types.js';
import { RateBuckets } from './rate-buckets.js';


/** What to do with a direct NEW. */
export type Admission =
  /** Open the dialog. `verified`: the sender proved its address with a token. */
  | { readonly kind: 'open'; readonly verified: boolean }
  /** Answer statelessly from call number 1 (never larger than the request). */
  | { readonly kind: 'reply'; readonly subclass: IaxSubclass.CALLTOKEN | IaxSubclass.REJECT; readonly payload: Uint8Array }
  /** Drop silently. */
  | { readonly kind: 'drop'; readonly reason: string };

/** Tokens are accepted this long after they were issued (Asterisk's calltokenexpiration default). */
export const TOKEN_LIFETIME_MS = 10_000;
/** A source that passed the token check may draw PONG and INVAL from us for this long. */
const VERIFIED_MS = 60_000;
const HEADER_BYTES = 12;

/** Limits on what unverified senders can draw from us (docs/security.md §7.2). */
export const ADMISSION_LIMITS = {
  /** Stateless replies (CALLTOKEN, REJECT) per source address and port. */
  repliesPerSource: { ratePerSecond: 5, burst: 10 },
  /**
   * CALLTOKEN replies to a source that proved its address within the last minute: one process placing many calls
   * from one port (`redial load` against `redial listen --echo`) needs a token per call, at its set-up rate. The
   * reply is still no larger than the NEW and goes to an address that showed it receives what we send.
   */
  repliesPerVerifiedSource: { ratePerSecond: 100, burst: 200 },
  /** Stateless replies in all, per second: bounds what a flood from spoofed sources makes us send. */
  repliesTotal: { ratePerSecond: 10_000, burst: 10_000 },
  /**
   * REJECTs in all, per second: a refusal is a courtesy to a caller that got something wrong, so under a flood of
   * forged tokens it is the first thing to go, leaving the CALLTOKEN replies real callers need (and our CPU) alone.
   */
  rejectsTotal: { ratePerSecond: 200, burst: 400 },
  /**
   * Dialogs opened per source address by callers that proved it with a token: generous, so one host can run a load
   * test (`redial load` against `redial listen`), yet bounded.
   */
  dialogsPerVerifiedAddress: { ratePerSecond: 100, burst: 200 },
  /** The same for callers without tokens (§7.3): their address is not proven, so a few per second. */
  dialogsPerUnverifiedAddress: { ratePerSecond: 2, burst: 8 },
} as const;

const TOKEN_PATTERN = /^([0-9a-z]{1,10})\?([A-Za-z0-9_-]{16})$/;

export class IncomingAdmission {
  private readonly secret: Uint8Array;
  private readonly repliesPerSource = new RateBuckets(ADMISSION_LIMITS.repliesPerSource.ratePerSecond, ADMISSION_LIMITS.repliesPerSource.burst);
  private readonly repliesPerVerifiedSource = new RateBuckets(ADMISSION_LIMITS.repliesPerVerifiedSource.ratePerSecond,
    ADMISSION_LIMITS.repliesPerVerifiedSource.burst);
  private readonly repliesTotal = new RateBuckets(ADMISSION_LIMITS.repliesTotal.ratePerSecond, ADMISSION_LIMITS.repliesTotal.burst, 1);
  private readonly rejectsTotal = new RateBuckets(ADMISSION_LIMITS.rejectsTotal.ratePerSecond, ADMISSION_LIMITS.rejectsTotal.burst, 1);
  private readonly verifiedDialogs = new RateBuckets(ADMISSION_LIMITS.dialogsPerVerifiedAddress.ratePerSecond,
    ADMISSION_LIMITS.dialogsPerVerifiedAddress.burst);
  private readonly unverifiedDialogs = new RateBuckets(ADMISSION_LIMITS.dialogsPerUnverifiedAddress.ratePerSecond,
    ADMISSION_LIMITS.dialogsPerUnverifiedAddress.burst);
  /** Sources that passed the token check, with when (insertion order = age; bounded). */
  private readonly verifiedAt = new Map<string, number>();
  policy: CallTokenPolicy = 'required';

  constructor(private readonly clock: Clock, random: RandomSource) {
    this.secret = random.bytes(32);
  }

  /** The decision for a NEW (dcallno 0, no dialog) from `from`, `requestBytes` long on the wire. */
  check(f: FullFrame, from: UdpEndpoint, requestBytes: number): Admission {
    const now = this.clock.now();
    const parsed = IeReader.fromPayload(f.payload);
    if (!parsed.ok) return { kind: 'drop', reason: 'undecodable NEW' };
    const token = parsed.value.bytes(IeType.CALLTOKEN);
    if (token === undefined) {
      // A caller without call-token support (spec §3.4 case 3).
      if (this.policy === 'optional') return this.open(from, false, now);
      return this.reject(from, requestBytes, now);
    }
    if (token.length === 0) {
      // Spec §3.4 case 1: it supports tokens and has none yet.
      const payload = new IeWriter().string(IeType.CALLTOKEN, this.issue(from, now)).finish();
      if (HEADER_BYTES + payload.length > requestBytes) return { kind: 'drop', reason: 'NEW too small to answer with a token' };
      const allowed = this.verified(from)
        ? this.repliesPerVerifiedSource.take(sourceKey(from), now) && this.repliesTotal.take('', now)
        : this.mayReply(from, now);
      if (!allowed) return { kind: 'drop', reason: 'rate limit' };
      return { kind: 'reply', subclass: IaxSubclass.CALLTOKEN, payload };
    }
    if (!this.valid(token, from, now)) return this.reject(from, requestBytes, now);
    this.rememberVerified(from, now);
    return this.open(from, true, now);
  }

  /** The source passed the token check within the last minute (it may draw PONG and INVAL: spec N-1, R-7). */
  verified(from: UdpEndpoint): boolean {
    const at = this.verifiedAt.get(sourceKey(from));
    return at !== undefined && this.clock.now() - at < VERIFIED_MS;
  }

  /** The token for `from` at `nowMs`. */
  issue(from: UdpEndpoint, nowMs: number): string {
    const t = Math.floor(nowMs / 1000);
    return `${t.toString(36)}?${this.mac(from, t)}`;
  }

  private valid(token: Uint8Array, from: UdpEndpoint, nowMs: number): boolean {
    const m = TOKEN_PATTERN.exec(new TextDecoder().decode(token));
    if (!m) return false;
    const t = parseInt(m[1], 36);
    const age = nowMs - t * 1000;
    if (age < 0 || age >= TOKEN_LIFETIME_MS + 1000) return false; // t is rounded down: up to 1 s more
    const expected = new TextEncoder().encode(this.mac(from, t));
    const given = new TextEncoder().encode(m[2]);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private mac(from: UdpEndpoint, t: number): string {
    return createHmac('sha256', this.secret).update(`${from.address}|${from.port}|${t}`).digest().subarray(0, 12).toString('base64url');
  }

  /** Apathetic REJECT (header only: never larger than a request), within the rate limits. */
  private reject(from: UdpEndpoint, requestBytes: number, now: number): Admission {
    if (requestBytes < HEADER_BYTES || !this.rejectsTotal.take('', now) || !this.mayReply(from, now)) return { kind: 'drop', reason: 'rate limit' };
    return { kind: 'reply', subclass: IaxSubclass.REJECT, payload: new Uint8Array(0) };
  }

  private open(from: UdpEndpoint, verified: boolean, now: number): Admission {
    if (!(verified ? this.verifiedDialogs : this.unverifiedDialogs).take(from.address, now)) {
      return { kind: 'drop', reason: 'too many calls from this address' };
    }
    return { kind: 'open', verified };
  }

  private mayReply(from: UdpEndpoint, now: number): boolean {
    return this.repliesPerSource.take(sourceKey(from), now) && this.repliesTotal.take('', now);
  }

  private rememberVerified(from: UdpEndpoint, now: number): void {
    const key = sourceKey(from);
    this.verifiedAt.delete(key);
    this.verifiedAt.set(key, now);
    while (this.verifiedAt.size > 1024) {
      const oldest = this.verifiedAt.keys().next().value;
      if (oldest === undefined) break;
      this.verifiedAt.delete(oldest);
    }
  }
}

const sourceKey = (e: UdpEndpoint): string => `${e.address}|${e.port}`;
