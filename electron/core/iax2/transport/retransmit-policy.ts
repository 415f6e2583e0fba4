// Retransmission timing (spec §4.4, R-6), mirroring Asterisk (iax2_send(), __attempt_transmit()):
// initial RTO = 2 × pingtime clamped to [100, 10 000] ms with pingtime 1000 ms until measured, so 2 s at first
// (≥ 1.5 s for tokenised NEW/REGREQ, spec §3.4); each retransmission multiplies it by 10, capped at 10 s;
// max_retries = 4 transmissions, so the dialog fails ≈ 2 + 10 + 10 + 10 = 32 s after the first send.

export interface RetransmitPolicy {
  readonly initialRttMs: number;
  readonly minRtoMs: number;
  readonly maxRtoMs: number;
  readonly backoff: number;
  /** Total transmissions, the first included. */
  readonly maxTransmissions: number;
  /** Floor for the RTO of a dialog's opening frame (NEW, REGREQ, REGREL). */
  readonly openingMinRtoMs: number;
}

export const ASTERISK_RETRANSMIT: RetransmitPolicy = {
  initialRttMs: 1000,
  minRtoMs: 100,
  maxRtoMs: 10_000,
  backoff: 10,
  maxTransmissions: 4,
  openingMinRtoMs: 1500,
};

export function initialRto(policy: RetransmitPolicy, rttMs: number | undefined, opening: boolean): number {
  const base = 2 * (rttMs ?? policy.initialRttMs);
  const rto = Math.min(policy.maxRtoMs, Math.max(policy.minRtoMs, base));
  return opening ? Math.max(rto, policy.openingMinRtoMs) : rto;
}

export function nextRto(policy: RetransmitPolicy, rto: number): number {
  return Math.min(policy.maxRtoMs, rto * policy.backoff);
}
