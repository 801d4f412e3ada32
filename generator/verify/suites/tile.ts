// Regression of the streaming tile re-quantizer (generator/rtl/tile) against the golden quantize():
// streams of consecutive tiles (random data and every corner kind of generator/rtl/tile/tiles.ts), random
// valid/ready stalls on both sides, every output beat compared bit for bit (codes, scale, last).
//
// Per simulator and level, tiles per configuration:
//   every format at 8x8, floor, FP32, row-major, double-buffered:   ci: verilator 100k, icarus 1.5k; long: 1.25M / 20k
//   extra configurations (mxsf rceil, BF16, column-major, single buffer, 16x16, 4x16): ci: 25k / 600; long: 250k / 5k
//   rceil for the other formats:                                    ci: icarus 600 (no verilator); long: 250k / 5k
// Runs are cut into chunks of at most 50k tiles (memory), each with its own seed and stall probability.
// Then a short stream without stalls must finish within tileCycleBudget() (max(R, lines) cycles per tile when
// double-buffered): a design that loses a buffer keeps every code right and only shows in its throughput.

import { FORMAT_NAMES, codeBits, FORMAT_TABLE, type FormatName } from '../../golden/index';
import { compareOutputs, type SimulatorName } from '../../sim/index';
import { quantizerParts } from '../../rtl/tile/parts';
import { simulateModule } from '../../rtl/tile/run';
import { tileLines, tileQuantModule, type TileQuantConfig } from '../../rtl/tile/tilequant';
import { makeTiles } from '../../rtl/tile/tiles';
import { goldenTileModel, tileCycleBudget, tileExpectedOutputs, tileInputVectors } from '../../rtl/tile/vectors';
import type { RegressLevel, Suite, SuiteContext, SuiteRun, WorkItem } from '../suite';

type Counts = Readonly<Record<RegressLevel, Readonly<Record<SimulatorName, number>>>>;

const MAIN: Counts = { ci: { verilator: 100_000, icarus: 1_500 }, long: { verilator: 1_250_000, icarus: 20_000 } };
const EXTRA: Counts = { ci: { verilator: 25_000, icarus: 600 }, long: { verilator: 250_000, icarus: 5_000 } };
const RCEIL: Counts = { ci: { verilator: 0, icarus: 600 }, long: { verilator: 250_000, icarus: 5_000 } };
const CHUNK = 50_000;
/** stall probability (both sides) of chunk i */
const STALLS = [30, 0, 50, 10];
/** tiles of the no-stall throughput run */
const THROUGHPUT_TILES = 48;

const base = (format: FormatName): TileQuantConfig => ({ format, rows: 8, cols: 8, scaleMode: 'floor', input: 'fp32', order: 'row', buffers: 2 });

export const TILE_SUITE_CASES: readonly { readonly cfg: TileQuantConfig; readonly counts: Counts }[] = [
  ...FORMAT_NAMES.map((f) => ({ cfg: base(f), counts: MAIN })),
  { cfg: { ...base('mxsf'), scaleMode: 'rceil' }, counts: EXTRA },
  // rceil for the other formats: Icarus in ci (no build cost), Verilator in long
  ...FORMAT_NAMES.filter((f) => f !== 'mxsf').map((f) => ({ cfg: { ...base(f), scaleMode: 'rceil' as const }, counts: RCEIL })),
  { cfg: { ...base('mxsf'), input: 'bf16' }, counts: EXTRA },
  { cfg: { ...base('mxfp8-e4m3'), order: 'col' }, counts: EXTRA },
  { cfg: { ...base('mxfp6-e2m3'), buffers: 1 }, counts: EXTRA },
  { cfg: { ...base('mxint8'), rows: 16, cols: 16, scaleMode: 'rceil' }, counts: EXTRA },
  { cfg: { ...base('mxfp4-e2m1'), rows: 4, cols: 16, order: 'col', input: 'bf16', scaleMode: 'rceil' }, counts: EXTRA },
];

export interface TileRunOptions {
  readonly sim: SimulatorName;
  readonly tiles: number;
  readonly seed: number;
  readonly waves?: boolean;
  readonly log?: (line: string) => void;
}

/** Streams `tiles` tiles through one configuration in chunks; counts every compared output beat. */
export async function runTileRegression(cfg: TileQuantConfig, o: TileRunOptions): Promise<SuiteRun> {
  const t0 = performance.now();
  const top = tileQuantModule(cfg, quantizerParts(cfg.format, cfg.scaleMode, cfg.input));
  const B = codeBits(FORMAT_TABLE[cfg.format]);
  const model = goldenTileModel(cfg);
  const { lines } = tileLines(cfg);
  const label = `${top.name} ${o.tiles} tiles`;
  let vectors = 0;
  let mismatches = 0;
  let report: string | undefined;
  try {
    for (let first = 0, chunk = 0; first < o.tiles; first += CHUNK, chunk++) {
      const n = Math.min(CHUNK, o.tiles - first);
      const seed = (o.seed * 1009 + chunk * 7919 + cfg.rows * 31 + cfg.cols) | 0;
      const stall = STALLS[chunk % STALLS.length]!;
      const tiles = makeTiles(n, cfg.rows, cfg.cols, cfg.input, seed, first);
      const inputs = tileInputVectors(cfg, tiles);
      const expected = tileExpectedOutputs(cfg, B, tiles, model);
      const r = await simulateModule(top, { sim: o.sim, vectors: inputs, expectedOutputs: n * lines, seed, stallPercent: stall, ...(o.waves ? { waves: true } : {}) });
      const rep = compareOutputs({ expected, actual: r.outputs, iface: top.interface(), inputs: [], seed, describe: `${o.sim} stall ${stall}%, tiles ${first}..${first + n - 1}` });
      vectors += rep.vectors;
      mismatches += rep.mismatches;
      if (!rep.ok && report === undefined) report = rep.text;
      o.log?.(`${top.name} ${o.sim}: tiles ${first}..${first + n - 1} stall ${stall}% -> ${rep.mismatches} mismatches, ${r.cycles} cycles, run ${r.seconds.toFixed(1)} s, build ${r.buildSeconds.toFixed(1)} s`);
    }
    {
      // throughput: valid and ready always high (every tile kind, its own seed)
      const seed = (o.seed * 1009 + 104_729 + cfg.rows * 31 + cfg.cols) | 0;
      const tiles = makeTiles(THROUGHPUT_TILES, cfg.rows, cfg.cols, cfg.input, seed);
      const expected = tileExpectedOutputs(cfg, B, tiles, model);
      const r = await simulateModule(top, { sim: o.sim, vectors: tileInputVectors(cfg, tiles), expectedOutputs: tiles.length * lines, seed, stallPercent: 0 });
      const rep = compareOutputs({ expected, actual: r.outputs, iface: top.interface(), inputs: [], seed, describe: `${o.sim} no stalls, ${tiles.length} tiles` });
      const budget = tileCycleBudget(cfg, tiles.length);
      vectors += rep.vectors;
      mismatches += rep.mismatches + (r.cycles > budget ? 1 : 0);
      if (!rep.ok && report === undefined) report = rep.text;
      if (r.cycles > budget && report === undefined) {
        report = `${label} (${o.sim}, seed ${seed}): ${tiles.length} tiles without stalls took ${r.cycles} cycles, more than the ${budget} of ${cfg.buffers === 2 ? 'double buffering' : 'one buffer'} (a lost buffer or bubble)`;
      }
      o.log?.(`${top.name} ${o.sim}: throughput ${tiles.length} tiles no stalls -> ${rep.mismatches} mismatches, ${r.cycles} cycles (budget ${budget})`);
    }
  } catch (e) {
    mismatches += 1;
    report = `${label} (${o.sim}): ${e instanceof Error ? e.message : String(e)}`;
  }
  return { label, sim: o.sim, vectors, mismatches, seconds: (performance.now() - t0) / 1000, ...(report !== undefined ? { report } : {}) };
}

export const tileSuite: Suite = {
  name: 'tile',
  summary: 'streaming tile re-quantizer vs golden quantize(): every format 8x8, plus rceil, BF16, column-major, single buffer, 16x16, 4x16',
  async run(ctx: SuiteContext): Promise<SuiteRun[]> {
    const runs: SuiteRun[] = [];
    for (const item of this.items!(ctx)) runs.push(...(await item.run(ctx)));
    return runs;
  },
  items(ctx: SuiteContext): WorkItem[] {
    return TILE_SUITE_CASES.flatMap(({ cfg, counts }, i) =>
      ctx.sims
        .filter((sim) => counts[ctx.level][sim] !== 0)
        .map((sim) => ({
          key: `case ${i} ${sim}`,
          run: async (c: SuiteContext) => [await runTileRegression(cfg, { sim, tiles: counts[c.level][sim], seed: c.seed, waves: c.waves, log: (l) => c.log(l) })],
        })),
    );
  },
};
