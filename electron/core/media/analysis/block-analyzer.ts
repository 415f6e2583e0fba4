// Cuts a stream of received audio into fixed blocks (40 ms by default: a Goertzel main lobe of ±50 Hz with the Hann
// window, fine enough to tell 1004 Hz from 1100 Hz and short enough to time an answer) and reports each block with
// its level. The block buffer is reused: listeners read it during the callback and keep nothing.
import { rmsDbfs } from '../levels.js';

export interface AudioBlock {
  /** Block start, ms of audio since the analyzer started (not wall time: audio time is what the ear hears). */
  readonly startMs: number;
  readonly durationMs: number;
  readonly sampleRate: number;
  /** RMS level, dBFS (levels.ts convention). */
  readonly levelDbfs: number;
  /** The block's samples: valid during the callback only (the buffer is reused for the next block). */
  readonly pcm: Int16Array;
}

export const DEFAULT_BLOCK_MS = 40;

export class BlockAnalyzer {
  private readonly buf: Int16Array;
  private fill = 0;
  private blocks = 0;
  readonly blockMs: number;

  constructor(readonly sampleRate: number, private readonly onBlock: (block: AudioBlock) => void, blockMs = DEFAULT_BLOCK_MS) {
    const n = Math.round((sampleRate * blockMs) / 1000);
    if (!(n > 0)) throw new Error(`block analyzer: ${blockMs} ms at ${sampleRate} Hz is no samples`);
    this.buf = new Int16Array(n);
    this.blockMs = (n * 1000) / sampleRate;
  }

  /** Audio time analysed so far (whole blocks), ms. */
  get analysedMs(): number {
    return this.blocks * this.blockMs;
  }

  push(pcm: Int16Array): void {
    let i = 0;
    while (i < pcm.length) {
      const n = Math.min(pcm.length - i, this.buf.length - this.fill);
      this.buf.set(pcm.subarray(i, i + n), this.fill);
      this.fill += n;
      i += n;
      if (this.fill === this.buf.length) {
        this.fill = 0;
        const startMs = this.blocks * this.blockMs;
        this.blocks++;
        this.onBlock({ startMs, durationMs: this.blockMs, sampleRate: this.sampleRate, levelDbfs: rmsDbfs(this.buf), pcm: this.buf });
      }
    }
  }
}
