// Turns byte chunks of little-endian s16 audio of any size (what naudiodon's Readable hands out; an odd
// byte count can split a sample) into frames of exactly `frameSamples` samples.

export class Pcm16Rechunker {
  private frame: Int16Array;
  private filled = 0;
  private oddByte: number | null = null;

  constructor(readonly frameSamples: number, private readonly emit: (frame: Int16Array) => void) {
    if (!(frameSamples > 0)) throw new Error(`frame size must be positive, got ${frameSamples}`);
    this.frame = new Int16Array(frameSamples);
  }

  push(bytes: Uint8Array): void {
    let i = 0;
    if (this.oddByte !== null && bytes.length > 0) {
      this.put(((bytes[0] << 8) | this.oddByte) << 16 >> 16);
      this.oddByte = null;
      i = 1;
    }
    for (; i + 1 < bytes.length; i += 2) this.put(((bytes[i + 1] << 8) | bytes[i]) << 16 >> 16);
    if (i < bytes.length) this.oddByte = bytes[i];
  }

  private put(sample: number): void {
    this.frame[this.filled++] = sample;
    if (this.filled === this.frameSamples) {
      const done = this.frame;
      this.frame = new Int16Array(this.frameSamples);
      this.filled = 0;
      this.emit(done);
    }
  }

  /** Samples waiting for the rest of their frame. */
  get pendingSamples(): number { return this.filled; }
}

/** Little-endian bytes of a frame, as a Buffer naudiodon's Writable accepts. */
export function pcm16ToBuffer(pcm: Int16Array): Buffer {
  const b = Buffer.allocUnsafe(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) b.writeInt16LE(pcm[i], i * 2);
  return b;
}
