// Pre-quantized GEMM operands: the JSON `mxgen quantize` writes (in every --values form) fed to `mxgen gemm`
// gives the golden product bit for bit; it supplies the format and block shape or must agree with them; every
// malformed file is one line naming the file and the key.

import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { floatToBits, gemm, gemmQuantized, makeMatrix, quantize } from '../../generator/golden/index';
import { expectOneLine, put, runIn, tempDir } from './helpers';

let dir: string;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = (argv: string[], stdin = '') => runIn(dir, argv, stdin);

const A = { rows: 3, cols: 40, data: Array.from({ length: 120 }, (_, i) => Math.cos(i * 1.3) * 2 ** ((i % 13) - 6)) };
const B = { rows: 40, cols: 5, data: Array.from({ length: 200 }, (_, i) => Math.sin(i * 0.7) * 2 ** ((i % 9) - 4)) };
const m = (x: { rows: number; cols: number; data: number[] }) => makeMatrix(x.rows, x.cols, Uint32Array.from(x.data.map(floatToBits)));
const bits = (r: { stdout: string }) => (JSON.parse(r.stdout) as { bits: number[] }).bits;

beforeAll(async () => {
  dir = tempDir('mxgen-operands-');
  put(dir, 'a.json', A);
  put(dir, 'b.json', B);
  for (const form of ['', 'decimal', 'hex', 'bits']) {
    const values = form ? ['--values', form] : [];
    await run(['quantize', '--format', 'mxsf', '--input', 'a.json', '--output', `qa${form}.json`, ...values]);
    await run(['quantize', '--format', 'mxfp8-e5m2', '--block', '32x1', '--input', 'b.json', '--output', `qb${form}.json`, ...values]);
  }
  await run(['quantize', '--format', 'mxfp8-e4m3', '--block', '8x8', '--input', 'a.json', '--output', 'qa8.json']);
  await run(['quantize', '--format', 'mxfp8-e4m3', '--block', '8x8', '--input', 'b.json', '--output', 'qb8.json']);
});

describe('pre-quantized operands give the golden product', () => {
  test.each(['', 'decimal', 'hex', 'bits'])('A pre-quantized (--values %s) supplies the format', async (form) => {
    const want = gemm(m(A), m(B), { formatA: 'mxsf' });
    const r = await run(['gemm', '--a', `qa${form}.json`, '--b', 'b.json']);
    expect(r.stderr).toBe('');
    expect(bits(r)).toEqual(Array.from(want.bits));
    expect(bits(await run(['gemm', '--format', 'mxsf', '--a', `qa${form}.json`, '--b', 'b.json']))).toEqual(Array.from(want.bits));
  });

  test('both pre-quantized in different formats: a mixed pair', async () => {
    const qa = quantize(m(A), 'mxsf', { rows: 1, cols: 32 }, 'floor');
    const qb = quantize(m(B), 'mxfp8-e5m2', { rows: 32, cols: 1 }, 'floor');
    const want = gemmQuantized(qa, qb);
    expect(bits(await run(['gemm', '--a', 'qahex.json', '--b', 'qbbits.json']))).toEqual(Array.from(want.bits));
    expect(bits(await run(['gemm', '--format', 'mxsf', '--format-b', 'mxfp8-e5m2', '--a', 'qa.json', '--b', 'qb.json']))).toEqual(Array.from(want.bits));
  });

  test('8x8 tiles: the file supplies --block-a, a raw B needs its own --block-b', async () => {
    const want = gemm(m(A), m(B), { formatA: 'mxfp8-e4m3', blockA: { rows: 8, cols: 8 }, blockB: { rows: 8, cols: 8 } });
    expect(bits(await run(['gemm', '--a', 'qa8.json', '--b', 'qb8.json']))).toEqual(Array.from(want.bits));
    expect(bits(await run(['gemm', '--a', 'qa8.json', '--b', 'b.json', '--block-b', '8x8']))).toEqual(Array.from(want.bits));
    const r = await run(['gemm', '--a', 'qa8.json', '--b', 'b.json']);
    expect(r.code).toBe(2);
    expect(expectOneLine(r)).toBe(
      "mxgen: gemm: the blocks' edges along K differ: --block-a 8x8 has 8 columns, --block-b 32x1 has 32 rows; use matching edges (e.g. 1x32 with 32x1, 8x8 with 8x8) (see 'mxgen gemm --help')",
    );
  });

  test('a pre-quantized operand from stdin', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(`${dir}/qa.json`, 'utf8');
    const want = gemm(m(A), m(B), { formatA: 'mxsf' });
    expect(bits(await run(['gemm', '--a', '-', '--b', 'b.json'], text))).toEqual(Array.from(want.bits));
  });
});

describe('disagreements and malformed files: one line', () => {
  const q = { format: 'mxsf', block: [1, 2], scaleMode: 'floor', rows: 1, cols: 4, scales: [127, 127], codes: [1, 2, 3, 4] };
  const bad = (name: string, patch: Record<string, unknown>) => put(dir, name, { ...q, ...patch });
  beforeAll(() => {
    put(dir, 'b4.json', { rows: 4, cols: 1, data: [1, 2, 3, 4] });
    put(dir, 'q-ok.json', q);
    put(dir, 'a14.json', { rows: 1, cols: 4, data: [1, 2, 3, 4] });
    bad('q-noformat.json', { format: undefined });
    bad('q-format.json', { format: 'mxsff' });
    bad('q-bf16.json', { format: 'bf16' });
    bad('q-block.json', { block: [1, 0] });
    bad('q-block3.json', { block: '1x2' });
    bad('q-mode.json', { scaleMode: 'ceil' });
    bad('q-rows.json', { rows: 1.5 });
    bad('q-scales.json', { scales: [127] });
    bad('q-scale256.json', { scales: [127, 256] });
    bad('q-codes.json', { codes: [1, 2, 3] });
    bad('q-code.json', { format: 'mxfp4-e2m1', codes: [1, 2, 16, 4] });
    bad('q-codehex.json', { codes: [1, '0x100', 3, 4] });
    bad('q-both.json', { bits: [0, 0, 0, 0] });
    bad('q-codesobj.json', { codes: { a: 1 } });
  });

  test.each([
    [['gemm', '--format', 'mxfp8-e4m3', '--a', 'q-ok.json', '--b', 'b4.json'], 1, 'mxgen: q-ok.json is quantized as mxsf, but --format is mxfp8-e4m3; drop --format or use --format mxsf'],
    [['gemm', '--a', 'q-ok.json', '--b', 'q-ok.json'], 1, 'mxgen: q-ok.json is 1x4 and q-ok.json is 1x4: A\'s columns must equal B\'s rows (K)'],
    [['gemm', '--format', 'mxsf', '--block-a', '1x4', '--block-b', '4x1', '--a', 'q-ok.json', '--b', 'b4.json'], 1, 'mxgen: q-ok.json is quantized in 1x2 blocks, but --block-a is 1x4; drop --block-a or use --block-a 1x2'],
    [['gemm', '--format', 'bf16', '--a', 'q-ok.json', '--b', 'b4.json'], 1, 'mxgen: q-ok.json is pre-quantized (mxsf), but --format bf16 multiplies FP32 matrices'],
    [['gemm', '--a', 'a14.json', '--b', 'b4.json'], 2, "mxgen: gemm: missing required option --format (or give a pre-quantized A) (see 'mxgen gemm --help')"],
    [['gemm', '--a', 'q-noformat.json', '--b', 'b4.json'], 1, "mxgen: q-noformat.json: a quantized operand needs \"format\" (the JSON that 'mxgen quantize' writes)"],
    [
      ['gemm', '--a', 'q-format.json', '--b', 'b4.json'],
      1,
      "mxgen: q-format.json: unknown \"format\" 'mxsff'; choose one of: mxfp8-e5m2, mxfp8-e4m3, mxfp6-e3m2, mxfp6-e2m3, mxfp4-e2m1, mxint8, mxfp8-e2m5, mxsf; did you mean 'mxsf'?",
    ],
    [['gemm', '--a', 'q-bf16.json', '--b', 'b4.json'], 1, 'mxgen: q-bf16.json: "format" bf16 is not an MX format; a quantized operand has an MX format'],
    [['gemm', '--a', 'q-block.json', '--b', 'b4.json'], 1, 'mxgen: q-block.json: "block" must be [rows, cols] with positive integers up to 65536, got [1,0]'],
    [['gemm', '--a', 'q-block3.json', '--b', 'b4.json'], 1, 'mxgen: q-block3.json: "block" must be [rows, cols] with positive integers up to 65536, got "1x2"'],
    [['gemm', '--a', 'q-mode.json', '--b', 'b4.json'], 1, 'mxgen: q-mode.json: "scaleMode" must be one of floor, rceil, got "ceil"'],
    [['gemm', '--a', 'q-rows.json', '--b', 'b4.json'], 1, 'mxgen: q-rows.json: "rows" must be a positive integer, got 1.5'],
    [['gemm', '--a', 'q-scales.json', '--b', 'b4.json'], 1, 'mxgen: q-scales.json: "scales" has 1 entries; a 1x4 matrix in 1x2 blocks (a 1x2 grid) needs 2'],
    [['gemm', '--a', 'q-scale256.json', '--b', 'b4.json'], 1, 'mxgen: q-scale256.json: scales[1] must be an 8-bit code (0..255, "0x..." or "0b..."), got 256'],
    [['gemm', '--a', 'q-codes.json', '--b', 'b4.json'], 1, 'mxgen: q-codes.json: "codes" has 3 entries; a 1x4 matrix needs 4'],
    [['gemm', '--a', 'q-code.json', '--b', 'b4.json'], 1, 'mxgen: q-code.json: codes[2] must be a 4-bit code (0..15, "0x..." or "0b..."), got 16'],
    [['gemm', '--a', 'q-codehex.json', '--b', 'b4.json'], 1, 'mxgen: q-codehex.json: codes[1] must be an 8-bit code (0..255, "0x..." or "0b..."), got "0x100"'],
    [['gemm', '--a', 'q-both.json', '--b', 'b4.json'], 1, 'mxgen: q-both.json: has both "bits" (a matrix) and "codes"/"scales" (a quantized operand); give one form'],
    [['gemm', '--a', 'q-codesobj.json', '--b', 'b4.json'], 1, 'mxgen: q-codesobj.json: "codes" must be an array, got {"a":1}'],
  ])('%j', async (argv, code, line) => {
    const r = await run(argv);
    expect(r.code).toBe(code);
    expect(expectOneLine(r)).toBe(line);
  });
});
