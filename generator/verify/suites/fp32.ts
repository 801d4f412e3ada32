// `make sim` suite of the FP32 building blocks (generator/rtl/fp32): fp32_round_m<M>_e<E> for the
// configurations the PEs use, fp32_add and bf16_mul_fp32, bit-exact against the golden model
// (dyadicToFp32Bits, fp32AddBits, Math.fround of BF16 products). Each unit gets its corner table plus
// seeded random vectors (generators in generator/rtl/fp32/vectors.ts), streamed in batches of at most
// 1 M vectors so the 10 M 'long' level stays within memory. Then fp32_add, fp32_round_m70_e10 and bf16_mul_fp32
// pipelined by the planner (depth 4 with a skid buffer, 3, 5) under 20 % random stalls.

import { bf16MulModule, fp32AddModule, fp32RoundModule } from '../../rtl/fp32/index';
import { type UnitVectors, addVectors, emitUnit, mulVectors, pipelinedFp32Unit, roundVectors, simulateUnit } from '../../rtl/fp32/check';
import { addCorners, addRandom, bf16MulCorners, bf16MulRandom, roundCorners, roundRandom } from '../../rtl/fp32/vectors';
import type { Module } from '../../hdl/index';
import type { SimulatorName } from '../../sim';
import type { RegressLevel, Suite, SuiteContext, SuiteRun, WorkItem } from '../suite';

/** Random vectors per unit (corners come on top). Verilator runs ~1 M vectors/s; Icarus ~25 k/s. */
const COUNTS: Record<RegressLevel, Record<SimulatorName, number>> = {
  ci: { verilator: 100_000, icarus: 20_000 },
  long: { verilator: 10_000_000, icarus: 500_000 },
};
const BATCH = 1_000_000;

/** (magWidth, expWidth) of fp32_round: MXSF sums, a mid width, E5M2 sums, and a narrow one. */
export const FP32_ROUND_SUITE_CONFIGS: readonly (readonly [number, number])[] = [
  [30, 9],
  [42, 10],
  [70, 10],
  [22, 9],
];

interface UnitPlan {
  readonly module: Module;
  readonly what: string;
  /** random stalls and back-pressure (pipelined units) */
  readonly stall?: number;
  readonly corners: (m: Module) => UnitVectors;
  readonly random: (m: Module, n: number, seed: number) => UnitVectors;
}

function plans(): UnitPlan[] {
  return [
    ...FP32_ROUND_SUITE_CONFIGS.map(([W, E]): UnitPlan => ({
      module: fp32RoundModule(W, E),
      what: 'corners+random',
      corners: (m) => roundVectors(m, roundCorners(W, E)),
      random: (m, n, seed) => roundVectors(m, roundRandom(W, E, n, seed)),
    })),
    {
      module: fp32AddModule(),
      what: 'corners+random',
      corners: (m) => addVectors(m, addCorners()),
      random: (m, n, seed) => addVectors(m, addRandom(n, seed)),
    },
    {
      module: bf16MulModule(),
      what: 'corners+random',
      corners: (m) => mulVectors(m, bf16MulCorners()),
      random: (m, n, seed) => mulVectors(m, bf16MulRandom(n, seed)),
    },
    // the same units pipelined by the planner (register stages inside them), with random stalls
    {
      module: pipelinedFp32Unit((s) => fp32AddModule(s), 4, true),
      what: 'corners+random, stall 20%',
      stall: 20,
      corners: (m) => addVectors(m, addCorners()),
      random: (m, n, seed) => addVectors(m, addRandom(n, seed)),
    },
    {
      module: pipelinedFp32Unit((s) => fp32RoundModule(70, 10, s), 3),
      what: 'corners+random, stall 20%',
      stall: 20,
      corners: (m) => roundVectors(m, roundCorners(70, 10)),
      random: (m, n, seed) => roundVectors(m, roundRandom(70, 10, n, seed)),
    },
    {
      module: pipelinedFp32Unit((s) => bf16MulModule(s), 5),
      what: 'corners+random, stall 20%',
      stall: 20,
      corners: (m) => mulVectors(m, bf16MulCorners()),
      random: (m, n, seed) => mulVectors(m, bf16MulRandom(n, seed)),
    },
  ];
}

/** Per unit and batch seed, so every batch and unit draws different vectors for one suite seed. */
const batchSeed = (seed: number, unit: number, batch: number): number => (Math.imul(seed, 1_000_003) + unit * 10_007 + batch * 101) | 0;

async function runUnit(ctx: SuiteContext, plan: UnitPlan, unit: number, sim: SimulatorName): Promise<SuiteRun> {
  const m = plan.module;
  const files = emitUnit(m);
  const total = COUNTS[ctx.level][sim];
  const t0 = performance.now();
  let vectors = 0;
  let mismatches = 0;
  let report: string | undefined;
  for (let batch = 0, done = 0; done < total; batch++) {
    const n = Math.min(BATCH, total - done);
    const seed = batchSeed(ctx.seed, unit, batch);
    const rnd = plan.random(m, n, seed);
    const v = batch === 0 ? concatVectors(plan.corners(m), rnd) : rnd;
    const r = await simulateUnit(sim, m, files, v, seed, `batch ${batch} (suite seed ${ctx.seed})`, plan.stall ?? 0);
    vectors += r.vectors;
    mismatches += r.mismatches;
    if (r.mismatches > 0 && report === undefined) report = r.text;
    done += n;
  }
  const seconds = (performance.now() - t0) / 1000;
  ctx.log(`${m.name} ${sim}: ${vectors} vectors, ${mismatches} mismatches, ${seconds.toFixed(1)} s`);
  return { label: `${m.name} ${plan.what}`, sim, vectors, mismatches, seconds, ...(report ? { report } : {}) };
}

function concatVectors(a: UnitVectors, b: UnitVectors): UnitVectors {
  return { inputs: [...a.inputs, ...b.inputs], expected: [...a.expected, ...b.expected] };
}

export const fp32Suite: Suite = {
  name: 'fp32',
  summary: 'fp32_round (4 configs), fp32_add, bf16_mul_fp32 vs the golden model, combinational and pipelined (depths 3-5, skid, stalls)',
  async run(ctx) {
    const runs: SuiteRun[] = [];
    for (const item of this.items!(ctx)) runs.push(...(await item.run(ctx)));
    return runs;
  },
  items(ctx: SuiteContext): WorkItem[] {
    const ps = plans();
    return ctx.sims.flatMap((sim) => ps.map((p, k) => ({ key: `${p.module.name} ${sim}`, run: async (c: SuiteContext) => [await runUnit(c, p, k, sim)] })));
  },
};
