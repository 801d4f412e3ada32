// The array's hierarchical synthesis path (generator/rtl/array/synth.ts, used by `make synth`) end to end on a
// 1x1 mxfp8-e4m3 array with 2x2 tiles: every RAM inferred as memory (memory bits = width x depth x instances, no
// flip-flop), no latch, the logic mapped to the OSU 0.18 um library (um2 > 0) and timed by OpenSTA, and the
// hierarchical sum checked against two flat netlists:
//  - exactly: the glue's and the blocks' mapped netlists stitched and flattened by Yosys have the library area of
//    the sum (to the 0.01 um2 of `stat -liberty`'s print per summed part); timed flat, the
//    stitched netlist's critical path is the hierarchical one (the slowest piece), to 1 ps;
//  - within a stated rule: a flat synthesis of the whole logic (`synth -flatten`, RAMs black boxes), which may
//    optimise across block boundaries, has between 85 % and 102 % of the hierarchical area (measured: see below).

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { arrayArea, checkStitched, type ArrayArea, type StitchedArray } from '../../generator/rtl/array/synth';
import type { ArrayConfig } from '../../generator/rtl/array/config';
import { synthesize, type SynthResult } from '../../generator/sim/synth';
import { OSU018_LIBERTY } from '../../generator/phys/liberty';

const cfg: ArrayConfig = { format: 'mxfp8-e4m3', rows: 1, cols: 1, tile: 2, scaleMode: 'floor', depth: 1, bufferTiles: 4 };

let dir: string;
let a: ArrayArea;
let st: StitchedArray;
let flat: SynthResult;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mxgen-array-synth-'));
  a = await arrayArea(cfg, dir);
  st = await checkStitched(a, dir, { flatTiming: true });
  // the flat reference: every non-RAM file, the RAMs as the same black boxes
  const ramFiles = new Set(a.rams.map((r) => `${r.module}.v`));
  const files = readdirSync(dir).filter((f) => f.endsWith('.v') && !ramFiles.has(f) && f !== 'boundaries.v' && f !== 'ram_boundaries.v').map((f) => path.join(dir, f));
  flat = await synthesize([...files, path.join(dir, 'rams_blackbox.vh')], a.top, { liberty: OSU018_LIBERTY, blackboxes: a.rams.map((r) => r.module), bufferInputs: true });
});

describe('array synthesis (1x1, T = 2)', () => {
  test('every buffer is a memory: bits = width x depth, no flip-flop; memory bits summed over instances', () => {
    // 3 operand code buffers (4 tiles x 2x2 x 8 bits), 3 scale RAMs (4 x 8), FP32 buffer (8 words x 2 lanes), assembly (4 x 2 lanes)
    const want = new Map([
      ['ram_w32_d4_m16', [3, 32, 4]],
      ['ram_w8_d4', [3, 8, 4]],
      ['ram_w64_d8_m32', [1, 64, 8]],
      ['ram_w64_d4_m32', [1, 64, 4]],
    ]);
    expect(new Map(a.rams.map((r) => [r.module, [r.instances, r.width, r.depth]]))).toEqual(want);
    for (const r of a.rams) {
      expect(r.yosysBits, r.module).toBe(r.width * r.depth);
      expect(r.yosysFlops, r.module).toBe(0);
    }
    expect(a.memoryBits).toBe(3 * 128 + 3 * 32 + 512 + 256);
    expect(a.latchFree).toBe(true);
  });

  test('blocks synthesized once each; the logic has area, flops and a critical path', () => {
    expect(a.blocks.map((b) => [b.module, b.instances])).toEqual([
      ['mxfp8e4m3_pecell_t2_d1', 1],
      ['mxfp8e4m3_tilequant_r2c2_floor_fp32_row_db', 1],
    ]);
    expect(a.totals.areaUm2).toBeGreaterThan(0);
    expect(a.glue.mapped!.areaUm2).toBeGreaterThan(0);
    expect(a.totals.flopBits).toBeGreaterThan(0);
    expect(a.totals.criticalPathNs).toBeGreaterThan(0);
    expect(a.totals.criticalPathNs).toBe(Math.max(...a.pieces.map((p) => p.criticalPathNs)));
    // the black boxes are no library cells of the glue
    expect(Object.keys(a.glue.mapped!.cellsByType).some((t) => t.startsWith('ram_w') || t.includes('pecell'))).toBe(false);
  });

  test('the stitched flat netlist has exactly the hierarchical area and the same critical path', () => {
    expect(Math.abs(st.areaUm2 - a.totals.areaUm2)).toBeLessThanOrEqual(0.01 * (1 + a.blocks.length));
    expect(st.timing).toBeDefined();
    expect(Math.abs(st.timing!.criticalPathNs - a.totals.criticalPathNs)).toBeLessThan(0.001);
  });

  test('a flat synthesis of the same logic is within 85 %..102 % of the hierarchical area', () => {
    const ratio = flat.mapped!.areaUm2 / a.totals.areaUm2;
    console.log(`flat ${flat.mapped!.areaUm2} um2, hierarchical ${a.totals.areaUm2} um2: ratio ${ratio.toFixed(4)}; flops ${flat.mapped!.flopBits} / ${a.totals.flopBits}`);
    expect(ratio).toBeGreaterThanOrEqual(0.85);
    expect(ratio).toBeLessThanOrEqual(1.02);
    // flip-flops cannot move across a boundary: the flat flow may only drop unused ones
    expect(flat.mapped!.flopBits).toBeLessThanOrEqual(a.totals.flopBits);
  });
});
