// The energy model's counts by hand on tiny GEMMs and workloads, against the array's cycle model; the memory
// energy rule; the per-workload extras (training update, 1-D second copies). Per-op energies here are labelled
// test inputs (TEST_FIGURES), not measurements: only the arithmetic on them is checked.

import { describe, expect, test } from 'vitest';
import { commandCycles } from '../../generator/rtl/array/cycles';
import { readLiberty, OSU018_LIBERTY } from '../../generator/phys/liberty';
import {
  LIB_VOLTAGE,
  SRAM_NODE_SCALE,
  HOROWITZ_SRAM,
  extraCounts,
  formatEnergy,
  gemmCounts,
  l1Fills,
  sramPjPerBit,
  storedBits,
  tensorUses,
} from '../../generator/energy/model';
import { DEFAULT_MEMORY, energiesFrom } from '../../generator/energy/run';
import type { GemmSpec, Workload } from '../../generator/energy/workloads';
import { TEST_FIGURES, tinyWorkload } from './fixture';

const g = (m: number, k: number, n: number, outQuantized = false, opA: 'n' | 't' = 'n', opB: 'n' | 't' = 'n'): GemmSpec => ({ name: 'G', cls: 'forward', m, k, n, a: 'A', opA, b: 'B', opB, out: 'C', outQuantized });

describe('per-GEMM counts', () => {
  test('8x8x8 on a 2x2 array, 8x8 tiles, mxsf, FP32 out: every count by hand', () => {
    const c = gemmCounts(g(8, 8, 8), 'mxsf', 'tile', { rows: 2, cols: 2, tile: 8, depth: 1 });
    // one output tile, 4 x 4 blocks of 2 x 2, one chunk step each
    expect(c.blocks).toBe(16);
    expect(c.steps).toBe(1);
    expect(c.pe_ops).toBe(64); // 8 x 8 outputs x 1 chunk
    expect(c.operand_reads).toBe(32); // one A and one B tile word per step
    expect(c.operand_read_bits).toBe(32 * (64 * 8 + 8));
    expect(c.output_writes).toBe(8); // the FP32 tile: 8 rows of 8 FP32
    expect(c.output_write_bits).toBe(8 * 256);
    expect(c.requant_elements).toBe(0);
    expect(c.dram_read_bits).toBe(2 * (64 * 8 + 8));
    expect(c.dram_write_bits).toBe(64 * 32);
    expect(c.l1_fill_words).toBe(2); // one A and one B tile into the array's buffers
    const cm = commandCycles({ format: 'mxsf', rows: 2, cols: 2, tile: 8, depth: 1 }, { m: 8, k: 8, n: 8, acc: false, outMx: false });
    expect(c.cycles).toBe(cm.cycles);
    expect(c.idle_pe_cycles).toBe(cm.cycles * 4 - 64);
  });

  test('ragged 10x20x3 on 4x4: padded blocks and chunks count', () => {
    const c = gemmCounts(g(10, 20, 3, true), 'mxfp8-e4m3', 'tile', { rows: 4, cols: 4, tile: 8, depth: 1 });
    // tiles (0,0): 8 rows x 3 cols -> 2 x 1 blocks; (1,0): 2 x 3 -> 1 block; ceil(20/8) = 3 steps
    expect(c.blocks).toBe(3);
    expect(c.steps).toBe(3);
    expect(c.pe_ops).toBe(3 * 16 * 3);
    expect(c.tiles).toBe(2);
    expect(c.requant_elements).toBe(2 * 64); // padded tiles through the re-quantizer
    expect(c.output_writes).toBe(2); // re-quantized tiles into an operand buffer
    expect(c.dram_write_bits).toBe(storedBits('mxfp8-e4m3', 'tile', 10, 3, 8));
  });

  test('bf16: 16-bit words, no scales, no re-quantizer', () => {
    const c = gemmCounts(g(8, 16, 8, true), 'bf16', 'tile', { rows: 8, cols: 8, tile: 8, depth: 1 });
    expect(c.operand_read_bits).toBe(c.operand_reads * 64 * 16);
    expect(c.requant_elements).toBe(0);
    expect(c.dram_read_bits).toBe(8 * 16 * 16 * 2);
  });

  test('1-D words carry a scale per line', () => {
    const t = gemmCounts(g(8, 8, 8), 'mxsf', 'tile', { rows: 8, cols: 8, tile: 8, depth: 1 });
    const d = gemmCounts(g(8, 8, 8), 'mxsf', '1x32', { rows: 8, cols: 8, tile: 8, depth: 1 });
    expect(d.operand_read_bits - t.operand_read_bits).toBe(d.operand_reads * 7 * 8);
    expect(d.pe_ops).toBe(t.pe_ops);
  });
});

test('L1 fills: bands reused while they fit in the 64-tile operand buffers', () => {
  // 64 x 512 x 64, T = 8: gm = gn = 8, S = 64: A bands (64 tiles) fit: 8 * 64; all of B (8 * 64 = 512 tiles) does not: per output tile
  expect(l1Fills({ m: 64, k: 512, n: 64 }, 8)).toBe(8 * 64 + 64 * 64);
  // 64 x 64 x 16: S = 8, gn = 2: B (16 tiles) fits once: 8 * 8 + 16
  expect(l1Fills({ m: 64, k: 64, n: 16 }, 8)).toBe(64 + 16);
  // K = 1024: S = 128 > 64: A per output tile too
  expect(l1Fills({ m: 16, k: 1024, n: 16 }, 8)).toBe(4 * 128 + 4 * 128);
});

test('stored bits by layout', () => {
  // 10 x 20 padded to 16 x 24 = 384 elements
  expect(storedBits('mxsf', 'tile', 10, 20, 8)).toBe(384 * 8 + 6 * 8);
  expect(storedBits('mxsf', '1x32', 10, 20, 8, 'cols')).toBe(384 * 8 + 16 * 8);
  expect(storedBits('mxsf', '1x32', 10, 20, 8, 'rows')).toBe(384 * 8 + 24 * 8);
  expect(storedBits('bf16', 'tile', 10, 20, 8)).toBe(384 * 16);
});

test('SRAM energy: the Horowitz anchors scaled by C V^2, the library voltage from the liberty', () => {
  expect(SRAM_NODE_SCALE).toBe(16); // (180 / 45) x (1.8 / 0.9)^2
  expect(readLiberty(OSU018_LIBERTY).nomVoltage).toBe(LIB_VOLTAGE);
  for (const a of HOROWITZ_SRAM) expect(sramPjPerBit(a.kib * 8192, DEFAULT_MEMORY)).toBeCloseTo((a.pj64 / 64) * 16, 10);
  // between 8 and 32 KiB the energy grows as sqrt(capacity): 16 KiB = 10 * sqrt(2) pJ per 64 bits
  expect(sramPjPerBit(16 * 8192, DEFAULT_MEMORY)).toBeCloseTo(((10 * Math.SQRT2) / 64) * 16, 10);
});

describe('workload extras', () => {
  const w: Workload = tinyWorkload();
  test('which tensors are reduced along which axes', () => {
    const u = new Map(tensorUses(w).map((t) => [t.name, [...t.axes].sort()]));
    expect(u.get('W')).toEqual(['cols', 'rows']);
    expect(u.get('X')).toEqual(['cols', 'rows']);
    expect(u.get('dY')).toEqual(['cols', 'rows']);
  });
  test('tile: the weight update only; 1-D: second copies of W, X and dY', () => {
    const t = extraCounts(w, 'mxsf', 'tile', 8);
    expect(t.weight_elements).toBe(64);
    expect(t.quant_elements).toBe(64);
    expect(t.dram_read_bits).toBe(64 * 96); // master, momentum, gradient
    expect(t.dram_write_bits).toBe(64 * 64 + storedBits('mxsf', 'tile', 8, 8, 8));
    expect(t.second_copies).toEqual([]);
    const d = extraCounts(w, 'mxsf', '1x32', 8);
    expect(d.quant_elements).toBe(64 * 2 + 2 * 64); // W twice; X and dY (8 x 8 each) once more
    expect([...d.second_copies].sort()).toEqual(['X', 'dY']);
    expect(d.transpose_bits).toBe(2 * 64 * 64);
    const b = extraCounts(w, 'bf16', 'tile', 8);
    expect(b.quant_elements).toBe(0);
  });
  test('a format result is the sum of its parts, compute = PE ops x the per-op input', () => {
    const a = { rows: 2, cols: 2, tile: 8, depth: 1 };
    for (const f of ['mxsf', 'bf16'] as const) {
      const r = formatEnergy(w, f, 'tile', a, energiesFrom(TEST_FIGURES, f), DEFAULT_MEMORY, () => 'normal');
      expect(r.total_pj).toBeCloseTo(r.compute_pj + r.requant_pj + r.sram_pj + r.dram_pj + r.leakage_pj + r.idle_pj, 6);
      const pe = TEST_FIGURES.find((x) => x.kind === 'pe' && x.format === f)!;
      expect(r.compute_pj).toBeCloseTo(r.pe_ops * pe.dynamic_pj, 6);
      expect(r.pe_ops).toBe(w.gemms.reduce((s, x) => s + gemmCounts(x, f, 'tile', a).pe_ops, 0));
      expect(r.dram_pj).toBeCloseTo(r.dram_bits * DEFAULT_MEMORY.dramPjPerBit, 6);
      // idle: PE cycles without an op at the PE's clock energy; the re-quantizer's cycles without a row at its own
      expect(r.idle_pe_pj).toBeCloseTo(r.idle_pe_cycles * pe.clock_pj_per_cycle, 6);
      const busy = r.gemms.reduce((s, x) => s + x.requant_elements, 0) / 8;
      expect(r.idle_requant_pj).toBeCloseTo(f === 'bf16' ? 0 : (r.cycles - busy) * 1, 6); // test input: 10 pJ / 10
      expect(r.idle_pj).toBeCloseTo(r.idle_pe_pj + r.idle_requant_pj, 6);
    }
  });
});
