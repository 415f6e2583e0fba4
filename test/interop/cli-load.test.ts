// `redial load` and `redial listen --echo` as a user runs them: 20 calls into the real Asterisk 22's Echo(),
// thresholds that fail the run (busy calls), and load against Redial's own echo peer. Every call must end on the
// server too: a load tool that leaves channels behind melts the PBX it tests.
import { afterEach, beforeAll, expect, it } from 'vitest';
import { asteriskAvailable, useAsterisk } from '../support/asterisk.js';
import { ensureBuilt, startCli, type CliEventLine, type RunningCli } from '../support/cli.js';
import { describeWithPeer } from '../support/peers.js';
import { freeUdpPort } from '../support/udp-port.js';
import { until, untilAsync } from '../support/wait.js';

interface Percentiles { readonly count: number; readonly min: number; readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number }
interface Report extends CliEventLine {
  readonly attempted: number; readonly answered: number; readonly failed: number; readonly answerRatio: number;
  readonly stopped: string; readonly undrained: number; readonly workers: number;
  readonly thresholds: { readonly maxSetupMs?: { readonly crossed: boolean; readonly slowest: number; readonly slowCalls: number } };
  readonly failures: readonly { key: string; count: number }[];
  readonly media: { readonly totals: { readonly framesSent: number; readonly framesReceived: number; readonly latePercent: number } };
  readonly setupMs?: Percentiles;
  readonly process: { readonly cpuPercent: number; readonly peakCalls: number };
}

/** Nearest-rank percentiles are measured values in order (docs/scenarios.md §5). */
function expectOrdered(p: Percentiles | undefined, count: number): Percentiles {
  expect(p?.count).toBe(count);
  const q = p!;
  expect(q.min).toBeGreaterThan(0);
  expect(q.min).toBeLessThanOrEqual(q.p50);
  expect(q.p50).toBeLessThanOrEqual(q.p95);
  expect(q.p95).toBeLessThanOrEqual(q.p99);
  expect(q.p99).toBeLessThanOrEqual(q.max);
  return q;
}

describeWithPeer('Asterisk 22 (../shared/asterisk)', asteriskAvailable(), 'redial load against Asterisk 22', () => {
  const pbx = useAsterisk();
  const running: RunningCli[] = [];
  beforeAll(() => ensureBuilt(), 120_000);
  afterEach(() => { for (const c of running.splice(0)) c.kill('SIGKILL'); });

  function redial(args: readonly string[], env: Readonly<Record<string, string>> = {}): RunningCli {
    const cli = startCli([...args, '--json', '--port', '0'], env);
    running.push(cli);
    return cli;
  }
  const report = (cli: RunningCli): Report => {
    const r = cli.events.find((e) => e.event === 'report');
    if (!r) throw new Error(`no report event; stderr: ${cli.stderr().slice(-1500)}`);
    return r as Report;
  };

  it('20 calls into Echo(): all answered, set-up percentiles in order and under the limit, audio comes back, every channel cleared on the server; exit 0', async () => {
    const before = Number(/(\d+) calls? processed/.exec(await pbx().cli('core show channels count'))?.[1] ?? 0);
    const cli = redial(['load', '--server', pbx().server, '--user', 'alice', '--dial', '601', '--calls', '20', '--rate', '10',
      '--duration', '6', '--max-failures', '0', '--max-setup-ms', '5000'], { REDIAL_SECRET: 'alice-secret' });
    expect(await cli.exited(60_000)).toBe(0);
    const r = report(cli);
    expect(r).toMatchObject({ attempted: 20, answered: 20, failed: 0, answerRatio: 1, stopped: 'duration', undrained: 0, process: { peakCalls: 20 } });
    const setup = expectOrdered(r.setupMs, 20);
    expect(r.thresholds.maxSetupMs).toMatchObject({ crossed: false, slowest: setup.max, slowCalls: 0 });
    // Echo() sends back what it gets: the calls received about as many frames as they sent.
    expect(r.media.totals.framesSent).toBeGreaterThan(20 * 50 * 2);
    expect(r.media.totals.framesReceived).toBeGreaterThan(r.media.totals.framesSent * 0.9);
    expect(cli.events.some((e) => e.event === 'progress')).toBe(true);
    const text = await pbx().cli('core show channels count');
    expect(Number(/(\d+) calls? processed/.exec(text)?.[1])).toBeGreaterThanOrEqual(before + 20);
    await untilAsync('Asterisk has no channel left', async () => (await pbx().activeChannels()) === 0, 10_000);
  }, 90_000);

  it('busy calls cross --max-failures: the run stops, the report names the cause, exit 12', async () => {
    const cli = redial(['load', '--server', pbx().server, '--user', 'alice', '--dial', '602', '--calls', '3', '--rate', '10',
      '--duration', '20', '--max-failures', '1'], { REDIAL_SECRET: 'alice-secret' });
    expect(await cli.exited(60_000)).toBe(12);
    const r = report(cli);
    expect(r).toMatchObject({ stopped: 'max-failures', answered: 0 });
    expect(r.failed).toBeGreaterThanOrEqual(2);
    expect(r.failures[0].key).toMatch(/^busy \(17/);
  }, 60_000);

  it('calls answered after 2 s of ringing cross --max-setup-ms 1000: the report says so, exit 12', async () => {
    const cli = redial(['load', '--server', pbx().server, '--user', 'alice', '--dial', '605', '--calls', '2', '--rate', '10',
      '--duration', '4', '--max-setup-ms', '1000'], { REDIAL_SECRET: 'alice-secret' });
    expect(await cli.exited(60_000)).toBe(12);
    const r = report(cli);
    expect(r).toMatchObject({ attempted: 2, answered: 2, failed: 0, answerRatio: 1 });
    // 605 is Ringing(), Wait(2), Answer(): every set-up takes the two seconds, and both calls are over the limit.
    const setup = expectOrdered(r.setupMs, 2);
    expect(setup.min).toBeGreaterThanOrEqual(1900);
    expect(r.thresholds.maxSetupMs).toMatchObject({ crossed: true, slowest: setup.max, slowCalls: 2 });
  }, 60_000);

  it('Ctrl-C (SIGINT) mid-run: every call is hung up and acknowledged, the server clears them at once; report, exit 0', async () => {
    const cli = redial(['load', '--server', pbx().server, '--user', 'alice', '--dial', '601', '--calls', '10', '--rate', '10',
      '--duration', '120'], { REDIAL_SECRET: 'alice-secret' });
    await cli.waitForEvent((e) => e.event === 'progress' && e.up === 10, 60_000);
    expect(await pbx().activeChannels()).toBeGreaterThanOrEqual(10);
    cli.kill('SIGINT');
    expect(await cli.exited(30_000)).toBe(0);
    expect(report(cli)).toMatchObject({ stopped: 'interrupted', undrained: 0, attempted: 10, answered: 10, failed: 0, failures: [] });
    // Each call got our HANGUP: a call we abandoned would stay up on Asterisk until its PING (every 21 s) went unanswered.
    await untilAsync('Asterisk has no channel left', async () => (await pbx().activeChannels()) === 0, 5_000);
  }, 90_000);

  it('--workers 2: the calls run in two threads, each its own UDP port; one progress line and one report; Ctrl-C hangs up every call of both, the server clears them', async () => {
    const cli = redial(['load', '--server', pbx().server, '--user', 'alice', '--dial', '601', '--calls', '10', '--rate', '10',
      '--duration', '120', '--workers', '2'], { REDIAL_SECRET: 'alice-secret' });
    await cli.waitForEvent((e) => e.event === 'progress' && e.up === 10 && e.target === 10, 60_000);
    const ports = cli.events.filter((e) => e.event === 'started').map((e) => e.localPort);
    expect(new Set(ports).size).toBe(2);
    expect(await pbx().activeChannels()).toBeGreaterThanOrEqual(10);
    cli.kill('SIGINT');
    expect(await cli.exited(30_000)).toBe(0);
    const r = report(cli);
    expect(r).toMatchObject({ workers: 2, stopped: 'interrupted', undrained: 0, attempted: 10, answered: 10, failed: 0, failures: [], process: { peakCalls: 10 } });
    expectOrdered(r.setupMs, 10);
    expect(r.media.totals.framesReceived).toBeGreaterThan(r.media.totals.framesSent * 0.9);
    expect(cli.events.filter((e) => e.event === 'report')).toHaveLength(1);
    await untilAsync('Asterisk has no channel left', async () => (await pbx().activeChannels()) === 0, 5_000);
  }, 90_000);

  it('--workers 2 with busy calls: --max-failures counts the failures of both threads; the run stops, exit 12', async () => {
    const cli = redial(['load', '--server', pbx().server, '--user', 'alice', '--dial', '602', '--calls', '2', '--rate', '10',
      '--duration', '30', '--max-failures', '3', '--workers', '2'], { REDIAL_SECRET: 'alice-secret' });
    expect(await cli.exited(60_000)).toBe(12);
    const r = report(cli);
    expect(r).toMatchObject({ workers: 2, stopped: 'max-failures', answered: 0 });
    expect(r.failed).toBeGreaterThanOrEqual(4);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0].key).toMatch(/^busy \(17/);
    expect(r.failures[0].count).toBe(r.failed);
  }, 60_000);

  it('load against listen --echo (peer to peer, no PBX): every call answered, audio reflected', async () => {
    const port = await freeUdpPort();
    const echo = startCli(['listen', '--echo', '--port', String(port), '--json']);
    running.push(echo);
    await echo.waitForEvent((e) => e.event === 'started');
    const cli = redial(['load', '--server', `127.0.0.1:${port}`, '--dial', 'echo', '--calls', '10', '--rate', '20', '--duration', '5']);
    expect(await cli.exited(60_000)).toBe(0);
    const r = report(cli);
    expect(r).toMatchObject({ attempted: 10, answered: 10, failed: 0 });
    expect(r.media.totals.framesReceived).toBeGreaterThan(r.media.totals.framesSent * 0.9);
    await until('the echo peer saw every call end', () => echo.events.filter((e) => e.event === 'hangup').length === 10, 10_000);
    expect(echo.events.filter((e) => e.event === 'incoming')).toHaveLength(10);
  }, 60_000);
});
