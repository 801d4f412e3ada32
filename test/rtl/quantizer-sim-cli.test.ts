// `mxgen sim quantize` (in-process): the RTL's JSON equals `mxgen quantize` for every format and both scale
// modes under Icarus (Verilator for one: its builds are slow; the regression suite runs every format and mode
// under both simulators), column blocks and 2-D tiles, BF16 input, partial blocks at the row ends, NaN blocks;
// oversized block shapes; a missing
// simulator; the diff summary of a disagreement.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { main } from '../../generator/cli/main';
import { bufferIO } from '../../generator/cli/io';
import { diffSummary } from '../../generator/drivers/sim-quantize';
import { formatJson, quantizeJson } from '../../generator/cli/json';
import { FORMAT_NAMES, fp32BitsToBf16Bits, makeMatrix, quantize, type FormatName } from '../../generator/golden/index';

const DATA = [
  485, 475, 400, -485, -475, -450, 0.015625, -0.015625, 1e-40, -3, 7, 1, 0, -0, 2.5, 1e30, 1e-30, 3, 4, 5,
  0.9375, -0.96875, 0.875, 1.0625, 6, 7.875, 8, 0.0078125, 0.001953125, -0.0029296875, 0.1, 0.2, 0.3, 1e-3, -1e-4, 12345.678, -1, 1, 2, 3,
  'nan', 1, 2, 3, 4, 5, 6, 7, -0, -0, -0, -0, 0, -0, 0, 1e-45, -2e-45, 3e-45, 65504, 448,
];
const MATRIX = JSON.stringify({ rows: 3, cols: 20, data: DATA });

async function cli(argv: string[], stdin = MATRIX): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIO(stdin);
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

async function agrees(format: FormatName, mode: string, sim: string, block = '1x8'): Promise<void> {
  const want = await cli(['quantize', '--format', format, '--block', block, '--scale-mode', mode]);
  expect(want.code).toBe(0);
  const got = await cli(['sim', 'quantize', '--format', format, '--block', block, '--scale-mode', mode, '--sim', sim]);
  expect(got.err).toBe('');
  expect(got.code).toBe(0);
  expect(got.out).toBe(want.out);
}

describe('sim quantize agrees with quantize', () => {
  for (const format of FORMAT_NAMES) {
    for (const mode of ['floor', 'rceil']) {
      test(`icarus ${format} ${mode}`, () => agrees(format, mode, 'icarus'));
    }
  }
  test('verilator mxsf rceil', () => agrees('mxsf', 'rceil', 'verilator'));
  test('icarus mxfp8-e4m3 floor, a block wider than the matrix', () => agrees('mxfp8-e4m3', 'floor', 'icarus', '1x64'));
  test('icarus mxint8 floor, 1x1 blocks', () => agrees('mxint8', 'floor', 'icarus', '1x1'));
  // Kx1 column blocks run the 1xK quantizer on the transpose; R x C tiles run the tile re-quantizer
  test('icarus mxsf floor, 4x1 column blocks', () => agrees('mxsf', 'floor', 'icarus', '4x1'));
  test('icarus mxsf floor, 2x8 tiles (partial tiles at both edges)', () => agrees('mxsf', 'floor', 'icarus', '2x8'));
  test('icarus mxfp8-e4m3 rceil, 2x4 tiles', () => agrees('mxfp8-e4m3', 'rceil', 'icarus', '2x4'));

  test('--bf16-input: the BF16 quantizer on the BF16-rounded matrix', async () => {
    const got = await cli(['sim', 'quantize', '--format', 'mxsf', '--block', '1x8', '--sim', 'icarus', '--bf16-input']);
    expect(got.err).toBe('');
    expect(got.code).toBe(0);
    const m = (await import('../../generator/cli/io')).matrixFromJson(JSON.parse(MATRIX), 'm', MATRIX);
    const rounded = makeMatrix(m.rows, m.cols, m.bits.map((b) => fp32BitsToBf16Bits(b)));
    expect(got.out).toBe(formatJson(quantizeJson(quantize(rounded, 'mxsf', { rows: 1, cols: 8 }, 'floor'))));
  });

  test('--no-check and --output', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mxgen-simq-'));
    try {
      const out = path.join(dir, 'q.json');
      const got = await cli(['sim', 'quantize', '--format', 'mxfp6-e2m3', '--block', '1x8', '--sim', 'icarus', '--no-check', '--output', out]);
      expect(got.code).toBe(0);
      expect(got.out).toBe('');
      const { readFileSync } = await import('node:fs');
      expect(readFileSync(out, 'utf8')).toBe((await cli(['quantize', '--format', 'mxfp6-e2m3', '--block', '1x8'])).out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('errors', () => {
  test('oversized blocks and tiles are refused', async () => {
    for (const block of ['128x128', '1x2048', '2048x1']) {
      const r = await cli(['sim', 'quantize', '--format', 'mxsf', '--block', block, '--sim', 'icarus']);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/too large to build and simulate/);
      expect(r.out).toBe('');
    }
    const bad = await cli(['sim', 'quantize', '--format', 'mxsf', '--block', '1x0']);
    expect(bad.code).toBe(2);
    const sim = await cli(['sim', 'quantize', '--format', 'mxsf', '--sim', 'modelsim']);
    expect(sim.code).toBe(2);
    expect(sim.err).toContain('verilator, icarus');
  });

  const emptyPath = mkdtempSync(path.join(os.tmpdir(), 'mxgen-nopath-'));
  afterAll(() => rmSync(emptyPath, { recursive: true, force: true }));
  for (const [sim, tool] of [['verilator', 'verilator'], ['icarus', 'iverilog']] as const) {
    test(`a missing ${sim} says how to install it`, async () => {
      const saved = process.env.PATH;
      process.env.PATH = emptyPath;
      try {
        const r = await cli(['sim', 'quantize', '--format', 'mxsf', '--sim', sim]);
        expect(r.code).toBe(1);
        expect(r.err).toBe(`mxgen: ${tool} not found on PATH; install it with: apt-get update && apt-get install -y ${tool}\n`);
        expect(r.out).toBe('');
      } finally {
        process.env.PATH = saved;
      }
    });
  }

  test('the diff summary names the differing blocks, scales and codes', () => {
    const m = makeMatrix(2, 5, Uint32Array.from([0x3f800000, 0x40000000, 0, 0x80000000, 0x3f000000, 1, 2, 3, 4, 5]));
    const golden = quantize(m, 'mxsf', { rows: 1, cols: 4 }, 'floor');
    expect(diffSummary(m, golden, golden, 'icarus', 'top')).toBeUndefined();
    const bad = { ...golden, scales: golden.scales.slice(), codes: golden.codes.slice() };
    bad.scales[1] ^= 1;
    const text = diffSummary(m, golden, bad, 'icarus', 'mxsf_quant_k4_floor_fp32_d1')!;
    expect(text).toContain('the RTL (mxsf_quant_k4_floor_fp32_d1, icarus) disagrees with the golden model: 1 of 4 blocks differ (1 scales, 0 codes)');
    expect(text).toContain('block row 0 cols 4..4: scale expected');
    bad.scales[1] ^= 1;
    bad.codes[6] ^= 8;
    const text2 = diffSummary(m, golden, bad, 'icarus', 'x')!;
    expect(text2).toContain('1 of 4 blocks differ (0 scales, 1 codes)');
    expect(text2).toContain('block row 1 cols 0..3');
    expect(text2).toContain('[1,1] input 0x00000002: code expected');
  });
});
