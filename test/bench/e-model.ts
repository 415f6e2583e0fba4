// Objective quality from delay and loss: ITU-T G.107 E-model, simplified for a G.711 call with PLC.
//
//   R = 93.2 − Id − Ie,eff                                  (Ro − Is = 93.2 with G.107 defaults, A = 0)
//   Id = 0.024·Ta + 0.11·(Ta − 177.3)·H(Ta − 177.3)          (Cole & Rosenbluth's fit of G.107's Idd/Idte, Ta in ms)
//   Ie,eff = Ie + (95 − Ie)·Ppl / (Ppl/BurstR + Bpl)         (G.107 §7.5 / eq. 7-29)
//   G.711 with packet loss concealment: Ie = 0, Bpl = 25.1  (ITU-T G.113 Appendix I)
//   BurstR = 1/(p + q) for the observed two-state loss process (p = P(loss | previous received),
//            q = P(received | previous lost)); 1 for random loss.
//   MOS = 1 + 0.035R + R(R − 60)(100 − R)·7·10⁻⁶             (G.107 Annex B), clamped to [1, 4.5]
// Ta (mouth-to-ear) = mean(playout − send) + one frame of packetisation.

export interface EModelInput {
  readonly mouthToEarMs: number;
  /** Effective loss the listener gets (network + late), percent. */
  readonly lossPercent: number;
  readonly burstR: number;
}

export function rFactor(input: EModelInput): number {
  const ta = input.mouthToEarMs;
  const id = 0.024 * ta + (ta > 177.3 ? 0.11 * (ta - 177.3) : 0);
  const ie = 0;
  const bpl = 25.1;
  const ppl = input.lossPercent;
  const ieEff = ie + ((95 - ie) * ppl) / (ppl / input.burstR + bpl);
  return 93.2 - id - ieEff;
}

export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return Math.min(4.5, 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6);
}

/** BurstR of a loss pattern (true = lost), from the fitted two-state Markov model. */
export function burstRatio(pattern: readonly boolean[]): number {
  let fromGood = 0, goodToLoss = 0, fromLoss = 0, lossToGood = 0;
  for (let i = 1; i < pattern.length; i++) {
    if (pattern[i - 1]) {
      fromLoss++;
      if (!pattern[i]) lossToGood++;
    } else {
      fromGood++;
      if (pattern[i]) goodToLoss++;
    }
  }
  if (goodToLoss === 0 || fromLoss === 0 || lossToGood === 0) return 1;
  const p = goodToLoss / fromGood;
  const q = lossToGood / fromLoss;
  return 1 / (p + q);
}
