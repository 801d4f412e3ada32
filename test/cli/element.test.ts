// mxgen encode / decode: every code of every format decoded and encoded back (exhaustive), a commented corner
// table of rounding results, the exact text and JSON forms, and the error lines.

import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeElement, encodeElement } from '../../generator/drivers/element';
import { classifyCode, codeBits, decodeValue, FORMAT_NAMES, FORMAT_TABLE, floatToBits, FP32_CANONICAL_NAN } from '../../generator/golden/index';
import { expectOneLine, runIn, tempDir } from './helpers';

let dir: string;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  dir = tempDir('mxgen-element-');
});
const run = (argv: string[]) => runIn(dir, argv);

describe('every code of every format', () => {
  test.each(FORMAT_NAMES.map((f) => [f]))('%s: decode, classify, encode back', async (format) => {
    const f = FORMAT_TABLE[format];
    const n = 2 ** codeBits(f);
    for (let code = 0; code < n; code++) {
      const e = decodeElement(format, code);
      const v = decodeValue(f, code);
      expect(Object.is(e.value, v)).toBe(true);
      const cls = classifyCode(f, code);
      const want = cls !== 'finite' ? cls : v === 0 ? 'zero' : f.kind === 'int' ? 'integer' : (code >> f.manBits) & ((1 << f.expBits) - 1) ? 'normal' : 'subnormal';
      expect(e.class, `${format} 0x${code.toString(16)}`).toBe(want);
      if (format === 'mxsf') expect(e.mode).toBe(((code >> 5) & 3) === 0 ? 'subnormal-fp' : 'wide-mantissa');
      else expect(e.mode).toBeUndefined();
      if (cls !== 'finite' || (f.kind === 'int' && code === 0x80)) continue;
      const r = encodeElement(format, floatToBits(v));
      expect([r.element.code, r.result], `${format} 0x${code.toString(16)}`).toEqual([code, 'exact']);
    }
  });

  test('the CLI prints what the golden model decodes, for every mxfp8-e5m2 code', async () => {
    for (let code = 0; code < 256; code++) {
      const r = await run(['decode', '--format', 'mxfp8-e5m2', '--json', String(code)]);
      const j = JSON.parse(r.stdout);
      const v = decodeValue(FORMAT_TABLE['mxfp8-e5m2'], code);
      expect(j.value).toBe(Number.isNaN(v) ? FP32_CANONICAL_NAN : floatToBits(v));
      expect(j.code).toBe(code);
    }
  });
});

describe('encode: rounding results (formats.md 1.2)', () => {
  test.each([
    // format, VALUE, code, value, result
    ['mxfp8-e4m3', '448', 0x7e, 448, 'exact'],
    ['mxfp8-e4m3', '464', 0x7e, 448, 'rounded'], // midpoint of 448 and 480 (a NaN code): ties to even keeps 448
    ['mxfp8-e4m3', '470', 0x7e, 448, 'saturated'], // rounds to 480, beyond max normal
    ['mxfp8-e4m3', '500', 0x7e, 448, 'saturated'],
    ['mxfp8-e4m3', '-1e30', 0xfe, -448, 'saturated'],
    ['mxfp8-e4m3', '0.1', 0x1d, 0.1015625, 'rounded'],
    ['mxfp8-e4m3', '1e-10', 0x00, 0, 'underflow'],
    ['mxfp8-e4m3', '-1e-10', 0x80, -0, 'underflow'], // sign of zero kept
    ['mxfp8-e4m3', '0.0009765625', 0x00, 0, 'underflow'], // 2^-10, half the smallest subnormal 2^-9: to even (0)
    ['mxfp8-e5m2', '57344', 0x7b, 57344, 'exact'],
    ['mxfp8-e5m2', '61439', 0x7b, 57344, 'rounded'],
    ['mxfp8-e5m2', '61440', 0x7b, 57344, 'saturated'], // midpoint of 57344 = 7 * 2^13 and 2^16: to even is 2^16, beyond max; never Inf
    ['mxint8', '1.9921875', 0x7f, 127 / 64, 'saturated'], // 127.5/64: ties to even is 128, clamped to 127
    ['mxint8', '1.98', 0x7f, 127 / 64, 'rounded'],
    ['mxint8', '-2', 0x81, -127 / 64, 'saturated'], // -128 (0x80) is never produced
    ['mxint8', '-0.001', 0x00, 0, 'underflow'], // one zero
    ['mxint8', '-0', 0x00, 0, 'exact'],
    ['mxsf', '0.0123', 0x06, 0.01171875, 'rounded'], // subnormal-FP mode: 2^-7 * 1.5, xxx = 1, ff = 2
    ['mxsf', '7.9', 0x7f, 7.875, 'rounded'],
    ['mxsf', '7.9375', 0x7f, 7.875, 'saturated'], // midpoint of 7.875 and 8: to even is 8, saturates
    ['mxsf', '0x3c000000', 0x04, 2 ** -7, 'exact'], // an FP32 bit pattern
    ['mxsf', '-.5', 0x9c, -0.5, 'exact'], // 2^-1: subnormal-FP mode, xxx = 7, ff = 0
    ['mxsf', '+5.', 0x68, 5, 'exact'], // 2^2 * 1.25: ee = 3, mmmmm = 8
  ] as const)('%s %s -> 0x%s', async (format, value, code, v, result) => {
    const r = await run(['encode', '--format', format, '--json', '--', value]);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect([j.code, j.value, j.result]).toEqual([code, floatToBits(v), result]);
  });
});

describe('exact output forms', () => {
  test('encode text, every form', async () => {
    expect((await run(['encode', '--format', 'mxfp8-e4m3', '500'])).stdout).toBe(
      [
        'format: mxfp8-e4m3',
        'input:  500 = 0x43fa0000 (FP32)',
        'code:   0x7e = 126 = 0b0_1111_110',
        'value:  448 = 0x43e00000 (FP32)',
        'result: saturated: the input is beyond the largest magnitude, which is taken with its sign (formats.md 1.2)',
        'class:  normal: 2^(15-7) * (1 + 6/8)',
        '',
      ].join('\n'),
    );
    expect((await run(['encode', '--format', 'mxsf', '--values', 'bits', '-1.5'])).stdout).toBe(
      [
        'format: mxsf',
        'input:  0b1_01111111_10000000000000000000000',
        'code:   0b1_01_10000',
        'value:  0b1_01111111_10000000000000000000000',
        'result: exact: the code holds the input',
        'class:  normal, wide-mantissa (E2M5): (-1)^1 * 2^(1-1) * (1 + 16/32)',
        '',
      ].join('\n'),
    );
    const dec = (await run(['encode', '--format', 'mxfp8-e4m3', '--values', 'decimal', '0.1'])).stdout;
    expect(dec).toContain('input:  0.100000001490116119384765625\n'); // the FP32 the literal rounds to, exactly
    expect(dec).toContain('code:   29\n');
    expect(dec).toContain('value:  0.1015625\n');
    const hex = (await run(['encode', '--format', 'mxfp8-e4m3', '--values', 'hex', '0.1'])).stdout;
    expect(hex).toContain('input:  0x3dcccccd\n');
    expect(hex).toContain('code:   0x1d\n');
  });

  test('decode text and JSON', async () => {
    expect((await run(['decode', '--format', 'mxsf', '0b0_00_01101'])).stdout).toBe(
      [
        'format: mxsf',
        'code:   0x0d = 13 = 0b0_00_01101',
        'value:  0.0390625 = 0x3d200000 (FP32)',
        'class:  subnormal, subnormal-FP (FP5 E3M2): 2^(3-8) * (1 + 1/4)',
        '',
      ].join('\n'),
    );
    expect((await run(['decode', '--format', 'mxsf', '0x02'])).stdout).toContain('class:  subnormal, subnormal-FP (FP5 E3M2): 2^(1-8) * 2/4\n');
    expect((await run(['decode', '--format', 'mxfp8-e4m3', '0x07'])).stdout).toContain('value:  0.013671875 = 0x3c600000 (FP32)\nclass:  subnormal: 2^(1-7) * 7/8\n');
    expect((await run(['decode', '--format', 'mxfp8-e4m3', '0x80'])).stdout).toContain('value:  -0 = 0x80000000 (FP32)\nclass:  zero: -0\n');
    expect(JSON.parse((await run(['decode', '--format', 'mxfp8-e5m2', '--json', '0xfc'])).stdout)).toEqual({
      format: 'mxfp8-e5m2', code: 252, value: 0xff800000, class: 'inf', formula: '-Inf',
    });
    expect(JSON.parse((await run(['decode', '--format', 'mxfp8-e4m3', '--json', '--values', 'hex', '0x7f'])).stdout)).toEqual({
      format: 'mxfp8-e4m3', code: '0x7f', value: '0x7fc00000', class: 'nan', formula: 'NaN',
    });
    expect((await run(['decode', '--format', 'mxint8', '--json', '--values', 'decimal', '0x80'])).stdout).toBe(
      '{\n  "format": "mxint8",\n  "code": 128,\n  "value": -2,\n  "class": "integer",\n  "formula": "-128/64",\n  "note": "decodes, but quantization never produces it (formats.md 1)"\n}\n',
    );
    expect((await run(['decode', '--format', 'mxsf', '--json', '--values', 'decimal', '0x80'])).stdout).toContain('"value": -0,');
    expect(JSON.parse((await run(['decode', '--format', 'mxfp4-e2m1', '--json', '--values', 'bits', '0b0111'])).stdout)).toMatchObject({ code: '0b0_11_1', value: '0b0_10000001_10000000000000000000000' });
  });
});

describe('errors: one line, exit 2', () => {
  test.each([
    [['encode', '--format', 'mxsf', '1e39'], "mxgen: encode: VALUE 1e39 overflows FP32 (largest finite magnitude 3.4028234663852886e38) (see 'mxgen encode --help')"],
    [['encode', '--format', 'mxsf', '-1e39'], "mxgen: encode: VALUE -1e39 overflows FP32 (largest finite magnitude 3.4028234663852886e38) (see 'mxgen encode --help')"],
    [
      ['encode', '--format', 'mxsf', 'inf'],
      "mxgen: encode: VALUE inf is not finite: a NaN or Inf input makes its block's scale NaN and every code +0 (formats.md 2); encode takes a finite, already-scaled value (see 'mxgen encode --help')",
    ],
    [
      ['encode', '--format', 'mxsf', '0x7fc00000'],
      "mxgen: encode: VALUE 0x7fc00000 is not finite: a NaN or Inf input makes its block's scale NaN and every code +0 (formats.md 2); encode takes a finite, already-scaled value (see 'mxgen encode --help')",
    ],
    [
      ['encode', '--format', 'mxsf', '1,5'],
      "mxgen: encode: VALUE '1,5' is not a number; write a decimal number (e.g. -1.5, 3e-3) or an FP32 bit pattern (e.g. 0x3fc00000) (see 'mxgen encode --help')",
    ],
    [['encode', '--format', 'mxsf', '-inf'], "mxgen: encode: unknown option -inf; an argument that starts with '-' goes after '--' (mxgen encode ... -- -inf) (see 'mxgen encode --help')"],
    [['encode', '--format', 'mxsf'], "mxgen: encode: missing argument VALUE (see 'mxgen encode --help')"],
    [['encode', '--format', 'mxsf', '1', '2'], "mxgen: encode: unexpected argument '2' (see 'mxgen encode --help')"],
    [['encode', '1'], "mxgen: encode: missing required option --format (see 'mxgen encode --help')"],
    [
      ['encode', '--format', 'bf16', '1'],
      "mxgen: encode: --format: 'bf16' is the unscaled baseline, accepted only by 'mxgen gemm' and 'mxgen sim gemm'; choose one of: mxfp8-e5m2, mxfp8-e4m3, mxfp6-e3m2, mxfp6-e2m3, mxfp4-e2m1, mxint8, mxfp8-e2m5, mxsf (see 'mxgen encode --help')",
    ],
    [['decode', '--format', 'mxfp8-e4m3', '0x100'], "mxgen: decode: CODE 0x100 is out of range: mxfp8-e4m3 codes have 8 bits (0x00..0xff, 0..255) (see 'mxgen decode --help')"],
    [['decode', '--format', 'mxfp4-e2m1', '16'], "mxgen: decode: CODE 16 is out of range: mxfp4-e2m1 codes have 4 bits (0x0..0xf, 0..15) (see 'mxgen decode --help')"],
    [['decode', '--format', 'mxfp6-e3m2', '0b1000000'], "mxgen: decode: CODE 0b1000000 is out of range: mxfp6-e3m2 codes have 6 bits (0x00..0x3f, 0..63) (see 'mxgen decode --help')"],
    [['decode', '--format', 'mxsf', 'x7e'], "mxgen: decode: CODE 'x7e' is not a code; write hex (0x7e), binary (0b0_1111_110) or a decimal number (126) (see 'mxgen decode --help')"],
    [['decode', '--format', 'mxsf', '--', '-1'], "mxgen: decode: CODE '-1' is not a code; write hex (0x7e), binary (0b0_1111_110) or a decimal number (126) (see 'mxgen decode --help')"],
    [['decode', '--format', 'mxsf', '99999999999999999999'], "mxgen: decode: CODE 99999999999999999999 is out of range: mxsf codes have 8 bits (0x00..0xff, 0..255) (see 'mxgen decode --help')"],
  ])('%j', async (argv, line) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(expectOneLine(r)).toBe(line);
  });
});
