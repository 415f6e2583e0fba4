// macOS asks the user before any app may record (TCC). Sound capture runs in the engine worker through
// PortAudio, which would otherwise get silence without a word: ask once, before the engine opens a stream,
// through systemPreferences.askForMediaAccess (Electron docs, "systemPreferences"; the prompt text is the
// NSMicrophoneUsageDescription that electron-builder writes from build/electron-builder.config.cjs), and tell
// the user how to fix a refusal. Other platforms have no such gate for desktop apps.
import type { SystemPreferences } from 'electron';

export type MediaAccess = Pick<SystemPreferences, 'getMediaAccessStatus' | 'askForMediaAccess'>;

export const MICROPHONE_DENIED =
  'Redial may not use the microphone, so the other side will hear silence. Allow Redial in System Settings → ' +
  'Privacy & Security → Microphone, then restart Redial.';

/** Asks for microphone access where the OS requires it; returns a warning for the user when it is refused. */
export async function ensureMicrophoneAccess(prefs: MediaAccess | undefined, platform: string): Promise<string | undefined> {
  if (platform !== 'darwin' || !prefs) return undefined;
  let status: ReturnType<MediaAccess['getMediaAccessStatus']>;
  try { status = prefs.getMediaAccessStatus('microphone'); } catch { return undefined; }
  if (status === 'granted') return undefined;
  if (status === 'not-determined' || status === 'unknown') {
    try { if (await prefs.askForMediaAccess('microphone')) return undefined; } catch { /* treated as refused */ }
  }
  return MICROPHONE_DENIED;
}
