import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the stress suites run with `npm run test:stress` (vitest.stress.config.ts)
    exclude: ['**/node_modules/**', 'test/**/fixtures/**', 'test/**/*.stress.test.ts', 'test/fuzz/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
