// A real Asterisk 22 for the interop suites: the stock build in ../shared/asterisk (never shipped, never copied),
// started per test file with our configuration templates from test/asterisk/<name>/ on a free loopback port.
// Each instance has its own run folder (AstDB, call-file spool, logs, recordings), so test files can run in
// parallel. The tarball is unpacked once per checkout into test/.tmp and shared by every instance.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { projectRoot as root } from './project-root.js';
import { freeUdpPort } from './udp-port.js';
import { until } from './wait.js';

/** The folder holding start-asterisk and the tarball: REDIAL_ASTERISK_DIR, else ../shared/asterisk. */
export function asteriskDir(): string {
  return process.env.REDIAL_ASTERISK_DIR ?? join(root, '..', 'shared', 'asterisk');
}

function tarball(): string | undefined {
  const dir = asteriskDir();
  if (!existsSync(dir)) return undefined;
  const found = readdirSync(dir).find((f) => /^asterisk-22.*\.tar\.xz$/.test(f));
  return found === undefined ? undefined : join(dir, found);
}

export function asteriskAvailable(): boolean {
  return tarball() !== undefined && existsSync(join(asteriskDir(), 'start-asterisk'));
}

/** Unpacks the tarball once (atomically: parallel test files may race here) and returns the install folder. */
function unpackedInstall(): string {
  const tar = tarball();
  if (tar === undefined) throw new Error(`no Asterisk tarball in ${asteriskDir()}`);
  const cache = join(root, 'test', '.tmp', 'asterisk', basename(tar).replace(/\.tar\.xz$/, ''));
  const install = join(cache, 'asterisk-22');
  if (existsSync(join(install, 'sbin', 'asterisk'))) return install;
  mkdirSync(cache, { recursive: true });
  const staging = join(cache, `.unpack-${process.pid}-${Date.now()}`);
  mkdirSync(staging);
  try {
    // Synchronous on purpose: runs once per checkout, before any instance can start.
    execFileSync('tar', ['-xJf', tar, '-C', staging], { stdio: 'pipe' });
    try { renameSync(join(staging, 'asterisk-22'), install); } catch { /* another process won the race */ }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return install;
}

function run(cmd: string, args: readonly string[], timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${basename(cmd)} ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

export interface CallFile {
  /** e.g. `IAX2/bob` (the registered softphone). */
  readonly channel: string;
  /** Where the answered channel goes: a context/extension … */
  readonly context?: string;
  readonly extension?: string;
  /** … or an application with its data. */
  readonly application?: string;
  readonly data?: string;
  readonly callerId?: string;
  /** Seconds Asterisk waits for an answer (default 30). */
  readonly waitTime?: number;
  /** Channel variables. */
  readonly variables?: Readonly<Record<string, string>>;
}

export interface StartAsteriskOptions {
  /** Configuration folder under test/asterisk/ (default 'pbx'). */
  readonly config?: string;
  /** Extra {{NAME}} substitutions for the templates. */
  readonly vars?: Readonly<Record<string, string>>;
  /** Frequency of the music-on-hold tone written to data/moh (default 700 Hz). */
  readonly mohToneHz?: number;
}

export interface Asterisk {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The Asterisk process (for CPU and memory figures from /proc). */
  readonly pid: number;
  readonly runDir: string;
  /** `host:port`, as Redial's --server takes it. */
  readonly server: string;
  /** Runs one CLI command (asterisk -rx) and returns its output. */
  cli(command: string): Promise<string>;
  /** AstDB value, or undefined when the key does not exist. */
  dbGet(family: string, key: string): Promise<string | undefined>;
  /** Polls AstDB until the key exists (and matches `pred`, if given). */
  waitForDb(family: string, key: string, timeoutMs?: number, pred?: (v: string) => boolean): Promise<string>;
  /** Places a call file in the spool (written beside it, then moved in, as Asterisk requires). */
  callFile(spec: CallFile): Promise<void>;
  /** Asterisk's console log so far (NOTICE and above, plus verbose lines once `core set verbose` is raised). */
  log(): string;
  /** Number of active channels (`core show channels count`). */
  activeChannels(): Promise<number>;
  /** Polls until no channel is active (every call has ended on Asterisk's side). */
  waitIdle(timeoutMs?: number): Promise<void>;
  /** Files recorded by the dialplan (MixMonitor/Record under RUN_DIR/rec). */
  recordings(): string[];
  stop(): Promise<void>;
}

const started = new Set<{ pid: number }>();
process.once('exit', () => {
  for (const s of started) { try { process.kill(s.pid, 'SIGKILL'); } catch { /* gone */ } }
});

function render(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (m, name: string) => vars[name] ?? m);
}

/** 8 kHz 16-bit mono WAV of a tone, for music on hold. */
function toneWav(hz: number, seconds: number): Buffer {
  const n = 8000 * seconds;
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / 8000)), i * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(36 + data.length, 4); h.write('WAVE', 8); h.write('fmt ', 12);
  h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22); h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(16000, 28); h.writeUInt16LE(2, 32); h.writeUInt16LE(16, 34); h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

export async function startAsterisk(options: StartAsteriskOptions = {}): Promise<Asterisk> {
  const install = unpackedInstall();
  const confName = options.config ?? 'pbx';
  const templates = join(root, 'test', 'asterisk', confName);
  const script = join(asteriskDir(), 'start-asterisk');
  // The control socket path must stay short (sun_path is 108 bytes): the run folder lives in the system tmpdir.
  for (let attempt = 0; ; attempt++) {
    const runDir = await mkdtemp(join(tmpdir(), 'redial-ast-'));
    const confDir = join(runDir, 'conf-src');
    mkdirSync(confDir);
    mkdirSync(join(runDir, 'rec'));
    mkdirSync(join(runDir, 'data', 'moh'), { recursive: true });
    writeFileSync(join(runDir, 'data', 'moh', 'tone.wav'), toneWav(options.mohToneHz ?? 700, 10));
    // start-asterisk unpacks the tarball unless RUN_DIR/asterisk-22 exists: share the one unpacked install.
    symlinkSync(install, join(runDir, 'asterisk-22'));
    const port = await freeUdpPort();
    const vars = { PORT: String(port), RUN_DIR: runDir, ...options.vars };
    for (const f of readdirSync(templates).filter((n) => n.endsWith('.conf'))) {
      await writeFile(join(confDir, f), render(await readFile(join(templates, f), 'utf8'), vars));
    }
    const out = await run(script, [confDir, runDir]);
    const pid = Number(/asterisk up (\d+)/.exec(out)?.[1]);
    if (!Number.isInteger(pid)) throw new Error(`start-asterisk said: ${out}`);
    const handle = { pid };
    started.add(handle);
    const binary = join(runDir, 'asterisk-22', 'sbin', 'asterisk');
    const conf = join(runDir, 'etc', 'asterisk.conf');
    const cli = (command: string): Promise<string> => run(binary, ['-C', conf, '-rx', command]);
    const log = (): string => { try { return readFileSync(join(runDir, 'log', 'console.log'), 'utf8'); } catch { return ''; } };
    const stop = async (): Promise<void> => {
      if (!started.has(handle)) return;
      started.delete(handle);
      await run(script, ['--stop', runDir]).catch(() => undefined);
      try { await until('asterisk exit', () => !alive(pid), 5000); } catch { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
      await rm(runDir, { recursive: true, force: true });
    };
    // Another process took the port between freeUdpPort() and Asterisk's bind: try another one.
    if (log().includes(`Unable to bind to 127.0.0.1:${port}`)) {
      await stop();
      if (attempt < 5) continue;
      throw new Error('Asterisk could not bind a free UDP port after 6 attempts');
    }
    const activeChannels = async (): Promise<number> => {
      const text = await cli('core show channels count');
      return Number(/(\d+) active channel/.exec(text)?.[1] ?? NaN);
    };
    const dbGet = async (family: string, key: string): Promise<string | undefined> => {
      const text = await cli(`database get ${family} ${key}`);
      const m = /^Value: (.*)$/m.exec(text);
      return m ? m[1] : undefined;
    };
    return {
      host: '127.0.0.1', port, pid, runDir, server: `127.0.0.1:${port}`,
      cli, log, stop, dbGet,
      async waitForDb(family, key, timeoutMs = 10_000, pred = () => true) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const v = await dbGet(family, key);
          if (v !== undefined && pred(v)) return v;
          if (Date.now() > deadline) throw new Error(`AstDB ${family}/${key} not set within ${timeoutMs} ms (last: ${String(v)})`);
          await new Promise((r) => setTimeout(r, 100));
        }
      },
      async callFile(spec) {
        const lines = [`Channel: ${spec.channel}`, `WaitTime: ${spec.waitTime ?? 30}`, 'MaxRetries: 0'];
        if (spec.callerId !== undefined) lines.push(`CallerID: ${spec.callerId}`);
        if (spec.application !== undefined) {
          lines.push(`Application: ${spec.application}`);
          if (spec.data !== undefined) lines.push(`Data: ${spec.data}`);
        } else {
          lines.push(`Context: ${spec.context ?? 'callfile'}`, `Extension: ${spec.extension ?? 'tone'}`, 'Priority: 1');
        }
        for (const [k, v] of Object.entries(spec.variables ?? {})) lines.push(`Setvar: ${k}=${v}`);
        const name = `redial-${Date.now()}-${Math.random().toString(36).slice(2)}.call`;
        const staged = join(runDir, 'spool', 'tmp', name);
        await writeFile(staged, `${lines.join('\n')}\n`);
        await rename(staged, join(runDir, 'spool', 'outgoing', name));
      },
      activeChannels,
      async waitIdle(timeoutMs = 10_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const n = await activeChannels();
          if (n === 0) return;
          if (Date.now() > deadline) throw new Error(`Asterisk still has ${n} active channel(s) after ${timeoutMs} ms:\n${await cli('core show channels')}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      },
      recordings() {
        return readdirSync(join(runDir, 'rec')).map((f) => join(runDir, 'rec', f));
      },
    };
  }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/**
 * Starts one Asterisk for the enclosing describe block (or file) and stops it afterwards. Returns a getter: the
 * instance exists only once beforeAll has run.
 */
export function useAsterisk(options: StartAsteriskOptions = {}): () => Asterisk {
  let instance: Asterisk | undefined;
  beforeAll(async () => { instance = await startAsterisk(options); }, 60_000);
  afterAll(async () => { await instance?.stop(); });
  return () => {
    if (instance === undefined) throw new Error('Asterisk is not started yet (use it inside a test)');
    return instance;
  };
}
