// ffmpeg (Debian package) as the independent codec implementation for conformance tests, driven through pipes, plus
// a minimal Ogg Opus writer/reader (RFC 3533 pages, RFC 7845 OpusHead/OpusTags) to carry raw Opus packets.

import { execFileSync } from 'node:child_process';

export type FfmpegCodec = 'ulaw' | 'alaw' | 'gsm' | 'g722';

/** ffmpeg demuxer/muxer and encoder for each raw codec stream. */
const RAW: Record<FfmpegCodec, { format: string; encoder: string; rate: number }> = {
  ulaw: { format: 'mulaw', encoder: 'pcm_mulaw', rate: 8000 },
  alaw: { format: 'alaw', encoder: 'pcm_alaw', rate: 8000 },
  gsm: { format: 'gsm', encoder: 'libgsm', rate: 8000 },
  g722: { format: 'g722', encoder: 'g722', rate: 16000 },
};

export function ffmpegAvailable(): boolean {
  try {
    execFileSync('ffmpeg', ['-hide_banner', '-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function run(args: string[], input: Uint8Array): Uint8Array {
  const out = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', ...args], {
    input: Buffer.from(input.buffer, input.byteOffset, input.byteLength),
    maxBuffer: 64 * 1024 * 1024,
  });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

function pcmBytes(pcm: Int16Array): Uint8Array {
  return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}

function toPcm(bytes: Uint8Array): Int16Array {
  const copy = new Uint8Array(bytes.length - (bytes.length & 1));
  copy.set(bytes.subarray(0, copy.length));
  return new Int16Array(copy.buffer);
}

/** Encodes 16-bit mono PCM at the codec's rate with ffmpeg into a raw codec stream. */
export function ffmpegEncode(codec: FfmpegCodec, pcm: Int16Array): Uint8Array {
  const c = RAW[codec];
  return run(['-f', 's16le', '-ar', String(c.rate), '-ac', '1', '-i', 'pipe:0', '-c:a', c.encoder, '-f', c.format,
    'pipe:1'], pcmBytes(pcm));
}

/** Decodes a raw codec stream with ffmpeg into 16-bit mono PCM at the codec's rate. `decoder` picks e.g. gsm/libgsm. */
export function ffmpegDecode(codec: FfmpegCodec, bytes: Uint8Array, decoder?: string): Int16Array {
  const c = RAW[codec];
  const dec = decoder ? ['-c:a', decoder] : [];
  const rateIn = codec === 'ulaw' || codec === 'alaw' ? ['-ar', String(c.rate), '-ac', '1'] : [];
  return toPcm(run(['-f', c.format, ...rateIn, ...dec, '-i', 'pipe:0', '-f', 's16le', '-ar', String(c.rate), '-ac', '1',
    'pipe:1'], bytes));
}

/**
 * Encodes PCM at `rate` with ffmpeg into 20 ms Opus packets. `libopus` is Debian's libopus (VOIP application);
 * `opus` is ffmpeg's own experimental encoder (CELT only, 48 kHz), an implementation independent of libopus.
 */
export function ffmpegOpusEncode(pcm: Int16Array, rate: number, encoder: 'libopus' | 'opus' = 'libopus',
  bitrate = 32000): Uint8Array[] {
  const codec = encoder === 'libopus'
    ? ['-c:a', 'libopus', '-application', 'voip', '-frame_duration', '20']
    : ['-ar', '48000', '-strict', '-2', '-c:a', 'opus'];
  const ogg = run(['-f', 's16le', '-ar', String(rate), '-ac', '1', '-i', 'pipe:0', ...codec, '-b:a', String(bitrate),
    '-f', 'ogg', 'pipe:1'], pcmBytes(pcm));
  return readOggOpus(ogg).packets;
}

/**
 * Decodes raw Opus packets (wrapped in Ogg) with ffmpeg, output resampled to `rate`. `opus` is ffmpeg's native
 * decoder (independent of libopus), `libopus` Debian's libopus.
 */
export function ffmpegOpusDecode(packets: Uint8Array[], rate: number, decoder: 'opus' | 'libopus' = 'opus'): Int16Array {
  const ogg = writeOggOpus(packets, { preSkip: 0, inputRate: rate });
  return toPcm(run(['-c:a', decoder, '-i', 'pipe:0', '-f', 's16le', '-ar', String(rate), '-ac', '1', 'pipe:1'], ogg));
}

// ---- Ogg (RFC 3533) ----

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

function oggCrc(page: Uint8Array): number {
  let crc = 0;
  for (const b of page) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]) >>> 0;
  return crc;
}

function oggPage(serial: number, seq: number, granule: bigint, flags: number, packets: Uint8Array[]): Uint8Array {
  const lacing: number[] = [];
  for (const p of packets) {
    let n = p.length;
    while (n >= 255) {
      lacing.push(255);
      n -= 255;
    }
    lacing.push(n);
  }
  if (lacing.length > 255) throw new Error('Ogg page: too many segments');
  const body = packets.reduce((a, p) => a + p.length, 0);
  const page = new Uint8Array(27 + lacing.length + body);
  const v = new DataView(page.buffer);
  page.set([0x4f, 0x67, 0x67, 0x53], 0); // "OggS"
  page[4] = 0;
  page[5] = flags;
  v.setBigInt64(6, granule, true);
  v.setUint32(14, serial, true);
  v.setUint32(18, seq, true);
  page[26] = lacing.length;
  page.set(lacing, 27);
  let o = 27 + lacing.length;
  for (const p of packets) {
    page.set(p, o);
    o += p.length;
  }
  v.setUint32(22, oggCrc(page), true);
  return page;
}

/** Wraps raw mono Opus packets (all 20 ms) into an Ogg Opus stream, one packet per page. */
export function writeOggOpus(packets: Uint8Array[], opts: { preSkip: number; inputRate: number }): Uint8Array {
  const serial = 0x52444c31;
  const head = new Uint8Array(19);
  const hv = new DataView(head.buffer);
  head.set(new TextEncoder().encode('OpusHead'), 0);
  head[8] = 1; // version
  head[9] = 1; // channels
  hv.setUint16(10, opts.preSkip, true);
  hv.setUint32(12, opts.inputRate, true);
  hv.setInt16(16, 0, true);
  head[18] = 0; // mapping family 0
  const vendor = new TextEncoder().encode('redial-test');
  const tags = new Uint8Array(8 + 4 + vendor.length + 4);
  tags.set(new TextEncoder().encode('OpusTags'), 0);
  new DataView(tags.buffer).setUint32(8, vendor.length, true);
  tags.set(vendor, 12);
  const pages = [oggPage(serial, 0, 0n, 0x02, [head]), oggPage(serial, 1, 0n, 0, [tags])];
  let granule = 0n;
  packets.forEach((p, i) => {
    granule += 960n;
    pages.push(oggPage(serial, i + 2, granule, i === packets.length - 1 ? 0x04 : 0, [p]));
  });
  return concatBytes(pages);
}

/** The byte arrays one after the other in one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Reads an Ogg Opus stream (single logical stream): the OpusHead fields and the audio packets in order. */
export function readOggOpus(bytes: Uint8Array): { preSkip: number; inputRate: number; packets: Uint8Array[] } {
  const all: Uint8Array[] = [];
  let partial: number[] = [];
  let pos = 0;
  while (pos + 27 <= bytes.length) {
    if (bytes[pos] !== 0x4f || bytes[pos + 1] !== 0x67 || bytes[pos + 2] !== 0x67 || bytes[pos + 3] !== 0x53) {
      throw new Error(`Ogg: no capture pattern at ${pos}`);
    }
    const nseg = bytes[pos + 26];
    const lacing = bytes.subarray(pos + 27, pos + 27 + nseg);
    let o = pos + 27 + nseg;
    for (const l of lacing) {
      for (let i = 0; i < l; i++) partial.push(bytes[o + i]);
      o += l;
      if (l < 255) {
        all.push(Uint8Array.from(partial));
        partial = [];
      }
    }
    pos = o;
  }
  const head = all[0];
  if (!head || new TextDecoder().decode(head.subarray(0, 8)) !== 'OpusHead') throw new Error('Ogg: no OpusHead');
  const hv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return { preSkip: hv.getUint16(10, true), inputRate: hv.getUint32(12, true), packets: all.slice(2) };
}
