// `make bench-sim`: simulator throughput, every output checked against the golden model (a fast wrong model does
// not count):
//   quantizer: the k = 32 block quantizers of rtl-out (mxsf, mxfp8-e4m3), blocks/s under each simulator;
//   pe:        the mxsf k = 32 PE of rtl-out, chunk dot products/s: the Verilator C++ driver (binary vectors,
//              generator/drivers/verilator-cpp.ts) and the Verilog stream testbench ($fscanf) for comparison;
//   array:     an 8x8 mxsf array with T = 8 running GEMMs (64 x 2048 x 64, 8 commands accumulating onto C) under
//              the Verilator C++ driver: simulated MACs/s over the whole run and over the command cycles.
//              Not in the default set; run it with --only array. Built with ARRAY_VFLAGS (below): ~4 min instead of
//              over 15 min with the default full inlining.
// Usage: tsx generator/verify/bench-sim.ts [--only quantizer,pe[,array]] [--sim icarus|verilator|all] [--blocks N] [--chunks N] [--reps N]
//        [--vflags 'VERILATOR OPTIONS'] [--reduction csa|adders]   (array only)

import { parseArgs } from 'node:util';
import { runStreamFast } from '../drivers/verilator-cpp';
import { measureThroughput, runSimulation, type SimulatorName } from '../sim';
import { FORMAT_TABLE, codeBits, gemmQuantized, quantize, type FormatName, type Matrix } from '../golden';
import { quantizerSpec } from '../rtl/quantizer/configs';
import { blockQuantizerModule } from '../rtl/quantizer/quantizer';
import { checkAgainstGolden, referenceRtlFiles } from '../rtl/quantizer/run';
import { randomBlocks, packBlock } from '../rtl/quantizer/vectors';
import { mxPeModule } from '../rtl/pe/mx-pe';
import { peInputPacker, peModel, type PeCase } from '../rtl/pe/vectors';
import { randomMatrix } from '../rtl/array/check';
import { ArraySession } from '../rtl/array/session';
import { ArraySimulator } from '../rtl/array/sim';
import { Prng } from '../util/prng';

const FORMATS: readonly FormatName[] = ['mxsf', 'mxfp8-e4m3'];
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

async function quantizerBench(sims: readonly SimulatorName[], blocks: number): Promise<number> {
  let failed = 0;
  for (const format of FORMATS) {
    const c = quantizerSpec(format);
    const top = blockQuantizerModule(c);
    const iface = top.interface();
    const rtlFiles = referenceRtlFiles(top.name);
    for (const sim of sims) {
      const n = sim === 'icarus' ? Math.round(blocks / 25) : blocks;
      const data = randomBlocks(format, c.k, c.input, n, 1);
      const vectors = data.map((b) => packBlock(c.input, b));
      const [t] = await measureThroughput({ iface, rtlFiles, vectors, sims: [sim], log: null });
      const rep = checkAgainstGolden({ iface, rtlFiles, ...c }, data, { inputs: vectors, outputs: t!.outputs }, 1, `bench ${sim}`);
      if (!rep.ok) {
        failed++;
        console.log(rep.text);
      }
      console.log(
        `quantizer ${top.name.padEnd(30)} ${sim.padEnd(9)} ${String(n).padStart(8)} blocks in ${t!.seconds.toFixed(2).padStart(6)} s = ${fmt(t!.vectorsPerSecond).padStart(9)} blocks/s (build ${t!.buildSeconds.toFixed(1)} s)${rep.ok ? '' : '  MISMATCH'}`,
      );
    }
  }
  return failed;
}

/** Uniform random codes (NaN/Inf codes at their natural rate), scales near 2^0, random accumulators. */
function peCases(format: FormatName, k: number, n: number, seed: number): PeCase[] {
  const rng = new Prng(seed);
  const codes = 1 << codeBits(FORMAT_TABLE[format]);
  return Array.from({ length: n }, () => ({
    a: Array.from({ length: k }, () => rng.int(codes)),
    b: Array.from({ length: k }, () => rng.int(codes)),
    xa: rng.range(110, 144),
    xb: rng.range(110, 144),
    acc: rng.chance(0.5) ? 0 : (rng.u32() & 0xbfffffff) >>> 0,
  }));
}

async function peBench(chunks: number): Promise<number> {
  const format: FormatName = 'mxsf';
  const top = mxPeModule({ formatA: format, formatB: format, k: 32, depth: 1 });
  const iface = top.interface();
  const rtlFiles = referenceRtlFiles(top.name);
  const kind = { kind: 'mx' as const, formatA: format, formatB: format };
  const pack = peInputPacker(kind, 32);
  const model = peModel(kind);
  let failed = 0;
  for (const [driver, n] of [['verilator C++ driver', chunks], ['verilator stream TB', Math.max(1000, Math.round(chunks / 10))]] as const) {
    const cases = peCases(format, 32, n, 1);
    const vectors = cases.map(pack);
    const r = driver === 'verilator C++ driver'
      ? await runStreamFast({ iface, rtlFiles, vectors, seed: 1 })
      : await runSimulation({ sim: 'verilator', iface, rtlFiles, vectors, seed: 1 });
    let bad = 0;
    cases.forEach((c, i) => {
      if (BigInt(model(c)) !== r.outputs[i]) bad++;
    });
    if (bad) failed++;
    console.log(
      `pe ${top.name} ${driver.padEnd(21)} ${String(n).padStart(8)} k=32 chunk dot products in ${r.seconds.toFixed(2).padStart(6)} s = ${fmt(n / r.seconds).padStart(9)} /s (build ${r.buildSeconds.toFixed(1)} s)${bad ? `  ${bad} MISMATCHES` : ''}`,
    );
  }
  return failed;
}

/**
 * Verilator options of the array bench's build: PE cells not inlined, split C++, -O1. Measured (2 cores shared with
 * two other jobs): build 233 s (the default -O3 full inlining did not finish in 15 min), 2 GEMMs bit-exact,
 * 5.2 M MACs/s over the run, 10.5 M over the command cycles.
 */
const ARRAY_VFLAGS = '--inline-mult 1 --output-split 20000 -CFLAGS -O1';

async function arrayBench(reps: number, flags: readonly string[], reduction: 'csa' | 'adders'): Promise<number> {
  const cfg = { format: 'mxsf' as const, rows: 8, cols: 8, tile: 8, scaleMode: 'floor' as const, depth: 1, bufferTiles: 4096, ...(reduction === 'adders' ? { reduction } : {}) };
  const [m, k, n] = [64, 2048, 64];
  const rng = new Prng(1);
  const t = { rows: 8, cols: 8 };
  const qa = quantize(randomMatrix(rng, m, k, 'normal'), cfg.format, t);
  const qb = quantize(randomMatrix(rng, k, n, 'normal'), cfg.format, t);
  const s = new ArraySession(cfg);
  const a = s.store(0, { kind: 'mx', q: qa }, 'A');
  const b = s.store(1, { kind: 'mx', q: qb }, 'B');
  const out = s.allocFp32(m, n, 'C');
  for (let i = 0; i < reps; i++) s.gemm({ a, b, opA: 'n', opB: 'n', out, ...(i ? { c: out } : {}) });
  const res = s.readFp32(out);
  const sim = new ArraySimulator(cfg);
  try {
    const r = await s.run(sim, { sim: 'verilator', seed: 1, verilatorFlags: flags });
    let golden: Matrix | undefined;
    for (let i = 0; i < reps; i++) golden = gemmQuantized(qa, qb, golden);
    const bad = golden!.bits.reduce((x, v, i) => x + (v === res.value!.bits[i] ? 0 : 1), 0);
    const macs = m * n * k * reps;
    const cmd = r.commandCycles.reduce((x, y) => x + y, 0);
    console.log(
      `array ${sim.top.name} verilator C++ driver: ${reps} GEMMs ${m}x${k}x${n} = ${fmt(macs)} MACs, ${fmt(r.cycles)} cycles (${fmt(cmd)} in commands, the rest loads and reads) in ${r.seconds.toFixed(2)} s = ` +
        `${fmt(r.cycles / r.seconds)} cycles/s, ${(macs / r.seconds / 1e6).toFixed(1)} M MACs/s, ${(macs / (r.seconds * cmd / r.cycles) / 1e6).toFixed(1)} M MACs/s over the command cycles ` +
        `(build ${r.buildSeconds.toFixed(1)} s${flags.length ? `, flags ${flags.join(' ')}` : ''})${bad ? `  ${bad} MISMATCHES` : ''}`,
    );
    return bad ? 1 : 0;
  } finally {
    sim.dispose();
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: 'quantizer,pe' },
      sim: { type: 'string', default: 'all' },
      blocks: { type: 'string', default: '200000' },
      chunks: { type: 'string', default: '1000000' },
      reps: { type: 'string', default: '8' },
      // array: further Verilator options (e.g. '--inline-mult 1 --output-split 20000 -CFLAGS -O1') and the PE cells' reduction
      vflags: { type: 'string', default: ARRAY_VFLAGS },
      reduction: { type: 'string', default: 'csa' },
    },
  });
  const sims: SimulatorName[] = values.sim === 'all' ? ['verilator', 'icarus'] : [values.sim as SimulatorName];
  if (!sims.every((s) => s === 'icarus' || s === 'verilator')) throw new Error(`--sim must be icarus, verilator or all, not '${values.sim}'`);
  const only = new Set(values.only.split(','));
  for (const o of only) if (!['quantizer', 'pe', 'array'].includes(o)) throw new Error(`--only takes quantizer, pe, array; not '${o}'`);
  const num = (v: string, name: string, min: number): number => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < min) throw new Error(`--${name} must be an integer >= ${min}, not '${v}'`);
    return x;
  };
  let failed = 0;
  if (only.has('quantizer')) failed += await quantizerBench(sims, num(values.blocks, 'blocks', 25));
  if (only.has('pe') && sims.includes('verilator')) failed += await peBench(num(values.chunks, 'chunks', 1000));
  if (values.reduction !== 'csa' && values.reduction !== 'adders') throw new Error(`--reduction must be csa or adders, not '${values.reduction}'`);
  if (only.has('array') && sims.includes('verilator')) failed += await arrayBench(num(values.reps, 'reps', 1), values.vflags.split(/\s+/).filter((x) => x), values.reduction);
  return failed ? 1 : 0;
}

main().then(
  (c) => (process.exitCode = c),
  (e: unknown) => {
    console.error(`bench-sim: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
