import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// `electron` is aliased to a fake everywhere tests run: requiring the real package tries to download
// the Electron binary (stack-notes §3.4), and the core must never need it anyway.
export default defineConfig({
  resolve: {
    alias: { electron: fileURLToPath(new URL('./test/fakes/electron.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
