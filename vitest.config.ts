import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'bundle/**'],
    testTimeout: 20_000,
    pool: 'forks',
    setupFiles: ['test/harness/property-seed.ts'],
  },
});
