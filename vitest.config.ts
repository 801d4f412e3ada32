import { defineConfig } from 'vitest/config';

// Left out of `npm test` so `make test` stays within its budget, each run by its own target: the mutation CI subset
// (~6 min on 2 cores; `make mutate-quick` sets MXGEN_MUTATE=1) and the formal checkers' own tests against mutant
// fixtures (~3 min; `make formal` sets MXGEN_FORMAL=1). The formal CI subset (test/formal/quick.test.ts) stays.
const slow = [
  ...(process.env.MXGEN_MUTATE === '1' ? [] : ['test/mutate/quick.test.ts']),
  ...(process.env.MXGEN_FORMAL === '1' ? [] : ['test/formal/formal.test.ts']),
];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...slow],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
