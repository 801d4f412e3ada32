// Checks of the slow reference itself, against facts that do not come from the project's code: the
// contract's format table (written by hand below), the platform's IEEE double arithmetic, and a second
// rounding algorithm (nearest value by exact comparison) against the contract's quantum formula.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FORMAT_NAMES, type FormatName } from '../../generator/formats/table';
import { fcParams } from '../golden/gen';
import {
  decodeFp32, dy, encodeNearest, encodeRef, fp32Add, fp32Mul, refFormat, roundFp32Bits, scale2, toBf16, toNumber,
  type Dy,
} from './index';

// Contract section 1, copied by hand: max normal, min subnormal (exponent), emax_elem, finite codes.
const CONTRACT: Record<FormatName, { max: number; minSubExp: number; emax: number; finite: number }> = {
  'mxfp8-e5m2': { max: 57344, minSubExp: -16, emax: 15, finite: 256 - 8 },
  'mxfp8-e4m3': { max: 448, minSubExp: -9, emax: 8, finite: 256 - 2 },
  'mxfp6-e3m2': { max: 28, minSubExp: -4, emax: 4, finite: 64 },
  'mxfp6-e2m3': { max: 7.5, minSubExp: -3, emax: 2, finite: 64 },
  'mxfp4-e2m1': { max: 6, minSubExp: -1, emax: 2, finite: 16 },
  mxint8: { max: 127 / 64, minSubExp: -6, emax: 0, finite: 256 },
  'mxfp8-e2m5': { max: 7.875, minSubExp: -5, emax: 2, finite: 256 },
  mxsf: { max: 7.875, minSubExp: -9, emax: 2, finite: 256 },
};

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const bitsOf = (x: number) => ((f32[0] = x), u32[0]);
const floatOf = (b: number) => ((u32[0] = b), f32[0]);

describe('reference decode matches the contract table', () => {
  test.each(FORMAT_NAMES)('%s', (name) => {
    const r = refFormat(name);
    const c = CONTRACT[name];
    expect(toNumber(r.maxFinite)).toBe(c.max);
    expect(r.emaxElem).toBe(c.emax);
    expect(r.values.filter((v) => v.kind === 'fin').length).toBe(c.finite);
    const minPos = r.sortedPos[1].v; // [0] is zero
    expect(toNumber(minPos)).toBe(2 ** c.minSubExp);
  });

  test('MXSF subnormal-FP mode reads xxx ff with bias 8 (contract 1.1)', () => {
    const r = refFormat('mxsf');
    const v = (code: number) => toNumber((r.values[code] as { v: Dy }).v);
    expect(v(0b0_00_001_00)).toBe(2 ** -7); // xxx=001, ff=00
    expect(v(0b0_00_111_11)).toBe(0.875); // the largest FP5 value
    expect(v(0b0_01_00000)).toBe(1); // the first wide-mantissa code
    expect(v(0b0_00_000_01)).toBe(2 ** -9);
    expect(v(0b0_00_000_11)).toBe(3 * 2 ** -9);
    expect(v(0b1_10_10000)).toBe(-3);
  });
});

describe('the two reference encoders agree', () => {
  // every midpoint between neighbouring values, and one step either side of it
  test.each(FORMAT_NAMES)('%s: midpoints and neighbours', (name) => {
    const r = refFormat(name);
    const s = r.sortedPos;
    for (let i = 0; i + 1 < s.length; i++) {
      for (const neg of [false, true]) {
        const lo = s[i].v;
        const hi = s[i + 1].v;
        const e = Math.min(lo.exp, hi.exp) - 8;
        const at = (x: Dy) => x.mag << BigInt(x.exp - e);
        const mid2 = at(lo) + at(hi); // 2 * midpoint in units of 2^e
        for (const q of [dy(neg, mid2, e - 1), dy(neg, mid2 - 1n, e - 1), dy(neg, mid2 + 1n, e - 1)]) {
          expect(encodeRef(r, q), `${name} ${toNumber(q)}`).toBe(encodeNearest(r, q));
        }
      }
    }
  });

  test('random values of every format, including saturation and underflow', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FORMAT_NAMES), fc.boolean(), fc.bigInt({ min: 0n, max: (1n << 40n) - 1n }), fc.integer({ min: -60, max: 20 }),
        (name, neg, mag, exp) => {
          const r = refFormat(name);
          const q = dy(neg, mag, exp - 30);
          expect(encodeRef(r, q)).toBe(encodeNearest(r, q));
        },
      ),
      fcParams(20000),
    );
  });
});

describe('reference FP32 arithmetic agrees with the platform (doubles rounded once to FP32)', () => {
  const anyBits = fc.integer({ min: 0, max: 0xffffffff });
  const sameRange = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: -30, max: 30 })).map(
    ([b, d]) => [b, (b + (d << 23)) >>> 0] as const,
  );
  const canon = (b: number) => (((b & 0x7fffffff) > 0x7f800000 ? 0x7fc00000 : b) >>> 0);

  test('addition', () => {
    fc.assert(
      fc.property(fc.oneof(fc.tuple(anyBits, anyBits), sameRange), ([a, b]) => {
        expect(fp32Add(a, b)).toBe(canon(bitsOf(floatOf(a) + floatOf(b))));
      }),
      fcParams(20000),
    );
  });

  test('multiplication', () => {
    fc.assert(
      fc.property(anyBits, anyBits, (a, b) => {
        expect(fp32Mul(a, b)).toBe(canon(bitsOf(floatOf(a) * floatOf(b))));
      }),
      fcParams(20000),
    );
  });

  test('decode then round gives the bits back; halfway cases round to even', () => {
    fc.assert(
      fc.property(anyBits.filter((b) => (b & 0x7f800000) !== 0x7f800000), (b) => {
        const x = decodeFp32(b);
        expect(x.kind === 'fin' && roundFp32Bits(x.v)).toBe(b);
      }),
      fcParams(5000),
    );
    expect(roundFp32Bits(dy(false, (1n << 24n) + 1n, 0))).toBe(bitsOf(16777216)); // 2^24 + 1 -> 2^24 (even)
    expect(roundFp32Bits(dy(false, (1n << 24n) + 3n, 0))).toBe(bitsOf(16777220)); // 2^24 + 3 -> 2^24 + 4
    expect(roundFp32Bits(dy(true, 1n, -150))).toBe(0x80000000); // -2^-150: tie between -0 and -2^-149 -> -0
    expect(roundFp32Bits(dy(false, 3n, -151))).toBe(1); // 0.75 * 2^-149 -> 2^-149
    expect(roundFp32Bits(scale2(dy(false, (1n << 24n) - 1n, -24), 128))).toBe(0x7f7fffff); // (1 - 2^-24) 2^128 is FP32 max
    expect(roundFp32Bits(dy(false, (1n << 25n) - 1n, 103))).toBe(0x7f800000); // max + half an ulp: tie -> Inf (even)
    expect(roundFp32Bits(dy(false, (1n << 26n) - 3n, 102))).toBe(0x7f7fffff); // just below that tie
  });

  test('BF16 rounding: half to even on the 16 dropped bits', () => {
    expect(toBf16(0x3f808000)).toBe(0x3f800000); // tie, even stays
    expect(toBf16(0x3f818000)).toBe(0x3f820000); // tie, odd rounds up
    expect(toBf16(0x3f808001)).toBe(0x3f810000);
    expect(toBf16(0x7f7fffff)).toBe(0x7f800000); // FP32 max rounds to Inf in BF16
    expect(toBf16(0x00008000)).toBe(0x00000000); // subnormal tie to even (zero)
    expect(toBf16(0x80018000)).toBe(0x80020000);
  });
});
