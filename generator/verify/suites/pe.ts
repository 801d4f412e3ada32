// Regression of the processing elements against the golden model (chunkDot + fp32AddBits; gemmBf16's
// product/pairwise-tree rule for bf16), bit-exact on the FP32 accumulator output:
//   - exhaustive: every pair of codes through a k = 1 PE for every format with itself and for the mixed
//     pair (65,536 vectors for 8-bit pairs, mxsf x mxsf included), scales and accumulators mixed in;
//     the bf16 PE gets every sign/exponent pair of its operands; both simulators;
//   - random and corner chunks at k = 32 for every PE (cancellation to zero, FP32-subnormal and
//     overflowing results, NaN scales, NaN/Inf codes, accumulator +-0, +-Inf, NaN, acc = -r):
//     ci: 100k per PE on Verilator and 1k on Icarus (Icarus runs the k = 32 PEs at 75-300 vectors/s with the
//     word-level csa_w tree; 20-80/s with the inline full adders before); long: 10 M on Verilator, 50k on Icarus;
//   - GEMM through the PE (generator/rtl/pe/gemm.ts, what `mxgen sim gemm` runs) for 1x32/32x1 and 8x8 tiles,
//     several chunks per output with the accumulator carried and a padded last chunk, against golden gemm();
//   - pipeline depths vary between runs (0..5; register stages placed by the planner), some with the skid output
//     buffer, and some runs stall the handshake at random;
//   - accumulate in place (k = 8, depth 1..5, skid on even targets): runs of 1..12 chunks (ci: 20k runs on
//     Verilator, 500 on Icarus; long: 1M / 20k) against the fold of step 4, and the 8x8 GEMM through that PE.

import {
  BASELINE_BF16, FORMAT_NAMES, FP32_CANONICAL_NAN, FORMAT_TABLE, chunkDot, floatToBits, gemm, gemmBf16, makeMatrix, type FormatName, type Matrix,
} from '../../golden/index';
import { simGemm } from '../../rtl/pe/gemm';
import { type Module } from '../../hdl/index';
import { compareOutputs, type SimulatorName } from '../../sim';
import { bf16PeModule } from '../../rtl/pe/bf16-pe';
import { MIXED_PAIRS } from '../../rtl/pe/configs';
import { mxPeModule } from '../../rtl/pe/mx-pe';
import { PeSimulator } from '../../rtl/pe/run';
import {
  type PeCase, type PeKind, accRunModel, bf16ProductGrid, exhaustivePairs, packAccRuns, peInputPacker, peModel, randomAccRuns, randomBf16Cases, randomMxCases,
} from '../../rtl/pe/vectors';
import type { Suite, SuiteContext, SuiteRun, WorkItem } from '../suite';
import { Prng, jobSeed } from '../../util/prng';

interface PeTarget {
  readonly kind: PeKind;
  readonly build: (k: number, depth: number, opts?: { skid?: boolean; acc?: boolean }) => Module;
}

function targets(): PeTarget[] {
  const mx = (formatA: FormatName, formatB: FormatName): PeTarget => ({
    kind: { kind: 'mx', formatA, formatB },
    build: (k, depth, opts = {}) => mxPeModule({ formatA, formatB, k, depth, ...opts }),
  });
  return [
    ...FORMAT_NAMES.map((f) => mx(f, f)),
    ...MIXED_PAIRS.map(([a, b]) => mx(a, b)),
    { kind: { kind: 'bf16' }, build: (k, depth, opts = {}) => bf16PeModule({ k, depth, ...opts }) },
  ];
}

/** Batch size of one simulator run (bounds memory: vectors are held as bigints). */
const BATCH = 250_000;

interface Check {
  readonly type: 'vectors';
  readonly label: string;
  readonly sim: SimulatorName;
  readonly target: PeTarget;
  readonly k: number;
  readonly depth: number;
  readonly skid: boolean;
  readonly stall: number;
  readonly total: number;
  /** cases [from, from + n) of this check */
  readonly cases: (from: number, n: number) => PeCase[];
}

/** Runs of chunks through the accumulate-in-place PE (one acc_o per run). */
interface AccCheck {
  readonly type: 'acc';
  readonly label: string;
  readonly sim: SimulatorName;
  readonly target: PeTarget;
  readonly k: number;
  readonly depth: number;
  readonly skid: boolean;
  readonly stall: number;
  readonly runs: number;
  readonly maxLen: number;
}

/** Classes of FP32 results, to show which corners a run reached. */
function classify(bits: number): string {
  const e = (bits >>> 23) & 0xff;
  const m = bits & 0x7fffff;
  if (e === 0xff) return m ? 'nan' : 'inf';
  if (e === 0) return m ? 'subnormal' : 'zero';
  return 'normal';
}

/** C = A * B through the PE (one run per chunk index), compared element by element with the golden gemm. */
interface GemmCheck {
  readonly type: 'gemm';
  readonly label: string;
  readonly sim: SimulatorName;
  readonly target: PeTarget;
  readonly shape: '1x32' | '8x8';
  /** the accumulate-in-place PE, depth and skid option (default: host accumulation at SIM_GEMM_DEPTH) */
  readonly inPlace?: { readonly depth: number; readonly skid: boolean };
}

/** A random FP32 matrix: Gaussian-like values over a wide exponent spread, zeros, and rare FP32 subnormals. */
function randomMatrix(rows: number, cols: number, rng: Prng): Matrix {
  const bits = new Uint32Array(rows * cols);
  for (let i = 0; i < bits.length; i++) {
    const r = rng.int(40);
    if (r === 0) bits[i] = 0;
    else if (r === 1) bits[i] = (rng.u32() & 0x807fffff) >>> 0;
    else {
      const u = (rng.u32() + 1) / 4294967297;
      const v = (rng.u32() + 1) / 4294967297;
      bits[i] = floatToBits(Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v) * 2 ** rng.range(-20, 12));
    }
  }
  return makeMatrix(rows, cols, bits);
}

async function runGemmCheck(c: GemmCheck, ctx: SuiteContext, seed: number): Promise<SuiteRun> {
  const t0 = performance.now();
  const rng = new Prng(seed);
  // 1x32: K = 80 (two full chunks and a padded one); 8x8: K = 20 (likewise); C given (with specials)
  const [M, K, N] = c.shape === '1x32' ? [6, 80, 5] : [16, 20, 16];
  const edge = c.shape === '1x32' ? 32 : 8;
  const blockA = c.shape === '1x32' ? { rows: 1, cols: 32 } : { rows: 8, cols: 8 };
  const blockB = c.shape === '1x32' ? { rows: 32, cols: 1 } : { rows: 8, cols: 8 };
  const a = randomMatrix(M, K, rng);
  const b = randomMatrix(K, N, rng);
  const cm = randomMatrix(M, N, rng);
  cm.bits[0] = 0x7f800000;
  cm.bits[1] = 0x80000000;
  const kind = c.target.kind;
  const formatA = kind.kind === 'mx' ? kind.formatA : BASELINE_BF16;
  const formatB = kind.kind === 'mx' ? kind.formatB : BASELINE_BF16;
  const r = await simGemm(a, b, {
    formatA, formatB, blockA, blockB, scaleMode: 'floor', c: cm, sim: c.sim, seed, stallPercent: 10,
    ...(c.inPlace ? { accumulate: 'in-place' as const, depth: c.inPlace.depth, skid: c.inPlace.skid } : {}),
  });
  const golden =
    kind.kind === 'mx'
      ? gemm(a, b, { formatA: kind.formatA, formatB: kind.formatB, blockA, blockB, scaleMode: 'floor', c: cm })
      : gemmBf16(a, b, cm, edge);
  let mismatches = 0;
  const shown: string[] = [];
  for (let i = 0; i < golden.bits.length; i++) {
    if (golden.bits[i] === r.result.bits[i]) continue;
    mismatches++;
    if (shown.length < 5) shown.push(`  C[${Math.floor(i / N)},${i % N}] expected 0x${golden.bits[i]!.toString(16)} actual 0x${r.result.bits[i]!.toString(16)}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  ctx.log(`${c.sim.padEnd(9)} ${r.top.padEnd(36)} ${c.label.padEnd(26)} ${String(r.transactions).padStart(8)} transactions (${M}x${N} outputs, ${r.chunks} chunks) ${mismatches} bad ${seconds.toFixed(1).padStart(6)} s`);
  return {
    label: `${r.top} ${c.label}`,
    sim: c.sim,
    vectors: r.transactions,
    mismatches,
    seconds,
    ...(mismatches ? { report: [`${r.top} ${c.label} (${c.sim}, seed ${seed}): ${mismatches} of ${golden.bits.length} elements of C differ`, ...shown].join('\n') } : {}),
  };
}

async function runAccCheck(c: AccCheck, ctx: SuiteContext, seed: number): Promise<SuiteRun> {
  const top = c.target.build(c.k, c.depth, { acc: true, skid: c.skid });
  const sim = new PeSimulator(top);
  const t0 = performance.now();
  const kind = c.target.kind;
  const runs = randomAccRuns(kind, c.k, c.runs, c.maxLen, seed);
  const vectors = packAccRuns(kind, c.k, runs, seed + 1);
  const model = accRunModel(kind);
  const shown: string[] = [];
  let mismatches = 0;
  let cycles = 0;
  try {
    const r = await sim.run(vectors, { sim: c.sim, seed, stallPercent: c.stall, waves: ctx.waves, expectedOutputs: runs.length });
    cycles = r.cycles;
    runs.forEach((run, i) => {
      const e = model(run);
      const a = Number(r.outputs[i]);
      if (e === a) return;
      mismatches++;
      if (shown.length < 3) shown.push(`  run #${i}: ${run.chunks.length} chunks from acc 0x${run.start.toString(16)}: expected 0x${e.toString(16)} actual 0x${a.toString(16)}`);
    });
  } finally {
    sim.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  ctx.log(`${c.sim.padEnd(9)} ${top.name.padEnd(36)} ${c.label.padEnd(26)} ${String(runs.length).padStart(8)} runs (${vectors.length} chunks, ${cycles} cycles) ${mismatches} bad ${seconds.toFixed(1).padStart(6)} s  stall ${c.stall}%`);
  return {
    label: `${top.name} ${c.label}`,
    sim: c.sim,
    vectors: runs.length,
    mismatches,
    seconds,
    ...(mismatches ? { report: [`${top.name} ${c.label} (${c.sim}, seed ${seed}, stall ${c.stall}%): ${mismatches} of ${runs.length} runs differ`, ...shown].join('\n') } : {}),
  };
}

async function runCheck(c: Check, ctx: SuiteContext, seed: number): Promise<SuiteRun> {
  const top = c.target.build(c.k, c.depth, { skid: c.skid });
  const sim = new PeSimulator(top);
  const pack = peInputPacker(c.target.kind, c.k);
  const model = peModel(c.target.kind);
  const t0 = performance.now();
  let mismatches = 0;
  let vectors = 0;
  let genSeconds = 0;
  let buildSeconds = 0;
  let simSeconds = 0;
  let report: string | undefined;
  const outClasses = new Map<string, number>();
  const rClasses = new Map<string, number>();
  const kind = c.target.kind;
  try {
    for (let from = 0; from < c.total; from += BATCH) {
      const g0 = performance.now();
      const cases = c.cases(from, Math.min(BATCH, c.total - from));
      const inputs = cases.map(pack);
      const expected = cases.map((x) => BigInt(model(x)));
      genSeconds += (performance.now() - g0) / 1000;
      const r = await sim.run(inputs, { sim: c.sim, seed: seed + from, stallPercent: c.stall, waves: ctx.waves });
      buildSeconds += r.buildSeconds;
      simSeconds += r.seconds;
      const cmp = compareOutputs({ expected, actual: r.outputs, iface: top.interface(), inputs, seed: seed + from, describe: `${c.sim} ${c.label}` });
      vectors += cmp.vectors;
      mismatches += cmp.mismatches;
      if (!cmp.ok && !report) report = cmp.text;
      for (const e of expected) outClasses.set(classify(Number(e)), (outClasses.get(classify(Number(e))) ?? 0) + 1);
      if (kind.kind === 'mx') {
        const fa = FORMAT_TABLE[kind.formatA];
        const fb = FORMAT_TABLE[kind.formatB];
        for (const x of cases.slice(0, 20_000)) {
          const rb = chunkDot(fa, x.a, x.xa, fb, x.b, x.xb);
          const cls = rb === FP32_CANONICAL_NAN ? 'nan' : classify(rb);
          rClasses.set(cls, (rClasses.get(cls) ?? 0) + 1);
        }
      }
    }
  } finally {
    sim.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  const show = (m: Map<string, number>): string => [...m].sort().map(([k, v]) => `${k} ${v}`).join(', ');
  ctx.log(
    `${c.sim.padEnd(9)} ${top.name.padEnd(36)} ${c.label.padEnd(26)} ${String(vectors).padStart(8)} vectors ${String(mismatches).padStart(4)} bad ` +
      `${seconds.toFixed(1).padStart(6)} s (gen ${genSeconds.toFixed(1)}, build ${buildSeconds.toFixed(1)}, sim ${simSeconds.toFixed(1)})  stall ${c.stall}%  acc_o: ${show(outClasses)}${rClasses.size ? `  | r (sample): ${show(rClasses)}` : ''}`,
  );
  return { label: `${top.name} ${c.label}`, sim: c.sim, vectors, mismatches, seconds, ...(report ? { report } : {}) };
}

function checksFor(t: PeTarget, sim: SimulatorName, ctx: SuiteContext, idx: number): (Check | GemmCheck | AccCheck)[] {
  const long = ctx.level === 'long';
  const seed = jobSeed(ctx.seed, `pe target ${idx}`);
  const out: (Check | GemmCheck | AccCheck)[] = [];
  // exhaustive pairs (k = 1); every other target stalls; the depth varies over the targets (skid on odd ones)
  const ex = t.kind.kind === 'mx' ? exhaustivePairs(t.kind, seed) : bf16ProductGrid(seed);
  const exDepth = sim === 'verilator' ? 1 + (idx % 5) : idx % 4;
  out.push({
    type: 'vectors',
    label: t.kind.kind === 'mx' ? 'exhaustive pairs k=1' : 'sign/exp pairs k=1',
    sim, target: t, k: 1, depth: exDepth, skid: exDepth > 0 && idx % 2 === 1, stall: idx % 2 ? 25 : 0, total: ex.length,
    cases: (from, n) => ex.slice(from, from + n),
  });
  // random and corner chunks (k = 32)
  const total = sim === 'verilator' ? (long ? 10_000_000 : 100_000) : long ? 50_000 : 1_000;
  // Verilator: depth 1, the configuration `mxgen sim gemm` and the gemm checks below build (one build for both)
  const depth = sim === 'verilator' ? 1 : [0, 3, 1, 4, 2, 5][idx % 6]!;
  const kind = t.kind;
  out.push({
    type: 'vectors',
    label: 'random+corner k=32',
    sim, target: t, k: 32, depth, skid: sim === 'icarus' && depth > 0 && idx % 3 === 2, stall: idx % 3 === 0 ? 20 : 0, total,
    cases: (from, n) => (kind.kind === 'mx' ? randomMxCases(kind, 32, n, seed + 1 + from) : randomBf16Cases(32, n, seed + 1 + from)),
  });
  out.push({ type: 'gemm', label: 'gemm 1x32 x 32x1', sim, target: t, shape: '1x32' });
  out.push({ type: 'gemm', label: 'gemm 8x8 x 8x8', sim, target: t, shape: '8x8' });
  // accumulate in place (k = 8): runs of 1..12 chunks with random stalls, and the 8x8 GEMM through the same PE
  const accDepth = 1 + ((idx + (sim === 'icarus' ? 2 : 0)) % 5);
  const accSkid = idx % 2 === 0;
  const runs = sim === 'verilator' ? (long ? 1_000_000 : 20_000) : long ? 20_000 : 500;
  out.push({ type: 'acc', label: 'acc-in-place runs k=8', sim, target: t, k: 8, depth: accDepth, skid: accSkid, stall: idx % 2 ? 30 : 10, runs, maxLen: 12 });
  out.push({ type: 'gemm', label: 'gemm 8x8 acc-in-place', sim, target: t, shape: '8x8', inPlace: { depth: accDepth, skid: accSkid } });
  return out;
}

function runPeCheck(c: Check | GemmCheck | AccCheck, ctx: SuiteContext, i: number): Promise<SuiteRun> {
  const seed = jobSeed(ctx.seed, `pe check ${i}`);
  return c.type === 'gemm' ? runGemmCheck(c, ctx, seed) : c.type === 'acc' ? runAccCheck(c, ctx, seed) : runCheck(c, ctx, seed);
}

export const peSuite: Suite = {
  name: 'pe',
  summary: 'MX and BF16 processing elements: exhaustive code pairs (k=1), random and corner chunks (k=32), GEMM 1x32 and 8x8 through the PE, accumulate-in-place runs and GEMM (k=8), depths 0..5, skid, vs the golden model',
  async run(ctx) {
    const checks = ctx.sims.flatMap((sim) => targets().flatMap((t, i) => checksFor(t, sim, ctx, i)));
    // two simulator processes at a time (builds dominate at ci level)
    const runs: SuiteRun[] = new Array<SuiteRun>(checks.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < checks.length) {
        const i = next++;
        runs[i] = await runPeCheck(checks[i]!, ctx, i);
      }
    };
    await Promise.all([worker(), worker()]);
    return runs;
  },
  // one item per check; the check's seed comes from its index in the whole list, as in run()
  items(ctx: SuiteContext): WorkItem[] {
    const checks = ctx.sims.flatMap((sim) => targets().flatMap((t, i) => checksFor(t, sim, ctx, i)));
    return checks.map((c, i) => ({ key: `check ${i} ${c.sim}`, run: async (x: SuiteContext) => [await runPeCheck(c, x, i)] }));
  },
};
