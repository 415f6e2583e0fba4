// The echo peer built into the app: an IAX2 phone of its own on a loopback UDP port that answers every call at once
// and sends each voice frame straight back (core/phone/echo-phone-media.ts, the reflector `redial listen --echo`
// uses: nothing decoded, no timer per call, so it carries many calls cheaply). The app's "Echo test" calls it
// directly through the user's own engine, codec, jitter buffer and sound devices, so a first-time user hears their
// own voice with no server at hand. No account, no store, no sound device: it lives as long as the phone that
// started it.
import { EchoPhoneMedia } from '../core/phone/echo-phone-media.js';
import { DEFAULT_SETTINGS } from '../core/phone/settings-model.js';
import { composePhone } from './compose-phone.js';

export interface EchoPeer {
  /** Where to call it: "127.0.0.1:port". */
  readonly server: string;
  /** Calls it is reflecting now. */
  activeCalls(): number;
  close(): Promise<void>;
}

export async function startEchoPeer(version = '0'): Promise<EchoPeer> {
  const echo = new EchoPhoneMedia();
  const composed = await composePhone({
    host: 'headless', version, localPort: 0, bindAddress: '127.0.0.1', audio: 'none', secrets: 'memory', secretStorage: 'memory',
  }, {
    createMedia: () => echo,
    // Every call answered at once, none holding another: as Asterisk's Echo() behind a direct line.
    independentCalls: true,
    initialSettings: { ...DEFAULT_SETTINGS, acceptDirectCalls: true, autoAnswer: 'always', ringTimeoutSeconds: 0,
      directCallCodecs: ['ulaw', 'alaw', 'g722', 'gsm', 'slin', 'slin16', 'opus'] },
  });
  return {
    server: `127.0.0.1:${composed.localPort}`,
    activeCalls: () => echo.activeCalls,
    close: () => composed.close(),
  };
}
