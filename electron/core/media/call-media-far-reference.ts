// The echo canceller's far reference: what the speaker played (at the codec rate), handed out frame by frame in step
// with the microphone. The canceller needs a *stable* offset between the two. Pairing sample for sample gives that
// while both devices run on one clock, whatever the callback cadence (bursts and late callbacks only move the fill).
//
// A microphone and a speaker on different sound cards run on different crystals (commonly 10-300 ppm apart). Then
// the speaker delivers slightly more or fewer samples per second than the microphone consumes, the echo path seen by
// the canceller slides by that many samples per second and it never settles (100 ppm costs it about 25 dB). So each
// device's true rate is measured against the monotonic clock (DeviceClockTracker: the earliest callback of each
// second lies on the device's own clock line, later ones are just late), and the reference is read at
// ρ = speaker rate / microphone rate with 4-point cubic (Lagrange) interpolation. Until the measurement is clearly away from
// 1 (three standard errors, at least 15 ppm) ρ stays exactly 1 and the reference is the played samples, unchanged.

/** The clocks must disagree by at least this much (and by three standard errors) before the reader follows them. */
const MIN_DRIFT = 15e-6;
/** No sound card is this far off; a larger estimate is a measurement upset (a stall, a suspended laptop). */
const MAX_DRIFT = 2e-3;
/** A pause between callbacks longer than this (a reopened device, a held call, a suspended laptop) restarts a tracker. */
const CALLBACK_GAP_MS = 500;

/**
 * One device's sample clock against the monotonic clock: per 1 s window, the smallest (callback time − samples
 * delivered / nominal rate), i.e. the callback that was least late; a least-squares line through those floors gives
 * the device's rate error ε (it delivers nominal × (1 + ε) samples per second).
 */
export class DeviceClockTracker {
  private startMs: number | undefined;
  private lastMs: number | undefined;
  private samples = 0;
  private windowEnd = 0;
  private windowMin = Infinity;
  private windowT = 0;
  private readonly points: { t: number; y: number }[] = [];

  constructor(private readonly nominalRate: number, private readonly maxPoints = 120, private readonly settleMs = 2000) {}

  /** A callback at `nowMs` that delivered (or took) `count` samples at the nominal rate. */
  observe(count: number, nowMs: number): void {
    if (this.lastMs !== undefined && nowMs - this.lastMs > CALLBACK_GAP_MS) this.restart();
    this.lastMs = nowMs;
    if (this.startMs === undefined) {
      this.startMs = nowMs;
      this.windowEnd = nowMs + this.settleMs + 1000;
    }
    // The clock line uses the samples delivered *before* this callback: a callback at time t hands over audio
    // captured (or to be played) from t on, so its own count must not shift it.
    const y = nowMs - this.startMs - (this.samples * 1000) / this.nominalRate;
    this.samples += count;
    if (nowMs < this.windowEnd - 1000) return; // still settling (device start-up bursts)
    if (y < this.windowMin) { this.windowMin = y; this.windowT = nowMs - this.startMs; }
    if (nowMs < this.windowEnd) return;
    this.points.push({ t: this.windowT / 1000, y: this.windowMin / 1000 });
    if (this.points.length > this.maxPoints) this.points.shift();
    this.windowMin = Infinity;
    this.windowEnd += 1000 * Math.max(1, Math.ceil((nowMs - this.windowEnd + 1) / 1000));
  }

  private restart(): void {
    this.startMs = undefined;
    this.samples = 0;
    this.windowMin = Infinity;
    this.points.length = 0;
  }

  /** ε and its standard error, once there are enough windows (undefined before). */
  estimate(): { epsilon: number; stderr: number } | undefined {
    const n = this.points.length;
    if (n < 6) return undefined;
    let mt = 0;
    let my = 0;
    for (const p of this.points) { mt += p.t; my += p.y; }
    mt /= n;
    my /= n;
    let stt = 0;
    let sty = 0;
    for (const p of this.points) { stt += (p.t - mt) ** 2; sty += (p.t - mt) * (p.y - my); }
    if (stt <= 0) return undefined;
    const slope = sty / stt; // seconds of lag gained per second: −ε
    let sse = 0;
    for (const p of this.points) { const r = p.y - my - slope * (p.t - mt); sse += r * r; }
    const stderr = Math.sqrt(sse / Math.max(1, n - 2) / stt);
    return { epsilon: -slope, stderr };
  }
}

export class FarReference {
  private buf = new Float64Array(4096);
  /** Absolute index of buf[0]; `end` = absolute index one past the newest sample. */
  private base = 0;
  private end = 0;
  /** Absolute (fractional) read position: the next reference sample is interpolated here. */
  private pos = 0;
  private started = false;
  private ratio = 1;
  /** Times the reader ran dry (zeros given) or fell too far behind (oldest audio dropped). */
  underflows = 0;
  overflows = 0;

  /**
   * @param maxSamples most audio kept ahead of the reader (older is useless to an echo canceller)
   * @param cushionSamples after running dry the reader steps back this much, so that the next callback that comes
   *   a little late does not run it dry again (each time it runs dry the echo path the canceller sees moves)
   */
  constructor(private readonly maxSamples: number, private readonly cushionSamples = 0) {}

  /** Speaker samples read per microphone sample. */
  get readRatio(): number { return this.ratio; }

  /** Samples queued ahead of the reader. */
  get fill(): number { return this.end - this.pos; }

  /** Follow the two devices' clocks (1 = they agree: the reference is the played samples themselves). */
  setRatio(ratio: number): void {
    if (!(ratio > 1 - MAX_DRIFT && ratio < 1 + MAX_DRIFT)) ratio = 1;
    this.ratio = ratio;
  }

  push(pcm: Int16Array): void {
    if (pcm.length === 0) return;
    this.reserve(pcm.length);
    const off = this.end - this.base;
    for (let i = 0; i < pcm.length; i++) this.buf[off + i] = pcm[i];
    this.end += pcm.length;
    if (!this.started && this.end - this.base > this.maxSamples) {
      // Nothing reads yet (no microphone frame so far): keep only the newest audio.
      const drop = this.end - this.base - this.maxSamples;
      this.buf.copyWithin(0, drop, this.end - this.base);
      this.base += drop;
    } else if (this.started && this.end - this.pos > this.maxSamples) {
      // The reader fell behind beyond any echo tail (the speaker ran without the microphone): drop the oldest.
      this.pos = this.end - this.maxSamples;
      this.overflows++;
    }
  }

  /**
   * Pair afresh: forget the queued audio, the next take() starts with what is pushed from now on. For when the
   * microphone paused while the speaker ran (held call, reopened device): the queue then holds audio far older than
   * any echo the microphone will hear.
   */
  resync(): void {
    this.base = this.end;
    this.pos = this.end;
    this.started = false;
  }

  /** The next `n` reference samples, paired with the next `n` microphone samples. */
  take(n: number): Int16Array {
    if (!this.started) {
      this.started = true;
      this.pos = this.base;
    }
    const out = new Int16Array(n);
    const r = this.ratio;
    let p = this.pos;
    let i = 0;
    if (r === 1 && Number.isInteger(p)) {
      const avail = Math.max(0, Math.min(n, this.end - p));
      const off = p - this.base;
      for (; i < avail; i++) out[i] = this.buf[off + i];
      p += avail;
    } else {
      for (; i < n; i++) {
        const k = Math.floor(p);
        if (k + 2 >= this.end) break;
        out[i] = clamp16(this.interpolate(k, p - k));
        p += r;
      }
    }
    // Ran dry: the rest is silence, and the reader waits for the speaker with a cushion in hand (the pairing shifts
    // by the shortfall and the cushion, once, rather than by a few samples at every late callback).
    if (i < n) {
      this.underflows++;
      p = Math.max(this.base, p - this.cushionSamples);
    }
    this.pos = p;
    this.trim();
    return out;
  }

  /** 4-point cubic Lagrange between samples k and k+1 (error ≈ −55 dB at 1 kHz / 16 kHz, better below). */
  private interpolate(k: number, f: number): number {
    const o = k - this.base;
    const y1 = this.buf[o];
    if (f === 0) return y1;
    const y0 = o > 0 ? this.buf[o - 1] : y1;
    const y2 = this.buf[o + 1];
    const y3 = this.buf[o + 2];
    const fm1 = f - 1;
    const fm2 = f - 2;
    const fp1 = f + 1;
    return (-f * fm1 * fm2 / 6) * y0 + (fp1 * fm1 * fm2 / 2) * y1 - (fp1 * f * fm2 / 2) * y2 + (fp1 * f * fm1 / 6) * y3;
  }

  private reserve(extra: number): void {
    const used = this.end - this.base;
    if (used + extra <= this.buf.length) return;
    const next = new Float64Array(Math.max(this.buf.length * 2, used + extra));
    next.set(this.buf.subarray(0, used), 0);
    this.buf = next;
  }

  /** Forget what the reader has passed (keeping one sample of history for the interpolator). */
  private trim(): void {
    const keepFrom = Math.max(this.base, Math.floor(this.pos) - 1);
    const drop = keepFrom - this.base;
    if (drop < 2048) return;
    this.buf.copyWithin(0, drop, this.end - this.base);
    this.base = keepFrom;
  }
}

/**
 * ρ for the reader from the two devices' clock estimates: 1 until both are known and clearly apart.
 */
export function readRatioFor(speaker: DeviceClockTracker, microphone: DeviceClockTracker): number {
  const s = speaker.estimate();
  const m = microphone.estimate();
  if (!s || !m) return 1;
  const diff = s.epsilon - m.epsilon;
  const err = Math.hypot(s.stderr, m.stderr);
  if (Math.abs(diff) < Math.max(MIN_DRIFT, 3 * err)) return 1;
  return (1 + s.epsilon) / (1 + m.epsilon);
}

function clamp16(v: number): number {
  const r = Math.round(v);
  return r > 32767 ? 32767 : r < -32768 ? -32768 : r;
}
