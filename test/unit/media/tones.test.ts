// Call-progress tones (North American and European), DTMF feedback and the ringtone: frequencies, cadences
// and levels measured from the generated audio.
import { describe, expect, it } from 'vitest';
import {
  DTMF_FREQUENCIES, KeyTones, NORTH_AMERICAN_TONES, RINGTONE, ToneGenerator, dtmfTone, progressTone, ringtone,
} from '../../../electron/core/media/tones.js';
import { goertzelAmplitude, rms } from '../../support/signals.js';

/** Amplitude estimate of the `freq` component (a sine of amplitude A gives ≈ A). */
const amplitudeAt = goertzelAmplitude;

/** On/off runs in ms, from the RMS of 5 ms blocks. */
function runs(x: Int16Array, rate: number): Array<{ on: boolean; ms: number }> {
  const block = Math.round(rate * 0.005);
  const out: Array<{ on: boolean; ms: number }> = [];
  for (let i = 0; i + block <= x.length; i += block) {
    const on = rms(x, i, i + block) > 50;
    const last = out[out.length - 1];
    if (last && last.on === on) last.ms += 5; else out.push({ on, ms: 5 });
  }
  return out;
}

function maxStep(x: Int16Array): number {
  let m = 0;
  for (let i = 1; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - x[i - 1]));
  return m;
}

describe('call-progress tones', () => {
  for (const rate of [8000, 16000, 48000]) {
    it(`ringback at ${rate} Hz is 440+480 Hz, 2 s on / 4 s off`, () => {
      const g = progressTone('ringback', rate);
      const x = g.read(rate * 12);
      const on = x.subarray(Math.round(rate * 0.1), Math.round(rate * 1.9));
      const a440 = amplitudeAt(on, 440, rate), a480 = amplitudeAt(on, 480, rate), a620 = amplitudeAt(on, 620, rate);
      const expected = 32767 * 10 ** (-19 / 20);
      expect(a440).toBeGreaterThan(expected * 0.9);
      expect(a440).toBeLessThan(expected * 1.1);
      expect(a480).toBeGreaterThan(expected * 0.9);
      expect(a620).toBeLessThan(expected * 0.05);
      const r = runs(x, rate);
      // on 2000, off 4000, on 2000, off 4000 (edge ramps may move a boundary by one 5 ms block)
      expect(r.map((s) => s.on)).toEqual([true, false, true, false]);
      for (const [i, want] of [[0, 2000], [1, 4000], [2, 2000], [3, 4000]] as const) {
        expect(Math.abs(r[i].ms - want)).toBeLessThanOrEqual(10);
      }
    });
  }

  it('busy is 480+620 Hz 0.5/0.5 s and congestion 480+620 Hz 0.25/0.25 s', () => {
    for (const [name, onMs] of [['busy', 500], ['congestion', 250]] as const) {
      const rate = 8000;
      const x = progressTone(name, rate).read(rate * 3);
      const r = runs(x, rate).slice(0, -1); // the last run may be cut by the end of the buffer
      expect(r.length).toBeGreaterThanOrEqual(4);
      for (const s of r) expect(Math.abs(s.ms - onMs)).toBeLessThanOrEqual(10);
      const on = x.subarray(400, Math.round((rate * onMs) / 1000) - 400);
      expect(amplitudeAt(on, 480, rate)).toBeGreaterThan(1000);
      expect(amplitudeAt(on, 620, rate)).toBeGreaterThan(1000);
      expect(amplitudeAt(on, 440, rate)).toBeLessThan(100);
    }
  });

  it('a different table changes the frequencies (European 425 Hz)', () => {
    const rate = 16000;
    // A European (CEPT) table: 425 Hz single tones.
    const on425 = (onMs: number, offMs: number) => ({ repeat: true, segments: [{ frequencies: [425], durationMs: onMs, levelDbfs: -19 }, { frequencies: [], durationMs: offMs }] });
    const european = { ringback: on425(1000, 4000), busy: on425(500, 500), congestion: on425(250, 250), dialtone: on425(1000, 0) };
    const x = progressTone('busy', rate, european).read(rate / 2);
    const on = x.subarray(800, 7200);
    expect(amplitudeAt(on, 425, rate)).toBeGreaterThan(2000);
    expect(amplitudeAt(on, 480, rate)).toBeLessThan(100);
  });

  it('has no discontinuities, at edges or between reads of odd sizes', () => {
    const rate = 8000;
    const whole = progressTone('congestion', rate).read(rate * 2);
    const g = progressTone('congestion', rate);
    const parts: number[] = [];
    while (parts.length < whole.length) parts.push(...g.read(37));
    expect(Int16Array.from(parts.slice(0, whole.length))).toEqual(whole);
    // The largest sample-to-sample step of a sum of sines is bounded by its slope; a click at an on/off
    // edge (a jump from ~amplitude to 0) would exceed it several times over.
    const amp = 32767 * 10 ** (-19 / 20);
    const slopeBound = amp * ((2 * Math.PI * (480 + 620)) / rate) + 2;
    expect(maxStep(whole)).toBeLessThanOrEqual(slopeBound);
    // Every off→on edge starts at (almost) zero.
    let zeros = 0, edges = 0;
    for (let i = 0; i < whole.length; i++) {
      if (whole[i] === 0) { zeros++; continue; }
      if (zeros >= 40) { edges++; expect(Math.abs(whole[i])).toBeLessThan(amp * 0.05); }
      zeros = 0;
    }
    expect(edges).toBe(3); // 2 s of 0.25/0.25: off→on at 0.5, 1.0, 1.5 s
  });

  it('the tables describe the North American plan', () => {
    expect(NORTH_AMERICAN_TONES.ringback.segments[0].frequencies).toEqual([440, 480]);
    expect(NORTH_AMERICAN_TONES.busy.segments.map((s) => s.durationMs)).toEqual([500, 500]);
  });
});

describe('DTMF feedback', () => {
  it('each digit carries its row and column frequency and nothing else of the grid', () => {
    const rate = 8000;
    const all = [697, 770, 852, 941, 1209, 1336, 1477, 1633];
    for (const [digit, [low, high]] of Object.entries(DTMF_FREQUENCIES)) {
      const g = dtmfTone(digit, rate, 100);
      const x = g.read(rate / 10);
      const body = x.subarray(80, 720);
      for (const f of all) {
        const a = amplitudeAt(body, f, rate);
        if (f === low || f === high) expect(a, `${digit} ${f}`).toBeGreaterThan(3000);
        else expect(a, `${digit} ${f}`).toBeLessThan(300);
      }
    }
  });

  it('queues keys: each digit for its tone time, a gap of silence, then the next; not-digits skipped; read in any frame size', () => {
    const rate = 8000;
    const keys = new KeyTones(rate, 100, 100);
    keys.add('1x#');
    let pcm = new Int16Array(0);
    // Odd frame sizes straddle the digits' edges.
    while (pcm.length < rate * 0.5) { const f = keys.read(137); const n = new Int16Array(pcm.length + f.length); n.set(pcm); n.set(f, pcm.length); pcm = n; }
    const at = (ms: number, len: number) => pcm.subarray((rate * ms) / 1000, (rate * (ms + len)) / 1000);
    expect(amplitudeAt(at(10, 80), 697, rate)).toBeGreaterThan(2000); // '1'
    expect(amplitudeAt(at(10, 80), 1209, rate)).toBeGreaterThan(2000);
    expect(rms(at(110, 80))).toBe(0); // its gap
    expect(amplitudeAt(at(210, 80), 941, rate)).toBeGreaterThan(2000); // '#' ('x' skipped)
    expect(amplitudeAt(at(210, 80), 1477, rate)).toBeGreaterThan(2000);
    expect(rms(at(310, 180))).toBe(0);
    expect(keys.finished).toBe(true);
    keys.add('5');
    expect(keys.finished).toBe(false);
  });

  it('plays once, then is finished and silent; rejects non-digits', () => {
    const g = dtmfTone('5', 16000, 80);
    const x = g.read(16000 * 0.08);
    expect(rms(x)).toBeGreaterThan(1000);
    expect(g.finished).toBe(true);
    expect(rms(g.read(320))).toBe(0);
    expect(x[0]).toBe(0);
    expect(Math.abs(x[x.length - 1])).toBeLessThan(50);
    expect(() => dtmfTone('x', 8000)).toThrow(/not a DTMF digit/);
    expect(dtmfTone('a', 8000).spec.segments[0].frequencies).toEqual([697, 1633]);
  });
});

describe('ringtone', () => {
  it('is audible, repeats every 3 s, and is click-free', () => {
    const rate = 48000;
    const cycle = RINGTONE.segments.reduce((n, s) => n + s.durationMs, 0);
    expect(cycle).toBe(3000);
    const g = ringtone(rate);
    const x = g.read(rate * 6);
    expect(rms(x, 0, rate)).toBeGreaterThan(1000);
    expect(rms(x, Math.round(rate * 1.5), Math.round(rate * 2.9))).toBe(0);
    // Two cycles are identical up to oscillator phase: compare their per-block energies.
    const r = runs(x, rate);
    expect(r.filter((s) => s.on).length).toBe(2);
    const amp = 32767 * 10 ** (-14 / 20);
    expect(maxStep(x)).toBeLessThanOrEqual(amp * ((2 * Math.PI * (1318.5 + 1661.2)) / rate) + 2);
    // The notes are where the spec says they are.
    const first = x.subarray(Math.round(rate * 0.01), Math.round(rate * 0.2));
    expect(amplitudeAt(first, 1318.5, rate)).toBeGreaterThan(amplitudeAt(first, 1108.7, rate) * 5);
  });

  it('leaves out components above Nyquist instead of aliasing them', () => {
    const g = new ToneGenerator({ repeat: true, segments: [{ frequencies: [5000], durationMs: 100 }] }, 8000);
    expect(rms(g.read(800))).toBe(0);
  });
});
