// A WAV file written as a call goes (16-bit PCM, mono or stereo), readable at every moment: samples are buffered
// and written about once a second, and after each write the header's two sizes (RIFF and data) are rewritten to
// match what is on disk. So a process killed mid-call (kill -9, a crash, power loss after the page cache was
// written) leaves a file that every player opens, missing at most the last second. The file is private (0600).
// Writes are synchronous and batched: a blocking write per 20 ms frame would eat into the audio thread's time.
import { closeSync, writeSync } from 'node:fs';
import { encodeWav } from '../core/media/wav.js';
import { openPrivateSync } from './private-files.js';

const HEADER_BYTES = 44;

export class WavFileWriter {
  private fd: number | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private onDisk = 0;
  private failure: Error | undefined;
  /** About one second of audio: the most a kill can lose. */
  private readonly flushBytes: number;

  constructor(readonly path: string, readonly sampleRate: number, readonly channels: 1 | 2) {
    this.flushBytes = sampleRate * channels * 2;
    this.fd = openPrivateSync(path);
    writeSync(this.fd, this.header());
  }

  /** Bytes of samples written so far (on disk or about to be). */
  get dataBytes(): number {
    return this.onDisk + this.pendingBytes;
  }

  /** The first error writing the file (disk full …); writing stops there. */
  get writeError(): Error | undefined {
    return this.failure;
  }

  /** Appends interleaved 16-bit samples. */
  write(samples: Int16Array): void {
    if (this.fd === undefined) return;
    const b = Buffer.alloc(samples.length * 2);
    for (let i = 0; i < samples.length; i++) b.writeInt16LE(samples[i], 2 * i);
    this.pending.push(b);
    this.pendingBytes += b.length;
    if (this.pendingBytes >= this.flushBytes) this.flush();
  }

  /** Writes the buffered samples, then the header with the sizes now on disk. */
  flush(): void {
    if (this.fd === undefined || this.pendingBytes === 0) return;
    const all = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    try {
      writeSync(this.fd, all, 0, all.length, HEADER_BYTES + this.onDisk);
      this.onDisk += all.length;
      writeSync(this.fd, this.header(), 0, HEADER_BYTES, 0);
    } catch (err) {
      this.failure = err instanceof Error ? err : new Error(String(err));
      this.stop();
    }
  }

  /** Flushes and closes. Idempotent. */
  close(): void {
    this.flush();
    this.stop();
  }

  private stop(): void {
    if (this.fd === undefined) return;
    try { closeSync(this.fd); } catch { /* already gone */ }
    this.fd = undefined;
  }

  /** The 44-byte header for the samples on disk (encodeWav of no samples, sizes patched). */
  private header(): Buffer {
    const h = Buffer.from(encodeWav({ sampleRate: this.sampleRate, channels: this.channels, samples: new Int16Array(0) }));
    h.writeUInt32LE(36 + this.onDisk, 4);
    h.writeUInt32LE(this.onDisk, 40);
    return h;
  }
}
