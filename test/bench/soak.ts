// Soak (softphone-anchors §6.2 item 5: "bounded RAM over 8-hour/100-call soaks"): 100 short calls back to back
// between two Redial ends on 127.0.0.1 (test/support/soak-rig.ts: the app's PhoneService + DevicePhoneMedia on a
// paced fake sound card calling a bare engine + DevicePhoneMedia that answers), alternating G.711 µ-law and G.722,
// each with ~1 s of two-way audio. It runs in a child process started with --expose-gc, so the heap figures are
// after a full collection and not mixed with the other bench modules'. A leak shows as a heap slope that stays
// positive after the warm-up; bounded structures (the trace ring, call history, tombstones) grow and then stop.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchSection } from './bench-types.js';
import type { SoakOptions, SoakResult } from '../support/soak-run.js';
import { kib, median, mib } from '../support/soak-measure.js';
import type { CodecName } from '../../electron/core/media/codec.js';

const CALLS = Number(process.env.REDIAL_SOAK_CALLS ?? 100);
const AUDIO_MS = Number(process.env.REDIAL_SOAK_AUDIO_MS ?? 1000);
const EVERY = Math.max(1, Math.round(CALLS / 4));
const child = fileURLToPath(new URL('../support/soak-child.js', import.meta.url));

export function runSoakChild(options: SoakOptions): Promise<SoakResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--expose-gc', child, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (c: string) => { out += c; });
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (c: string) => { err += c; });
    proc.on('exit', (code) => {
      if (code !== 0) { reject(new Error(`soak child failed (${code}): ${err.slice(-800)}`)); return; }
      try { resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as SoakResult); } catch (e) { reject(e as Error); }
    });
  });
}

const p95 = (v: readonly number[]): number => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * 0.95))] ?? NaN;

const codecLabel = (c: CodecName): string => (c === 'ulaw' ? 'G.711 µ-law' : 'G.722');

function checkpointRows(r: SoakResult): (string | number)[][] {
  return r.checkpoints.map((c) => [
    c.calls - 1, mib(c.memory.heapUsed), mib(c.memory.heapTotal), mib(c.memory.rss), kib(c.memory.arrayBuffers),
    `${c.sizes.callerDialogs} / ${c.sizes.calleeDialogs}`, `${c.sizes.callerTombstones} / ${c.sizes.calleeTombstones}`,
    c.sizes.engineCalls + c.sizes.phoneCalls, Object.entries(c.resources).map(([k, n]) => `${k}×${n}`).join(' '),
  ]);
}

const COLUMNS = ['after call', 'heap used MiB', 'heap committed MiB', 'RSS MiB', 'ArrayBuffers KiB', 'dialogs caller / callee',
  'tombstones caller / callee', 'calls still tracked', 'active handles'];

const slopes = (r: SoakResult, every: number): string =>
  `Heap slope: ${kib(r.heapSlope)} KiB/call over all checkpoints, ${kib(r.heapSlopeAfterWarmup)} KiB/call after the first ` +
  `${every} calls; RSS slope ${kib(r.rssSlope)} KiB/call. Wall time ${(r.wallMs / 1000).toFixed(0)} s.`;

export async function run(): Promise<BenchSection[]> {
  const codecs: CodecName[] = ['ulaw', 'g722'];
  const fakeCalls = 10;
  // Three soaks at once (each is mostly waiting on the paced cards): the app's defaults; the same with the trace ring
  // at its minimum, to see what remains once the designed growth of the ring is out of the way; and a short one on the
  // fake card exactly as `harness --audio fake` / `redial --output-device fake` build it.
  const [app, lean, fake] = await Promise.all([
    runSoakChild({ calls: CALLS, audioMs: AUDIO_MS, codecs, every: EVERY }),
    runSoakChild({ calls: CALLS, audioMs: AUDIO_MS, codecs, every: EVERY, traceBufferSize: 100 }),
    runSoakChild({ calls: fakeCalls, audioMs: AUDIO_MS, codecs, every: fakeCalls / 2, device: 'harness', pruneClosedStreams: false }),
  ]);
  const retained = (r: SoakResult) => {
    const a = r.checkpoints[0]!;
    const b = r.checkpoints.at(-1)!;
    const n = b.calls - a.calls;
    return { heap: (b.memory.heapUsed - a.memory.heapUsed) / n, buffers: (b.memory.arrayBuffers - a.memory.arrayBuffers) / n, streams: b.sizes.deviceStreams };
  };
  const f = retained(fake);
  const setupRows = codecs.map((codec) => {
    const s = app.setups.filter((x) => x.codec === codec);
    return [codecLabel(codec), s.length, median(s.map((x) => x.newMs)).toFixed(2),
      median(s.map((x) => x.acceptMs)).toFixed(2), median(s.map((x) => x.answerMs)).toFixed(2), p95(s.map((x) => x.answerMs)).toFixed(2)];
  });
  const title = (what: string) => `Soak: ${CALLS} calls of ${(AUDIO_MS / 1000).toFixed(1)} s back to back (G.711 / G.722), ${what}`;
  return [
    {
      title: title('app defaults (trace ring 5000 frames)'),
      columns: COLUMNS,
      rows: checkpointRows(app),
      notes: [
        slopes(app, EVERY),
        'Caller: the app\'s PhoneService (trace ring of 5000 frames with raw bytes, call history ≤ 1000 entries) + DevicePhoneMedia;',
        'callee: a bare engine + DevicePhoneMedia answering at once. Both on paced fake 48 kHz cards with tone bursts, default',
        'speakerphone processing. Memory after full GCs (--expose-gc) in a child process per soak; call 0 is a warm-up.',
        'The trace ring records every frame (≈ 60 per 1 s call) whether or not the debug trace is shown, ≈ 0.8 KiB each:',
        'it grows until 5000-6250 entries (≈ 80-100 such calls), then stays there (electron/core/phone/trace-buffer.ts).',
        'The callee\'s one dialog is its registration towards the caller (left unanswered on purpose: it lets G.722 be used).',
      ],
    },
    {
      title: title('trace ring at its minimum (100 frames)'),
      columns: COLUMNS,
      rows: checkpointRows(lean),
      notes: [
        slopes(lean, EVERY),
        'What is left once the ring is out of the way: optimised code still being generated, call history entries (≤ 1000),',
        'tombstones of closed dialogs (30 s each; expired ones are swept whenever a dialog closes).',
        'RSS follows the heap V8 keeps committed, not the heap in use: V8 enlarges its young generation under the steady',
        'allocation rate of the audio path (≈ 16 → 42 MiB committed) and then stops; over 300 calls (200 ms each, trace ring',
        '100) heap used stayed at 7.6-7.8 MiB from call 90 on while RSS levelled off near 100 MiB.',
      ],
    },
    {
      title: 'Call setup on loopback (dial request → callee sees NEW → ACCEPT → ANSWER at the caller), ms',
      columns: ['codec', 'calls', 'NEW (median)', 'ACCEPT (median)', 'ANSWER (median)', 'ANSWER (p95)'],
      rows: setupRows,
      notes: ['Includes the call-token round trip (CALLTOKEN, NEW again) before the callee sees the NEW; the callee answers at once.',
        'From the app-defaults soak, which ran concurrently with the other two.'],
    },
    {
      title: `Fake sound card as the harness builds it (--audio fake): ${fakeCalls} calls of ${(AUDIO_MS / 1000).toFixed(1)} s`,
      columns: ['retained heap KiB/call', 'retained ArrayBuffers KiB/call', 'streams still held after the calls'],
      rows: [[kib(f.heap), kib(f.buffers), f.streams]],
      notes: ['PacedFakeAudioSystem keeps the last minute of timings and played frames per stream and the last 8 closed streams',
        '(HISTORY_FRAMES in electron/adapters/audio/paced-fake-audio.ts), so the harness with --audio fake and',
        '`redial … --output-device fake` stop growing once a minute of talk is held. Real sound cards are not affected.'],
    },
  ];
}
