// The seed of the randomised tests: MXGEN_SEED (set by `make test SEED=N`, which draws a fresh one when SEED is not
// given), else a fixed default so a bare `npx vitest run` repeats itself. Failures print it with the rerun command.

/** The run's seed: MXGEN_SEED when set (a non-negative 32-bit integer), else `fallback`. */
export function testSeed(fallback: number): number {
  const text = process.env.MXGEN_SEED;
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`MXGEN_SEED must be an integer in 0..4294967295, got '${text}'`);
  return n;
}

/** How to repeat a run with this seed. */
export function rerun(seed: number): string {
  return `seed ${seed} (rerun with MXGEN_SEED=${seed} npx vitest run <file>, or make test SEED=${seed})`;
}

/** Run counts scaled by MXGEN_RUNS_SCALE (the long targets raise it). */
export function scaled(n: number): number {
  const scale = process.env.MXGEN_RUNS_SCALE ? Number(process.env.MXGEN_RUNS_SCALE) : 1;
  if (!(scale > 0)) throw new Error(`MXGEN_RUNS_SCALE must be a positive number, got '${process.env.MXGEN_RUNS_SCALE}'`);
  return Math.max(1, Math.round(n * scale));
}
