// Opus packet structure (RFC 6716 §3.1–3.4): TOC byte, frame count code, frame lengths. We check a packet before
// handing it to the WASM decoder so a malformed payload gives a clear Error (the library only logs), and we read
// the duration from the TOC without decoding (spec §6.6).

/** Duration of one frame in tenths of a millisecond for each TOC configuration number (RFC 6716 Table 2). */
function frameTenthsMs(config: number): number {
  if (config < 12) return [100, 200, 400, 600][config & 3]; // SILK-only
  if (config < 16) return [100, 200][config & 1]; // Hybrid
  return [25, 50, 100, 200][config & 3]; // CELT-only
}

export interface OpusPacketInfo {
  readonly frames: number;
  /** Total duration in ms (may be fractional for 2.5 ms frames). */
  readonly durationMs: number;
}

/** Validates the packet framing (RFC 6716 §3.4 requirements R1–R7) and returns its frame count and duration. */
export function inspectOpusPacket(p: Uint8Array): OpusPacketInfo {
  if (p.length === 0) throw new Error('Opus packet is empty (RFC 6716 R1: at least one byte)');
  const toc = p[0];
  const tenths = frameTenthsMs(toc >> 3);
  const code = toc & 3;
  let frames: number;
  if (code === 0) {
    frames = 1;
    if (p.length - 1 > 1275) throw new Error('Opus frame longer than 1275 bytes (RFC 6716 R2)');
  } else if (code === 1) {
    frames = 2;
    if ((p.length - 1) % 2 !== 0) throw new Error('Opus code 1 packet has an odd payload length (RFC 6716 R3)');
  } else if (code === 2) {
    frames = 2;
    const [len1, used] = frameLength(p, 1);
    if (1 + used + len1 > p.length) throw new Error('Opus code 2 packet: first frame overruns the packet (RFC 6716 R4)');
  } else {
    if (p.length < 2) throw new Error('Opus code 3 packet has no frame count byte (RFC 6716 R6)');
    const fc = p[1];
    frames = fc & 0x3f;
    if (frames === 0) throw new Error('Opus code 3 packet declares 0 frames (RFC 6716 R5)');
    if (frames * tenths > 1200) throw new Error('Opus packet longer than 120 ms (RFC 6716 R5)');
    let pos = 2;
    let padding = 0;
    if (fc & 0x40) {
      for (;;) {
        if (pos >= p.length) throw new Error('Opus code 3 packet: padding length overruns the packet (RFC 6716 R7)');
        const b = p[pos++];
        padding += b === 255 ? 254 : b;
        if (b !== 255) break;
      }
    }
    const available = p.length - pos - padding;
    if (available < 0) throw new Error('Opus code 3 packet: padding larger than the packet (RFC 6716 R7)');
    if (fc & 0x80) {
      // VBR: M−1 explicit lengths, the last frame takes the rest.
      let total = 0;
      for (let i = 0; i < frames - 1; i++) {
        const [len, used] = frameLength(p, pos);
        pos += used;
        total += len + used;
      }
      if (total > available) throw new Error('Opus code 3 VBR packet: frame lengths overrun the packet (RFC 6716 R7)');
    } else if (available % frames !== 0) {
      throw new Error('Opus code 3 CBR packet: payload is not a multiple of the frame count (RFC 6716 R6)');
    }
  }
  return { frames, durationMs: (frames * tenths) / 10 };
}

function frameLength(p: Uint8Array, pos: number): [number, number] {
  if (pos >= p.length) throw new Error('Opus packet truncated inside a frame length');
  const b0 = p[pos];
  if (b0 < 252) return [b0, 1];
  if (pos + 1 >= p.length) throw new Error('Opus packet truncated inside a frame length');
  return [b0 + 4 * p[pos + 1], 2];
}

/**
 * A one-byte packet (TOC only, code 0) holds a single zero-length frame, which RFC 6716 §3.2.1 defines as lost/DTX:
 * libopus conceals exactly one frame of the TOC's duration. Built from the last good TOC with the duration set to
 * 20 ms, it gives correct 20 ms PLC even through decoders that only expose a "decode this packet" call.
 */
export function lossPacket20ms(lastToc: number): Uint8Array {
  const config = lastToc >> 3;
  let c20: number;
  if (config < 12) c20 = (config & ~3) | 1;
  else if (config < 16) c20 = (config & ~1) | 1;
  else c20 = (config & ~3) | 3;
  return new Uint8Array([(c20 << 3) | (lastToc & 0x04)]);
}
