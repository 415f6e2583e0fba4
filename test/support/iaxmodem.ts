// Drives Debian's iaxmodem (an IAX2 endpoint built on libiax2, independent of our code) as a test peer:
// writes its config under /etc/iaxmodem, starts it on a loopback UDP port, and talks AT commands on its pty.
// See ../shared/docs/test-peers.md for its behaviour (CED 2100 Hz answer tone, 5 s busy after hang-up).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, rmSync, writeFileSync, writeSync, constants } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface IaxModemOptions {
  readonly name: string;
  /** iaxmodem's own UDP port. */
  readonly port: number;
  /** Where its outgoing calls go (our `redial listen`). */
  readonly serverPort?: number;
  readonly peername?: string;
  readonly secret?: string;
  readonly codec?: 'ulaw' | 'alaw' | 'slinear';
}

export function iaxmodemAvailable(): boolean {
  return spawnSync('sh', ['-c', 'command -v iaxmodem'], { encoding: 'utf8' }).status === 0 && process.getuid?.() === 0;
}

export class IaxModem {
  private proc: ChildProcess | undefined;
  private fd: number | undefined;
  private buffer = '';
  /** iaxmodem answers every NEW with REJECT "Busy" for 5 s after any hang-up, ATZ included (docs/testing.md §1.2). */
  private busyUntil = 0;
  readonly device: string;

  constructor(private readonly opts: IaxModemOptions) {
    this.device = `/tmp/${opts.name}-tty`;
  }

  async start(): Promise<void> {
    mkdirSync('/etc/iaxmodem', { recursive: true });
    mkdirSync('/var/log/iaxmodem', { recursive: true });
    const o = this.opts;
    writeFileSync(`/etc/iaxmodem/${o.name}`, [
      `device ${this.device}`, 'owner root:root', 'mode 660', `port ${o.port}`, 'refresh 0',
      `server 127.0.0.1:${o.serverPort ?? 4569}`, `peername ${o.peername ?? 'iaxmodem'}`, `secret ${o.secret ?? 'modemsecret'}`,
      'cidname IAXmodem', 'cidnumber 5551000', `codec ${o.codec ?? 'ulaw'}`, '',
    ].join('\n'));
    rmSync(this.device, { force: true });
    this.proc = spawn('iaxmodem', [o.name], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout?.on('data', () => {});
    this.proc.stderr?.on('data', () => {});
    const deadline = Date.now() + 5000;
    while (!existsSync(this.device)) {
      if (Date.now() > deadline) throw new Error('iaxmodem did not create its pty');
      await sleep(50);
    }
    // The pty must be raw (no echo, no line discipline) for AT commands.
    spawnSync('stty', ['-F', this.device, 'raw', '-echo']);
    this.fd = openSync(this.device, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
    await this.reset();
  }

  /** ATZ: hangs up whatever is going on; the modem then refuses calls for 5 s. */
  async reset(): Promise<void> {
    await this.command('ATZ', 'OK');
    this.busyUntil = Date.now() + 5500;
  }

  /** Waits out the modem's post-hang-up busy period, so the next NEW is answered. */
  async idle(): Promise<void> {
    const wait = this.busyUntil - Date.now();
    if (wait > 0) await sleep(wait);
  }

  /** Sends an AT command and waits until `expect` appears in the modem's output. */
  async command(cmd: string, expect: string | RegExp = 'OK', timeoutMs = 3000): Promise<string> {
    this.send(cmd);
    return this.waitFor(expect, timeoutMs);
  }

  send(cmd: string): void {
    if (this.fd === undefined) throw new Error('iaxmodem not started');
    writeSync(this.fd, cmd + '\r');
  }

  async waitFor(expect: string | RegExp, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.drain();
      const idx = typeof expect === 'string' ? this.buffer.indexOf(expect) : this.buffer.search(expect);
      if (idx >= 0) {
        const upTo = this.buffer.slice(0, idx) + (typeof expect === 'string' ? expect : (this.buffer.slice(idx).match(expect)?.[0] ?? ''));
        this.buffer = this.buffer.slice(upTo.length);
        return upTo;
      }
      if (Date.now() > deadline) throw new Error(`iaxmodem: timed out waiting for ${String(expect)}; got ${JSON.stringify(this.buffer)}`);
      await sleep(20);
    }
  }

  private drain(): void {
    if (this.fd === undefined) return;
    const chunk = Buffer.alloc(4096);
    for (;;) {
      let n = 0;
      try { n = readSync(this.fd, chunk, 0, chunk.length, null); } catch { return; }
      if (n <= 0) return;
      this.buffer += chunk.subarray(0, n).toString('latin1');
    }
  }

  /** Prepare to answer on the first ring (fax class 1: answers with the CED tone, 2100 Hz). */
  async autoAnswer(): Promise<void> {
    await this.command('AT+FCLASS=1');
    await this.command('ATS0=1');
  }

  async dial(number: string): Promise<void> {
    await this.command('AT+FCLASS=1');
    this.send(`ATDT${number}`);
  }

  /**
   * Hangs up a connected call from the modem's side: after a 1 s guard time, the Hayes escape "+++" returns the
   * modem to command mode, ending the fax session, and libiax2 sends HANGUP ("Normal disconnect"); ATH follows
   * for good measure. (ATZ alone, DTR drop and SIGTERM send nothing to the far end.)
   */
  async hangUp(): Promise<void> {
    if (this.fd === undefined) throw new Error('iaxmodem not started');
    await sleep(1200);
    writeSync(this.fd, '+++');
    await sleep(1200);
    this.send('ATH');
    this.busyUntil = Date.now() + 5500;
  }

  /** Drops DTR the way a modem user hangs up a connected call: closes our side of the pty (AT&D2 behaviour). */
  dropDtr(): void {
    if (this.fd !== undefined) { try { closeSync(this.fd); } catch { /* already closed */ } this.fd = undefined; }
  }

  async stop(): Promise<void> {
    if (this.fd !== undefined) { try { closeSync(this.fd); } catch { /* already closed */ } this.fd = undefined; }
    const p = this.proc;
    this.proc = undefined;
    if (p && p.exitCode === null) {
      const exited = new Promise<void>((r) => p.once('exit', () => r()));
      p.kill('SIGTERM');
      await Promise.race([exited, sleep(3000)]);
      if (p.exitCode === null) { p.kill('SIGKILL'); await exited; }
    }
    rmSync(`/etc/iaxmodem/${this.opts.name}`, { force: true });
  }
}
