// --values decimal|hex|bits: what each form prints (corner table), that the decimal form is the shortest that
// reads back to the same FP32 value (seeded random bit patterns and every binade edge), and that every form
// printed by quantize and gemm reads back as input to the same bits.

import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { jsonText } from '../../generator/cli/json';
import { codeJson, fp32Json, literalToFp32, RawJson, readUnsigned, scaleJson, shortestFp32 } from '../../generator/cli/values';
import { dequantize, floatToBits, gemm, makeMatrix, quantize } from '../../generator/golden/index';
import { Prng } from '../../generator/util/prng';
import { put, runIn, tempDir } from './helpers';

let dir: string;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  dir = tempDir('mxgen-values-');
});
const run = (argv: string[], stdin = '') => runIn(dir, argv, stdin);
const json = (v: unknown) => jsonText(v);

describe('FP32 forms', () => {
  // bits, decimal, hex, bits string
  test.each([
    [0x3f800000, '1', '"0x3f800000"', '"0b0_01111111_00000000000000000000000"'],
    [0x80000000, '-0', '"0x80000000"', '"0b1_00000000_00000000000000000000000"'],
    [0x00000000, '0', '"0x00000000"', '"0b0_00000000_00000000000000000000000"'],
    [floatToBits(0.1), '0.1', '"0x3dcccccd"', '"0b0_01111011_10011001100110011001101"'],
    [0x00000001, '1e-45', '"0x00000001"', '"0b0_00000000_00000000000000000000001"'],
    [0x7f7fffff, '3.4028235e+38', '"0x7f7fffff"', '"0b0_11111110_11111111111111111111111"'],
    [floatToBits(448), '448', '"0x43e00000"', '"0b0_10000111_11000000000000000000000"'],
    [floatToBits(-(2 ** -126)), '-1.1754944e-38', '"0x80800000"', '"0b1_00000001_00000000000000000000000"'],
    [0x7fc00000, '"nan"', '"0x7fc00000"', '"0b0_11111111_10000000000000000000000"'],
    [0x7f800001, '"nan"', '"0x7f800001"', '"0b0_11111111_00000000000000000000001"'],
    [0x7f800000, '"inf"', '"0x7f800000"', '"0b0_11111111_00000000000000000000000"'],
    [0xff800000, '"-inf"', '"0xff800000"', '"0b1_11111111_00000000000000000000000"'],
  ])('FP32 bits %i', (bits, dec, hex, bitsText) => {
    expect([json(fp32Json(bits, undefined)), json(fp32Json(bits, 'decimal')), json(fp32Json(bits, 'hex')), json(fp32Json(bits, 'bits'))]).toEqual([
      String(bits >>> 0), dec, hex, bitsText,
    ]);
  });

  test('decimal is the shortest literal that reads back (200k seeded patterns and every binade edge)', () => {
    const rng = new Prng(20260611);
    const patterns: number[] = [];
    for (let e = 0; e < 255; e++) for (const m of [0, 1, 0x7fffff, 0x400000]) patterns.push(((e << 23) | m) >>> 0, ((1 << 31) | (e << 23) | m) >>> 0);
    for (let i = 0; i < 200_000; i++) {
      const b = rng.u32();
      if ((b & 0x7f800000) !== 0x7f800000) patterns.push(b);
    }
    for (const b of patterns) {
      const s = shortestFp32(b);
      if (literalToFp32(s) !== b) throw new Error(`0x${b.toString(16)}: '${s}' reads back as 0x${literalToFp32(s).toString(16)}`);
      // significant digits: the mantissa without leading and trailing zeros (33554430 has 7)
      const digits = s.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
      if (digits > 1) {
        const shorter = Math.abs(Number(s)).toPrecision(digits - 1);
        const x = Math.abs(new Float32Array(new Uint32Array([b]).buffer)[0]!).toPrecision(digits - 1);
        if (literalToFp32(x) === (b & 0x7fffffff) || literalToFp32(shorter) === (b & 0x7fffffff)) throw new Error(`0x${b.toString(16)}: '${s}' is not the shortest`);
      }
    }
  });
});

describe('code and scale forms', () => {
  test.each([
    ['mxfp8-e4m3', 126, '"0x7e"', '"0b0_1111_110"'],
    ['mxfp8-e5m2', 0xfc, '"0xfc"', '"0b1_11111_00"'],
    ['mxfp4-e2m1', 6, '"0x6"', '"0b0_11_0"'],
    ['mxfp6-e3m2', 0x3f, '"0x3f"', '"0b1_111_11"'],
    ['mxsf', 0x21, '"0x21"', '"0b0_01_00001"'],
    ['mxint8', 0x80, '"0x80"', '"0b10000000"'],
  ] as const)('%s code %i', (format, code, hex, bits) => {
    expect([json(codeJson(code, format, undefined)), json(codeJson(code, format, 'decimal')), json(codeJson(code, format, 'hex')), json(codeJson(code, format, 'bits'))]).toEqual([
      String(code), String(code), hex, bits,
    ]);
    expect(readUnsigned(JSON.parse(hex), 8)).toBe(code);
    expect(readUnsigned(JSON.parse(bits), 8)).toBe(code);
  });

  test('scales and reading back', () => {
    expect([scaleJson(127, 'hex'), scaleJson(127, 'bits'), scaleJson(255, undefined)]).toEqual(['0x7f', '0b01111111', 255]);
    expect([readUnsigned('0x7F', 8), readUnsigned('0b0111_1111', 8), readUnsigned(127, 8), readUnsigned('0x100', 8), readUnsigned('0b_1', 8), readUnsigned('127', 8), readUnsigned(-1, 8)]).toEqual([
      127, 127, 127, undefined, undefined, undefined, undefined,
    ]);
    expect(new RawJson('-0').toJSON()).toBe('-0');
  });
});

describe('quantize and gemm outputs in every form read back', () => {
  // through JSON text, as the CLI reads it (JSON.stringify writes -0 as 0)
  const A = JSON.parse(JSON.stringify({ rows: 3, cols: 40, data: Array.from({ length: 120 }, (_, i) => Math.cos(i) * (i % 7) * 2 ** ((i % 11) - 5)) }));
  const B = { rows: 40, cols: 2, data: Array.from({ length: 80 }, (_, i) => Math.sin(i * 3) * 2 ** (i % 5)) };
  const m = (x: { rows: number; cols: number; data: number[] }) => makeMatrix(x.rows, x.cols, Uint32Array.from(x.data.map(floatToBits)));

  test('quantize: the same scales, codes and values in each form', async () => {
    put(dir, 'a.json', A);
    const plain = JSON.parse((await run(['quantize', '--format', 'mxfp8-e4m3', '--input', 'a.json'])).stdout);
    const q = quantize(m(A), 'mxfp8-e4m3', { rows: 1, cols: 32 }, 'floor');
    expect(plain.values).toEqual(Array.from(dequantize(q)));
    const dec = JSON.parse((await run(['quantize', '--format', 'mxfp8-e4m3', '--input', 'a.json', '--values', 'decimal'])).stdout);
    expect(dec.codes).toEqual(plain.codes);
    expect(dec.values.map((v: number) => floatToBits(v))).toEqual(plain.values); // JSON.parse keeps -0
    put(dir, 'negzero.json', '{"rows":1,"cols":3,"data":[-0, 1, -1e-30]}');
    const raw = (await run(['quantize', '--format', 'mxsf', '--input', 'negzero.json', '--values', 'decimal'])).stdout;
    expect(raw).toContain('"values": [-0,1,-0]'); // -0 survives as a literal (the tiny value underflows to -0)
    for (const form of ['hex', 'bits'] as const) {
      const o = JSON.parse((await run(['quantize', '--format', 'mxfp8-e4m3', '--input', 'a.json', '--values', form])).stdout);
      expect(o.codes.map((c: string) => readUnsigned(c, 8))).toEqual(plain.codes);
      expect(o.scales.map((c: string) => readUnsigned(c, 8))).toEqual(plain.scales);
      expect(o.values.map((c: string) => readUnsigned(c, 32))).toEqual(plain.values);
      expect(o.codes[0]).toMatch(form === 'hex' ? /^0x[0-9a-f]{2}$/ : /^0b[01]_[01]{4}_[01]{3}$/);
    }
  });

  test('gemm: every form of the result is a matrix input with the same bits', async () => {
    put(dir, 'a.json', A);
    put(dir, 'b.json', B);
    const want = gemm(m(A), m(B), { formatA: 'mxsf' });
    const plain = JSON.parse((await run(['gemm', '--format', 'mxsf', '--a', 'a.json', '--b', 'b.json'])).stdout);
    expect(plain).toEqual({ rows: 3, cols: 2, bits: Array.from(want.bits) });
    for (const form of ['decimal', 'hex', 'bits']) {
      const r = await run(['gemm', '--format', 'mxsf', '--a', 'a.json', '--b', 'b.json', '--values', form, '--output', `c-${form}.json`]);
      expect(r.code).toBe(0);
      const text = readFileSync(path.join(dir, `c-${form}.json`), 'utf8');
      expect(Object.keys(JSON.parse(text))).toEqual(['rows', 'cols', form === 'decimal' ? 'data' : 'bits']);
    }
    const { matrixFromJson } = await import('../../generator/cli/io');
    for (const form of ['decimal', 'hex', 'bits']) {
      const text = readFileSync(path.join(dir, `c-${form}.json`), 'utf8');
      expect(Array.from(matrixFromJson(JSON.parse(text), form, text).bits)).toEqual(Array.from(want.bits));
    }
  });
});
