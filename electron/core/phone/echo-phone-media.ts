// The phone's media (media-port.ts PhoneMedia) of an echo peer: every voice frame a call receives goes straight
// back to the caller, as Asterisk's Echo() does. Nothing is decoded, buffered or timed: the reflection costs one
// receive and one send per frame, so one process can reflect hundreds of calls (`redial listen --echo`, the
// reflector of docs/scenarios.md "Load reports").
import type { CallHandle } from '../iax2/engine-api.js';
import type { AudioDeviceInfo } from '../media/audio-ports.js';
import { payloadDurationMs } from '../media/codecs/payload-duration.js';
import type { LevelsView } from '../../shared/api.js';
import type { CallAudio, CallAudioStats, PhoneMedia } from './media-port.js';

export interface EchoCallStats extends CallAudioStats {
  readonly framesReflected: number;
}

export class EchoPhoneMedia implements PhoneMedia {
  private readonly calls = new Set<() => void>();

  /** Calls being reflected now. */
  get activeCalls(): number {
    return this.calls.size;
  }

  listDevices(): Promise<AudioDeviceInfo[]> { return Promise.resolve([]); }
  configure(): void { /* nothing to configure: no buffer, no device */ }

  startCall(call: CallHandle): Promise<CallAudio> {
    let reflected = 0;
    let muted = false;
    const off = call.on('voice', (f) => {
      if (muted) return;
      let ms: number;
      try { ms = payloadDurationMs(f.codec, f.payload); } catch { return; } // not a whole frame: nothing to echo
      call.sendVoice(f.payload, ms);
      reflected++;
    });
    let closed = false;
    const close = (): void => { if (closed) return; closed = true; off(); this.calls.delete(close); };
    this.calls.add(close);
    const audio: CallAudio & { stats(): EchoCallStats } = {
      setMuted: (m) => { muted = m; },
      startRecording: () => Promise.reject(new Error('the echo peer does not record')),
      stopRecording: () => Promise.resolve(),
      stats: () => ({ framesReflected: reflected }),
      close: () => { close(); return Promise.resolve(); },
    };
    return Promise.resolve(audio);
  }

  setRinging(): void { /* no ring device */ }
  setTone(): void { /* no speaker */ }
  testTone(): Promise<void> { return Promise.resolve(); }
  levels(): LevelsView { return { inputDbfs: null, outputDbfs: null }; }
  onNotice(): void { /* never has anything to say */ }

  close(): Promise<void> {
    for (const c of [...this.calls]) c();
    return Promise.resolve();
  }
}
