// The element decoders: the golden unpacked form (unpackCode) against the decoded values, the DSL decoder
// against unpackCode for every code (reference interpreter, no simulator), and every code of every decoder of
// rtl-out through Icarus (the regression suite adds Verilator).
import { describe, expect, test } from 'vitest';
import { evalExpr } from '../../generator/hdl/index';
import { codeBits, decodeValue, FORMAT_NAMES, FORMAT_TABLE, pow2 } from '../../generator/golden/index';
import { unpackedLayout } from '../../generator/rtl/common/unpacked';
import { decoderModule, decoderName, unpackCode } from '../../generator/rtl/decoder/index';
import { runDecoderRegression } from '../../generator/verify/suites/decoder';

const OUTPUTS = ['sign_o', 'sig_o', 'exp_o', 'is_zero_o', 'is_nan_o', 'is_inf_o'] as const;

describe('unpackCode: the golden unpacked form', () => {
  for (const format of FORMAT_NAMES) {
    test(`${format}: sig * 2^exp = |value| for every code, within the layout`, () => {
      const f = FORMAT_TABLE[format];
      const lay = unpackedLayout(f);
      const seenExp = new Set<number>();
      for (let c = 0; c < 2 ** codeBits(f); c++) {
        const u = unpackCode(f, c);
        const v = decodeValue(f, c);
        expect(u.isNaN).toBe(Number.isNaN(v));
        expect(u.isInf).toBe(Math.abs(v) === Infinity);
        expect(u.isZero).toBe(v === 0);
        if (!Number.isFinite(v) || v === 0) {
          expect([u.sig, u.exp]).toEqual([0, lay.expMin]);
          continue;
        }
        expect(u.sig * pow2(u.exp)).toBe(Math.abs(v));
        expect(u.sign).toBe(v < 0 ? 1 : 0);
        expect(u.sig).toBeLessThan(2 ** lay.sigWidth);
        seenExp.add(u.exp);
      }
      expect(Math.min(...seenExp)).toBe(lay.expMin);
      expect(Math.max(...seenExp)).toBe(lay.expMax);
    });
  }

  test('mxsf mode select: ee != 00 is E2M5 (6-bit sig), ee == 00 is FP5 E3M2 (3-bit sig) or its floor', () => {
    const f = FORMAT_TABLE.mxsf;
    expect(unpackCode(f, 0b0_01_00000)).toMatchObject({ sig: 32, exp: -5 }); // 1.0
    expect(unpackCode(f, 0b1_11_11111)).toMatchObject({ sign: 1, sig: 63, exp: -3 }); // -7.875
    expect(unpackCode(f, 0b0_00_11111)).toMatchObject({ sig: 7, exp: -3 }); // 0.875 = 7 * 2^-3
    expect(unpackCode(f, 0b0_00_00100)).toMatchObject({ sig: 4, exp: -9 }); // 2^-7
    expect(unpackCode(f, 0b0_00_00011)).toMatchObject({ sig: 3, exp: -9 }); // 3 * 2^-9
    expect(unpackCode(f, 0b1_00_00000)).toMatchObject({ sign: 1, sig: 0, isZero: true });
  });
});

describe('decoder RTL (DSL reference interpreter) against unpackCode, every code', () => {
  for (const format of FORMAT_NAMES) {
    test(format, () => {
      const f = FORMAT_TABLE[format];
      const d = decoderModule(format);
      expect(d.name).toBe(decoderName(format));
      const drv = d.driverOf.bind(d);
      for (let c = 0; c < 2 ** codeBits(f); c++) {
        const u = unpackCode(f, c);
        const got = OUTPUTS.map((p) => Number(evalExpr(d.driverOf(p)!, { code_i: BigInt(c) }, drv)));
        expect(got, `code 0x${c.toString(16)}`).toEqual([u.sign, u.sig, u.exp, +u.isZero, +u.isNaN, +u.isInf]);
      }
    });
  }
});

test('rtl-out decoders under Icarus: every code of every format', async () => {
  const runs = await runDecoderRegression('icarus', 1);
  expect(runs.map((r) => r.report ?? '').join('')).toBe('');
  expect(runs).toHaveLength(FORMAT_NAMES.length);
  for (const r of runs) {
    expect(r.mismatches).toBe(0);
    expect(r.vectors).toBeGreaterThan(0);
  }
  expect(runs.reduce((a, r) => a + r.vectors, 0)).toBe(FORMAT_NAMES.reduce((a, f) => a + 2 ** codeBits(FORMAT_TABLE[f]), 0));
});
