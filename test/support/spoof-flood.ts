// Runs test/support/spoof-flood.py: a NEW flood from forged source ports on loopback (raw sockets: root only),
// bounded in rate and time. docs/security.md §7.
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./spoof-flood.py', import.meta.url));

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

/** Floods 127.0.0.1:`port` with spoofed NEWs at `rate` per second for `seconds`; resolves when it is over. */
export function spoofFlood(port: number, rate: number, seconds: number, size = 80): Promise<FloodResult> {
  return new Promise((resolve, reject) => {
    const p = spawn('python3', [script, '--dst-port', String(port), '--rate', String(rate), '--seconds', String(seconds),
      '--size', String(size)], { stdio: ['ignore', 'pipe', 'pipe'] });
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
