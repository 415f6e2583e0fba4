// Bounded state over many calls (softphone-anchors §6.2 item 5): 30 short calls back to back between the app's
// phone (PhoneService + DevicePhoneMedia, caller) and a bare engine + DevicePhoneMedia (callee) on 127.0.0.1,
// alternating G.711 µ-law and G.722 (test/support/soak-rig.ts). After the run every per-call structure must be gone
// and the process must hold no more handles than after the first call; the retained JS memory per call must stay
// under a bound that a leaked call pipeline would exceed. Figures for 100 calls: `npm run bench` (test/bench/soak.ts).
import { describe, expect, it } from 'vitest';
import { runSoak, type SoakResult } from '../support/soak-run.js';
import { slope } from '../support/soak-measure.js';

const CALLS = 30;
const EVERY = 6;

/**
 * Bound on the growth of (JS heap used + ArrayBuffers) after full GCs, per call, over calls 6-30 (after warm-up).
 * Measured on this rig: ≈ 15-20 KiB/call while clean (optimised code still being generated, call history entries,
 * tombstones that live 30 s). A call whose CallMedia is closed but kept reachable adds ≈ 280 KiB/call (its jitter
 * buffer, decoder/resampler state and the speakerphone chain, mostly ArrayBuffers; measured by retaining every
 * CallMedia.create() result), a played-audio capture that is never released ≈ 100 KiB per call-second: both fail
 * this. A leak of only the small call objects (a CallHandle ≈ 5 KiB) does not reach it; the structural checks below
 * (engine call lists, the phone's live calls, dialog tables, handles) are what catch those.
 */
const BOUND_BYTES_PER_CALL = 64 * 1024;

describe('soak: 30 calls back to back', () => {
  let result: SoakResult;

  it('runs 30 answered calls with two-way audio and leaves no per-call state behind', async () => {
    // The trace ring is cut to its minimum (100 frames) so its designed, bounded growth does not hide a leak.
    result = await runSoak({ calls: CALLS, audioMs: 300, codecs: ['ulaw', 'g722'], every: EVERY, traceBufferSize: 100, settleMs: 400 });
    expect(result.setups).toHaveLength(CALLS);
    expect(new Set(result.setups.map((s) => s.codec))).toEqual(new Set(['ulaw', 'g722']));

    const first = result.checkpoints[0]!;
    const last = result.checkpoints.at(-1)!;
    expect(last.calls).toBe(CALLS + 1);
    // No call is still tracked anywhere, no dialog is left open by a call (the callee's one dialog at most is its
    // registration attempt towards the caller), and no fake-card stream is left open.
    expect(last.sizes.engineCalls).toBe(0);
    expect(last.sizes.phoneCalls).toBe(0);
    expect(last.sizes.callerDialogs).toBe(0);
    expect(last.sizes.calleeDialogs).toBeLessThanOrEqual(1);
    expect(last.sizes.deviceStreams).toBe(0);
    // Handles and timers do not grow with the number of calls (a timer left per call would add 30).
    for (const [kind, n] of Object.entries(last.resources)) {
      expect(n, `${kind} handles after ${CALLS} calls`).toBeLessThanOrEqual((first.resources[kind] ?? 0) + 2);
    }
    expect(last.resourceCount).toBeLessThanOrEqual(first.resourceCount + 2);
  }, 40_000);

  it('keeps the retained memory per call under the bound', () => {
    const points = result.checkpoints.slice(1).map((c) => [c.calls, c.memory.heapUsed + c.memory.arrayBuffers] as const);
    const perCall = slope(points);
    expect(perCall, `${(perCall / 1024).toFixed(1)} KiB per call`).toBeLessThan(BOUND_BYTES_PER_CALL);
  });
});
