// The phone's request handlers: one per request of the contract (electron/shared/api.ts Requests), each checking
// what only the phone can check (an account exists and is enabled, a call is in a state that allows it) and
// answering with the contract's views. The payloads are already guarded (PhoneService.request). Calls are the
// live-call supervisor's (live-calls.ts); everything here is what a user asks for.
import type { Clock } from '../ports.js';
import type { Iax2Engine } from '../iax2/engine-api.js';
import type { TraceEntry } from '../iax2/trace-types.js';
import {
  API_VERSION, ApiError, type AppInfo, type AudioDevicesView, type AudioSelection, type RegistrationView,
  type RequestName, type Requests, type Settings, type SettingsPatch,
} from '../../shared/api.js';
import type { AccountBook } from './account-book.js';
import { devicesView } from './api-views.js';
import { attendedTransferTarget } from './attended-transfer.js';
import type { CallHistory } from './call-history.js';
import type { ContactBook } from './contact-book.js';
import { otherParty } from './call-outcome.js';
import type { LiveCalls } from './live-calls.js';
import type { PhoneMedia } from './media-port.js';
import type { PhoneEvents } from './phone-events.js';
import type { FileSink } from './phone-service.js';
import { mergeSettings } from './settings-model.js';
import type { TonePolicy } from './tone-policy.js';
import { safeFormat, toTraceView, type TraceBuffer, type TraceFormatter } from './trace-buffer.js';

/** Frames a console gets when it opens (trace:subscribe): bounded, so opening it never ships megabytes at once. */
const TRACE_OPENING = { signalling: 2000, voice: 400 } as const;

/** The engine's name for the one-off account of a direct call (never an id AccountBook hands out: those hold a '-'). */
const DIRECT_ACCOUNT_ID = 'direct';

/** What the handlers work with: the phone's parts. */
export interface PhoneParts {
  readonly engine: Iax2Engine;
  readonly clock: Clock;
  readonly info: Omit<AppInfo, 'localPort' | 'apiVersion'>;
  readonly files: FileSink | undefined;
  readonly writePcap: ((entries: readonly TraceEntry[]) => Uint8Array) | undefined;
  readonly accounts: AccountBook;
  readonly registrations: Map<string, RegistrationView>;
  readonly calls: LiveCalls;
  readonly history: CallHistory;
  readonly contacts: ContactBook;
  /** Starts (once) and finds the echo peer built into the phone: "127.0.0.1:port" (absent: no echo test here). */
  readonly echoPeer: (() => Promise<string>) | undefined;
  readonly media: PhoneMedia;
  readonly tones: TonePolicy;
  readonly trace: TraceBuffer;
  readonly format: TraceFormatter;
  readonly events: PhoneEvents;
  settings(): Settings;
  replaceSettings(next: Settings): Promise<void>;
  /** The engine gets the accounts again and the UI hears of the change. */
  accountsChanged(): void;
}

export type RequestHandlers = { [K in RequestName]: (p: Requests[K]['req']) => Promise<Requests[K]['res']> | Requests[K]['res'] };

export function requestHandlers(p: PhoneParts): RequestHandlers {
  const { calls, events } = p;
  const contactsChanged = (): void => events.fire('contacts:changed', p.contacts.list());
  const devicesNow = async (refresh: boolean): Promise<AudioDevicesView> => devicesView(await p.media.listDevices(refresh), p.settings().audio);
  return {
    'app:info': () => ({ ...p.info, apiVersion: API_VERSION, localPort: p.engine.localPort }),

    'accounts:list': () => p.accounts.list(),
    'accounts:save': async (input) => {
      const view = await p.accounts.save(input);
      p.accountsChanged();
      return view;
    },
    'accounts:delete': async ({ accountId }) => {
      await p.accounts.delete(accountId);
      p.registrations.delete(accountId);
      p.accountsChanged();
      if (await p.contacts.forgetAccount(accountId)) contactsChanged();
      return null;
    },

    'registration:list': () => [...p.registrations.values()],
    'registration:refresh': ({ accountId }) => {
      if (accountId !== undefined && !p.accounts.get(accountId)) throw new ApiError('unknown-account', `there is no account '${accountId}'`);
      p.engine.reregister(accountId);
      return null;
    },

    'call:dial': ({ number, accountId, direct, codecs }) => {
      if (direct) {
        // RFC 5456 peer to peer: a one-off account that never registers (what `redial call iax:host/number` does).
        calls.holdOthers(undefined);
        const handle = p.engine.dial({
          account: { id: DIRECT_ACCOUNT_ID, server: direct.server, username: direct.username ?? '', register: false, ...(codecs ? { codecs } : {}) },
          number,
        });
        return calls.view(calls.track(handle, direct.server));
      }
      const account = accountId !== undefined ? p.accounts.get(accountId) : p.accounts.list().find((a) => a.enabled);
      if (!account) {
        throw new ApiError(accountId !== undefined ? 'unknown-account' : 'no-account',
          accountId !== undefined ? `there is no account '${accountId}'` : 'add an account before placing a call');
      }
      if (!account.enabled) throw new ApiError('account-disabled', `the account '${account.label}' is disabled`);
      calls.holdOthers(undefined);
      // The engine keeps only the account's codecs from `codecs` (call-manager.ts codecsForCall).
      return calls.view(calls.track(p.engine.dial({ accountId: account.id, number, codecs: codecs ?? account.codecs })));
    },
    'call:echo-test': async (req) => {
      if (!p.echoPeer) throw new ApiError('unavailable', 'the echo test is not available in this mode');
      const server = await p.echoPeer();
      calls.holdOthers(undefined);
      // Through this phone's own engine, codec, jitter buffer and devices: a direct call to the echo peer.
      const handle = p.engine.dial({
        account: { id: DIRECT_ACCOUNT_ID, server, username: 'echo-test', register: false,
          codecs: req?.codec !== undefined ? [req.codec] : p.settings().directCallCodecs },
        number: 'echo',
      });
      return calls.view(calls.track(handle, server, true));
    },
    'call:answer': ({ callId }) => {
      const c = calls.get(callId);
      if (c.handle.direction !== 'incoming') throw new ApiError('invalid-state', 'only incoming calls can be answered');
      calls.answer(c);
      return null;
    },
    'call:reject': ({ callId, reason }) => {
      const c = calls.get(callId);
      c.localEnd = 'reject';
      c.handle.reject(reason);
      return null;
    },
    'call:hangup': ({ callId }) => {
      const c = calls.get(callId);
      c.localEnd ??= 'hangup';
      c.handle.hangup();
      return null;
    },
    'call:dtmf': ({ callId, digits }) => {
      const c = calls.get(callId);
      c.handle.sendDtmf(digits);
      // The keys are heard on the call's speaker, so once the call has audio (early media or answered).
      if (c.audio) p.tones.keyed(digits);
      return null;
    },
    'call:text': ({ callId, text }) => { calls.get(callId).handle.sendText(text); return null; },
    'call:hold': ({ callId, hold }) => {
      const c = calls.get(callId);
      const state = c.handle.state;
      if (state !== 'up' && state !== 'held') throw new ApiError('invalid-state', 'only an answered call can be held or resumed');
      if (hold) {
        c.handle.hold();
      } else if (state === 'held') {
        calls.holdOthers(c);
        c.handle.unhold();
      }
      return null; // the call's state event tells the UI (held is its state: api-views.ts)
    },
    'call:mute': ({ callId, muted }) => {
      const c = calls.get(callId);
      c.muted = muted;
      c.audio?.setMuted(muted);
      calls.updated(c);
      return null;
    },
    'call:transfer': ({ callId, target }) => {
      const c = calls.get(callId);
      c.transfer = { target, failed: false };
      c.handle.transfer(target);
      return null;
    },
    'call:transfer-to-call': ({ callId, toCallId }) => {
      const a = calls.get(callId);
      const consult = calls.get(toCallId);
      const target = attendedTransferTarget(a.handle, consult.handle);
      if (a.transfer && !a.transfer.failed) throw new ApiError('invalid-state', 'this call is already being transferred');
      // Spec §5.7 option 1: A is on hold while we talk to C; hold it now if the user did not.
      if (a.handle.state === 'up') a.handle.hold();
      a.transfer = { target, consult, failed: false };
      a.handle.transfer(target);
      events.notice('info', 'transferring', `Transferring ${otherParty(a.handle) || 'the call'} to ${target}…`, { callId: a.handle.id });
      return null;
    },
    'call:record': async ({ callId, recording }) => {
      const c = calls.get(callId);
      if (!recording) {
        if (!c.recording) return { path: null };
        await c.audio?.stopRecording();
        c.recording = false;
        calls.updated(c);
        return { path: c.recordingPath ?? null };
      }
      if (!p.files) throw new ApiError('unavailable', 'recording is not available in this mode');
      await c.audioStarting;
      if (!c.audio) throw new ApiError('invalid-state', 'the call has no audio yet');
      const stamp = new Date(c.startedAt).toISOString().replace(/[:.]/g, '-');
      const path = await p.files.pathFor('recordings', `redial-${stamp}-${safeName(otherParty(c.handle))}.wav`);
      await c.audio.startRecording(path);
      c.recording = true;
      c.recordingPath = path;
      calls.updated(c);
      return { path };
    },
    'call:list': () => calls.views(),
    'call:stats': ({ callId }) => calls.stats(calls.get(callId)),

    'history:list': ({ limit }) => p.history.list(limit),
    'history:clear': async () => { await p.history.clear(); calls.missedChanged(); return null; },
    'history:missed': () => ({ unseen: p.history.unseenMissed() }),
    'contacts:list': () => p.contacts.list(),
    'contacts:save': async (input) => {
      if (input.accountId !== undefined && !p.accounts.get(input.accountId)) throw new ApiError('unknown-account', `there is no account '${input.accountId}'`);
      const saved = await p.contacts.save(input);
      contactsChanged();
      return saved;
    },
    'contacts:delete': async ({ contactId }) => { await p.contacts.delete(contactId); contactsChanged(); return null; },
    'contacts:import': async ({ format, text }) => {
      const result = await p.contacts.import(format, text);
      if (result.added + result.updated > 0) contactsChanged();
      return result;
    },
    'contacts:export': ({ format }) => p.contacts.export(format),
    'history:seen': async () => {
      const before = p.history.unseenMissed();
      await p.history.markSeen(p.clock.wallTime().getTime());
      if (before !== 0) calls.missedChanged();
      return { unseen: p.history.unseenMissed() };
    },

    'audio:devices': ({ refresh }) => devicesNow(refresh === true),
    'audio:select': async (sel) => {
      const audio: AudioSelection = { ...p.settings().audio, ...definedOnly(sel) };
      await p.replaceSettings({ ...p.settings(), audio });
      void devicesNow(false).then((v) => events.fire('audio:devices', v), () => undefined);
      return audio;
    },
    'audio:gains': async (g) => {
      const gains = { ...p.settings().gains, ...definedOnly(g) };
      await p.replaceSettings({ ...p.settings(), gains });
      return gains;
    },
    'audio:test-tone': async ({ target }) => { await calls.withMeters(() => p.media.testTone(target)); return null; },

    'settings:get': () => p.settings(),
    'settings:update': async (patch: SettingsPatch) => {
      const next = mergeSettings(p.settings(), patch);
      if (next.jitter.maxMs < next.jitter.targetExtraMs) {
        throw new ApiError('invalid-request', 'the maximum jitter buffer must be at least the target');
      }
      if (next.localPort !== p.settings().localPort) {
        events.notice('info', 'restart-needed', 'The new local port is used the next time Redial starts.');
      }
      await p.replaceSettings(next);
      return next;
    },

    // A console opened mid-call starts with the set-up and the signalling since, plus a moment of the voice.
    'trace:subscribe': () => p.trace.opening(TRACE_OPENING.signalling, TRACE_OPENING.voice).map((t) => toTraceView(t, p.format)),
    'trace:recent': ({ limit }) => p.trace.recent(limit).map((t) => toTraceView(t, p.format)),
    'trace:clear': () => { p.trace.clear(); return null; },
    'trace:export-pcap': async () => {
      if (!p.writePcap || !p.files) throw new ApiError('unavailable', 'pcap export is not available in this mode');
      const entries = p.trace.recent().map((t) => t.entry).filter((e) => e.raw !== undefined);
      const bytes = p.writePcap(entries);
      const stamp = p.clock.wallTime().toISOString().replace(/[:.]/g, '-');
      const path = await p.files.write('traces', `redial-${stamp}.pcap`, bytes);
      return { path, frames: entries.length };
    },
    'trace:export-text': () => {
      const items = p.trace.recent();
      const text = items.map((t) => `[${new Date(t.wallAt).toISOString()}]\n${safeFormat(p.format, t.entry)}`).join('\n');
      return { text, frames: items.length };
    },
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40) || 'call';
}
