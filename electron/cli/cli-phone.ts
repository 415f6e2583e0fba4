// The phone of the `redial` command: the app's phone (PhoneService through the composition root,
// electron/host/compose-phone.ts) in memory, with the devices its flags name (cli-audio.ts), driven through the
// contract (electron/shared/api.ts) like any other client. This file prints what every command shares: the
// local port, the notices the user should see, the --debug trace, and the --pcap capture. Network text in the
// phone's views is escaped for display; the command prints the text itself (rawText), which its output escapes
// for humans or JSON-encodes (output.ts).
import { NullPhoneMedia, type PhoneMedia } from '../core/phone/media-port.js';
import { DEFAULT_SETTINGS } from '../core/phone/settings-model.js';
import { rawText } from '../shared/display-text.js';
import { ApiError, type AccountInput, type AccountView, type CodecName, type RedialApi, type Settings } from '../shared/api.js';
import { PcapFileCapture } from '../adapters/pcap-file-capture.js';
import { composePhone, type TraceCapture } from '../host/compose-phone.js';
import { UsageError, type CommonOptions, type ServerAccount } from './args.js';
import type { CliAudio } from './cli-audio.js';
import type { CliOutput } from './output.js';
import { version } from './version.js';

export interface CliPhone {
  readonly api: RedialApi;
  readonly localPort: number;
  /** Hangs up, unregisters (REGREL), closes the pcap and the socket. Idempotent. */
  close(): Promise<void>;
}

export interface CliPhoneOptions {
  readonly common: CommonOptions;
  readonly out: CliOutput;
  /** The call commands' devices; `register` has none. */
  readonly audio?: CliAudio;
  /** Direct calls (`listen` without a server): accepted from any address, with the --codec list. */
  readonly acceptDirectCalls?: boolean;
  /** Media without sound devices for many calls (`load`, `test`, `listen --echo`): used instead of `audio`'s. */
  readonly media?: PhoneMedia;
  /** Calls do not hold each other (PhoneServiceDeps.independentCalls). */
  readonly independentCalls?: boolean;
  /** Direct callers without call-token support let in (--calltoken optional; docs/security.md §7.3). */
  readonly directCallTokens?: 'required' | 'optional';
}

/**
 * The notices the command prints: the engine's warnings, what happens to a call (a transfer the server asked for,
 * a frame the peer refused) and to the sound devices. Registration failures and a call's end have events of their
 * own (registration-failed, hangup), so the phone's notices about those are not repeated.
 */
const PRINTED_NOTICES: ReadonlySet<string> = new Set([
  'engine', 'transfer-requested', 'transfer-may-have-failed', 'unsupported',
  'audio-failed', 'device', 'device-fallback', 'device-lost', 'devices-error', 'devices-deferred',
]);

export async function startCliPhone(o: CliPhoneOptions): Promise<CliPhone> {
  const { common, out, audio } = o;
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    // The command answers, rejects and hangs up itself: no ring timeout, no auto-answer of its own.
    ringTimeoutSeconds: 0,
    localPort: common.localPort,
    acceptDirectCalls: o.acceptDirectCalls === true,
    directCallCodecs: [...common.codecs],
    directCallTokens: o.directCallTokens ?? 'required',
    ...(audio ? audio.settings : {}),
  };
  const composed = await composePhone(
    { host: 'headless', version: version(), localPort: common.localPort, audio: 'none', secrets: 'memory', secretStorage: 'memory' },
    {
      createMedia: () => o.media ?? audio?.media ?? new NullPhoneMedia(),
      ...(o.independentCalls ? { independentCalls: true } : {}),
      initialSettings: settings,
      ...(audio?.files ? { files: audio.files } : {}),
      ...(common.pcap !== undefined ? { captureTrace: (where: { local: { address: string; port: number }; epochMs: number }) => pcapFile(common, where, out) } : {}),
    },
  );
  const api: RedialApi = composed.phone;
  out.emit({ event: 'started', localPort: composed.localPort });
  if (common.localPort !== 0 && composed.localPort !== common.localPort) {
    out.emit({ event: 'notice', message: `UDP port ${common.localPort} is in use; using ${composed.localPort} instead` });
  }
  api.on('notice', (n) => { if (PRINTED_NOTICES.has(n.code)) out.emit({ event: 'notice', message: rawText(n.message) }); });
  if (common.debug) api.on('trace', (t) => out.trace(t.text));
  let closing: Promise<void> | undefined;
  return {
    api, localPort: composed.localPort,
    close(): Promise<void> {
      closing ??= composed.close();
      return closing;
    },
  };
}

/**
 * --pcap FILE: streamed to disk as frames come (bounded memory under floods), secrets redacted unless
 * --pcap-keep-secrets; the pcap shows our socket as 127.0.0.1.
 */
function pcapFile(common: CommonOptions, where: { readonly local: { readonly port: number }; readonly epochMs: number }, out: CliOutput): TraceCapture {
  const path = common.pcap ?? '';
  try {
    return new PcapFileCapture({
      path, local: { address: '127.0.0.1', port: where.local.port }, epochMs: where.epochMs,
      keepSecrets: common.pcapKeepSecrets === true,
      ...(common.pcapMaxBytes !== undefined ? { maxBytes: common.pcapMaxBytes } : {}),
      onNotice: (message) => out.emit({ event: 'notice', message }),
    });
  } catch (err) {
    throw new UsageError(`--pcap: cannot write ${path} (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** The contract's account for a command-line account: registered or not, secret kept for this run only. */
export function accountInput(account: ServerAccount, secret: string | undefined, codecs: readonly CodecName[], register: boolean): AccountInput {
  return {
    server: account.server,
    username: account.username,
    ...(secret !== undefined ? { secret } : {}),
    rememberSecret: false,
    auth: account.auth,
    refreshSeconds: account.refreshSeconds,
    encryption: account.encryption,
    ...(account.callerIdName !== undefined ? { callerIdName: account.callerIdName } : {}),
    ...(account.callerIdNumber !== undefined ? { callerIdNumber: account.callerIdNumber } : {}),
    codecs,
    register,
  };
}

/** Saves the command-line account; the phone refusing it (a field out of range) is a usage error. */
export async function saveAccount(api: RedialApi, input: AccountInput): Promise<AccountView> {
  try {
    return await api.request('accounts:save', input);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'invalid-request') throw new UsageError(`the account is not valid: ${err.message}`);
    throw err;
  }
}
