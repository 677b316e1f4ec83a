import { defineConfig } from 'vitest/config';

// The stress suites (`npm run test:stress`): crash storms (*.stress.test.ts) and property
// fuzzing (test/fuzz/). Separate from `npm test` because they take minutes; the crash
// storms mostly wait on their child processes, so three files run at once.
export default defineConfig({
  test: {
    include: ['test/**/*.stress.test.ts', 'test/fuzz/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 60_000,
    maxWorkers: 3,
  },
});
