// WAV helpers for the WAV-file "devices" (redial call --play/--record): reading goes through the pure
// electron/core/media/wav.ts (PCM 8/16/24/32, float, G.711) and is mixed down to mono here; writing is
// streamed (header first, sizes patched on close), which the one-shot encoder cannot do, so the
// 44-byte header and the sample bytes are built here.

import { decodeWav as decodeWavFile } from '../../core/media/wav.js';

export interface DecodedWav {
  readonly sampleRate: number;
  readonly channels: number;
  /** Mono, 16-bit. */
  readonly pcm: Int16Array;
}

/** Decodes any WAV the core reads, mixed down to mono. Throws a clear Error on anything else. */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  const wav = decodeWavFile(bytes);
  const { channels, samples, sampleRate } = wav;
  if (channels === 1) return { sampleRate, channels, pcm: samples };
  const frames = Math.floor(samples.length / channels);
  const pcm = new Int16Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += samples[f * channels + c];
    pcm[f] = Math.round(sum / channels);
  }
  return { sampleRate, channels, pcm };
}

/** 44-byte header of a 16-bit mono PCM WAV holding `dataBytes` bytes of samples. */
export function wavHeader(sampleRate: number, dataBytes: number): Uint8Array {
  const h = new Uint8Array(44);
  const v = new DataView(h.buffer);
  const put = (at: number, s: string) => { for (let i = 0; i < 4; i++) h[at + i] = s.charCodeAt(i); };
  put(0, 'RIFF'); v.setUint32(4, 36 + dataBytes, true); put(8, 'WAVE');
  put(12, 'fmt '); v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
  v.setUint32(24, sampleRate, true); v.setUint32(28, sampleRate * 2, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true);
  put(36, 'data'); v.setUint32(40, dataBytes, true);
  return h;
}

export function pcm16Bytes(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length * 2);
  const v = new DataView(out.buffer);
  for (let i = 0; i < pcm.length; i++) v.setInt16(i * 2, pcm[i], true);
  return out;
}

export function encodeWav(pcm: Int16Array, sampleRate: number): Uint8Array {
  const body = pcm16Bytes(pcm);
  const out = new Uint8Array(44 + body.length);
  out.set(wavHeader(sampleRate, body.length));
  out.set(body, 44);
  return out;
}
