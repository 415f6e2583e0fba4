// Command-line parsing for `redial` (pure: argv in, a validated command or a usage error out).
import { parseArgs } from 'node:util';
import type { AuthMethodName, EncryptionMode } from '../core/iax2/engine-api.js';
import type { CodecName } from '../core/media/codec.js';
import { splitHostPort } from '../core/iax2/server-address.js';
import { findIaxUriArg, parseIaxUri, uriServer } from '../shared/iax-uri.js';
import { DEFAULT_CODECS } from '../shared/api.js';
import {
  UsageError, callTokenPolicy, noPositionals, parseCallerId, parseCodecs, parseDsp, portNumber, positiveInt, positiveNumber,
  seconds, toneList, validateDtmf, validateNumber, wholeNumber, type DspChoice,
} from './arg-values.js';

export { UsageError, parseCallerId, parseCodecs, parseDsp, validateDtmf, type DspChoice } from './arg-values.js';

const AUTH_NAMES: readonly AuthMethodName[] = ['md5', 'plaintext', 'rsa'];

export interface ServerAccount {
  readonly server: string;
  readonly username: string;
  /** Where the secret comes from; the value itself is resolved later (env var or prompt), never kept in args. */
  readonly secret: { readonly kind: 'arg'; readonly value: string } | { readonly kind: 'env'; readonly name: string }
    | { readonly kind: 'prompt' } | { readonly kind: 'none' };
  readonly auth: readonly AuthMethodName[];
  readonly refreshSeconds: number;
  /** AES-128 call encryption (spec §7): off, on when the server agrees, or required. */
  readonly encryption: EncryptionMode;
  readonly callerIdName?: string;
  readonly callerIdNumber?: string;
}

export interface CommonOptions {
  readonly json: boolean;
  readonly debug: boolean;
  readonly pcap?: string;
  /** --pcap-keep-secrets: PASSWORD/CHALLENGE/MD5_RESULT… stay in the pcap (debugging one's own server only). */
  readonly pcapKeepSecrets?: boolean;
  /** --pcap-limit MB: the pcap file stops growing here. */
  readonly pcapMaxBytes?: number;
  readonly localPort: number;
  readonly codecs: readonly CodecName[];
  readonly inputDevice?: string;
  readonly outputDevice?: string;
  /** Speakerphone processing; undefined = automatic (on with real sound devices, off with WAV files/fake). */
  readonly dsp?: DspChoice;
}

export type Command =
  | { readonly kind: 'help'; readonly topic?: string }
  | { readonly kind: 'version' }
  | { readonly kind: 'devices'; readonly common: CommonOptions }
  | { readonly kind: 'register'; readonly common: CommonOptions; readonly account: ServerAccount; readonly once: boolean }
  | {
      readonly kind: 'call'; readonly common: CommonOptions; readonly account: ServerAccount; readonly number: string;
      readonly play?: string; readonly record?: string; readonly recordBoth?: string; readonly dtmf?: string;
      readonly dtmfDelaySeconds: number;
      readonly text?: string; readonly hangupAfterSeconds?: number; readonly answerTimeoutSeconds: number;
    }
  | {
      readonly kind: 'listen'; readonly common: CommonOptions; readonly account?: ServerAccount;
      readonly answer: 'auto' | 'reject' | 'busy'; readonly play?: string; readonly record?: string;
      readonly recordBoth?: string;
      readonly hangupAfterSeconds?: number; readonly maxCalls?: number; readonly dtmf?: string;
      /** Let the call ring this long before answering (auto mode). */
      readonly answerAfterSeconds: number;
      /** Reflect every call's audio back (an echo peer), answering any number of calls at once. */
      readonly echo: boolean;
      /** Direct callers without call-token support: refused ('required', the default) or let in (docs/security.md §7.3). */
      readonly callTokens: 'required' | 'optional';
    }
  | LoadCommand
  | TestCommand;

export interface TestCommand {
  readonly kind: 'test';
  readonly common: CommonOptions;
  readonly scenarioPath: string;
  readonly server?: string;
  /** --user list (cycled) when the scenario names no accounts. */
  readonly users: readonly string[];
  /** Authentication and encryption options for every account, from the command line (its username is a placeholder). */
  readonly account?: ServerAccount;
  /** Calls in all, all at once (each runs the scenario). */
  readonly calls: number;
  readonly ratePerS: number;
  readonly junit?: string;
}

/** Who the calls of `redial load` go to: accounts on a server (cycled), or a peer directly. */
export type LoadTarget =
  | { readonly kind: 'accounts'; readonly accounts: readonly ServerAccount[] }
  | { readonly kind: 'direct'; readonly server: string };

/** What every call of `redial load` sends. */
export type LoadSound =
  | { readonly kind: 'tone'; readonly hz: readonly number[] }
  | { readonly kind: 'file'; readonly path: string };

export interface LoadCommand {
  readonly kind: 'load';
  readonly common: CommonOptions;
  readonly target: LoadTarget;
  readonly dial: string;
  readonly calls: number;
  readonly ratePerS: number;
  readonly durationS: number;
  readonly holdForS?: number;
  readonly answerTimeoutS: number;
  readonly maxFailures?: number;
  readonly maxSetupMs?: number;
  readonly sound: LoadSound;
  /** Worker threads the calls are spread over (--workers); undefined: chosen from the cores and the call count. */
  readonly workers?: number;
}

export const OPTIONS = {
  server: { type: 'string' }, user: { type: 'string' }, secret: { type: 'string' },
  'secret-env': { type: 'string' }, 'secret-prompt': { type: 'boolean' }, auth: { type: 'string' },
  encryption: { type: 'string' },
  refresh: { type: 'string' }, 'caller-id': { type: 'string' }, once: { type: 'boolean' },
  codec: { type: 'string' }, play: { type: 'string' }, record: { type: 'string' }, 'record-both': { type: 'string' }, dtmf: { type: 'string' },
  'dtmf-delay': { type: 'string' }, text: { type: 'string' }, 'hangup-after': { type: 'string' },
  'answer-timeout': { type: 'string' }, answer: { type: 'string' }, 'answer-after': { type: 'string' }, port: { type: 'string' },
  'max-calls': { type: 'string' }, json: { type: 'boolean' }, debug: { type: 'boolean' }, pcap: { type: 'string' },
  'pcap-keep-secrets': { type: 'boolean' }, 'pcap-limit': { type: 'string' }, calltoken: { type: 'string' },
  'input-device': { type: 'string' }, 'output-device': { type: 'string' }, dsp: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  echo: { type: 'boolean' }, calls: { type: 'string' }, rate: { type: 'string' }, duration: { type: 'string' },
  dial: { type: 'string' }, tone: { type: 'string' }, 'hold-for': { type: 'string' }, 'max-failures': { type: 'string' },
  'max-setup-ms': { type: 'string' }, junit: { type: 'string' }, workers: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>['values'];

export function parseCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  const [verb, ...rest] = positionals;
  if (values.version || verb === 'version') return { kind: 'version' };
  if (values.help || verb === undefined || verb === 'help') return { kind: 'help', ...(rest[0] ? { topic: rest[0] } : verb && verb !== 'help' ? { topic: verb } : {}) };
  const common = commonOptions(values);
  switch (verb) {
    case 'devices':
      noPositionals(verb, rest);
      return { kind: 'devices', common };
    case 'register': {
      noPositionals(verb, rest);
      const account = serverAccount(values, env, undefined, true);
      if (!account) throw new UsageError('register needs --server and --user');
      return { kind: 'register', common, account, once: values.once === true };
    }
    case 'call': {
      if (rest.length !== 1) throw new UsageError('call needs exactly one NUMBER or iax:user@host[:port]/number');
      const target = rest[0] as string;
      let number = target;
      let fromUri: { user?: string; server?: string } = {};
      if (findIaxUriArg([target]) !== undefined) {
        const r = parseIaxUri(target);
        if (!r.ok) throw new UsageError(r.error);
        if (!r.uri.number) throw new UsageError(`the URI '${target}' names no number to call (iax:user@host/number)`);
        number = r.uri.number;
        fromUri = { ...(r.uri.user !== undefined ? { user: r.uri.user } : {}), server: uriServer(r.uri) };
      }
      validateNumber(number);
      const account = serverAccount(values, env, fromUri, true);
      if (!account) throw new UsageError('call needs --server and --user (or an iax:user@host/number URI)');
      const dtmf = values.dtmf === undefined ? undefined : validateDtmf(values.dtmf);
      return {
        kind: 'call', common, account, number,
        ...(values.play !== undefined ? { play: values.play } : {}),
        ...(values.record !== undefined ? { record: values.record } : {}),
        ...(values['record-both'] !== undefined ? { recordBoth: values['record-both'] } : {}),
        ...(dtmf !== undefined ? { dtmf } : {}),
        dtmfDelaySeconds: seconds(values['dtmf-delay'], '--dtmf-delay', 1),
        ...(values.text !== undefined ? { text: values.text } : {}),
        ...(values['hangup-after'] !== undefined ? { hangupAfterSeconds: seconds(values['hangup-after'], '--hangup-after', 0) } : {}),
        answerTimeoutSeconds: seconds(values['answer-timeout'], '--answer-timeout', 60),
      };
    }
    case 'listen': {
      noPositionals(verb, rest);
      const account = serverAccount(values, env, undefined, false);
      const answer = values.answer ?? 'auto';
      if (answer !== 'auto' && answer !== 'reject' && answer !== 'busy') {
        throw new UsageError(`--answer must be auto, reject or busy (got '${answer}')`);
      }
      const dtmf = values.dtmf === undefined ? undefined : validateDtmf(values.dtmf);
      return {
        kind: 'listen', common, ...(account ? { account } : {}), answer,
        ...(values.play !== undefined ? { play: values.play } : {}),
        ...(values.record !== undefined ? { record: values.record } : {}),
        ...(values['record-both'] !== undefined ? { recordBoth: values['record-both'] } : {}),
        ...(values['hangup-after'] !== undefined ? { hangupAfterSeconds: seconds(values['hangup-after'], '--hangup-after', 0) } : {}),
        ...(values['max-calls'] !== undefined ? { maxCalls: positiveInt(values['max-calls'], '--max-calls') } : {}),
        ...(dtmf !== undefined ? { dtmf } : {}),
        answerAfterSeconds: seconds(values['answer-after'], '--answer-after', 0),
        echo: values.echo === true,
        callTokens: callTokenPolicy(values.calltoken),
      };
    }
    case 'load':
      noPositionals(verb, rest);
      return loadCommand(values, env, common);
    case 'test': {
      if (rest.length !== 1) throw new UsageError('test needs one scenario file (YAML or JSON)');
      const users = values.user === undefined ? [] : values.user.split(',').map((u) => u.trim());
      if (users.some((u) => u === '')) throw new UsageError('--user: an empty name in the list');
      if (values.user !== undefined && values.server === undefined) throw new UsageError('--user given without --server');
      // The account options (--auth, --encryption, the secret's source) apply to every account the calls use.
      const account = values.server !== undefined ? serverAccount({ ...values, user: users[0] ?? 'scenario' }, env, undefined, true) : undefined;
      const rate = values.rate?.replace(/\/s$/, '');
      return {
        kind: 'test', common, scenarioPath: rest[0] as string, users,
        ...(values.server !== undefined ? { server: values.server } : {}),
        ...(account ? { account } : {}),
        calls: positiveInt(values.calls ?? '1', '--calls'),
        ratePerS: positiveNumber(rate ?? '5', '--rate'),
        ...(values.junit !== undefined ? { junit: values.junit } : {}),
      };
    }
    default:
      throw new UsageError(`unknown command '${verb}' (try: register, call, listen, load, test, devices, help)`);
  }
}

function loadCommand(values: Values, env: Readonly<Record<string, string | undefined>>, common: CommonOptions): LoadCommand {
  if (values.dial === undefined) throw new UsageError('load needs --dial EXTENSION (the number every call dials)');
  validateNumber(values.dial);
  let target: LoadTarget;
  if (values.user === undefined) {
    if (values.server === undefined) throw new UsageError('load needs --server HOST[:PORT], and --user NAME[,NAME…] to call through accounts there');
    const hp = splitHostPort(values.server);
    if (!hp.ok) throw new UsageError(`--server: ${hp.error}`);
    target = { kind: 'direct', server: values.server };
  } else {
    const users = values.user.split(',').map((u) => u.trim());
    if (users.some((u) => u === '')) throw new UsageError('--user: an empty name in the list');
    const base = serverAccount(values, env, undefined, true);
    if (!base) throw new UsageError('load needs --server with --user');
    target = { kind: 'accounts', accounts: users.map((username) => ({ ...base, username })) };
  }
  if (values.play !== undefined && values.tone !== undefined) throw new UsageError('--play and --tone: choose one');
  const sound: LoadSound = values.play !== undefined ? { kind: 'file', path: values.play }
    : { kind: 'tone', hz: values.tone === undefined ? [1004] : toneList(values.tone) };
  const rate = values.rate?.replace(/\/s$/, '');
  const workers = values.workers !== undefined ? positiveInt(values.workers, '--workers') : undefined;
  if (workers !== undefined && workers > 1 && common.pcap !== undefined) throw new UsageError('--pcap writes one file from one thread: use it with --workers 1');
  return {
    kind: 'load', common, target, dial: values.dial, sound,
    calls: positiveInt(values.calls ?? '10', '--calls'),
    ratePerS: positiveNumber(rate ?? '5', '--rate'),
    durationS: positiveNumber(values.duration ?? '30', '--duration'),
    ...(values['hold-for'] !== undefined ? { holdForS: positiveNumber(values['hold-for'], '--hold-for') } : {}),
    answerTimeoutS: positiveNumber(values['answer-timeout'] ?? '30', '--answer-timeout'),
    ...(values['max-failures'] !== undefined ? { maxFailures: wholeNumber(values['max-failures'], '--max-failures') } : {}),
    ...(values['max-setup-ms'] !== undefined ? { maxSetupMs: positiveNumber(values['max-setup-ms'], '--max-setup-ms') } : {}),
    ...(workers !== undefined ? { workers } : {}),
  };
}

function commonOptions(values: Values): CommonOptions {
  const codecs = values.codec === undefined ? [...DEFAULT_CODECS] : parseCodecs(values.codec);
  return {
    json: values.json === true,
    debug: values.debug === true,
    ...(values.pcap !== undefined ? { pcap: values.pcap } : {}),
    ...(values['pcap-keep-secrets'] === true ? { pcapKeepSecrets: true } : {}),
    ...(values['pcap-limit'] !== undefined ? { pcapMaxBytes: positiveInt(values['pcap-limit'], '--pcap-limit') * 1024 * 1024 } : {}),
    localPort: values.port === undefined ? 4569 : portNumber(values.port, '--port'),
    codecs,
    ...(values['input-device'] !== undefined ? { inputDevice: values['input-device'] } : {}),
    ...(values['output-device'] !== undefined ? { outputDevice: values['output-device'] } : {}),
    ...(values.dsp !== undefined ? { dsp: parseDsp(values.dsp) } : {}),
  };
}

function serverAccount(
  values: Values, env: Readonly<Record<string, string | undefined>>,
  fromUri: { user?: string; server?: string } | undefined, secretAllowed: boolean,
): ServerAccount | undefined {
  const server = values.server ?? fromUri?.server;
  const username = values.user ?? fromUri?.user;
  if (server === undefined && username === undefined) return undefined;
  if (server === undefined) throw new UsageError('--user given without --server');
  if (username === undefined || username === '') throw new UsageError('--server given without --user');
  const hp = splitHostPort(server);
  if (!hp.ok) throw new UsageError(`--server: ${hp.error}`);
  let auth: AuthMethodName[] = ['md5'];
  if (values.auth !== undefined) {
    auth = values.auth.split(',').map((s) => s.trim()).filter((s) => s !== '') as AuthMethodName[];
    for (const a of auth) {
      if (!AUTH_NAMES.includes(a)) throw new UsageError(`--auth: unknown method '${a}' (md5, plaintext)`);
    }
    if (auth.length === 0) throw new UsageError('--auth needs md5 and/or plaintext');
  }
  const secretEnv = values['secret-env'] ?? 'REDIAL_SECRET';
  let secret: ServerAccount['secret'];
  if (values.secret !== undefined) secret = values.secret === '-' ? { kind: 'prompt' } : { kind: 'arg', value: values.secret };
  else if (values['secret-prompt']) secret = { kind: 'prompt' };
  else if (env[secretEnv] !== undefined) secret = { kind: 'env', name: secretEnv };
  else if (values['secret-env'] !== undefined) throw new UsageError(`--secret-env: environment variable ${secretEnv} is not set`);
  else secret = { kind: 'none' };
  if (!secretAllowed && secret.kind === 'none') secret = { kind: 'none' };
  const callerId = values['caller-id'] === undefined ? undefined : parseCallerId(values['caller-id']);
  const encryption = values.encryption ?? 'off';
  if (encryption !== 'off' && encryption !== 'on' && encryption !== 'required') {
    throw new UsageError(`--encryption must be off, on or required (got '${encryption}')`);
  }
  return {
    server, username, secret, auth, encryption,
    refreshSeconds: values.refresh === undefined ? 60 : positiveInt(values.refresh, '--refresh'),
    ...(callerId?.name !== undefined ? { callerIdName: callerId.name } : {}),
    ...(callerId?.number !== undefined ? { callerIdNumber: callerId.number } : {}),
  };
}

