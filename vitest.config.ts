import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the stress suites run with `npm run test:stress` (vitest.stress.config.ts)
    exclude: ['**/node_modules/**', 'test/**/fixtures/**', 'test/**/*.stress.test.ts', 'test/fuzz/**'],
    // Hang detectors, not assertions: on a loaded 2-core machine a test starting an
    // embedded PGlite (a WebAssembly PostgreSQL) and a broker round trip can take 30 s
    // and more without anything being wrong.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
