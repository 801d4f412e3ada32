import { defineConfig } from 'vitest/config';

// The mutation CI subset takes ~6 minutes on 2 cores and has its own target (`make mutate-quick`, which sets
// MXGEN_MUTATE=1); `npm test` leaves it out so `make test` stays within its budget.
const slow = process.env.MXGEN_MUTATE === '1' ? [] : ['test/mutate/quick.test.ts'];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...slow],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
