// The chain as a whole, directly and plugged into CallMedia (the real send path hands it the far-end reference).
import { describe, expect, it } from 'vitest';
import { CallMedia } from '../../../../electron/core/media/call-media.js';
import { codecFactory } from '../../../../electron/core/media/codecs/registry.js';
import { createProcessingChain, settingsFromSwitches } from '../../../../electron/core/media/dsp/processing-chain.js';
import { floatToInt16, int16ToFloat } from '../../../../electron/core/media/dsp/pcm-float.js';
import { FAR_TEXT, NEAR_TEXT, convolve, energy, loop, roomImpulse, spoken, uniformNoise } from './echo-scenario.js';

const MIC_NOISE = Math.sqrt(3) * 10 ** (-70 / 20);

function db(num: number, den: number): number {
  return 10 * Math.log10(num / den);
}

/** Runs a FrameProcessor over float signals in 20 ms frames (16-bit in and out, as CallMedia does). */
function runChain(p: { process(n: Int16Array, f?: Int16Array): Int16Array }, mic: Float64Array, far: Float64Array, frame: number): Float64Array {
  const out = new Float64Array(mic.length);
  for (let s = 0; s + frame <= mic.length; s += frame) {
    out.set(int16ToFloat(p.process(floatToInt16(mic.subarray(s, s + frame)), floatToInt16(far.subarray(s, s + frame)))), s);
  }
  return out;
}

function doubleTalkScene(rate: number, micNoise = MIC_NOISE) {
  const far = loop(spoken(rate, FAR_TEXT), rate, 12);
  const echo = convolve(far, roomImpulse(rate, 20, 80, 10));
  const talker = spoken(rate, NEAR_TEXT, 'en-us+f3', 0.3);
  const at = 7 * rate;
  const end = Math.min(far.length, at + talker.length);
  const near = new Float64Array(far.length);
  near.set(talker.subarray(0, end - at), at);
  const nz = uniformNoise(far.length, 3);
  const mic = echo.map((v, i) => v + near[i] + micNoise * nz[i]);
  return { far, echo, near, mic, at, end };
}

describe('createProcessingChain', () => {
  it('with every stage off, returns the frame untouched', () => {
    const chain = createProcessingChain({ sampleRate: 8000, aec: false, ns: 'off', agc: false });
    const frame = new Int16Array(160).map((_, i) => i * 100 - 8000);
    expect(chain.process(frame, new Int16Array(160).fill(1000))).toBe(frame);
    expect(chain.stats().delaySamples).toBe(0);
  });

  it('maps the UI switches and reconfigures mid-call keeping the learnt echo path', () => {
    expect(settingsFromSwitches({ echoCancellation: true, noiseSuppression: true, autoGain: false }, 16000))
      .toEqual({ sampleRate: 16000, aec: true, ns: 'mild', agc: false });
    const rate = 8000;
    const s = doubleTalkScene(rate);
    const chain = createProcessingChain({ sampleRate: rate, aec: true, ns: 'off', agc: false });
    const half = 5 * rate;
    runChain(chain, s.mic.subarray(0, half), s.far.subarray(0, half), 160);
    const before = chain.stats().aec!;
    expect(before.erleDb).toBeGreaterThan(15);
    chain.configure({ aec: true, ns: 'strong', agc: true });
    expect(chain.settings).toMatchObject({ sampleRate: rate, ns: 'strong', agc: true });
    runChain(chain, s.mic.subarray(half, half + 160 * 10), s.far.subarray(half, half + 160 * 10), 160);
    const after = chain.stats().aec!;
    expect(after.blocks).toBe(before.blocks + 50); // same canceller: 10 frames of 5 blocks more
    expect(after.erleDb).toBeGreaterThan(15);
    expect(chain.stats().agc).toBeDefined();
    chain.configure({ aec: false, ns: 'off', agc: false });
    const frame = new Int16Array(160).fill(123);
    expect(chain.process(frame)).toBe(frame);
  });

  it('rejects an unknown noise suppression level', () => {
    expect(() => createProcessingChain({ sampleRate: 8000, aec: false, ns: 'max' as 'mild', agc: false })).toThrow(/noise suppression/);
  });

  it('residual echo suppression adds at least 4 dB of ERLE and keeps double-talk speech (16 kHz)', () => {
    const rate = 16000;
    // Quiet microphone (−90 dBFS) so that the measure is the echo left, not the microphone's own noise.
    const s = doubleTalkScene(rate, MIC_NOISE / 10);
    const linear = createProcessingChain({ sampleRate: rate, aec: { residualEchoSuppression: false }, ns: 'off', agc: false });
    const full = createProcessingChain({ sampleRate: rate, aec: true, ns: 'off', agc: false });
    const outLinear = runChain(linear, s.mic, s.far, 320);
    const outFull = runChain(full, s.mic, s.far, 320);
    const d = full.stats().delaySamples;
    expect(d).toBe(160);
    const from = 4 * rate;
    const erleLinear = db(energy(s.mic, from, s.at), energy(outLinear, from, s.at));
    const erleFull = db(energy(s.mic, from, s.at), energy(outFull, from + d, s.at + d));
    expect(erleLinear).toBeGreaterThanOrEqual(20);
    expect(erleFull).toBeGreaterThanOrEqual(erleLinear + 4);
    // Near-end speech through double talk, after residual echo suppression: near / (output − near) over the talk.
    const residual = new Float64Array(s.end - s.at);
    for (let i = 0; i < residual.length; i++) residual[i] = outFull[s.at + i + d] - s.near[s.at + i];
    expect(db(energy(s.near, s.at, s.end), energy(residual))).toBeGreaterThanOrEqual(12);
  });

  it('all three stages: the AGC ignores the echo-only start and levels the near talker (8 kHz)', () => {
    const rate = 8000;
    const s = doubleTalkScene(rate);
    const chain = createProcessingChain({ sampleRate: rate, aec: true, ns: 'mild', agc: true });
    const gains: number[] = [];
    let erleBeforeTalk = 0;
    const out = new Float64Array(s.mic.length);
    for (let i = 0; i + 160 <= s.mic.length; i += 160) {
      out.set(int16ToFloat(chain.process(floatToInt16(s.mic.subarray(i, i + 160)), floatToInt16(s.far.subarray(i, i + 160)))), i);
      const st = chain.stats();
      gains.push(st.agc!.gainDb);
      if (i + 160 === s.at) erleBeforeTalk = st.aec!.erleDb;
    }
    // 7 s of far-end speech only: what the microphone hears is echo, the gain must not climb on it.
    expect(Math.max(...gains.slice(0, (7 * rate) / 160))).toBeLessThan(3);
    expect(erleBeforeTalk).toBeGreaterThan(20);
    // The near talker (peak −10 dBFS, quieter in the mean) is brought up towards −20 dBFS speech level.
    const st = chain.stats();
    expect(st.agc!.speechFrames).toBeGreaterThan(50);
    expect(Math.abs(st.agc!.speechLevelDbfs + st.agc!.gainDb - -20)).toBeLessThan(3);
    expect(Number.isFinite(st.postFilterGainDb)).toBe(true);
    expect(Math.max(...Array.from(out, Math.abs))).toBeLessThanOrEqual(1);
  });
});

describe('the chain inside CallMedia (slin16 codec, echo path at the devices\' rate)', () => {
  for (const [deviceRate, delayMs, tailMs] of [[16000, 20, 80], [48000, 20, 30]] as const) {
    it(`cancels the echo of what CallMedia itself played (${deviceRate} Hz devices): ≥ 20 dB less echo sent`, async () => {
      const codecRate = 16000;
      const frame = deviceRate / 50;
      const seconds = 10;
      const far = loop(spoken(codecRate, FAR_TEXT), codecRate, seconds);
      const h = roomImpulse(deviceRate, delayMs, tailMs, 10);
      let hStart = 0;
      while (h[hStart] === 0) hStart++;
      const nz = uniformNoise(deviceRate * seconds, 4);
      const slin16 = codecFactory('slin16');
      const enc = await slin16.createEncoder();
      const dec = await slin16.createDecoder();

      async function run(withChain: boolean): Promise<{ mic: Float64Array; sent: Float64Array }> {
        let now = 0;
        const sent: Int16Array[] = [];
        const media = await CallMedia.create({
          codec: 'slin16', now: () => now, send: (payload) => sent.push(dec.decode(payload)),
          playbackRate: deviceRate, playbackFrameSamples: frame, captureRate: deviceRate, noiseSeed: 1,
        });
        if (withChain) media.setProcessor(createProcessingChain({ sampleRate: codecRate, aec: { residualEchoSuppression: false }, ns: 'off', agc: false }));
        const played = new Float64Array(deviceRate * seconds);
        const mic = new Float64Array(deviceRate * seconds);
        for (let i = 0; (i + 1) * 320 <= far.length; i++) {
          now = 20 * i;
          media.receive({ codec: 'slin16', timestamp: 20 * i, payload: enc.encode(floatToInt16(far.subarray(i * 320, (i + 1) * 320))) });
          played.set(int16ToFloat(media.pull()), i * frame);
          // The room: the microphone hears the loudspeaker through h, plus its own noise.
          for (let n = i * frame; n < (i + 1) * frame; n++) {
            let y = 0;
            for (let k = hStart; k < h.length && k <= n; k++) y += h[k] * played[n - k];
            mic[n] = y + MIC_NOISE * nz[n];
          }
          media.capture(floatToInt16(mic.subarray(i * frame, (i + 1) * frame)));
        }
        media.close();
        const out = new Float64Array(sent.length * 320);
        sent.forEach((f, i) => out.set(int16ToFloat(f), i * 320));
        return { mic, sent: out };
      }

      // Energies per second of audio, whatever the rate (the sent audio is at 16 kHz, the microphone at the device's).
      const from = 7;
      const perSecond = (x: Float64Array, rate: number, to: number) => energy(x, from * rate, to * rate) / rate;
      const plain = await run(false);
      const to = Math.floor(plain.sent.length / codecRate);
      const before = db(perSecond(plain.mic, deviceRate, to), perSecond(plain.sent, codecRate, to));
      expect(Math.abs(before)).toBeLessThan(1);
      const cancelled = await run(true);
      const erle = db(perSecond(cancelled.mic, deviceRate, to), perSecond(cancelled.sent, codecRate, to));
      expect(erle).toBeGreaterThanOrEqual(20);
    });
  }
});
