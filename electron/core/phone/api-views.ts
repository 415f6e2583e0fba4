// The engine's state as the API shows it (electron/shared/api.ts): calls, statistics, registrations, errors,
// call ends and devices turned into the plain, bounded view objects that cross to the user interface.
// Pure functions; strings from the network are escaped for display (shared/display-text.ts: no control or
// bidirectional characters reach the UI, notifications or history) and cut to the lengths the API guards accept.
import type { CallEndInfo, CallHandle, CallStats, RegistrationState, UserFacingError } from '../iax2/engine-api.js';
import type { AudioDeviceInfo } from '../media/audio-ports.js';
import { fromAudioSelection } from '../media/devices/device-selection.js';
import { missingDeviceKeys } from '../media/devices/resolve-devices.js';
import type {
  AudioDevicesView, AudioSelection, CallEndView, CallStatsView, CallView, ErrorView, RegistrationView,
} from '../../shared/api.js';
import type { CallAudio } from './media-port.js';
import { displayText } from '../../shared/display-text.js';

/** Network text as the API carries it: escaped, then cut to `max` characters. */
export function remoteText(s: string, max: number): string {
  return displayText(s).slice(0, max);
}

/** What the phone knows about a call beyond the engine's handle. */
export interface CallViewSource {
  readonly handle: CallHandle;
  readonly startedAt: number;
  readonly answeredAt?: number;
  readonly remoteHeld: boolean;
  readonly muted: boolean;
  readonly recording: boolean;
  /** A call we placed directly, without an account: the address we called. */
  readonly direct?: string;
  /** The echo test (a call to the phone's built-in echo peer). */
  readonly echoTest?: boolean;
}

/** Where a call without an account goes or comes from (undefined for calls through an account). */
export function directAddress(c: Pick<CallViewSource, 'handle' | 'direct'>): string | undefined {
  return c.direct ?? (c.handle.accountId === undefined ? c.handle.remote.address : undefined);
}

export function callView(c: CallViewSource): CallView {
  const h = c.handle;
  const address = directAddress(c);
  return {
    id: h.id, direction: h.direction, number: remoteText(h.number || h.remote.number || '', 128), state: h.state,
    // Held is the call's own state (the engine's Call holds only an answered call), never a flag beside it.
    held: h.state === 'held', remoteHeld: c.remoteHeld, muted: c.muted, recording: c.recording, startedAt: c.startedAt,
    autoAnswerRequested: h.autoAnswerRequested, encrypted: h.encrypted === true,
    ...(h.accountId !== undefined && c.direct === undefined ? { accountId: h.accountId } : {}),
    ...(h.remote.name ? { remoteName: remoteText(h.remote.name, 256) } : {}),
    ...(h.remote.number ? { remoteNumber: remoteText(h.remote.number, 128) } : {}),
    ...(address !== undefined ? { remoteAddress: address } : {}),
    ...(c.echoTest ? { echoTest: true } : {}),
    ...(h.codec ? { codec: h.codec } : {}),
    ...(c.answeredAt !== undefined ? { answeredAt: c.answeredAt } : {}),
  };
}

/**
 * The engine's counters (network jitter included), with the jitter buffer's figures once the call has audio.
 * `jitterMs` is always the network's, `jitterBufferMs` the buffer's own estimate (docs/decisions.md).
 */
export function statsView(handle: CallHandle, audio: CallAudio | undefined): CallStatsView {
  let s: CallStats;
  try { s = handle.stats(); } catch { s = { framesReceived: 0, framesSent: 0, framesLost: 0, lossPercent: 0, retransmissions: 0 }; }
  const a = audio?.stats() ?? {};
  return {
    framesReceived: s.framesReceived, framesSent: s.framesSent, framesLost: s.framesLost,
    lossPercent: Math.min(100, Math.max(0, s.lossPercent)), retransmissions: s.retransmissions,
    ...(s.rttMs !== undefined ? { rttMs: s.rttMs } : {}),
    ...(s.jitterMs !== undefined ? { jitterMs: s.jitterMs } : {}),
    ...(a.bufferDelayMs !== undefined ? { bufferDelayMs: a.bufferDelayMs } : {}),
    ...(a.jitterMs !== undefined ? { jitterBufferMs: a.jitterMs } : {}),
    ...(a.lateFrames !== undefined ? { lateFrames: a.lateFrames } : {}),
    ...(a.droppedFrames !== undefined ? { droppedFrames: a.droppedFrames } : {}),
    ...(a.concealedMs !== undefined ? { concealedMs: a.concealedMs } : {}),
  };
}

/** `nowMs` (Clock ms) turns the engine's next-attempt time into the seconds the UI counts down. */
export function registrationView(r: RegistrationState, nowMs: number): RegistrationView {
  return {
    accountId: r.accountId, status: r.status, server: r.server,
    ...(r.refreshSeconds !== undefined ? { refreshSeconds: r.refreshSeconds } : {}),
    ...(r.apparentAddress ? { apparentAddress: { address: r.apparentAddress.address, port: r.apparentAddress.port } } : {}),
    ...(r.messages ? { messages: { old: r.messages.old, new: r.messages.new } } : {}),
    ...(r.error ? { error: errorView(r.error) } : {}),
    ...(r.nextAttemptAt !== undefined ? { retryInSeconds: Math.max(0, Math.round((r.nextAttemptAt - nowMs) / 1000)) } : {}),
  };
}

export function errorView(e: UserFacingError): ErrorView {
  return {
    code: e.code, message: remoteText(e.message, 1024),
    ...(e.cause !== undefined ? { cause: remoteText(e.cause, 1024) } : {}),
    ...(e.causeCode !== undefined ? { causeCode: e.causeCode } : {}),
  };
}

export function endView(info: CallEndInfo): CallEndView {
  return {
    by: info.by,
    ...(info.cause !== undefined ? { cause: remoteText(info.cause, 1024) } : {}),
    ...(info.causeCode !== undefined ? { causeCode: info.causeCode } : {}),
    ...(info.error ? { error: errorView(info.error) } : {}),
  };
}

/**
 * The devices, the user's selection, and which selected devices are not usable right now (absent, or no longer
 * able to capture or play; the one definition is missingDeviceKeys()).
 */
export function devicesView(devices: readonly AudioDeviceInfo[], selection: AudioSelection): AudioDevicesView {
  return {
    devices: devices.map((d) => ({
      key: d.key, name: d.name, hostApi: d.hostApi, input: d.maxInputChannels > 0, output: d.maxOutputChannels > 0,
      isDefaultInput: d.isDefaultInput, isDefaultOutput: d.isDefaultOutput, defaultSampleRate: d.defaultSampleRate,
    })),
    selection,
    missing: missingDeviceKeys(fromAudioSelection(selection), devices),
  };
}
