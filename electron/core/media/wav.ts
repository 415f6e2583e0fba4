// RIFF/WAVE encoding and decoding, pure (bytes in, bytes out; the file adapter lives elsewhere).
// Writes 16-bit PCM, mono or stereo, any rate. Reads PCM 8/16/24/32-bit, IEEE float 32/64, G.711 µ-law and A-law
// (also inside WAVE_FORMAT_EXTENSIBLE), all converted to 16-bit samples; anything else is a clear Error.

import { alawDecodeBuffer, ulawDecodeBuffer } from './codecs/g711.js';

export interface WavAudio {
  readonly sampleRate: number;
  readonly channels: number;
  /** Interleaved 16-bit samples (frames × channels). */
  readonly samples: Int16Array;
}

export interface DecodedWav extends WavAudio {
  /** What the file held before conversion to 16-bit PCM. */
  readonly sourceFormat: 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64' | 'ulaw' | 'alaw';
}

// Format tags of the RIFF WAVE format (Microsoft mmreg.h WAVE_FORMAT_*; EXTENSIBLE carries the tag in its SubFormat GUID).
const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_ALAW = 6;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;

export function encodeWav(audio: WavAudio): Uint8Array {
  const { sampleRate, channels, samples } = audio;
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new Error(`WAV: bad sample rate ${sampleRate}`);
  if (channels !== 1 && channels !== 2) throw new Error(`WAV: only mono or stereo is written, got ${channels} channels`);
  if (samples.length % channels !== 0) throw new Error('WAV: sample count is not a whole number of frames');
  const dataBytes = samples.length * 2;
  const out = new Uint8Array(44 + dataBytes);
  const v = new DataView(out.buffer);
  writeTag(out, 0, 'RIFF');
  v.setUint32(4, 36 + dataBytes, true);
  writeTag(out, 8, 'WAVE');
  writeTag(out, 12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, FORMAT_PCM, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * channels * 2, true);
  v.setUint16(32, channels * 2, true);
  v.setUint16(34, 16, true);
  writeTag(out, 36, 'data');
  v.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) v.setInt16(44 + 2 * i, samples[i], true);
  return out;
}

interface FmtChunk {
  format: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bits: number;
}

export function decodeWav(bytes: Uint8Array): DecodedWav {
  if (bytes.length < 12 || readTag(bytes, 0) !== 'RIFF' || readTag(bytes, 8) !== 'WAVE') {
    throw new Error('WAV: not a RIFF/WAVE file');
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: FmtChunk | undefined;
  let data: Uint8Array | undefined;
  let pos = 12;
  while (pos + 8 <= bytes.length) {
    const id = readTag(bytes, pos);
    let size = v.getUint32(pos + 4, true);
    const body = pos + 8;
    if (body + size > bytes.length) {
      // Writers that stream (or were killed) leave a placeholder or a too-large size: take what is there.
      if (id !== 'data') throw new Error(`WAV: chunk '${id}' runs past the end of the file`);
      size = bytes.length - body;
    }
    if (id === 'fmt ') fmt = parseFmt(v, body, size);
    else if (id === 'data') data = bytes.subarray(body, body + size);
    pos = body + size + (size & 1);
    if (fmt && data) break;
  }
  if (!fmt) throw new Error('WAV: no fmt chunk');
  if (!data) throw new Error('WAV: no data chunk');
  if (fmt.channels < 1) throw new Error('WAV: zero channels');
  if (fmt.sampleRate <= 0) throw new Error('WAV: zero sample rate');
  const bytesPerSample = fmt.blockAlign / fmt.channels;
  const usable = data.subarray(0, data.length - (data.length % fmt.blockAlign));
  const dv = new DataView(usable.buffer, usable.byteOffset, usable.byteLength);
  const count = usable.length / bytesPerSample;
  const samples = new Int16Array(count);
  let sourceFormat: DecodedWav['sourceFormat'];
  const base = { sampleRate: fmt.sampleRate, channels: fmt.channels };

  if (fmt.format === FORMAT_MULAW || fmt.format === FORMAT_ALAW) {
    if (fmt.bits !== 8 || bytesPerSample !== 1) throw new Error(`WAV: G.711 with ${fmt.bits} bits per sample is not supported`);
    const pcm = fmt.format === FORMAT_MULAW ? ulawDecodeBuffer(usable) : alawDecodeBuffer(usable);
    return { ...base, samples: pcm, sourceFormat: fmt.format === FORMAT_MULAW ? 'ulaw' : 'alaw' };
  }
  if (fmt.format === FORMAT_PCM) {
    if (fmt.bits === 8 && bytesPerSample === 1) {
      for (let i = 0; i < count; i++) samples[i] = (usable[i] - 128) << 8;
      sourceFormat = 'pcm8';
    } else if ((fmt.bits === 16 || fmt.bits === 24 || fmt.bits === 32) && bytesPerSample >= fmt.bits / 8
      && bytesPerSample <= 4) {
      // Samples are little-endian and left-justified in their container: the top two bytes are the 16-bit value.
      for (let i = 0; i < count; i++) samples[i] = dv.getInt16(i * bytesPerSample + bytesPerSample - 2, true);
      sourceFormat = fmt.bits === 16 ? 'pcm16' : fmt.bits === 24 ? 'pcm24' : 'pcm32';
    } else {
      throw new Error(`WAV: ${fmt.bits}-bit PCM in ${bytesPerSample}-byte containers is not supported`);
    }
    return { ...base, samples, sourceFormat };
  }
  if (fmt.format === FORMAT_FLOAT && (fmt.bits === 32 || fmt.bits === 64) && bytesPerSample === fmt.bits / 8) {
    for (let i = 0; i < count; i++) {
      const f = fmt.bits === 32 ? dv.getFloat32(4 * i, true) : dv.getFloat64(8 * i, true);
      const s = Math.round(f * 32768);
      samples[i] = s > 32767 ? 32767 : s < -32768 ? -32768 : s;
    }
    return { ...base, samples, sourceFormat: fmt.bits === 32 ? 'float32' : 'float64' };
  }
  throw new Error(`WAV: format ${describeFormat(fmt.format)} (${fmt.bits} bits) is not supported; `
    + 'use PCM, IEEE float, µ-law or A-law');
}

function parseFmt(v: DataView, at: number, size: number): FmtChunk {
  if (size < 16) throw new Error('WAV: fmt chunk shorter than 16 bytes');
  let format = v.getUint16(at, true);
  const channels = v.getUint16(at + 2, true);
  const sampleRate = v.getUint32(at + 4, true);
  const blockAlign = v.getUint16(at + 12, true);
  const bits = v.getUint16(at + 14, true);
  if (format === FORMAT_EXTENSIBLE) {
    if (size < 40) throw new Error('WAV: WAVE_FORMAT_EXTENSIBLE fmt chunk shorter than 40 bytes');
    format = v.getUint16(at + 24, true); // first two bytes of the SubFormat GUID are the format code
  }
  if (blockAlign === 0 || channels === 0 || blockAlign % channels !== 0) {
    throw new Error(`WAV: inconsistent block align ${blockAlign} for ${channels} channels`);
  }
  return { format, channels, sampleRate, blockAlign, bits };
}

function describeFormat(code: number): string {
  const names: Record<number, string> = { 2: 'MS ADPCM', 0x11: 'IMA ADPCM', 0x31: 'GSM 6.10 (WAV49)', 0x55: 'MP3', 0x64: 'G.726' };
  return `0x${code.toString(16).padStart(4, '0')}${names[code] ? ` (${names[code]})` : ''}`;
}

function writeTag(out: Uint8Array, at: number, tag: string): void {
  for (let i = 0; i < 4; i++) out[at + i] = tag.charCodeAt(i);
}

function readTag(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
}

/** One channel from any WAV: the channels averaged (a stereo file plays as its mix). */
export function monoOf(wav: WavAudio): Int16Array {
  if (wav.channels === 1) return wav.samples;
  const mono = new Int16Array(Math.floor(wav.samples.length / wav.channels));
  for (let i = 0; i < mono.length; i++) {
    let sum = 0;
    for (let c = 0; c < wav.channels; c++) sum += wav.samples[i * wav.channels + c];
    mono[i] = Math.round(sum / wav.channels);
  }
  return mono;
}
