// Adapts a stage that works on fixed blocks (an FFT block, a hop) to frames of any length. When the frame length is
// a multiple of the block (the normal case: 20 ms frames, blocks of 4-10 ms), each frame is processed in place with
// no added delay. Otherwise the output is delayed by one block so every call still returns a full frame.

export type BlockFn = (input: Float64Array, aux: Float64Array | undefined, output: Float64Array, auxOut: Float64Array | undefined) => void;

export class BlockFramer {
  private readonly inBuf: Float64Array;
  private readonly auxBuf: Float64Array;
  private inLen = 0;
  private outQueue: Float64Array;
  private auxQueue: Float64Array;
  private outLen = 0;
  private readonly blockIn: Float64Array;
  private readonly blockAux: Float64Array;
  private readonly blockOut: Float64Array;
  private readonly blockAuxOut: Float64Array;
  private primed = false;

  constructor(readonly block: number, private readonly fn: BlockFn) {
    this.inBuf = new Float64Array(block);
    this.auxBuf = new Float64Array(block);
    this.outQueue = new Float64Array(4 * block);
    this.auxQueue = new Float64Array(4 * block);
    this.blockIn = new Float64Array(block);
    this.blockAux = new Float64Array(block);
    this.blockOut = new Float64Array(block);
    this.blockAuxOut = new Float64Array(block);
  }

  /** Extra delay (samples) this framer adds: 0 for frames that are multiples of the block, else one block. */
  get addedDelay(): number {
    return this.primed ? this.block : 0;
  }

  /**
   * Processes `frame` (and an optional aligned auxiliary signal passed through the same blocks) and returns the
   * output, same length. `auxOut`, when given, receives the block function's auxiliary output.
   */
  process(frame: Float64Array, aux?: Float64Array, auxOut?: Float64Array): Float64Array {
    const b = this.block;
    if (!this.primed && this.inLen === 0 && this.outLen === 0 && frame.length % b === 0) {
      const out = new Float64Array(frame.length);
      for (let s = 0; s < frame.length; s += b) {
        this.run(frame.subarray(s, s + b), aux?.subarray(s, s + b), out.subarray(s, s + b), auxOut?.subarray(s, s + b));
      }
      return out;
    }
    if (!this.primed) {
      // Odd frame length: switch to queued mode with one block of delay, for good.
      this.primed = true;
      this.ensureQueue(b + frame.length + b);
      this.outLen = b;
      this.outQueue.fill(0, 0, b);
      this.auxQueue.fill(0, 0, b);
    }
    this.ensureQueue(this.outLen + frame.length + b);
    for (let i = 0; i < frame.length; i++) {
      this.inBuf[this.inLen] = frame[i];
      this.auxBuf[this.inLen] = aux ? aux[i] : 0;
      this.inLen++;
      if (this.inLen === b) {
        this.run(this.inBuf, aux ? this.auxBuf : undefined, this.blockOut, this.blockAuxOut);
        this.outQueue.set(this.blockOut, this.outLen);
        this.auxQueue.set(this.blockAuxOut, this.outLen);
        this.outLen += b;
        this.inLen = 0;
      }
    }
    const n = frame.length;
    const out = this.outQueue.slice(0, n);
    if (auxOut) auxOut.set(this.auxQueue.subarray(0, n));
    this.outQueue.copyWithin(0, n, this.outLen);
    this.auxQueue.copyWithin(0, n, this.outLen);
    this.outLen -= n;
    return out;
  }

  private run(input: Float64Array, aux: Float64Array | undefined, output: Float64Array, auxOut: Float64Array | undefined): void {
    this.blockIn.set(input);
    if (aux) this.blockAux.set(aux);
    this.fn(this.blockIn, aux ? this.blockAux : undefined, output, auxOut);
  }

  private ensureQueue(n: number): void {
    if (this.outQueue.length >= n) return;
    const q = new Float64Array(n * 2);
    q.set(this.outQueue.subarray(0, this.outLen));
    this.outQueue = q;
    const a = new Float64Array(n * 2);
    a.set(this.auxQueue.subarray(0, this.outLen));
    this.auxQueue = a;
  }
}
