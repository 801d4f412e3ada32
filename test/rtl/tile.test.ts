// The tile re-quantizer with the block quantizer's real scale and encoder modules, bit-exact against the
// golden quantize(): the reference configurations on both simulators (streams of tiles of every corner
// kind, random stalls), simQuantizeTiles for every format and both scale modes on both simulators
// (matrices not divisible by the tile), lint and synthesis without latches. The long streams (100k tiles per
// format) are in `make sim` (generator/verify/suites/tile.ts).
import { describe, expect, test } from 'vitest';
import { writeDesign } from '../../generator/hdl/index';
import { assertNoMismatch, lintVerilog, synthesize } from '../../generator/sim/index';
import { FORMAT_NAMES, codeBits, FORMAT_TABLE, fp32BitsToBf16Bits, makeMatrix, quantize, type FormatName } from '../../generator/golden/index';
import { SE_SHAPE } from '../../generator/rtl/quantizer/index';
import { quantizerParts } from '../../generator/rtl/tile/parts';
import { simulateModule } from '../../generator/rtl/tile/run';
import { simQuantizeTiles } from '../../generator/rtl/tile/sim';
import { tileConfigs, tileReference } from '../../generator/rtl/tile/configs';
import { TILE_KINDS, makeTiles } from '../../generator/rtl/tile/tiles';
import { tileLines, tileQuantModule, tileStorage, type TileQuantConfig } from '../../generator/rtl/tile/tilequant';
import { goldenTileModel, packOutput, tileExpectedOutputs, tileInputVectors, unpackOutput } from '../../generator/rtl/tile/vectors';
import { scratchDir } from '../../generator/sim/paths';
import { rmSync } from 'node:fs';
import path from 'node:path';

const SIMS = ['icarus', 'verilator'] as const;

/** A matrix of every corner kind, cut from generated tiles: rows x cols, neither a multiple of the block. */
function cornerMatrix(rows: number, cols: number, seed: number) {
  const src = makeTiles(32, 8, 8, 'fp32', seed);
  const bits = new Uint32Array(rows * cols);
  // blocks of the matrix come from whole source tiles, so zero/special/subnormal tiles stay intact
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) bits[i * cols + j] = src[(Math.floor(i / 8) * 5 + Math.floor(j / 8)) % 32]![(i % 8) * 8 + (j % 8)]!;
  return makeMatrix(rows, cols, bits);
}

describe('tile re-quantizer: reference configurations', () => {
  for (const cfgRtl of tileConfigs()) {
    const top = cfgRtl.build();
    const cfg = tileReference(cfgRtl.format as FormatName);
    test(`${top.name}: lint clean (verilator -Wall)`, async () => {
      const dir = scratchDir(`lint-${top.name}-`);
      try {
        await lintVerilog(writeDesign(top, dir, { bindings: false }), top.name);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
    for (const sim of SIMS) {
      test(`${top.name} ${sim}: 640 tiles of every kind, 30% stalls, bit-exact`, async () => {
        const tiles = makeTiles(640, 8, 8, 'fp32', 7);
        const expected = tileExpectedOutputs(cfg, codeBits(FORMAT_TABLE[cfg.format]), tiles, goldenTileModel(cfg));
        const r = await simulateModule(top, { sim, vectors: tileInputVectors(cfg, tiles), expectedOutputs: expected.length, seed: 7, stallPercent: 30 });
        const rep = assertNoMismatch({ expected, actual: r.outputs, iface: top.interface(), inputs: [], seed: 7, describe: sim });
        expect(rep.vectors).toBe(640 * 8);
      });
    }
  }
});

// Icarus runs every format and scale mode; Verilator (a ~10-30 s build per module) runs mxsf and
// mxfp8-e4m3 in both modes here (their floor builds are shared with the reference tests above) and every
// format with MXGEN_TILE_FULL=1; `make sim` streams 100k tiles per format through Verilator.
const VERILATOR_FORMATS: readonly FormatName[] = process.env.MXGEN_TILE_FULL === '1' ? FORMAT_NAMES : ['mxsf', 'mxfp8-e4m3'];

describe('simQuantizeTiles matches quantize()', () => {
  const mat = cornerMatrix(19, 21, 5);
  for (const sim of SIMS) {
    for (const format of sim === 'icarus' ? FORMAT_NAMES : VERILATOR_FORMATS) {
      for (const scaleMode of ['floor', 'rceil'] as const) {
        test(`${sim} ${format} ${scaleMode}: 19x21 matrix, 8x8 tiles (partial tiles padded)`, async () => {
          const r = await simQuantizeTiles({ sim, format, block: { rows: 8, cols: 8 }, scaleMode, matrix: mat, stallPercent: 20, seed: 3 });
          const g = quantize(mat, format, { rows: 8, cols: 8 }, scaleMode);
          expect(r.gridRows * r.gridCols).toBe(9);
          expect(Array.from(r.scales)).toEqual(Array.from(g.scales));
          expect(Array.from(r.codes)).toEqual(Array.from(g.codes));
        });
      }
    }
  }
  test('icarus: non-square blocks, column-major order, single buffer', async () => {
    for (const [block, order, buffers] of [[{ rows: 3, cols: 5 }, 'col', 1], [{ rows: 5, cols: 2 }, 'row', 2], [{ rows: 2, cols: 16 }, 'col', 2]] as const) {
      const r = await simQuantizeTiles({ sim: 'icarus', format: 'mxsf', block, scaleMode: 'rceil', matrix: mat, order, buffers, stallPercent: 40 });
      const g = quantize(mat, 'mxsf', block, 'rceil');
      expect(Array.from(r.scales)).toEqual(Array.from(g.scales));
      expect(Array.from(r.codes)).toEqual(Array.from(g.codes));
    }
  });
  test('icarus: BF16 input is compared with quantize() of the BF16-rounded matrix', async () => {
    const r = await simQuantizeTiles({ sim: 'icarus', format: 'mxfp8-e5m2', block: { rows: 4, cols: 4 }, matrix: mat, input: 'bf16' });
    const rounded = makeMatrix(mat.rows, mat.cols, mat.bits.map((b) => fp32BitsToBf16Bits(b)));
    const g = quantize(rounded, 'mxfp8-e5m2', { rows: 4, cols: 4 }, 'floor');
    expect(Array.from(r.scales)).toEqual(Array.from(g.scales));
    expect(Array.from(r.codes)).toEqual(Array.from(g.codes));
  });
});

describe('tile re-quantizer: structure', () => {
  test('synthesizes without latches; flops = the stated storage', async () => {
    const cfg: TileQuantConfig = { format: 'mxfp4-e2m1', rows: 2, cols: 4, scaleMode: 'floor', input: 'bf16', order: 'col', buffers: 2 };
    const top = tileQuantModule(cfg, quantizerParts(cfg.format, cfg.scaleMode, cfg.input));
    const dir = scratchDir(`synth-${top.name}-`);
    try {
      const files = writeDesign(top, dir, { bindings: false });
      await lintVerilog(files, top.name);
      const s = await synthesize(files, top.name);
      expect(s.latches).toBe(0);
      const st = tileStorage(cfg, SE_SHAPE.width);
      expect(st.buffer).toBe(2 * 2 * 4 * 16);
      // yosys may merge or drop a few constant/duplicate flops, never add any
      expect(s.flops).toBeLessThanOrEqual(st.total);
      expect(s.flops).toBeGreaterThan(st.total - 8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('no combinational path from any input to any output', () => {
    const top = tileConfigs()[0]!.build();
    for (const [, ins] of top.combPaths) expect([...ins]).toEqual([]);
  });
  test('packOutput: fast byte path = generic path; unpackOutput inverts it', () => {
    for (const [cfg, B] of [[{ rows: 8, cols: 8, order: 'row' }, 8], [{ rows: 4, cols: 6, order: 'col' }, 4], [{ rows: 3, cols: 5, order: 'row' }, 6]] as const) {
      const tiles = makeTiles(20, cfg.rows, cfg.cols, 'fp32', 2);
      const model = (t: Uint32Array) => ({ scale: t[0]! & 0xff, codes: Array.from(t, (v) => v & ((1 << B) - 1)) });
      const words = tileExpectedOutputs(cfg, B, tiles, model);
      const { lines, perLine } = tileLines(cfg);
      expect(words.length).toBe(20 * lines);
      words.forEach((w, i) => {
        const t = tiles[Math.floor(i / lines)]!;
        const l = i % lines;
        const codes = Array.from({ length: perLine }, (_, e) => model(t).codes[cfg.order === 'row' ? l * cfg.cols + e : e * cfg.cols + l]!);
        expect(w).toBe(packOutput(codes, B, t[0]! & 0xff, l === lines - 1));
        expect(unpackOutput(w, perLine, B)).toEqual({ codes, scale: t[0]! & 0xff, last: l === lines - 1 });
      });
    }
  });
  test('tile streams cover every corner kind', () => {
    const tiles = makeTiles(16, 8, 8, 'fp32', 1);
    expect(TILE_KINDS.length).toBe(10);
    const q = tiles.map((t) => goldenTileModel({ format: 'mxsf', scaleMode: 'floor', input: 'fp32' })(t));
    expect(q.some((x) => x.scale === 0xff)).toBe(true); // NaN/Inf
    expect(q.some((x) => x.scale === 0)).toBe(true); // all-zero (or clamped) tile
    expect(tiles.some((t) => t.some((v) => (v & 0x7f800000) === 0 && (v & 0x7fffff) !== 0))).toBe(true); // subnormals
    expect(tiles.some((t) => t.some((v) => (v & 0x7fffff) === 0x7fffff))).toBe(true); // all-ones mantissas
  });
});

describe('tileSavingSection', () => {
  test('states transistors and storage bits at equal throughput, with the saving', async () => {
    const { tileSavingSection } = await import('../../generator/rtl/tile/report');
    const rec = (unit: string, format: string, transistors: number, flops: number, perCycle: number) =>
      ({ unit, format, k: perCycle === 8 ? 64 : 32, cells: 1, transistors, depth: 1, top: `${unit}_${format}`, params: { elementsPerCycle: perCycle }, flops });
    const md = tileSavingSection([rec('tile-requant', 'mxsf', 100, 40, 8), rec('tile-requant', 'mxfp8-e4m3', 90, 40, 8), rec('both-1d', 'mxsf', 1000, 640, 32)]);
    expect(md).toContain('| mxsf | 4 x tile re-quantizer 8x8 | (same) | 32 | 400 | 160 |');
    expect(md).toContain('**600 (60.0 %)**');
    expect(md).toContain('**480 (75.0 %)**');
    expect(md).toContain('mxfp8-e4m3 90 T / 40 bits');
    expect(tileSavingSection([])).toContain('nothing to compare');
  });
});
