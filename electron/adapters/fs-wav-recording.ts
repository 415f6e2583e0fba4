// A call recording written to a WAV file as it happens (RecordingSink of electron/core/media/call-media.ts).
// The header is written with empty sizes first and patched on close, so a crash leaves a file most players
// still open. Samples are buffered and written about once a second: the writes happen on the engine worker,
// where a blocking write per 20 ms frame would eat into the audio thread's time.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { RecordingFormat, RecordingSink } from '../core/media/call-media-types.js';
import { encodeWav } from '../core/media/wav.js';

const FLUSH_BYTES = 64 * 1024;

export class WavFileRecording implements RecordingSink {
  private fd: number | undefined;
  private dataBytes = 0;
  private format: RecordingFormat | undefined;
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(readonly path: string) {}

  open(format: RecordingFormat): void {
    this.format = format;
    this.fd = openSync(this.path, 'w', 0o600);
    writeSync(this.fd, this.header());
  }

  write(samples: Int16Array): void {
    if (this.fd === undefined) return;
    const b = Buffer.alloc(samples.length * 2);
    for (let i = 0; i < samples.length; i++) b.writeInt16LE(samples[i], 2 * i);
    this.chunks.push(b);
    this.buffered += b.length;
    if (this.buffered >= FLUSH_BYTES) this.flush();
  }

  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    writeSync(this.fd, this.header(), 0, 44, 0);
    closeSync(this.fd);
    this.fd = undefined;
  }

  private flush(): void {
    if (this.fd === undefined || this.buffered === 0) return;
    const all = Buffer.concat(this.chunks);
    writeSync(this.fd, all);
    this.dataBytes += all.length;
    this.chunks = [];
    this.buffered = 0;
  }

  /** The 44-byte header for the data written so far (encodeWav of no samples, sizes patched). */
  private header(): Buffer {
    const f = this.format ?? { sampleRate: 8000, channels: 1 };
    const h = Buffer.from(encodeWav({ sampleRate: f.sampleRate, channels: f.channels, samples: new Int16Array(0) }));
    h.writeUInt32LE(36 + this.dataBytes, 4);
    h.writeUInt32LE(this.dataBytes, 40);
    return h;
  }
}
