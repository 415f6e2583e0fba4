// The engine supervisor (electron/host/engine-supervisor.ts) over scripted engines: a stop is announced, requests
// are refused while none runs, restarts back off while they fail, subscriptions move to the new engine, and a
// shutdown ends the supervision for good.
import { describe, expect, it } from 'vitest';
import type { EngineStatus, RedialApi } from '../../../electron/shared/api.js';
import { superviseEngine, type SupervisableEngine } from '../../../electron/host/engine-supervisor.js';
import { FakeClock } from '../../support/fake-clock.js';

/** An engine whose events the test fires and whose death it decides. */
class ScriptedEngine implements SupervisableEngine {
  static made = 0;
  readonly n = ++ScriptedEngine.made;
  readonly listeners = new Map<string, Set<(p: unknown) => void>>();
  private stoppedListener: ((reason: string) => void) | undefined;
  shutDown = false;
  request = ((name: string) => Promise.resolve(name === 'app:info' ? { engine: this.n } : null)) as RedialApi['request'];
  on = ((name: string, l: (p: unknown) => void) => {
    const set = this.listeners.get(name) ?? new Set();
    set.add(l);
    this.listeners.set(name, set);
    return () => { set.delete(l); };
  }) as RedialApi['on'];
  fire(name: string, payload: unknown): void { for (const l of this.listeners.get(name) ?? []) l(payload); }
  shutdown(): Promise<void> { this.shutDown = true; return Promise.resolve(); }
  onStopped(listener: (reason: string) => void): void { this.stoppedListener = listener; }
  die(reason: string): void { this.stoppedListener?.(reason); }
}

const flush = async (): Promise<void> => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

describe('engine supervisor', () => {
  it('announces a stop, refuses requests until a new engine runs, and moves subscriptions to it', async () => {
    const clock = new FakeClock();
    const engines: ScriptedEngine[] = [];
    const sup = await superviseEngine(async () => { const e = new ScriptedEngine(); engines.push(e); return e; },
      { retryDelaysMs: [500], setTimer: (ms, fire) => clock.setTimer(ms, fire) });
    const status: EngineStatus[] = [];
    const notices: unknown[] = [];
    sup.on('engine', (s) => status.push(s));
    sup.on('notice', (n) => notices.push(n));
    engines[0].fire('notice', 'one');
    engines[0].die('its worker exited with code 1');
    expect(sup.running).toBe(false);
    expect(status).toEqual([{ running: false, message: 'The phone engine stopped (its worker exited with code 1). Redial is restarting it.' }]);
    await expect(sup.request('app:info')).rejects.toMatchObject({ code: 'unavailable' });
    expect(engines[0].shutDown).toBe(true);
    engines[0].fire('notice', 'from the dead one');
    clock.advance(499);
    await flush();
    expect(engines).toHaveLength(1);
    clock.advance(1);
    await flush();
    expect(engines).toHaveLength(2);
    expect(status.at(-1)).toEqual({ running: true });
    expect(await sup.request('app:info')).toEqual({ engine: engines[1].n });
    engines[1].fire('notice', 'two');
    expect(notices).toEqual(['one', 'two']);
    expect(engines[0].listeners.get('notice')?.size).toBe(0);
  });

  it('backs off while restarts fail, and stops trying after shutdown', async () => {
    const clock = new FakeClock();
    let failures = 2;
    const engines: ScriptedEngine[] = [];
    const sup = await superviseEngine(async () => {
      if (engines.length > 0 && failures-- > 0) throw new Error('port in use');
      const e = new ScriptedEngine(); engines.push(e); return e;
    }, { retryDelaysMs: [100, 1000], setTimer: (ms, fire) => clock.setTimer(ms, fire) });
    engines[0].die('crash');
    clock.advance(100); await flush(); // fails
    clock.advance(999); await flush(); // not yet: the second wait is 1000 ms
    expect(engines).toHaveLength(1);
    clock.advance(1); await flush(); // fails again
    clock.advance(1000); await flush(); // third attempt works
    expect(engines).toHaveLength(2);
    expect(sup.running).toBe(true);
    await sup.shutdown();
    expect(engines[1].shutDown).toBe(true);
    engines[1].die('after shutdown');
    clock.advance(10_000); await flush();
    expect(engines).toHaveLength(2);
    await expect(sup.request('app:info')).rejects.toMatchObject({ code: 'unavailable' });
  });
});
