// Regression of the block quantizer (generator/rtl/quantizer) against the golden model, on the checked-in RTL of
// rtl-out/ (every reference configuration: every format k = 32 floor FP32, mxsf rceil, mxsf BF16 input).
// Blocks: the corner blocks of vectors.ts (the contract's public cases, ties at every code midpoint at several
// shared exponents, saturation, E8M0 clamps, maxima just below powers of two, subnormals, zeros, NaN/Inf)
// followed by seeded random blocks from several distributions. Every output beat (scale and all k codes) is
// compared bit for bit; random valid/ready stalls on both sides in part of the runs.
//
// Random blocks per configuration and simulator (plus the corner blocks once):
//   ci:   verilator 100k, icarus 10k       long: verilator 10M, icarus 100k
// Runs are cut into chunks of at most 50k blocks, each with its own seed and stall probability (30, 0, 50, 10 %).
// The ports come from the in-memory module (the generator's own port interface), the Verilog from rtl-out/.
// Then pipelined quantizers (register stages placed by the planner; ci: mxsf floor FP32 depth 4 with a skid buffer,
// mxfp8-e5m2 rceil BF16 depth 3, verilator 20k and icarus 2k random blocks; long: three more, 1M / 20k), built
// into scratch directories.
// Then `mxgen sim quantize` (in-process) for every format and both scale modes on a 4x70 matrix, each simulator.

import { codeBits, FORMAT_NAMES, FORMAT_TABLE, makeMatrix, quantize, type Matrix } from '../../golden';
import { diffSummary, simQuantize } from '../../drivers/sim-quantize';
import { compareOutputs, dataPorts, packPorts, runSimulation, unpackPorts, type SimulatorName } from '../../sim';
import { quantizerReferenceSet, REFERENCE_K } from '../../rtl/quantizer/configs';
import { blockQuantizerModule, blockQuantizerName, type QuantizerConfig } from '../../rtl/quantizer/quantizer';
import { describeBlockMismatch, referenceRtlFiles, withQuantizerRtl, type QuantizerRtl } from '../../rtl/quantizer/run';
import { cornerBlocks, goldenBlock, packBlock, packCodes, randomBlocks, unpackCodes, type Block } from '../../rtl/quantizer/vectors';
import type { RegressLevel, Suite, SuiteContext, SuiteRun, WorkItem } from '../suite';

type Counts = Readonly<Record<RegressLevel, Readonly<Record<SimulatorName, number>>>>;
export const QUANTIZER_COUNTS: Counts = { ci: { verilator: 100_000, icarus: 10_000 }, long: { verilator: 10_000_000, icarus: 100_000 } };
const CHUNK = 50_000;
const STALLS = [30, 0, 50, 10];

/** Pipelined quantizers (register stages placed by the planner, not in rtl-out/): built into scratch directories. */
export const PIPELINED_QUANTIZERS: Readonly<Record<RegressLevel, readonly QuantizerConfig[]>> = {
  ci: [
    { format: 'mxsf', k: REFERENCE_K, scaleMode: 'floor', input: 'fp32', depth: 4, skid: true },
    { format: 'mxfp8-e5m2', k: REFERENCE_K, scaleMode: 'rceil', input: 'bf16', depth: 3 },
  ],
  long: [
    { format: 'mxsf', k: REFERENCE_K, scaleMode: 'floor', input: 'fp32', depth: 4, skid: true },
    { format: 'mxfp8-e5m2', k: REFERENCE_K, scaleMode: 'rceil', input: 'bf16', depth: 3 },
    { format: 'mxint8', k: REFERENCE_K, scaleMode: 'floor', input: 'fp32', depth: 6, skid: true },
    { format: 'mxfp4-e2m1', k: REFERENCE_K, scaleMode: 'rceil', input: 'fp32', depth: 2 },
    { format: 'mxsf', k: REFERENCE_K, scaleMode: 'rceil', input: 'bf16', depth: 8 },
  ],
};
export const PIPELINED_COUNTS: Counts = { ci: { verilator: 20_000, icarus: 2_000 }, long: { verilator: 1_000_000, icarus: 20_000 } };

export interface QuantizerRunOptions {
  readonly sim: SimulatorName;
  /** random blocks (the corner blocks come on top, in the first chunk) */
  readonly blocks: number;
  readonly seed: number;
  readonly waves?: boolean;
  readonly log?: (line: string) => void;
  /** run the Verilog of rtl-out/ (default) or build the configuration into a scratch directory */
  readonly rtl?: 'reference' | 'build';
}

export async function runQuantizerRegression(c: QuantizerConfig, o: QuantizerRunOptions): Promise<SuiteRun> {
  if (o.rtl === 'build') return withQuantizerRtl(c, (rtl) => runOn(c, o, rtl.rtlFiles));
  return runOn(c, o, referenceRtlFiles(blockQuantizerName(c)));
}

async function runOn(c: QuantizerConfig, o: QuantizerRunOptions, rtlFiles: readonly string[]): Promise<SuiteRun> {
  const t0 = performance.now();
  const top = blockQuantizerName(c);
  const label = `${top} corners+${o.blocks} random`;
  const B = codeBits(FORMAT_TABLE[c.format]);
  let vectors = 0;
  let mismatches = 0;
  let report: string | undefined;
  try {
    const iface = blockQuantizerModule(c).interface();
    const rtl: QuantizerRtl = { iface, rtlFiles, format: c.format, k: c.k, scaleMode: c.scaleMode, input: c.input };
    const ins = dataPorts(iface, 'input');
    const outs = dataPorts(iface, 'output');
    const corners = cornerBlocks(c.format, c.k, c.scaleMode, c.input);
    for (let first = 0, chunk = 0; first < o.blocks || chunk === 0; first += CHUNK, chunk++) {
      const n = Math.min(CHUNK, o.blocks - first);
      const seed = (o.seed * 7919 + chunk * 104729 + c.format.length * 31 + (c.scaleMode === 'rceil' ? 17 : 0) + (c.input === 'bf16' ? 5 : 0)) | 0;
      const stall = STALLS[chunk % STALLS.length]!;
      const blocks: Block[] = [...(chunk === 0 ? corners : []), ...randomBlocks(c.format, c.k, c.input, Math.max(0, n), seed)];
      const inputs = blocks.map((blk) => packPorts(ins, { x_i: packBlock(c.input, blk) }));
      const golden = blocks.map((blk) => goldenBlock(c.format, c.scaleMode, c.input, blk));
      const expected = golden.map((g) => {
        return packPorts(outs, { scale_o: BigInt(g.scale), codes_o: packCodes(g.codes, B) });
      });
      const r = await runSimulation({ sim: o.sim, iface, rtlFiles: rtl.rtlFiles, vectors: inputs, seed, stallPercent: stall, ...(o.waves ? { waves: true } : {}) });
      const what = `${o.sim} stall ${stall}%, ${chunk === 0 ? `${corners.length} corner blocks + ` : ''}random blocks ${first}..${first + Math.max(0, n) - 1}`;
      const rep = compareOutputs({ expected, actual: r.outputs, iface, inputs, seed, describe: what, maxShown: 3 });
      vectors += rep.vectors;
      mismatches += rep.mismatches;
      if (!rep.ok && report === undefined) {
        const i = rep.shown[0]?.index;
        const detail =
          i !== undefined && r.outputs[i] !== undefined
            ? (() => {
                const u = unpackPorts(outs, r.outputs[i]!);
                const actual = { scale: Number(u['scale_o']), codes: Uint8Array.from(unpackCodes(u['codes_o']!, c.k, B)) };
                return `\n  first mismatching block #${i}:\n    ` + describeBlockMismatch(rtl, blocks[i]!, golden[i]!, actual).split('\n').join('\n    ');
              })()
            : '';
        report = rep.text + detail;
      }
      o.log?.(`${top} ${o.sim}: ${what} -> ${rep.mismatches} mismatches, ${r.cycles} cycles, run ${r.seconds.toFixed(1)} s, build ${r.buildSeconds.toFixed(1)} s`);
    }
  } catch (e) {
    mismatches += 1;
    report = `${label} (${o.sim}): ${e instanceof Error ? e.message : String(e)}`;
  }
  return { label, sim: o.sim, vectors, mismatches, seconds: (performance.now() - t0) / 1000, ...(report !== undefined ? { report } : {}) };
}

/** The matrix of the `mxgen sim quantize` checks: 4 x 70 (two full 1x32 blocks and a partial one per row). */
export function simQuantizeMatrix(seed: number): Matrix {
  const rows = 4;
  const cols = 70;
  const flat = randomBlocks('mxsf', cols / 2, 'fp32', rows * 2, seed).flat(); // rows of two distributions each
  const bits = Uint32Array.from(flat, (v, i) => (i % 41 === 7 ? 0x80000000 : i === 3 * cols + 40 ? 0x7fc00000 : v));
  return makeMatrix(rows, cols, bits);
}

/**
 * `mxgen sim quantize` (in-process) against the golden quantize() for every format and both scale modes, plus the
 * BF16-input quantizer: 1x32 blocks, so the floor configurations reuse the simulator builds of the rtl-out runs.
 */
export async function runSimQuantizeChecks(sim: SimulatorName, seed: number): Promise<SuiteRun[]> {
  const m = simQuantizeMatrix(seed);
  const block = { rows: 1, cols: REFERENCE_K };
  const runs: SuiteRun[] = [];
  const cases = [
    ...FORMAT_NAMES.flatMap((format) => (['floor', 'rceil'] as const).map((scaleMode) => ({ format, scaleMode, bf16: false }))),
    { format: 'mxsf' as const, scaleMode: 'floor' as const, bf16: true },
  ];
  for (const c of cases) {
    const t0 = performance.now();
    const label = `sim quantize ${c.format} ${c.scaleMode}${c.bf16 ? ' bf16' : ''} ${m.rows}x${m.cols} 1x${REFERENCE_K}`;
    try {
      const r = await simQuantize(m, { ...c, block, sim, seed, stallPercent: 20 });
      const golden = quantize(r.input, c.format, block, c.scaleMode);
      const diff = diffSummary(r.input, golden, r.rtl, sim, r.top);
      const bad = diff === undefined ? 0 : Number(/: (\d+) of \d+ blocks differ/.exec(diff)?.[1] ?? 1);
      runs.push({ label, sim, vectors: golden.scales.length, mismatches: bad, seconds: (performance.now() - t0) / 1000, ...(diff ? { report: diff } : {}) });
    } catch (e) {
      runs.push({ label, sim, vectors: 0, mismatches: 1, seconds: (performance.now() - t0) / 1000, report: `${label} (${sim}): ${e instanceof Error ? e.message : String(e)}` });
    }
  }
  return runs;
}

export const quantizerSuite: Suite = {
  name: 'quantizer',
  summary: 'block quantizers of rtl-out (every format k=32 floor, mxsf rceil, mxsf BF16) and pipelined ones (depths 3-6, skid) vs golden quantizeBlock: corner + random blocks; mxgen sim quantize for every format and scale mode',
  async run(ctx: SuiteContext): Promise<SuiteRun[]> {
    const runs: SuiteRun[] = [];
    for (const item of this.items!(ctx)) runs.push(...(await item.run(ctx)));
    return runs;
  },
  items(ctx: SuiteContext): WorkItem[] {
    const items: WorkItem[] = [];
    for (const [i, c] of quantizerReferenceSet().entries()) {
      for (const sim of ctx.sims) {
        items.push({
          key: `reference ${i} ${sim}`,
          run: async (x) => [await runQuantizerRegression(c, { sim, blocks: QUANTIZER_COUNTS[x.level][sim], seed: x.seed, waves: x.waves, log: (l) => x.log(l) })],
        });
      }
    }
    for (const [i, c] of PIPELINED_QUANTIZERS[ctx.level].entries()) {
      for (const sim of ctx.sims) {
        items.push({
          key: `pipelined ${i} ${sim}`,
          run: async (x) => [await runQuantizerRegression(c, { sim, blocks: PIPELINED_COUNTS[x.level][sim], seed: x.seed, waves: x.waves, log: (l) => x.log(l), rtl: 'build' })],
        });
      }
    }
    for (const sim of ctx.sims) {
      items.push({
        key: `sim quantize ${sim}`,
        run: async (x) => {
          const r = await runSimQuantizeChecks(sim, x.seed);
          x.log(`sim quantize ${sim}: ${r.length} format/mode checks, ${r.filter((y) => y.mismatches > 0).length} disagree`);
          return r;
        },
      });
    }
    return items;
  },
};
