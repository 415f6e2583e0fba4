// A call recording written to a WAV file as it happens (RecordingSink of electron/core/media/call-media.ts),
// through the crash-safe streaming writer (wav-file-writer.ts: header kept valid about every second, mode 0600).
import type { RecordingFormat, RecordingSink } from '../core/media/call-media-types.js';
import { WavFileWriter } from './wav-file-writer.js';

export class WavFileRecording implements RecordingSink {
  private file: WavFileWriter | undefined;

  constructor(readonly path: string) {}

  open(format: RecordingFormat): void {
    this.file = new WavFileWriter(this.path, format.sampleRate, format.channels === 2 ? 2 : 1);
  }

  write(samples: Int16Array): void {
    this.file?.write(samples);
  }

  close(): void {
    this.file?.close();
    this.file = undefined;
  }
}
