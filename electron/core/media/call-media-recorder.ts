// Call recording: the local (sent) and remote (received) audio, lined up and written mixed or as stereo.
// The two directions run on different clocks (capture callbacks vs playback pulls), so each side is queued and
// written as soon as both have audio; if one side stalls (device gone, far end silent with no frames) for more
// than MAX_SKEW_MS, the other is written against silence so memory stays bounded and the file keeps time.
import { SampleFifo } from './call-media-fifo.js';
import type { RecordingFormat, RecordingLayout, RecordingSink } from './call-media-types.js';

const MAX_SKEW_MS = 500;

export class CallRecorder {
  private readonly local = new SampleFifo();
  private readonly remote = new SampleFifo();
  private readonly maxSkew: number;
  readonly format: RecordingFormat;

  constructor(private readonly sink: RecordingSink, readonly layout: RecordingLayout, readonly sampleRate: number) {
    this.format = { sampleRate, channels: layout === 'stereo' ? 2 : 1 };
    this.maxSkew = Math.round((sampleRate * MAX_SKEW_MS) / 1000);
    sink.open(this.format);
  }

  addLocal(pcm: Int16Array): void {
    this.local.push(pcm);
    this.flush(false);
  }

  addRemote(pcm: Int16Array): void {
    this.remote.push(pcm);
    this.flush(false);
  }

  stop(): void {
    this.flush(true);
    this.sink.close();
  }

  private flush(all: boolean): void {
    let n = Math.min(this.local.length, this.remote.length);
    const longest = Math.max(this.local.length, this.remote.length);
    if (all || longest > this.maxSkew) n = all ? longest : longest - this.maxSkew / 2;
    if (n <= 0) return;
    const l = this.local.take(n);
    const r = this.remote.take(n);
    if (this.layout === 'stereo') {
      const out = new Int16Array(2 * n);
      for (let i = 0; i < n; i++) {
        out[2 * i] = l[i];
        out[2 * i + 1] = r[i];
      }
      this.sink.write(out);
    } else {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) {
        const v = l[i] + r[i];
        out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      }
      this.sink.write(out);
    }
  }
}
