// Ending a session the way a system or a terminal does (docs/security.md §5), against the real Asterisk 22: SIGTERM
// to the redial command, SIGHUP to its whole process group (the terminal closed), and SIGHUP/SIGTERM to the harness
// all hang up the call (Asterisk's channel goes at once, not after ~37 s) and unregister (REGREL: Asterisk forgets the
// address at once, not at expiry). And the secret never reaches the session process's environment.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectWebSocket, type WebSocketConstructor } from '../../electron/shared/ws-transport.js';
import { asteriskAvailable, useAsterisk, type Asterisk } from '../support/asterisk.js';
import { ensureBuilt } from '../support/cli.js';
import { describeWithPeer } from '../support/peers.js';
import { tempDirs } from '../support/temp-dirs.js';
import { until } from '../support/wait.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = tempDirs();

interface Running { readonly proc: ChildProcess; out(): string; exited: Promise<number | null> }

/** `redial …` in its own process group (as a shell runs a job), JSON events on stdout. */
function redial(args: readonly string[], env: Record<string, string>): Running {
  const proc = spawn(process.execPath, [join(root, 'electron/cli/bin.mjs'), ...args, '--json', '--port', '0'],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  proc.stdout!.setEncoding('utf8').on('data', (c: string) => { out += c; });
  proc.stderr!.setEncoding('utf8').on('data', (c: string) => { out += c; });
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, out: () => out, exited };
}

const sessionPid = (frontPid: number): number =>
  Number(execFileSync('pgrep', ['-P', String(frontPid), '-f', 'session-process']).toString().trim().split('\n')[0]);

async function registeredAt(pbx: Asterisk, user: string): Promise<boolean> {
  return !/Addr->IP\s*:\s*\(null\)/.test(await pbx.cli(`iax2 show peer ${user}`));
}

async function waitAsterisk(what: string, pred: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await pred()) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeWithPeer('Asterisk 22 (../shared/asterisk)', asteriskAvailable(), 'signals end sessions cleanly; secrets stay out of environments', () => {
  const pbx = useAsterisk();

  it('the session process\'s environment holds no secret (REDIAL_SECRET, --secret-env, REDIAL_SECRET_<USER>)', async () => {
    ensureBuilt();
    for (const [args, env] of [
      [[], { REDIAL_SECRET: 'alice-secret', REDIAL_SECRET_ALICE: 'alice-secret' }],
      [['--secret-env', 'MY_PBX_PASSWORD'], { MY_PBX_PASSWORD: 'alice-secret' }],
    ] as const) {
      const r = redial(['register', '--server', pbx().server, '--user', 'alice', ...args], { ...env });
      try {
        await until('registered', () => r.out().includes('"event":"registered"'), 15_000);
        const environ = readFileSync(`/proc/${sessionPid(r.proc.pid!)}/environ`, 'latin1');
        expect(environ).not.toContain('alice-secret');
        expect(environ).toContain('PATH=');
      } finally {
        process.kill(-r.proc.pid!, 'SIGTERM');
        await r.exited;
      }
    }
  });

  it('SIGTERM to redial register, and SIGHUP to its process group: REGREL, Asterisk forgets the address at once', async () => {
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      const r = redial(['register', '--server', pbx().server, '--user', 'alice'], { REDIAL_SECRET: 'alice-secret' });
      await until('registered', () => r.out().includes('"event":"registered"'), 15_000);
      expect(await registeredAt(pbx(), 'alice')).toBe(true);
      if (signal === 'SIGHUP') process.kill(-r.proc.pid!, 'SIGHUP'); // the terminal closed: the whole group
      else r.proc.kill('SIGTERM');
      await waitAsterisk(`alice unregistered after ${signal}`, async () => !(await registeredAt(pbx(), 'alice')), 5000);
      expect(await r.exited).toBe(0);
    }
  });

  it('SIGTERM to redial call, and SIGHUP to its process group: HANGUP, Asterisk\'s channel ends at once', async () => {
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      const r = redial(['call', '601', '--server', pbx().server, '--user', 'alice', '--input-device', 'fake', '--output-device', 'fake'],
        { REDIAL_SECRET: 'alice-secret' });
      await until('answered', () => r.out().includes('"event":"answered"'), 15_000);
      await waitAsterisk('channel up', async () => (await pbx().activeChannels()) === 1, 5000);
      if (signal === 'SIGHUP') process.kill(-r.proc.pid!, 'SIGHUP');
      else r.proc.kill('SIGTERM');
      await waitAsterisk(`channel gone after ${signal}`, async () => (await pbx().activeChannels()) === 0, 5000);
      await r.exited;
      expect(r.out()).toMatch(/"event":"hangup"[^\n]*"by":"local"/);
    }
  });

  it('SIGHUP and SIGTERM to the harness: it unregisters before it exits', async () => {
    ensureBuilt();
    for (const signal of ['SIGHUP', 'SIGTERM'] as const) {
      const dataDir = await tmp('redial-sig-harness-');
      const harness = spawn(process.execPath, [join(root, 'dist/electron/host/harness.js'), '--port', '0', '--iax-port', '0',
        '--no-renderer', '--audio', 'none', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<number | null>((r) => harness.on('exit', (code) => r(code)));
      let out = '';
      harness.stdout!.setEncoding('utf8').on('data', (c: string) => { out += c; });
      await until('ready', () => out.includes('"event":"ready"'), 20_000);
      const ready = JSON.parse(out.split('\n').find((l) => l.startsWith('{"event":"ready"'))!) as { api: string };
      const api = await connectWebSocket(ready.api, { WebSocket: WebSocket as unknown as WebSocketConstructor });
      let registered = false;
      api.on('registration', (v) => { if (v.status === 'registered') registered = true; });
      await api.request('accounts:save', { server: pbx().server, username: 'bob', secret: 'bob-secret', label: 'PBX' });
      await until('registered', () => registered, 15_000);
      expect(await registeredAt(pbx(), 'bob')).toBe(true);
      api.close();
      harness.kill(signal);
      expect(await exited).toBe(0);
      // Asterisk got the REGREL before the harness went: the address is gone now, not at expiry.
      expect(await registeredAt(pbx(), 'bob')).toBe(false);
    }
  });
});
