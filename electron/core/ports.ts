// The ports through which the pure core reaches the outside world (README "Architecture").
// Adapters in electron/adapters implement them with dgram, naudiodon, fs and the OS clock; tests
// implement them with fakes or real loopback sockets. Nothing in electron/core imports an I/O module.

/** Cancels a timer started with {@link Clock.setTimer}. Calling it twice is harmless. */
export type CancelTimer = () => void;

/**
 * Monotonic time and timers. `now()` is milliseconds (may be fractional) from an arbitrary origin and never
 * goes backwards: IAX2 timestamps and the jitter buffer are derived from it (spec Appendix B: never Date.now()).
 */
export interface Clock {
  now(): number;
  /** Wall-clock time, only for display and call history. */
  wallTime(): Date;
  setTimer(delayMs: number, fire: () => void): CancelTimer;
}

export interface UdpEndpoint {
  /** A numeric IPv4 or IPv6 address (names are resolved before they reach the socket). */
  readonly address: string;
  readonly port: number;
}

/** One bound UDP socket. IAX2 uses exactly one for everything (spec R-9). */
export interface UdpSocketPort {
  readonly local: UdpEndpoint;
  send(data: Uint8Array, to: UdpEndpoint): void;
  /**
   * Exactly one receiver; datagrams arrive as they came off the wire, each in a buffer of its own that the receiver
   * may keep (adapters never reuse it: node:dgram allocates one per datagram). So the engine and the media hand
   * payload views along without copying them (docs/scenarios.md "Engine efficiency").
   */
  onDatagram(receive: (data: Uint8Array, from: UdpEndpoint) => void): void;
  close(): Promise<void>;
}

export interface UdpBindOptions {
  /** Preferred local port (4569 by default); 0 means any. */
  readonly port: number;
  /** When the preferred port is taken, bind an ephemeral port instead of failing. */
  readonly fallbackToEphemeral: boolean;
  readonly host?: string;
}

export interface UdpBinder {
  bind(options: UdpBindOptions): Promise<UdpSocketPort>;
}

/** Name resolution (DNS). Rejects with an Error whose message names the host when it cannot be resolved. */
export interface Resolver {
  resolve(host: string): Promise<string[]>;
}

/** Random numbers: call numbers, challenges. Injected so tests are reproducible. */
export interface RandomSource {
  /** An integer in [min, max], inclusive. */
  int(min: number, max: number): number;
  bytes(length: number): Uint8Array;
}

/** Stored secrets (OS keychain in the app, environment or prompt in the CLI). Never logged. */
export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** A JSON document persisted somewhere (settings, accounts without secrets, call history). */
export interface DocumentStore<T> {
  load(): Promise<T | undefined>;
  save(value: T): Promise<void>;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export interface Logger {
  log(level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>): void;
}
