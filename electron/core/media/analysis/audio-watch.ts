// Watches received audio, block by block (block-analyzer.ts), for one expectation: a tone of F Hz (± tolerance)
// held for a while, speech (energy above a level for a total time), or a stretch of silence. Each watch says when it
// is satisfied and, when it never was, what was heard instead, in words for a failure message (docs/scenarios.md).
import type { AudioBlock } from './block-analyzer.js';
import { strongestTone } from './spectrum.js';

export interface AudioWatch {
  /** Feeds one block; true once the expectation is met (further blocks are ignored). */
  feed(block: AudioBlock): boolean;
  readonly satisfied: boolean;
  /** What was heard, for the failure message when the expectation was never met. */
  heard(): string;
}

export interface ToneWatchOptions {
  readonly hz: number;
  readonly toleranceHz: number;
  /** The tone must be present without a break for this long (ms). */
  readonly minMs: number;
  /** Blocks quieter than this are not looked at (dBFS). */
  readonly minLevelDbfs: number;
  /** The share of a block's energy the tone must hold (0..1): 0.3 lets a two-tone pair (0.5 each) through. */
  readonly minShare?: number;
}

/** Band edges for the overall "what did we hear" scan, Hz. */
const SCAN_FROM_HZ = 100;
const SCAN_STEP_HZ = 10;
/** How far beyond the tolerance the peak is searched, so a tone just outside it is seen (and rejected) as such. */
const SEARCH_MARGIN_HZ = 30;

const fmtDb = (db: number): string => `${db.toFixed(1)} dBFS`;
const fmtHz = (hz: number): string => `${Math.round(hz)} Hz`;

/** Keeps a copy of the loudest block seen (for describing what was heard without analysing every block). */
class LoudestBlock {
  levelDbfs = -Infinity;
  private pcm: Int16Array | undefined;
  private rate = 0;

  offer(block: AudioBlock): void {
    if (block.levelDbfs <= this.levelDbfs) return;
    this.levelDbfs = block.levelDbfs;
    if (this.pcm?.length !== block.pcm.length) this.pcm = new Int16Array(block.pcm.length);
    this.pcm.set(block.pcm);
    this.rate = block.sampleRate;
  }

  describe(silentBelowDbfs: number): string {
    if (!this.pcm || this.levelDbfs === -Infinity) return 'no audio at all';
    if (this.levelDbfs < silentBelowDbfs) return `only silence (loudest ${fmtDb(this.levelDbfs)})`;
    const peak = strongestTone(this.pcm, this.rate, SCAN_FROM_HZ, this.rate / 2 - SCAN_FROM_HZ, SCAN_STEP_HZ);
    const tone = peak.share >= 0.3 ? `a ${fmtHz(peak.hz)} tone (${Math.round(peak.share * 100)} % of its energy)` : 'no clear tone';
    return `loudest ${fmtDb(this.levelDbfs)}, ${tone}`;
  }
}

export class ToneWatch implements AudioWatch {
  private runMs = 0;
  private longestRunMs = 0;
  private done = false;
  private readonly loudest = new LoudestBlock();
  private readonly minShare: number;

  constructor(private readonly o: ToneWatchOptions) {
    this.minShare = o.minShare ?? 0.3;
  }

  get satisfied(): boolean { return this.done; }

  feed(block: AudioBlock): boolean {
    if (this.done) return true;
    this.loudest.offer(block);
    let present = false;
    if (block.levelDbfs >= this.o.minLevelDbfs) {
      const margin = this.o.toleranceHz + SEARCH_MARGIN_HZ;
      const peak = strongestTone(block.pcm, block.sampleRate, this.o.hz - margin, this.o.hz + margin, Math.min(5, Math.max(1, this.o.toleranceHz / 2)));
      present = peak.share >= this.minShare && Math.abs(peak.hz - this.o.hz) <= this.o.toleranceHz;
    }
    this.runMs = present ? this.runMs + block.durationMs : 0;
    this.longestRunMs = Math.max(this.longestRunMs, this.runMs);
    if (this.runMs + 1e-6 >= this.o.minMs) this.done = true;
    return this.done;
  }

  heard(): string {
    const partial = this.longestRunMs > 0 ? `; the tone was there for ${(this.longestRunMs / 1000).toFixed(2)} s at most` : '';
    return `${this.loudest.describe(this.o.minLevelDbfs)}${partial}`;
  }
}

export interface LevelWatchOptions {
  /** Speech: total time above `levelDbfs`; silence: unbroken time below it (ms). */
  readonly minMs: number;
  readonly levelDbfs: number;
}

/** Speech or any energy: blocks above the level add up (speech has pauses) to at least minMs. */
export class SpeechWatch implements AudioWatch {
  private aboveMs = 0;
  private done = false;
  private readonly loudest = new LoudestBlock();

  constructor(private readonly o: LevelWatchOptions) {}

  get satisfied(): boolean { return this.done; }

  feed(block: AudioBlock): boolean {
    if (this.done) return true;
    this.loudest.offer(block);
    if (block.levelDbfs >= this.o.levelDbfs) this.aboveMs += block.durationMs;
    if (this.aboveMs + 1e-6 >= this.o.minMs) this.done = true;
    return this.done;
  }

  heard(): string {
    return `${this.loudest.describe(this.o.levelDbfs)}; ${(this.aboveMs / 1000).toFixed(2)} s above ${fmtDb(this.o.levelDbfs)}`;
  }
}

/** Silence: an unbroken stretch of blocks below the level for at least minMs. */
export class SilenceWatch implements AudioWatch {
  private runMs = 0;
  private longestMs = 0;
  private done = false;
  private loudestDbfs = -Infinity;

  constructor(private readonly o: LevelWatchOptions) {}

  get satisfied(): boolean { return this.done; }

  feed(block: AudioBlock): boolean {
    if (this.done) return true;
    this.loudestDbfs = Math.max(this.loudestDbfs, block.levelDbfs);
    this.runMs = block.levelDbfs < this.o.levelDbfs ? this.runMs + block.durationMs : 0;
    this.longestMs = Math.max(this.longestMs, this.runMs);
    if (this.runMs + 1e-6 >= this.o.minMs) this.done = true;
    return this.done;
  }

  heard(): string {
    if (this.loudestDbfs === -Infinity) return 'no audio at all';
    return `the longest quiet stretch was ${(this.longestMs / 1000).toFixed(2)} s; loudest ${fmtDb(this.loudestDbfs)}`;
  }
}
