// Set-up under loss (docs/decisions.md D-29): Redial and a stock Asterisk 22 as the caller each place the same number
// of calls into one Echo() (601 of the test PBX) through the same seeded impairment proxy (20 % loss, 40 ms jitter,
// 2 % duplicates both ways), at the same time, with the same concurrency. Per side: calls up within 10 s, median and
// p95 set-up time (dial → answer); for Redial also the calls that carried the echo (our tone back in ≥ 90 % of the
// 200 ms windows after the first second, through the jitter buffer). Ratios are Asterisk / Redial from this one run.
//
// Run alone: node dist/test/bench/setup-loss.js (REDIAL_SETUP_CALLS, default 50; REDIAL_SETUP_PARALLEL, default 10;
// REDIAL_SETUP_SEED).
import { pathToFileURL } from 'node:url';
import os from 'node:os';
import type { BenchSection } from './bench-types.js';
import { startAsterisk } from '../support/asterisk.js';
import { asteriskCallerCalls, type CallerResult } from '../support/asterisk-caller-calls.js';
import { echoCalls, percentile, summarise, type EchoCallResult } from '../support/echo-calls.js';
import { startImpairProxy } from '../support/impair-proxy.js';

export interface SetupLossOptions {
  readonly calls: number;
  readonly parallel: number;
  readonly seed: number;
  readonly lossRate: number;
  readonly jitterMs: number;
  readonly duplicateRate: number;
}

export interface SetupLossResult {
  readonly redial: readonly EchoCallResult[];
  readonly asterisk: readonly CallerResult[];
  readonly loadAverage: readonly number[];
  readonly wallMs: number;
}

export async function measureSetupLoss(o: SetupLossOptions): Promise<SetupLossResult> {
  const pbx = await startAsterisk();
  const caller = await startAsterisk({ config: 'caller' });
  const proxy = await startImpairProxy({ target: { address: '127.0.0.1', port: pbx.port }, seed: o.seed,
    lossRate: o.lossRate, jitterMs: o.jitterMs, duplicateRate: o.duplicateRate });
  try {
    const t0 = performance.now();
    const [redial, asterisk] = await Promise.all([
      echoCalls(o.calls, o.parallel, { server: `127.0.0.1:${proxy.port}`, username: 'lossy', secret: 'lossy-secret',
        talkMs: 4000, staggerMs: 100 }),
      asteriskCallerCalls(caller, proxy.port, o.calls, o.parallel),
    ]);
    return { redial, asterisk, loadAverage: os.loadavg(), wallMs: performance.now() - t0 };
  } finally {
    await proxy.close();
    await caller.stop();
    await pbx.stop();
  }
}

const ms = (v: number): string => (Number.isFinite(v) ? `${Math.round(v)}` : '> 10 000');

export function setupLossSection(r: SetupLossResult, o: SetupLossOptions): BenchSection {
  const red = summarise(r.redial);
  const astTimes = r.asterisk.map((c) => c.setupMs ?? Infinity);
  const ast = {
    up: astTimes.filter((t) => t <= 10_000).length,
    median: percentile(astTimes, 0.5),
    p95: percentile(astTimes, 0.95),
  };
  const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(1)}×`
    : !Number.isFinite(a) && Number.isFinite(b) ? 'more than ' + `${(10_000 / b).toFixed(0)}× (Asterisk's call was not up within 10 s)` : 'n/a');
  return {
    title: `Set-up under loss: ${o.calls} calls into one Echo() through ${o.lossRate * 100} % loss, ${o.jitterMs} ms jitter, ${o.duplicateRate * 100} % duplicates (both ways)`,
    columns: ['caller', 'calls', 'up within 10 s', 'median set-up ms', 'p95 set-up ms', 'calls carrying the echo (≥ 90 % of 200 ms windows)'],
    rows: [
      ['Redial (engine + call media, in one process)', o.calls, red.upWithin10s, ms(red.medianSetupMs), ms(red.p95SetupMs),
        `${red.carryingEcho} (worst call ${(red.worstEchoShare * 100).toFixed(0)} %)`],
      ['Asterisk 22 as caller (Dial() from a second Asterisk)', r.asterisk.length, ast.up, ms(ast.median), ms(ast.p95), 'not measured'],
    ],
    notes: [
      `Asterisk / Redial: median set-up **${ratio(ast.median, red.medianSetupMs)}**, p95 **${ratio(ast.p95, red.p95SetupMs)}**; calls up within 10 s: Redial ${red.upWithin10s}/${o.calls}, Asterisk ${ast.up}/${r.asterisk.length}.`,
      `Both callers at once, ${o.parallel} calls each at a time, through one proxy (seed ${o.seed}); Redial as user \`lossy\` (talks 4 s), Asterisk as \`loadgen\` (Dial() option S(3): 3 s), users of test/asterisk/pbx/iax.conf.`,
      `Asterisk statuses: ${[...new Set(r.asterisk.map((c) => c.status))].map((s) => `${s} ×${r.asterisk.filter((c) => c.status === s).length}`).join(', ')}.`,
      `Took ${(r.wallMs / 1000).toFixed(0)} s; load average at the end ${r.loadAverage.map((v) => v.toFixed(2)).join(' ')} (2 shared cores: the ratios are what this measures).`,
    ],
  };
}

function envNum(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

export async function run(): Promise<BenchSection> {
  const o: SetupLossOptions = {
    calls: envNum('REDIAL_SETUP_CALLS', 50), parallel: envNum('REDIAL_SETUP_PARALLEL', 10), seed: envNum('REDIAL_SETUP_SEED', 2026),
    lossRate: 0.2, jitterMs: 40, duplicateRate: 0.02,
  };
  return setupLossSection(await measureSetupLoss(o), o);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { formatSection } = await import('./format-section.js');
  console.log(formatSection(await run()));
}
