// Locally generated call-progress tones, ringtone and DTMF feedback, as streaming generators at any
// sample rate. Nothing is downloaded or stored: every tone is a sum of sines shaped by an envelope.
//
// Cadences follow the North American precise tone plan (ANSI T1.401 / Bellcore LSSGR, as used by
// Asterisk's indications.conf "us" zone): ringback 440+480 Hz 2 s on / 4 s off, busy 480+620 Hz
// 0.5/0.5 s, reorder ("congestion") 480+620 Hz 0.25/0.25 s. Another region would be another ToneTable.
//
// Every on/off edge gets a raised-cosine ramp so that starting, stopping or repeating a tone never
// produces a step (an audible click). Oscillator phases are kept across read() calls, so frames of
// any size concatenate into one continuous waveform.

/** One step of a cadence: the listed frequencies for `durationMs` (none = silence). */
export interface ToneSegment {
  readonly frequencies: readonly number[];
  readonly durationMs: number;
  /** Level of EACH frequency component in dBFS (a full-scale sine is 0 dBFS). Default -16. */
  readonly levelDbfs?: number;
  /**
   * 'flat': constant level with short ramps at both ends (call-progress tones, DTMF).
   * 'chime': quick attack then an exponential decay like a struck bell (ringtone notes).
   */
  readonly shape?: 'flat' | 'chime';
}

export interface ToneSpec {
  readonly segments: readonly ToneSegment[];
  /** Repeat the segments forever (cadenced tones) or play them once and then stay silent. */
  readonly repeat: boolean;
}

export type ProgressToneName = 'ringback' | 'busy' | 'congestion' | 'dialtone';
export type ToneTable = Readonly<Record<ProgressToneName, ToneSpec>>;

const PROGRESS_LEVEL_DBFS = -19;
const cadence = (frequencies: number[], onMs: number, offMs: number): ToneSpec => ({
  repeat: true,
  segments: [
    { frequencies, durationMs: onMs, levelDbfs: PROGRESS_LEVEL_DBFS },
    { frequencies: [], durationMs: offMs },
  ],
});

/** North American call-progress tones (the default table). */
export const NORTH_AMERICAN_TONES: ToneTable = {
  ringback: cadence([440, 480], 2000, 4000),
  busy: cadence([480, 620], 500, 500),
  congestion: cadence([480, 620], 250, 250),
  dialtone: { repeat: true, segments: [{ frequencies: [350, 440], durationMs: 1000, levelDbfs: PROGRESS_LEVEL_DBFS }] },
};

/**
 * The ringtone: a soft two-note chime (E6 + G#6, then C#6 + E6, a major-third pair falling a third),
 * each note decaying like a bell, twice, then a pause: about 0.9 s of sound in a 3 s cycle.
 */
export const RINGTONE: ToneSpec = {
  repeat: true,
  segments: [
    { frequencies: [1318.5, 1661.2], durationMs: 220, levelDbfs: -14, shape: 'chime' },
    { frequencies: [1108.7, 1318.5], durationMs: 220, levelDbfs: -14, shape: 'chime' },
    { frequencies: [1318.5, 1661.2], durationMs: 220, levelDbfs: -14, shape: 'chime' },
    { frequencies: [1108.7, 1318.5], durationMs: 260, levelDbfs: -14, shape: 'chime' },
    { frequencies: [], durationMs: 2080 },
  ],
};

/** DTMF frequency pairs (ITU-T Q.23): row (low group) + column (high group). */
export const DTMF_FREQUENCIES: Readonly<Record<string, readonly [number, number]>> = {
  '1': [697, 1209], '2': [697, 1336], '3': [697, 1477], A: [697, 1633],
  '4': [770, 1209], '5': [770, 1336], '6': [770, 1477], B: [770, 1633],
  '7': [852, 1209], '8': [852, 1336], '9': [852, 1477], C: [852, 1633],
  '*': [941, 1209], '0': [941, 1336], '#': [941, 1477], D: [941, 1633],
};

/** Length of the raised-cosine ramp at every edge. 5 ms is inaudible as a fade and removes the click. */
export const EDGE_RAMP_MS = 5;
const DEFAULT_LEVEL_DBFS = -16;
/** Decay time constant of a chime note. */
const CHIME_TAU_MS = 90;

interface CompiledSegment {
  readonly steps: readonly number[]; // phase increment per sample, radians
  readonly amplitude: number;
  readonly lengthSamples: number;
  readonly shape: 'flat' | 'chime';
}

/** A streaming tone: read() returns the next `samples` samples, continuing where the last call ended. */
export class ToneGenerator {
  private readonly segments: CompiledSegment[];
  private readonly cycleSamples: number;
  private readonly rampSamples: number;
  private readonly tauSamples: number;
  private readonly phases: number[] = [];
  private position = 0; // samples since the start
  private segmentIndex = 0;
  private segmentOffset = 0;

  constructor(readonly spec: ToneSpec, readonly sampleRate: number) {
    if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) throw new Error(`tone: invalid sample rate ${sampleRate}`);
    const nyquist = sampleRate / 2;
    this.segments = spec.segments.map((s) => {
      if (!(s.durationMs >= 0) || !Number.isFinite(s.durationMs)) throw new Error(`tone: invalid segment duration ${s.durationMs}`);
      return {
        // A component at or above Nyquist would alias into a wrong audible tone: leave it out.
        steps: s.frequencies.filter((f) => f > 0 && f < nyquist).map((f) => (2 * Math.PI * f) / sampleRate),
        amplitude: 32767 * 10 ** ((s.levelDbfs ?? DEFAULT_LEVEL_DBFS) / 20),
        lengthSamples: Math.round((s.durationMs * sampleRate) / 1000),
        shape: s.shape ?? 'flat',
      };
    });
    this.cycleSamples = this.segments.reduce((n, s) => n + s.lengthSamples, 0);
    this.rampSamples = Math.max(1, Math.round((EDGE_RAMP_MS * sampleRate) / 1000));
    this.tauSamples = (CHIME_TAU_MS * sampleRate) / 1000;
  }

  /** True once a non-repeating tone has played all its segments (it then yields silence). */
  get finished(): boolean {
    return this.cycleSamples === 0 || (!this.spec.repeat && this.segmentIndex >= this.segments.length);
  }

  /** Samples generated so far. */
  get samplesGenerated(): number { return this.position; }

  read(samples: number): Int16Array {
    const out = new Int16Array(samples);
    let i = 0;
    while (i < samples) {
      if (this.finished) break; // rest stays zero
      if (this.segmentIndex >= this.segments.length) { this.segmentIndex = 0; this.segmentOffset = 0; }
      const seg = this.segments[this.segmentIndex];
      const n = Math.min(samples - i, seg.lengthSamples - this.segmentOffset);
      this.render(seg, out, i, n);
      i += n;
      this.segmentOffset += n;
      if (this.segmentOffset >= seg.lengthSamples) {
        this.segmentIndex += 1;
        this.segmentOffset = 0;
      }
    }
    this.position += samples;
    return out;
  }

  private render(seg: CompiledSegment, out: Int16Array, start: number, count: number): void {
    if (seg.steps.length === 0) return; // silence
    while (this.phases.length < seg.steps.length) this.phases.push(0);
    const ramp = Math.min(this.rampSamples, Math.floor(seg.lengthSamples / 2));
    for (let k = 0; k < count; k++) {
      const t = this.segmentOffset + k;
      let v = 0;
      for (let c = 0; c < seg.steps.length; c++) v += Math.sin(this.phases[c] + seg.steps[c] * k);
      out[start + k] = clamp16(Math.round(v * seg.amplitude * this.envelope(seg, t, ramp)));
    }
    for (let c = 0; c < seg.steps.length; c++) this.phases[c] = (this.phases[c] + seg.steps[c] * count) % (2 * Math.PI);
  }

  private envelope(seg: CompiledSegment, t: number, ramp: number): number {
    const fromEnd = seg.lengthSamples - t;
    let g = 1;
    if (t < ramp) g = raisedCosine(t / ramp);
    else if (fromEnd <= ramp) g = raisedCosine((fromEnd - 1) / ramp);
    if (seg.shape === 'chime') g *= Math.exp(-Math.max(0, t - ramp) / this.tauSamples);
    return g;
  }
}

function raisedCosine(x: number): number {
  const c = Math.min(1, Math.max(0, x));
  return 0.5 - 0.5 * Math.cos(Math.PI * c);
}

function clamp16(v: number): number {
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}

/** A call-progress tone from `table` (North American by default). */
export function progressTone(name: ProgressToneName, sampleRate: number, table: ToneTable = NORTH_AMERICAN_TONES): ToneGenerator {
  return new ToneGenerator(table[name], sampleRate);
}

export function ringtone(sampleRate: number, spec: ToneSpec = RINGTONE): ToneGenerator {
  return new ToneGenerator(spec, sampleRate);
}

/**
 * Local feedback for a DTMF key press: the digit's two frequencies for `durationMs`, once.
 * Throws on a character that is not a DTMF digit (0-9 * # A-D).
 */
export function dtmfTone(digit: string, sampleRate: number, durationMs = 120, levelDbfs = -18): ToneGenerator {
  const pair = DTMF_FREQUENCIES[digit.toUpperCase()];
  if (!pair) throw new Error(`not a DTMF digit: ${JSON.stringify(digit)}`);
  return new ToneGenerator({ repeat: false, segments: [{ frequencies: pair, durationMs, levelDbfs }] }, sampleRate);
}

/**
 * The feedback of keys sent as DTMF, queued: each digit's tone for `toneMs`, then `gapMs` of silence, one after the
 * other as they were added — the pace the engine sends them at (iax2/call/dtmf.ts). Not DTMF digits are skipped.
 */
export class KeyTones {
  private readonly queue: { readonly tone: ToneGenerator; left: number }[] = [];

  constructor(readonly sampleRate: number, private readonly toneMs: number, private readonly gapMs: number) {}

  add(digits: string): void {
    const length = Math.round((this.toneMs * this.sampleRate) / 1000) + Math.round((this.gapMs * this.sampleRate) / 1000);
    for (const d of digits) {
      const pair = DTMF_FREQUENCIES[d.toUpperCase()];
      if (!pair) continue;
      const tone = new ToneGenerator({ repeat: false, segments: [
        { frequencies: pair, durationMs: this.toneMs, levelDbfs: -18 }, { frequencies: [], durationMs: this.gapMs },
      ] }, this.sampleRate);
      this.queue.push({ tone, left: length });
    }
  }

  /** Nothing left to play. */
  get finished(): boolean { return this.queue.length === 0; }

  read(samples: number): Int16Array {
    const out = new Int16Array(samples);
    let at = 0;
    while (at < samples && this.queue.length > 0) {
      const head = this.queue[0] as { readonly tone: ToneGenerator; left: number };
      const n = Math.min(head.left, samples - at);
      out.set(head.tone.read(n), at);
      at += n;
      head.left -= n;
      if (head.left === 0) this.queue.shift();
    }
    return out;
  }
}

/** A pull source for a PlaybackStream: one frame of `frameSamples` per call. */
export function toneSource(tone: ToneGenerator, frameSamples: number): () => Int16Array {
  return () => tone.read(frameSamples);
}
