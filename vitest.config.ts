import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Keep test output readable; a test that checks log lines sets its own logger.
    env: { LIGHTBRIDGE_LOG_LEVEL: process.env.LIGHTBRIDGE_LOG_LEVEL ?? 'error' },
  },
});
