// The composition root of the phone: the real adapters (one UDP socket, the system clock, DNS, fs stores,
// a secret store, sound devices) wired to the pure engine and PhoneService. Every client composes the phone
// here: the app's and the harness's engine worker, the `redial` command's session process (in memory, with its
// own devices: electron/cli/cli-phone.ts), and the tests that want the whole phone in-process.
import { join } from 'node:path';
import type { DocumentStore, SecretStore, UdpEndpoint } from '../core/ports.js';
import type { TraceEntry } from '../core/iax2/trace-types.js';
import { createIax2Engine } from '../core/iax2/engine.js';
import { formatTraceText } from '../core/iax2/trace/format.js';
import { pcapFromTrace } from '../core/iax2/trace/pcap.js';
import { PhoneService, type FileSink } from '../core/phone/phone-service.js';
import { readStoredSettings } from '../core/phone/settings-model.js';
import type { StoredAccounts } from '../core/phone/account-book.js';
import type { StoredHistory } from '../core/phone/call-history.js';
import type { StoredContacts } from '../core/phone/contact-book.js';
import { NullPhoneMedia, type PhoneMedia } from '../core/phone/media-port.js';
import type { AppInfo, Settings } from '../shared/api.js';
import { DgramUdpBinder } from '../adapters/dgram-udp.js';
import { DnsResolver } from '../adapters/dns-resolver.js';
import { watchNetwork } from '../adapters/network-watch.js';
import { NodeRandom } from '../adapters/node-random.js';
import { SystemClock } from '../adapters/system-clock.js';
import { JsonFileStore } from '../adapters/fs-document-store.js';
import { MemoryDocumentStore } from '../adapters/memory-document-store.js';
import { FolderFileSink } from '../adapters/fs-file-sink.js';
import { FileSecretStore } from '../adapters/secret-file-store.js';
import { MemorySecretStore } from '../adapters/secret-memory-store.js';
import { passphraseCipher } from '../adapters/secret-passphrase-cipher.js';

export type AudioBackend = 'none' | 'fake' | 'naudiodon';

/** Everything the host needs to know; plain data so it can cross into a worker as workerData. */
export interface PhoneHostConfig {
  readonly host: AppInfo['host'];
  /**
   * Folder for accounts.json, settings.json, history.json, recordings/, traces/ (and secrets.json for 'file').
   * Absent: accounts, history and settings live in memory and end with the process (the `redial` command).
   */
  readonly dataDir?: string;
  readonly version: string;
  /** Overrides the stored settings' local port (tests use 0). */
  readonly localPort?: number;
  /** Address to bind the IAX2 socket to (default all; tests use 127.0.0.1). */
  readonly bindAddress?: string;
  readonly audio: AudioBackend;
  /** With audio 'fake': the "microphone" plays this tone (Hz); silence otherwise. */
  readonly fakeCaptureToneHz?: number;
  /**
   * 'remote' = the caller passes a SecretStore (the Electron main process's safeStorage, over a port); 'file' =
   * secrets.json sealed with `secretsPassphrase` (headless); 'memory' = forgotten when the process ends.
   */
  readonly secrets: 'file' | 'memory' | 'remote';
  /** Required with secrets: 'file'. Never written anywhere. */
  readonly secretsPassphrase?: string;
  /** What app:info reports about secret storage. */
  readonly secretStorage: AppInfo['secretStorage'];
}

export interface ComposedPhone {
  readonly phone: PhoneService;
  readonly localPort: number;
  /** The media backend (tests read the fake device's timing through it). */
  readonly media: PhoneMedia;
  /** Shuts the phone down (hang up, REGREL) and closes the socket. */
  close(): Promise<void>;
}

export interface ComposeOverrides {
  readonly secrets?: SecretStore;
  /** Builds the audio side; default NullPhoneMedia. The worker passes the device media for 'fake'/'naudiodon'. */
  readonly createMedia?: (config: PhoneHostConfig) => Promise<PhoneMedia> | PhoneMedia;
  /** Where recordings and exported traces go (default: folders in dataDir; without dataDir, nowhere). */
  readonly files?: FileSink;
  /** Settings while none are stored (the `redial` command's flags). */
  readonly initialSettings?: Settings;
  /** Calls do not hold each other (PhoneServiceDeps.independentCalls): `redial load`, `test`, `listen --echo`. */
  readonly independentCalls?: boolean;
  /** Starts the echo peer the "Echo test" calls (electron/host/echo-peer.ts), on first use; closed with the phone. */
  readonly echoPeer?: () => Promise<{ readonly server: string; close(): Promise<void> }>;
  /**
   * Opens a capture of every trace entry the engine produces, raw bytes included (the `redial` command's --pcap
   * file), once the socket is bound: `local` is its endpoint, `epochMs` turns the entries' Clock times into wall
   * time. Closed after the phone has shut down. A capture that cannot be opened stops the composition.
   */
  readonly captureTrace?: (where: { readonly local: UdpEndpoint; readonly epochMs: number }) => TraceCapture;
}

export interface TraceCapture {
  add(entry: TraceEntry): void;
  close(): void;
}

interface PhoneStores {
  readonly accounts: DocumentStore<StoredAccounts>;
  readonly history: DocumentStore<StoredHistory>;
  readonly settings: DocumentStore<Settings>;
  /** Absent for a phone kept in memory: its contact book lives in memory too. */
  readonly contacts?: DocumentStore<StoredContacts>;
}

function storesIn(dir: string | undefined): PhoneStores {
  if (dir === undefined) {
    return { accounts: new MemoryDocumentStore(), history: new MemoryDocumentStore(), settings: new MemoryDocumentStore() };
  }
  return {
    accounts: new JsonFileStore<StoredAccounts>(join(dir, 'accounts.json')),
    history: new JsonFileStore<StoredHistory>(join(dir, 'history.json')),
    settings: new JsonFileStore<Settings>(join(dir, 'settings.json')),
    contacts: new JsonFileStore<StoredContacts>(join(dir, 'contacts.json')),
  };
}

export async function composePhone(config: PhoneHostConfig, overrides: ComposeOverrides = {}): Promise<ComposedPhone> {
  const dir = config.dataDir;
  const stores = storesIn(dir);
  let stored: unknown;
  try { stored = await stores.settings.load(); } catch { stored = undefined; }
  const settings = stored === undefined && overrides.initialSettings ? overrides.initialSettings : readStoredSettings(stored);
  const port = config.localPort ?? settings.localPort;

  const socket = await new DgramUdpBinder().bind({
    port, fallbackToEphemeral: true, ...(config.bindAddress !== undefined ? { host: config.bindAddress } : {}),
  });
  const clock = new SystemClock();
  const engine = createIax2Engine({ socket, clock, random: new NodeRandom(), resolver: new DnsResolver() });
  const secrets = overrides.secrets ?? fileOrMemorySecrets(config);
  const media = overrides.createMedia ? await overrides.createMedia(config) : new NullPhoneMedia();
  const local = { address: socket.local.address === '0.0.0.0' || socket.local.address === '::' ? '127.0.0.1' : socket.local.address, port: socket.local.port };
  // Trace entries carry Clock (monotonic) times; the pcap wants wall-clock stamps.
  const epochMs = (): number => clock.wallTime().getTime() - clock.now();
  const files = overrides.files ?? (dir !== undefined ? new FolderFileSink({ recordings: join(dir, 'recordings'), traces: join(dir, 'traces') }) : undefined);
  let capture: TraceCapture | undefined;
  try {
    capture = overrides.captureTrace?.({ local, epochMs: epochMs() });
  } catch (err) {
    await socket.close();
    throw err;
  }
  if (capture) engine.on('trace', (e) => capture?.add(e));

  let echo: Promise<{ readonly server: string; close(): Promise<void> }> | undefined;
  const startEcho = overrides.echoPeer;
  const phone = new PhoneService({
    engine, clock, secrets, media, stores,
    ...(startEcho ? { echoPeer: async () => (await (echo ??= startEcho())).server } : {}),
    ...(files ? { files } : {}),
    ...(overrides.initialSettings ? { initialSettings: overrides.initialSettings } : {}),
    ...(overrides.independentCalls ? { independentCalls: true } : {}),
    formatTrace: formatTraceText,
    writePcap: (entries) => pcapFromTrace(entries, local, epochMs()),
    info: { name: 'Redial', version: config.version, host: config.host, platform: process.platform, secretStorage: config.secretStorage },
  });
  try {
    await phone.start();
  } catch (err) {
    capture?.close();
    await socket.close();
    throw err;
  }
  // A new network (Wi-Fi to LTE, VPN, wake-up elsewhere): re-register everywhere at once (spec N-3, §8.4).
  const stopWatching = watchNetwork(() => engine.reregister());
  return {
    phone, media, localPort: socket.local.port,
    async close(): Promise<void> {
      stopWatching();
      try { await phone.shutdown(); } finally {
        capture?.close();
        await socket.close();
        await echo?.then((e) => e.close(), () => undefined);
      }
    },
  };
}

/** Secrets never sit in a readable file: 'file' needs the passphrase that seals them (secret-passphrase-cipher.ts). */
function fileOrMemorySecrets(config: PhoneHostConfig): SecretStore {
  if (config.secrets !== 'file') return new MemorySecretStore();
  if (config.secretsPassphrase === undefined) throw new Error('secrets: "file" needs a passphrase to seal them with');
  if (config.dataDir === undefined) throw new Error('secrets: "file" needs a data folder');
  return new FileSecretStore(join(config.dataDir, 'secrets.json'), passphraseCipher(config.secretsPassphrase));
}
