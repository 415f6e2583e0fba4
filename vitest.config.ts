import { configDefaults, defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const extended = process.env.REDIAL_EXTENDED === '1';
/**
 * Interop files (test/interop/, each with its own Asterisk) mostly wait on real time — ringing, calls, Asterisk's
 * answers — so they run several at once, after the other suites (vitest runs projects with different worker
 * counts one group after another). Everything else keeps vitest's default (cores − 1).
 */
const INTEROP_WORKERS = 3;
/** Tests of one interop file that run at once (it.concurrent: the codec calls), so 2 cores keep real time. */
const INTEROP_CONCURRENCY = 2;
/**
 * The tests that measure real time itself — audio timing while a process or thread is stopped or blocked, the pacing
 * of real devices — run last, one file at a time, with nothing else on the machine's cores (docs/testing.md). Every
 * other test waits on conditions or runs on virtual time (test/support/fake-clock.ts).
 */
const REALTIME = [
  'test/integration/cli-session.test.ts',
  'test/integration/worker-blocking.test.ts',
  // two whole phones on one thread keeping up with their paced devices
  'test/integration/wideband-call.test.ts',
  'test/unit/host/media-worker-timing.test.ts',
  'test/unit/adapters/audio/wav-audio.test.ts',
  // the jitter buffer's delay on Asterisk's relayed timestamps, against thresholds in milliseconds
  'test/interop/jitter-asterisk.test.ts',
];

// `electron` is aliased to a fake everywhere tests run: requiring the real package tries to download
// the Electron binary (stack-notes §3.4), and the core must never need it anyway.
export default defineConfig({
  resolve: {
    alias: { electron: fileURLToPath(new URL('./test/fakes/electron.ts', import.meta.url)) },
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // CI asks for a JSON report too, turned into a one-line summary by build/test-summary.mjs.
    reporters: process.env.REDIAL_TEST_SUMMARY ? ['default', 'json'] : ['default'],
    outputFile: process.env.REDIAL_TEST_SUMMARY ? { json: process.env.REDIAL_TEST_SUMMARY } : undefined,
    projects: [
      {
        extends: true,
        test: { name: 'main', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/interop/**', 'test/extended/**', ...REALTIME] },
      },
      {
        extends: true,
        test: {
          name: 'interop', include: ['test/interop/**/*.test.ts'], exclude: [...configDefaults.exclude, ...REALTIME],
          maxWorkers: INTEROP_WORKERS, maxConcurrency: INTEROP_CONCURRENCY,
          sequence: { groupOrder: 1 },
          globalSetup: ['test/support/build-once.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'realtime', include: REALTIME, maxWorkers: 1, fileParallelism: false, sequence: { groupOrder: 2 } },
      },
      // test/extended/ holds the long real-time runs (`npm run test:extended`), kept out of every `npm test`.
      ...(extended ? [{
        extends: true as const,
        test: {
          name: 'extended', include: ['test/extended/**/*.test.ts'], maxWorkers: INTEROP_WORKERS, sequence: { groupOrder: 3 },
          globalSetup: ['test/support/build-once.ts'],
        },
      }] : []),
    ],
  },
});
