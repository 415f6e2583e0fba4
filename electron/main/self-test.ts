// `Redial --self-test`: the packaged app's smoke test for the release workflow (.github/workflows/release.yml),
// which cannot click through a desktop. It starts as a user's launch would (window, preload, renderer, the engine
// worker, naudiodon), checks each link of that chain, prints one JSON line and exits 0 only when all held:
//   window    the window loaded app://redial/index.html (protocol handler, CSP, bundled renderer)
//   renderer  the page reached the engine through the preload and IPC (the relay answered one of its requests)
//   engine    the engine worker runs and has its UDP port (app:info)
//   audio     naudiodon loaded in the worker and PortAudio listed the devices (audio:devices, refreshed)
// It runs with its own temporary profile, so it neither meets a running Redial nor touches the user's accounts.
import type { RedialApi } from '../shared/api.js';

export const SELF_TEST_ARG = '--self-test';

export interface SelfTestStep { readonly name: 'window' | 'renderer' | 'engine' | 'audio'; readonly ok: boolean; readonly detail: string }
export interface SelfTestReport { readonly selfTest: 'passed' | 'failed'; readonly steps: readonly SelfTestStep[] }

export interface SelfTestDeps {
  readonly engine: RedialApi;
  /** Resolves when the window has loaded the app page. */
  readonly windowLoaded: Promise<unknown>;
  /** Resolves once the page made a request that the engine answered. */
  readonly rendererReached: Promise<unknown>;
  /** Per step (default 30 s: a cold start on a CI runner is slow). */
  readonly timeoutMs?: number;
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms); }),
  ]);
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export async function runSelfTest(deps: SelfTestDeps): Promise<SelfTestReport> {
  const ms = deps.timeoutMs ?? 30_000;
  const steps: SelfTestStep[] = [];
  const step = async (name: SelfTestStep['name'], run: () => Promise<string>): Promise<void> => {
    try { steps.push({ name, ok: true, detail: await within(run(), ms, name) }); } catch (err) { steps.push({ name, ok: false, detail: message(err) }); }
  };
  await step('window', async () => { await deps.windowLoaded; return 'app://redial/index.html loaded'; });
  await step('renderer', async () => { await deps.rendererReached; return 'the page reached the engine through the preload'; });
  await step('engine', async () => {
    const info = await deps.engine.request('app:info');
    if (info.localPort <= 0) throw new Error('the engine has no UDP port');
    return `engine ${info.version} on UDP port ${info.localPort} (${info.host})`;
  });
  await step('audio', async () => {
    // A device list that could not be read comes back empty, with a 'devices-error' notice saying why: listen for it.
    let failure: string | undefined;
    const off = deps.engine.on('notice', (n) => { if (n.code === 'devices-error') failure = n.message; });
    try {
      const audio = await deps.engine.request('audio:devices', { refresh: true });
      if (failure !== undefined) throw new Error(`the sound devices could not be listed: ${failure}`);
      const inputs = audio.devices.filter((d) => d.input).length;
      const outputs = audio.devices.filter((d) => d.output).length;
      return `naudiodon loaded; PortAudio lists ${inputs} input and ${outputs} output device(s)`;
    } finally {
      off();
    }
  });
  return { selfTest: steps.every((s) => s.ok) ? 'passed' : 'failed', steps };
}
