// GSM 06.10 full-rate decoder, written from ETSI EN 300 961 (GSM 06.10) §4.3: RPE decoding, long-term synthesis,
// short-term synthesis lattice with interpolated reflection coefficients, de-emphasis and upscaling.

import { add, multR, sub } from './gsm-arith.js';
import {
  GSM_FRAME_SAMPLES, QLB, SEGMENT_ENDS, decodeLars, rpeDecode, segmentCoefficients, unpackFrame, xmaxcToExpMant,
} from './gsm-shared.js';

export class GsmDecoder {
  /** Reconstructed long-term residual history, the 120 most recent samples (§4.3.2). */
  private readonly drp = new Int16Array(120);
  private nrp = 40;
  private readonly v = new Int16Array(9);
  private prevLarpp: Int16Array = new Int16Array(8);
  private msr = 0;

  /** Decodes one 33-byte frame into 160 samples; throws on a frame without the 0xD signature. */
  decode(bytes: Uint8Array, out: Int16Array): void {
    const frame = unpackFrame(bytes);
    const wt = new Int16Array(GSM_FRAME_SAMPLES);
    const erp = new Int16Array(40);
    for (let j = 0; j < 4; j++) {
      const s = frame.sub[j];
      const { exp, mant } = xmaxcToExpMant(s.xmaxc);
      rpeDecode(s.xmc, s.mc, exp, mant, erp);
      // Long-term synthesis (§4.3.2): a lag outside 40..120 keeps the previous one.
      const nr = s.nc < 40 || s.nc > 120 ? this.nrp : s.nc;
      this.nrp = nr;
      const brp = QLB[s.bc];
      const drp = this.drp;
      for (let k = 0; k < 40; k++) {
        // Lags are >= 40, so every sample referenced lies in the history of earlier subframes.
        wt[40 * j + k] = add(erp[k], multR(brp, drp[120 + k - nr]));
      }
      drp.copyWithin(0, 40, 120);
      for (let k = 0; k < 40; k++) drp[80 + k] = wt[40 * j + k];
    }

    const larpp = decodeLars(frame.larc);
    const segments = segmentCoefficients(this.prevLarpp, larpp);
    this.prevLarpp = larpp;
    const v = this.v;
    let start = 0;
    for (let g = 0; g < 4; g++) {
      const rrp = segments[g];
      for (let k = start; k < SEGMENT_ENDS[g]; k++) {
        let sri = wt[k];
        for (let i = 7; i >= 0; i--) {
          sri = sub(sri, multR(rrp[i], v[i]));
          v[i + 1] = add(v[i], multR(rrp[i], sri));
        }
        v[0] = sri;
        // Post-processing (§4.3.5): de-emphasis, then upscaling to 16 bits with the 3 low bits cleared.
        this.msr = add(sri, multR(this.msr, 28180));
        out[k] = add(this.msr, this.msr) & 0xfff8;
      }
      start = SEGMENT_ENDS[g];
    }
  }
}
