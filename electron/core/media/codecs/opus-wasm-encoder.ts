// A safe binding to opusscript's WASM libopus 1.4 encoder.
//
// Why not opusscript's own JS wrapper: it takes its scratch buffers as `HEAPU16.subarray(ptr, …)` where `ptr` is a
// byte address from malloc, so the memory it really writes lies at 2·ptr, outside its allocation. With several
// encoders alive (one per call, calls in parallel) that lands inside later instances' heap blocks (measured: 29 of 60
// instances overlapped another's block; with today's allocation pattern the writes happened to hit that instance's
// own unused buffers, so nothing broke, but nothing guarantees it). The native handler is fine, so we call it
// directly with buffers we allocate ourselves, at the right addresses.
//
// The handler's `_encode(inPtr, bytes, outPtr, frameSize)` expects the little-endian PCM bytes one per 16-bit slot
// (it repacks them in place), reads up to 2·bytes slots, and writes the packet as bytes at outPtr.

interface EmscriptenOpusModule {
  HEAPU8: Uint8Array;
  HEAPU16: Uint16Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  OpusScriptHandler: {
    new (rate: number, channels: number, application: number): OpusScriptHandler;
    destroy_handler(handler: OpusScriptHandler): void;
  };
}

interface OpusScriptHandler {
  _encode(inPtr: number, bytes: number, outPtr: number, frameSize: number): number;
  _encoder_ctl(ctl: number, arg: number): number;
}

const MAX_PACKET = 1276 * 3;
const OPUS_ERRORS: Record<number, string> = {
  [-1]: 'bad argument', [-2]: 'buffer too small', [-3]: 'internal error', [-4]: 'invalid packet',
  [-5]: 'unimplemented', [-6]: 'invalid state', [-7]: 'memory allocation failed',
};

let modulePromise: Promise<EmscriptenOpusModule> | undefined;

function loadModule(): Promise<EmscriptenOpusModule> {
  // A variable specifier: the file has no type declarations; its default export is the Emscripten factory, which
  // instantiates synchronously in Node (the .wasm is read next to it).
  const specifier = 'opusscript/build/opusscript_native_wasm.js';
  modulePromise ??= import(specifier).then((m: { default: () => EmscriptenOpusModule }) => m.default());
  return modulePromise;
}

export class WasmOpusEncoder {
  private inPtr = 0;
  private outPtr = 0;
  private handler: OpusScriptHandler | undefined;

  private constructor(private readonly m: EmscriptenOpusModule, readonly frameSamples: number, rate: number,
    application: number) {
    this.handler = new m.OpusScriptHandler(rate, 1, application);
    this.inPtr = m._malloc(frameSamples * 2 * 2 * 2); // 2 bytes per sample, each in a 16-bit slot, read ×2
    this.outPtr = m._malloc(MAX_PACKET);
  }

  static async create(rate: number, frameSamples: number, application: number): Promise<WasmOpusEncoder> {
    return new WasmOpusEncoder(await loadModule(), frameSamples, rate, application);
  }

  ctl(request: number, value: number): void {
    const r = this.live()._encoder_ctl(request, value);
    if (r < 0) throw new Error(`Opus encoder ctl ${request}=${value} failed: ${OPUS_ERRORS[r] ?? r}`);
  }

  /** Encodes exactly `frameSamples` mono samples into one Opus packet. */
  encode(pcm: Int16Array): Uint8Array {
    const handler = this.live();
    if (pcm.length !== this.frameSamples) throw new Error(`Opus encoder needs ${this.frameSamples} samples`);
    const slots = this.m.HEAPU16;
    const base = this.inPtr >> 1;
    for (let i = 0; i < pcm.length; i++) {
      const v = pcm[i] & 0xffff;
      slots[base + 2 * i] = v & 0xff;
      slots[base + 2 * i + 1] = v >> 8;
    }
    const len = handler._encode(this.inPtr, pcm.length * 2, this.outPtr, this.frameSamples);
    if (len < 0) throw new Error(`Opus encode failed: ${OPUS_ERRORS[len] ?? len}`);
    return this.m.HEAPU8.slice(this.outPtr, this.outPtr + len);
  }

  close(): void {
    if (!this.handler) return;
    this.m.OpusScriptHandler.destroy_handler(this.handler);
    this.m._free(this.inPtr);
    this.m._free(this.outPtr);
    this.handler = undefined;
  }

  private live(): OpusScriptHandler {
    if (!this.handler) throw new Error('Opus encoder is closed');
    return this.handler;
  }
}
