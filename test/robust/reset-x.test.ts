// Resets and X for every design of the reference set (configs/reference.json), and extra pipeline depths:
//  - resets in the middle of the stream under random stalls (Icarus and Verilator): the DUT is empty during and after
//    each reset (no stale or spurious beat), the beats in flight are lost, and the fresh stream after it comes out
//    bit-exact to the golden model;
//  - Icarus: no X on any output bit from the first valid output on, nor on out_valid/in_ready after reset;
//  - Verilator with --x-initial unique --x-assign unique, random values per X seed: outputs unchanged (bit-exact).
// In `make test`: k = 4 lanes and 4x4 tiles (same formats, modes and depths), 200 transactions, 4 resets per run, one
// Icarus run and two Verilator X seeds per design. MXGEN_ROBUST=long (make robust-long): the full-size reference
// designs too, 2000 transactions, 12 resets, three Icarus runs and eight X seeds. The seed is MXGEN_SEED.

import { afterAll, describe, expect, test } from 'vitest';
import { decoderBundleCase, streamCases } from './cases';
import { robustComb, robustStream, type RobustPlan, type RobustRun } from './run';
import { rerun, testSeed } from './seed';

const LONG = process.env.MXGEN_ROBUST === 'long';
const SEED = testSeed(20260612);
const PLAN: RobustPlan = LONG
  ? { seed: SEED, transactions: 2000, resets: 12, icarusStalls: [0, 30, 60], xSeeds: 8 }
  : { seed: SEED, transactions: 200, resets: 4, icarusStalls: [30], xSeeds: 2 };
const CASES = [...streamCases('small', true), ...(LONG ? streamCases('full') : [])];

const all: RobustRun[] = [];
afterAll(() => {
  const resets = all.flatMap((r) => r.resets);
  console.log(
    `reset/X: ${CASES.length} streaming designs + the decoders, ${all.length} runs, ${all.reduce((a, r) => a + r.vectors, 0)} outputs compared, ` +
      `${resets.length} resets (${resets.reduce((a, x) => a + x.lost, 0)} beats lost in flight, ${resets.reduce((a, x) => a + x.skipped, 0)} skipped to a tile boundary), ${rerun(SEED)}`,
  );
});

function expectClean(runs: readonly RobustRun[]): void {
  all.push(...runs);
  const bad = runs.filter((r) => r.failure !== undefined || r.vectors === 0);
  expect(bad.map((r) => `${r.what} (harness seed ${r.seed}): ${r.failure}`), rerun(SEED)).toEqual([]);
}

describe(`resets mid-stream and X (${rerun(SEED)})`, () => {
  test.each(CASES.map((c) => [c.label, c] as const))('%s', async (_label, c) => {
    const runs = await robustStream(c, PLAN);
    expectClean(runs);
    expect(runs.map((r) => r.sim)).toEqual([...PLAN.icarusStalls.map(() => 'icarus'), ...Array(PLAN.xSeeds).fill('verilator')]);
    const resets = runs.flatMap((r) => r.resets);
    expect(resets).toHaveLength(runs.length * PLAN.resets);
    // resets met beats in flight (the first one follows an acceptance at once); a tile's also mid-tile
    if (c.latency > 0) expect(resets.some((x) => x.lost > 0), rerun(SEED)).toBe(true);
    if (c.group.inputs > 1) expect(resets.some((x) => x.skipped > 0), rerun(SEED)).toBe(true);
  }, LONG ? 7_200_000 : 600_000); // long: a k = 32 PE under Icarus runs ~50 transactions/s

  test('the decoders (combinational): every code, no X under Icarus, unchanged under Verilator random X', async () => {
    const c = decoderBundleCase();
    const runs = await robustComb(c, PLAN);
    expectClean(runs);
    expect(runs).toHaveLength(1 + PLAN.xSeeds);
    expect(runs[0]!.vectors).toBe(Math.max(...c.members.map((m) => m.codes)));
  });
});
