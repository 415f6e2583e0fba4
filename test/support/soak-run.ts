// The soak loop shared by the bench (test/bench/soak.ts, in a child process) and the integration test: N calls
// back to back on a SoakRig, alternating codecs, with a memory/state checkpoint every `every` calls.
import type { CodecName } from '../../electron/core/media/codec.js';
import { SoakRig, type CallSetupTiming, type RigSizes, type SoakRigOptions } from './soak-rig.js';
import { activeResources, sampleMemory, slope, totalResources, type MemorySample } from './soak-measure.js';
import { sleep } from './wait.js';

export interface SoakOptions extends SoakRigOptions {
  readonly calls: number;
  readonly audioMs: number;
  readonly codecs: readonly CodecName[];
  /** Checkpoint every this many calls (and at 0). */
  readonly every: number;
  /** Wait before each checkpoint so retransmission timers and tombstone sweeps can run (ms). */
  readonly settleMs?: number;
}

export interface SoakCheckpoint {
  readonly calls: number;
  readonly memory: MemorySample;
  readonly sizes: RigSizes;
  readonly resources: Record<string, number>;
  readonly resourceCount: number;
}

export interface SoakResult {
  readonly checkpoints: readonly SoakCheckpoint[];
  readonly setups: readonly CallSetupTiming[];
  /** Heap bytes per call: over all checkpoints, and from the second checkpoint on (after warm-up). */
  readonly heapSlope: number;
  readonly heapSlopeAfterWarmup: number;
  readonly rssSlope: number;
  readonly wallMs: number;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const started = performance.now();
  const rig = await SoakRig.create(options.codecs, options);
  const checkpoints: SoakCheckpoint[] = [];
  const setups: CallSetupTiming[] = [];
  const checkpoint = async (): Promise<void> => {
    await sleep(options.settleMs ?? 300);
    const memory = await sampleMemory();
    const resources = activeResources();
    checkpoints.push({ calls: rig.completedCalls, memory, sizes: rig.sizes(), resources, resourceCount: totalResources(resources) });
  };
  try {
    // Call 0 is a warm-up (JIT, WASM codecs, first device opening): the baseline is taken after it.
    await rig.call(options.codecs[0]!, options.audioMs);
    await checkpoint();
    for (let i = 1; i <= options.calls; i++) {
      setups.push(await rig.call(options.codecs[i % options.codecs.length]!, options.audioMs));
      if (i % options.every === 0) await checkpoint();
    }
  } finally {
    await rig.close();
  }
  const heap = checkpoints.map((c, i) => [i * options.every, c.memory.heapUsed] as const);
  const rss = checkpoints.map((c, i) => [i * options.every, c.memory.rss] as const);
  return {
    checkpoints, setups,
    heapSlope: slope(heap), heapSlopeAfterWarmup: slope(heap.slice(1)), rssSlope: slope(rss),
    wallMs: performance.now() - started,
  };
}
