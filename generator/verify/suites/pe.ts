// Regression of the processing elements against the golden model (chunkDot + fp32AddBits; gemmBf16's
// product/pairwise-tree rule for bf16), bit-exact on the FP32 accumulator output:
//   - exhaustive: every pair of codes through a k = 1 PE for every format with itself and for the mixed
//     pair (65,536 vectors for 8-bit pairs, mxsf x mxsf included), scales and accumulators mixed in;
//     the bf16 PE gets every sign/exponent pair of its operands; both simulators;
//   - random and corner chunks at k = 32 for every PE (cancellation to zero, FP32-subnormal and
//     overflowing results, NaN scales, NaN/Inf codes, accumulator +-0, +-Inf, NaN, acc = -r):
//     ci: 100k per PE on Verilator and 2k on Icarus; long: 10 M per PE on Verilator, 200k on Icarus;
//   - pipeline depths vary between runs (0..3) and some runs stall the handshake at random.

import { FORMAT_NAMES, FP32_CANONICAL_NAN, chunkDot, FORMAT_TABLE, type FormatName } from '../../golden/index';
import { type Module } from '../../hdl/index';
import { compareOutputs, type SimulatorName } from '../../sim';
import { bf16PeModule } from '../../rtl/pe/bf16-pe';
import { MIXED_PAIRS } from '../../rtl/pe/configs';
import { mxPeModule } from '../../rtl/pe/mx-pe';
import { PeSimulator } from '../../rtl/pe/run';
import {
  type PeCase, type PeKind, bf16ProductGrid, exhaustivePairs, peInputPacker, peKindLabel, peModel, randomBf16Cases, randomMxCases,
} from '../../rtl/pe/vectors';
import type { Suite, SuiteContext, SuiteRun } from '../suite';

interface PeTarget {
  readonly kind: PeKind;
  readonly build: (k: number, depth: number) => Module;
}

function targets(): PeTarget[] {
  const mx = (formatA: FormatName, formatB: FormatName): PeTarget => ({
    kind: { kind: 'mx', formatA, formatB },
    build: (k, depth) => mxPeModule({ formatA, formatB, k, depth }),
  });
  return [
    ...FORMAT_NAMES.map((f) => mx(f, f)),
    ...MIXED_PAIRS.map(([a, b]) => mx(a, b)),
    { kind: { kind: 'bf16' }, build: (k, depth) => bf16PeModule({ k, depth }) },
  ];
}

/** Batch size of one simulator run (bounds memory: vectors are held as bigints). */
const BATCH = 250_000;

interface Check {
  readonly label: string;
  readonly sim: SimulatorName;
  readonly target: PeTarget;
  readonly k: number;
  readonly depth: number;
  readonly stall: number;
  readonly total: number;
  /** cases [from, from + n) of this check */
  readonly cases: (from: number, n: number) => PeCase[];
}

/** Classes of FP32 results, to show which corners a run reached. */
function classify(bits: number): string {
  const e = (bits >>> 23) & 0xff;
  const m = bits & 0x7fffff;
  if (e === 0xff) return m ? 'nan' : 'inf';
  if (e === 0) return m ? 'subnormal' : 'zero';
  return 'normal';
}

async function runCheck(c: Check, ctx: SuiteContext, seed: number): Promise<SuiteRun> {
  const top = c.target.build(c.k, c.depth);
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

function checksFor(t: PeTarget, sim: SimulatorName, ctx: SuiteContext, idx: number): Check[] {
  const long = ctx.level === 'long';
  const seed = ctx.seed * 1000 + idx * 10;
  const out: Check[] = [];
  // exhaustive pairs (k = 1); every other target stalls
  const ex = t.kind.kind === 'mx' ? exhaustivePairs(t.kind, seed) : bf16ProductGrid(seed);
  out.push({
    label: t.kind.kind === 'mx' ? 'exhaustive pairs k=1' : 'sign/exp pairs k=1',
    sim, target: t, k: 1, depth: 1, stall: idx % 2 ? 25 : 0, total: ex.length,
    cases: (from, n) => ex.slice(from, from + n),
  });
  // random and corner chunks (k = 32)
  const total = sim === 'verilator' ? (long ? 10_000_000 : 100_000) : long ? 200_000 : 2_000;
  const depth = sim === 'verilator' ? 2 : idx % 2 ? 3 : 0;
  const kind = t.kind;
  out.push({
    label: 'random+corner k=32',
    sim, target: t, k: 32, depth, stall: idx % 3 === 0 ? 20 : 0, total,
    cases: (from, n) => (kind.kind === 'mx' ? randomMxCases(kind, 32, n, seed + 1 + from) : randomBf16Cases(32, n, seed + 1 + from)),
  });
  return out;
}

export const peSuite: Suite = {
  name: 'pe',
  summary: 'MX and BF16 processing elements: exhaustive code pairs (k=1), random and corner chunks (k=32), vs chunkDot + fp32 add',
  async run(ctx) {
    const checks = ctx.sims.flatMap((sim) => targets().flatMap((t, i) => checksFor(t, sim, ctx, i)));
    // two simulator processes at a time (builds dominate at ci level)
    const runs: SuiteRun[] = new Array<SuiteRun>(checks.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < checks.length) {
        const i = next++;
        runs[i] = await runCheck(checks[i]!, ctx, ctx.seed * 7919 + i);
      }
    };
    await Promise.all([worker(), worker()]);
    return runs;
  },
};

export { peKindLabel };
