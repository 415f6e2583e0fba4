// Retransmission timing (spec §4.4, R-6; docs/decisions.md D-29). Asterisk waits 2 × pingtime with
// pingtime 1000 ms until measured (__attempt_transmit(), iax2_send()), so its first retransmission comes after 2 s,
// then ×10 up to 10 s. That wait only protected against duplicates; a duplicate of a sequenced frame is harmless
// (the peer re-ACKs it, spec §4.3), and the one frame whose duplicate is not — a NEW, REGREQ or REGREL carrying a
// call token (spec §3.4) — is never retransmitted at all (dialog-setup.ts restarts the set-up instead). So we
// time retransmissions from the measured round trip, as TCP does (RFC 6298 §2): RTO = SRTT + 4 × RTTVAR, clamped,
// doubled per retransmission, and give up after as long as Asterisk does (≈32 s).

export interface RetransmitPolicy {
  /** RTO while no round trip to the peer has been measured (ms). */
  readonly unmeasuredRtoMs: number;
  /** Bounds of the RTO (ms). */
  readonly minRtoMs: number;
  readonly maxRtoMs: number;
  /** Factor applied to a frame's RTO after each retransmission. */
  readonly backoff: number;
  /**
   * Factor applied per retry to the set-up's own timeouts: the CALLTOKEN probe's and the restart's
   * (reliable-dialog.ts). Gentler than `backoff`: both answer loss, not congestion (one or two small datagrams the
   * server keeps no state for), and they are the waits a lossy set-up repeats.
   */
  readonly restartBackoff: number;
  /** A frame still unacknowledged this long after its first transmission (or a set-up not answered this long) fails. */
  readonly giveUpMs: number;
}

export const DEFAULT_RETRANSMIT: RetransmitPolicy = {
  // Below RFC 6298's 1 s: the first frame of a dialog is the stateless CALLTOKEN probe, whose duplicates cost the
  // server nothing, and whose answer gives the first RTT sample (later dialogs start from the transport's per-peer
  // estimate). Against the Asterisk model at 20 % loss, 300 ms instead of 500 ms took the p95 set-up from 2.5 s to
  // 1.9 s (test/unit/iax2/transport/setup-under-loss.test.ts prints the figures).
  unmeasuredRtoMs: 300,
  // Asterisk's own floor is 100 ms (MIN_RETRY_TIME); 200 ms leaves room for a busy server's processing time.
  minRtoMs: 200,
  maxRtoMs: 4_000,
  backoff: 2,
  // 1.25 rather than 2: p95 1.6 s instead of 1.9 s against the model; a dead server still sees only ~15 probes or
  // restarts in the 32 s before we give up.
  restartBackoff: 1.25,
  // Asterisk: 2 + 10 + 10 + 10 s (max_retries = 4); "no answer" (exit code 7) keeps meaning the same wait.
  giveUpMs: 32_000,
};

/** Smoothed round-trip time and its variation (RFC 6298 §2), per dialog and cached per peer by the transport. */
export interface RttEstimate {
  readonly srtt: number;
  readonly rttvar: number;
}

/** RFC 6298 §2.2/§2.3: fold one sample into the estimate. */
export function addRttSample(prev: RttEstimate | undefined, ms: number): RttEstimate {
  if (!prev) return { srtt: ms, rttvar: ms / 2 };
  const rttvar = 0.75 * prev.rttvar + 0.25 * Math.abs(prev.srtt - ms);
  return { srtt: 0.875 * prev.srtt + 0.125 * ms, rttvar };
}

/** The RTO for a first transmission: SRTT + 4 × RTTVAR clamped to the policy, or the unmeasured value. */
export function initialRto(policy: RetransmitPolicy, rtt: RttEstimate | undefined): number {
  const raw = rtt ? rtt.srtt + 4 * rtt.rttvar : policy.unmeasuredRtoMs;
  return Math.min(policy.maxRtoMs, Math.max(policy.minRtoMs, raw));
}

/** The timeout after one more try: × `factor` (the policy's backoff unless given), capped at maxRtoMs. */
export function nextRto(policy: RetransmitPolicy, rto: number, factor: number = policy.backoff): number {
  return Math.min(policy.maxRtoMs, rto * factor);
}
