import { configDefaults, defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// `electron` is aliased to a fake everywhere tests run: requiring the real package tries to download
// the Electron binary (stack-notes §3.4), and the core must never need it anyway.
export default defineConfig({
  resolve: {
    alias: { electron: fileURLToPath(new URL('./test/fakes/electron.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // test/extended/ holds the long real-time runs (`npm run test:extended`), kept out of every `npm test`.
    exclude: [...configDefaults.exclude, ...(process.env.REDIAL_EXTENDED === '1' ? [] : ['test/extended/**'])],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // CI asks for a JSON report too, turned into a one-line summary by build/test-summary.mjs.
    reporters: process.env.REDIAL_TEST_SUMMARY ? ['default', 'json'] : ['default'],
    outputFile: process.env.REDIAL_TEST_SUMMARY ? { json: process.env.REDIAL_TEST_SUMMARY } : undefined,
  },
});
