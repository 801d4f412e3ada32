// Regression of the accelerator (generator/rtl/array): random GEMM commands through generated arrays, every FP32
// bit, code and scale against the golden model, every command's cycle count against the cycle model, with random
// bubbles and back-pressure on the host ports; and the training step (X*W, dY*W^T, X^T*dY) of `mxgen sim
// train-step`. Sizes that are and are not multiples of T, R and C; ops nn, tn, nt, tt; accumulation; FP32,
// re-quantized and both outputs; quantized FP32 data, FP32 specials, raw codes with NaN/Inf codes and NaN scales.
//
//   ci:   every format and bf16: 24 GEMMs on a small array under Icarus (shapes 1x1 T2 .. 3x2 T4, depths 0..2);
//         Verilator: 24 GEMMs on mxsf 4x4 T8 and bf16 2x3 T4, the mxsf 4x4 T8 training step
//   long: every format and bf16 under Verilator: 60 GEMMs each on 2x3 T4, 4x4 T8, 8x8 T8, 8x8 T16 and the
//         training step on 4x4 T8; Icarus: the ci set with 60 GEMMs

import { BASELINE_BF16, FORMAT_NAMES } from '../../golden/index';
import type { SimulatorName } from '../../sim/index';
import { randomCases, runGemmCases } from '../../rtl/array/check';
import type { ArrayConfig, ArrayFormat } from '../../rtl/array/config';
import { ArraySimulator } from '../../rtl/array/sim';
import { arrayTrainStep } from '../../rtl/array/train-step';
import type { Suite, SuiteContext, SuiteRun } from '../suite';
import { jobSeed } from '../../util/prng';

const FORMATS: readonly ArrayFormat[] = [...FORMAT_NAMES, BASELINE_BF16];

interface Job {
  readonly cfg: ArrayConfig;
  readonly sim: SimulatorName;
  readonly cases: number;
  readonly maxDim: number;
}

const cfgOf = (format: ArrayFormat, rows: number, cols: number, tile: number, depth = 1, scaleMode: 'floor' | 'rceil' = 'floor'): ArrayConfig => ({
  format, rows, cols, tile, scaleMode, depth, bufferTiles: 64,
});

/** Small Icarus shapes, rotated over the formats so each format sees a different one. */
const SMALL: readonly [number, number, number, number][] = [
  [2, 3, 4, 1],
  [1, 1, 2, 0],
  [3, 2, 4, 2],
  [2, 2, 4, 1],
  [1, 2, 4, 0],
];

function jobs(level: 'ci' | 'long', sims: readonly SimulatorName[]): Job[] {
  const out: Job[] = [];
  const n = level === 'ci' ? 24 : 60;
  if (sims.includes('icarus'))
    FORMATS.forEach((f, i) => {
      const [r, c, t, d] = SMALL[i % SMALL.length]!;
      out.push({ cfg: cfgOf(f, r, c, t, d, i % 3 === 2 && f !== BASELINE_BF16 ? 'rceil' : 'floor'), sim: 'icarus', cases: n, maxDim: 3 * t + 1 });
    });
  if (sims.includes('verilator')) {
    if (level === 'ci') {
      out.push({ cfg: cfgOf('mxsf', 4, 4, 8), sim: 'verilator', cases: 24, maxDim: 40 });
      out.push({ cfg: cfgOf(BASELINE_BF16, 2, 3, 4, 2), sim: 'verilator', cases: 24, maxDim: 20 });
    } else
      for (const f of FORMATS) {
        out.push({ cfg: cfgOf(f, 2, 3, 4, 0), sim: 'verilator', cases: 60, maxDim: 20 });
        out.push({ cfg: cfgOf(f, 4, 4, 8), sim: 'verilator', cases: 60, maxDim: 40 });
        out.push({ cfg: { ...cfgOf(f, 8, 8, 8, 2), bufferTiles: 256 }, sim: 'verilator', cases: 60, maxDim: 70 });
        out.push({ cfg: { ...cfgOf(f, 8, 8, 16), bufferTiles: 64 }, sim: 'verilator', cases: 30, maxDim: 70 });
      }
  }
  return out;
}

async function runJob(j: Job, ctx: SuiteContext, i: number): Promise<SuiteRun> {
  const t0 = performance.now();
  const seed = jobSeed(ctx.seed, `array job ${i}`);
  const sim = new ArraySimulator(j.cfg);
  const label = `${sim.top.name} ${j.cases} GEMMs`;
  try {
    const cases = randomCases(j.cfg, j.cases, seed, j.maxDim);
    // two runs: no stalls, and 30 % bubbles/back-pressure on the host ports
    const half = Math.ceil(cases.length / 2);
    let compared = 0;
    let bad = 0;
    const detail: string[] = [];
    for (const [part, stall] of [[cases.slice(0, half), 0], [cases.slice(half), 30]] as const) {
      const r = await runGemmCases(sim, part, { sim: j.sim, seed, stallPercent: stall, ...(ctx.waves ? { waves: true } : {}) });
      for (const x of r.results) {
        compared += x.compared;
        if (!x.ok) {
          bad += Math.max(1, x.mismatches);
          if (detail.length < 8) detail.push(`${x.label}: ${x.detail.join('; ')}`);
        }
      }
      ctx.log(`${sim.top.name} ${j.sim}: ${part.length} GEMMs, stall ${stall}% -> ${r.results.filter((x) => !x.ok).length} failing, ${r.cycles} cycles, run ${r.seconds.toFixed(1)} s`);
    }
    const report = bad ? `${label} (${j.sim}, seed ${seed}; rerun with --seed ${ctx.seed}):\n  ${detail.join('\n  ')}` : undefined;
    return { label, sim: j.sim, vectors: compared, mismatches: bad, seconds: (performance.now() - t0) / 1000, ...(report ? { report } : {}) };
  } catch (e) {
    return { label, sim: j.sim, vectors: 0, mismatches: 1, seconds: (performance.now() - t0) / 1000, report: `${label} (${j.sim}, seed ${seed}): ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    sim.dispose();
  }
}

async function trainStep(format: ArrayFormat, sim: SimulatorName, ctx: SuiteContext): Promise<SuiteRun> {
  const t0 = performance.now();
  const label = `train step ${format} 4x4 T8 37x70x21`;
  try {
    const r = await arrayTrainStep({ format, rows: 4, cols: 4, tile: 8, m: 37, k: 70, n: 21, seed: ctx.seed, sim, stallPercent: 20 });
    const compared = r.gemms.reduce((s, g) => s + g.fp32Compared + (g.mxCompared ?? 0), 0);
    const bad = r.gemms.reduce((s, g) => s + g.fp32Mismatches + (g.mxMismatches ?? 0) + (g.cycles === g.model.cycles ? 0 : 1), 0);
    ctx.log(`${label} ${sim}: ${r.gemms.map((g) => `${g.name} ${g.cycles} cycles`).join(', ')}; ${r.ok ? 'bit-exact' : 'MISMATCH'}`);
    return { label, sim, vectors: compared, mismatches: bad, seconds: (performance.now() - t0) / 1000, ...(r.ok ? {} : { report: r.gemms.flatMap((g) => g.diff).join('\n') }) };
  } catch (e) {
    return { label, sim, vectors: 0, mismatches: 1, seconds: (performance.now() - t0) / 1000, report: `${label}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export const arraySuite: Suite = {
  name: 'array',
  summary: 'the accelerator: random GEMM commands (ops, padding, accumulation, FP32 and re-quantized outputs, host stalls) and the training step, bits and cycle counts',
  async run(ctx) {
    const runs: SuiteRun[] = [];
    const js = jobs(ctx.level, ctx.sims);
    for (let i = 0; i < js.length; i++) runs.push(await runJob(js[i]!, ctx, i));
    if (ctx.sims.includes('verilator')) {
      const fs = ctx.level === 'ci' ? ['mxsf' as ArrayFormat] : FORMATS;
      for (const f of fs) runs.push(await trainStep(f, 'verilator', ctx));
    }
    return runs;
  },
};
