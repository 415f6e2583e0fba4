// Keeps the phone engine running for a host (the Electron main process, the harness): one RedialApi that outlives
// the engine behind it. When the engine stops on its own (its worker crashed or exited), the supervisor says so
// with an 'engine' event ({ running: false }), answers requests with 'unavailable' instead of hanging, starts a new
// engine after a short back-off, moves every event subscription over to it and says { running: true }. The UI then
// reloads what it shows. Without this, an engine that died left green "registered" chips and a live Call button.
import { ApiError, type EngineStatus, type EventName, type EventPayload, type RedialApi, type RequestName, type RequestPayload, type ResponsePayload } from '../shared/api.js';

/** An engine a host can supervise: the API, a way to stop it, and word when it stops by itself. */
export interface SupervisableEngine extends RedialApi {
  shutdown(): Promise<void>;
  /** `listener` runs once if the engine stops without being asked to (the reason in a few words). */
  onStopped(listener: (reason: string) => void): void;
}

export interface SupervisedEngine extends RedialApi {
  readonly running: boolean;
  /** Stops supervising (no more restarts) and shuts the current engine down. */
  shutdown(): Promise<void>;
}

export interface SupervisorOptions {
  /** Waits before each restart attempt; the last one repeats. */
  readonly retryDelaysMs?: readonly number[];
  readonly setTimer?: (ms: number, fire: () => void) => () => void;
  /** Told about stops and failed restarts (logs). */
  readonly log?: (message: string) => void;
}

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [500, 2000, 5000, 10_000];

interface Subscription { readonly name: EventName; readonly listener: (payload: never) => void; off?: () => void }

/** Starts the first engine (a failure there is thrown: there is nothing to supervise yet) and supervises it. */
export async function superviseEngine(start: () => Promise<SupervisableEngine>, options: SupervisorOptions = {}): Promise<SupervisedEngine> {
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const setTimer = options.setTimer ?? ((ms: number, fire: () => void) => { const t = setTimeout(fire, ms); return () => clearTimeout(t); });
  const subscriptions = new Set<Subscription>();
  const statusListeners = new Set<(s: EngineStatus) => void>();
  let engine: SupervisableEngine | undefined;
  let stopped = false;
  let cancelRestart: (() => void) | undefined;
  let attempt = 0;

  const announce = (status: EngineStatus): void => {
    for (const l of [...statusListeners]) {
      try { l(status); } catch { /* a listener's problem, not the supervisor's */ }
    }
  };
  const subscribe = (e: SupervisableEngine, s: Subscription): void => {
    s.off = e.on(s.name, s.listener as (payload: EventPayload<typeof s.name>) => void);
  };
  const adopt = (e: SupervisableEngine): void => {
    engine = e;
    attempt = 0;
    for (const s of subscriptions) subscribe(e, s);
    e.onStopped((reason) => { if (engine === e) lost(reason); });
  };
  const lost = (reason: string): void => {
    const old = engine;
    engine = undefined;
    for (const s of subscriptions) { try { s.off?.(); } catch { /* the old engine is gone */ } s.off = undefined; }
    if (stopped) return;
    options.log?.(`the phone engine stopped (${reason}); restarting`);
    announce({ running: false, message: `The phone engine stopped (${reason}). Redial is restarting it.` });
    void old?.shutdown().catch(() => undefined);
    scheduleRestart();
  };
  const scheduleRestart = (): void => {
    const wait = delays[Math.min(attempt, delays.length - 1)] ?? 1000;
    attempt++;
    cancelRestart = setTimer(wait, () => {
      cancelRestart = undefined;
      if (stopped) return;
      start().then((e) => {
        if (stopped) { void e.shutdown().catch(() => undefined); return; }
        adopt(e);
        announce({ running: true });
      }, (err: unknown) => {
        options.log?.(`restarting the phone engine failed: ${err instanceof Error ? err.message : String(err)}`);
        if (!stopped) scheduleRestart();
      });
    });
  };

  adopt(await start());

  return {
    get running(): boolean { return engine !== undefined; },
    request<K extends RequestName>(name: K, ...payload: [payload?: RequestPayload<K>]): Promise<ResponsePayload<K>> {
      if (!engine) return Promise.reject(new ApiError('unavailable', 'the phone engine is not running (Redial is restarting it)'));
      return (engine.request as (n: K, ...p: [payload?: RequestPayload<K>]) => Promise<ResponsePayload<K>>)(name, ...payload);
    },
    on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void {
      // The supervisor's own event: the engine's comings and goings.
      if (name === 'engine') {
        const l = listener as (s: EngineStatus) => void;
        statusListeners.add(l);
        return () => { statusListeners.delete(l); };
      }
      const s: Subscription = { name, listener: listener as (payload: never) => void };
      subscriptions.add(s);
      if (engine) subscribe(engine, s);
      return () => { subscriptions.delete(s); s.off?.(); s.off = undefined; };
    },
    async shutdown(): Promise<void> {
      stopped = true;
      cancelRestart?.();
      const e = engine;
      engine = undefined;
      await e?.shutdown();
    },
  } as SupervisedEngine;
}
