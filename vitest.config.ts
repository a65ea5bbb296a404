import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', '.data/**'],
    // Integration tests start real Chromium and real servers: two cores, so keep forks few.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Handlers and servers log JSON lines; in test output only errors are worth reading.
    env: { LOG_LEVEL: 'error' },
  },
});
