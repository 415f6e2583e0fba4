// Settings: defaults, the one-level-deep merge of a SettingsPatch, and reading a stored document of unknown
// shape (a damaged settings file must never stop the phone from starting).
import { DEFAULT_CODECS, type Settings, type SettingsPatch } from '../../shared/api.js';
import { settings as isSettings } from '../../shared/api-guards.js';
import { DEFAULT_JITTER_SETTINGS } from '../media/jitter/settings.js';

export const DEFAULT_SETTINGS: Settings = {
  dnd: false,
  autoAnswer: 'off',
  ringTimeoutSeconds: 60,
  // The jitter buffer's own tuned defaults (electron/core/media/jitter/settings.ts, measured with `npm run bench`).
  jitter: { targetExtraMs: DEFAULT_JITTER_SETTINGS.targetExtraMs, maxMs: DEFAULT_JITTER_SETTINGS.maxMs },
  dsp: { echoCancellation: true, noiseSuppression: true, autoGain: false },
  gains: { inputDb: 0, outputDb: 0 },
  audio: { input: null, output: null, ring: null, ringAll: false },
  // Ephemeral by default: two clients behind one NAT on 4569 get mangled (softphone-anchors §6.3).
  localPort: 0,
  acceptDirectCalls: false,
  directCallCodecs: DEFAULT_CODECS,
  // As a stock Asterisk 22 (requirecalltoken=yes): a direct caller proves its address first (docs/security.md §7).
  directCallTokens: 'required',
  debug: { trace: false, traceBufferSize: 5000 },
  // A phone that quits when its window closes misses the calls that follow; starting at login is the user's choice.
  desktop: { closeToTray: true, startAtLogin: false },
};

export function mergeSettings(current: Settings, patch: SettingsPatch): Settings {
  return {
    ...current,
    ...(patch.dnd !== undefined ? { dnd: patch.dnd } : {}),
    ...(patch.autoAnswer !== undefined ? { autoAnswer: patch.autoAnswer } : {}),
    ...(patch.ringTimeoutSeconds !== undefined ? { ringTimeoutSeconds: patch.ringTimeoutSeconds } : {}),
    ...(patch.localPort !== undefined ? { localPort: patch.localPort } : {}),
    ...(patch.acceptDirectCalls !== undefined ? { acceptDirectCalls: patch.acceptDirectCalls } : {}),
    ...(patch.directCallCodecs !== undefined ? { directCallCodecs: [...patch.directCallCodecs] } : {}),
    ...(patch.directCallTokens !== undefined ? { directCallTokens: patch.directCallTokens } : {}),
    jitter: { ...current.jitter, ...definedOnly(patch.jitter) },
    dsp: { ...current.dsp, ...definedOnly(patch.dsp) },
    gains: { ...current.gains, ...definedOnly(patch.gains) },
    debug: { ...current.debug, ...definedOnly(patch.debug) },
    desktop: { ...current.desktop, ...definedOnly(patch.desktop) },
  };
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** A stored document → valid Settings: each valid section is kept, anything else falls back to its default. */
export function readStoredSettings(stored: unknown): Settings {
  if (isSettings(stored)) return stored;
  if (typeof stored !== 'object' || stored === null) return DEFAULT_SETTINGS;
  const s = stored as Record<string, unknown>;
  // Try each field on its own over the defaults, keeping those that leave the whole valid.
  let result: Settings = DEFAULT_SETTINGS;
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
    if (!(key in s)) continue;
    const candidate = { ...result, [key]: s[key] };
    if (isSettings(candidate)) result = candidate;
  }
  if (result.jitter.maxMs < result.jitter.targetExtraMs) result = { ...result, jitter: DEFAULT_SETTINGS.jitter };
  return result;
}
