// Runs test/support/spoof-flood.py: a NEW flood from forged source ports on loopback (raw sockets: root only),
// bounded in rate and time. docs/security.md §7.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Beside this file under test/support, or, from the compiled bench (dist/test/support), in the source tree.
const script = [new URL('./spoof-flood.py', import.meta.url), new URL('../../../test/support/spoof-flood.py', import.meta.url)]
  .map((u) => fileURLToPath(u)).find((p) => existsSync(p)) ?? 'spoof-flood.py';

export interface FloodResult {
  /** Datagrams sent. */
  readonly sent: number;
  /** Their UDP payload bytes. */
  readonly bytes: number;
  readonly seconds: number;
}

let can: boolean | undefined;

/** True when raw sockets can be opened here (root, python3). */
export function spoofingAvailable(): boolean {
  if (can === undefined) {
    try {
      execFileSync('python3', ['-c', 'import socket; socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)'], { stdio: 'ignore' });
      can = true;
    } catch {
      can = false;
    }
  }
  return can;
}

/**
 * Floods 127.0.0.1:`port` with spoofed NEWs at `rate` per second for `seconds`; resolves when it is over. The forged
 * source ports are random, or drawn from `sourcePorts` (ports the caller listens on, to count what comes back).
 */
export function spoofFlood(port: number, rate: number, seconds: number, size = 80, sourcePorts: readonly number[] = []): Promise<FloodResult> {
  return new Promise((resolve, reject) => {
    const p = spawn('python3', [script, '--dst-port', String(port), '--rate', String(rate), '--seconds', String(seconds),
      '--size', String(size), ...(sourcePorts.length ? ['--src-ports', sourcePorts.join(',')] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
    p.stderr.setEncoding('utf8').on('data', (c: string) => { err += c; });
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) { reject(new Error(`spoof-flood.py exited ${code}: ${err}`)); return; }
      try { resolve(JSON.parse(out.trim()) as FloodResult); } catch { reject(new Error(`spoof-flood.py said: ${out} ${err}`)); }
    });
  });
}
