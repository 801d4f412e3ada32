// Every pair of codes through chunkDot with k = 1 against the reference: 65,536 pairs per 8-bit format
// (and the mixed E4M3 x E5M2 pair), all pairs of the 6- and 4-bit formats. Each pair runs with X = 1 for
// both operands and once more with a scale pair from a fixed spread (2^-127 .. 2^127 and NaN), which reaches
// FP32 overflow, gradual underflow and NaN scales.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FORMAT_NAMES, FORMAT_TABLE, chunkDot, codeBits, maxMagCode, type FormatName } from '../../generator/golden/index';
import { chunkDotRef, chunkNeedsBigint, refFormat } from '../reference/index';
import { fcParams } from './gen';

const SCALES = [0, 1, 40, 100, 127, 128, 150, 200, 230, 254, 255];
const pairs: [FormatName, FormatName][] = [...FORMAT_NAMES.map((n) => [n, n] as [FormatName, FormatName]), ['mxfp8-e4m3', 'mxfp8-e5m2']];

describe('chunkDot, k = 1, all code pairs', () => {
  test.each(pairs)('%s x %s', (na, nb) => {
    const fa = FORMAT_TABLE[na];
    const fb = FORMAT_TABLE[nb];
    const ra = refFormat(na);
    const rb = refFormat(nb);
    const a = new Uint8Array(1);
    const b = new Uint8Array(1);
    let mismatches = 0;
    const first: string[] = [];
    let n = 0;
    for (let ca = 0; ca < 1 << codeBits(fa); ca++) {
      for (let cb = 0; cb < 1 << codeBits(fb); cb++) {
        a[0] = ca;
        b[0] = cb;
        const spread: [number, number] = [SCALES[(ca * 7 + cb) % SCALES.length], SCALES[(ca + cb * 3) % SCALES.length]];
        for (const [xa, xb] of [[127, 127], spread]) {
          n++;
          const got = chunkDot(fa, a, xa, fb, b, xb);
          const want = chunkDotRef(ra, a, xa, rb, b, xb);
          if (got !== want) {
            mismatches++;
            if (first.length < 5) first.push(`codes 0x${ca.toString(16)} x 0x${cb.toString(16)}, scales ${xa}/${xb}: got 0x${got.toString(16)}, want 0x${want.toString(16)}`);
          }
        }
      }
    }
    expect(first, `${mismatches} of ${n} differ`).toEqual([]);
  });
});

describe('chunkDot, random chunks of every format pair', () => {
  // codes drawn mostly from the extremes of each format so that E5M2 chunk sums outgrow a double
  // (the bigint path of dot.ts); Inf and NaN codes appear too.
  const fa = fc.oneof({ arbitrary: fc.constantFrom(...FORMAT_NAMES), weight: 2 }, { arbitrary: fc.constant<FormatName>('mxfp8-e5m2'), weight: 1 });
  const chunk = (name: FormatName, n: number) => {
    const f = FORMAT_TABLE[name];
    const top = 1 << codeBits(f);
    const sign = top >> 1;
    const maxMag = maxMagCode(f);
    const mag = fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 4 }), weight: 3 },
      { arbitrary: fc.integer({ min: 0, max: maxMag }), weight: 3 },
      { arbitrary: fc.integer({ min: maxMag - 6, max: maxMag }), weight: 3 },
      { arbitrary: fc.integer({ min: maxMag, max: sign - 1 }), weight: 1 }, // Inf and NaN codes where the format has them
    );
    return fc.array(fc.tuple(fc.boolean(), mag).map(([s, m]) => (name === 'mxint8' && s ? (top - m) % top : (s ? sign : 0) | m)), { minLength: n, maxLength: n });
  };
  const scale = fc.oneof(fc.integer({ min: 100, max: 154 }), fc.integer({ min: 0, max: 255 }));

  test('against the reference', () => {
    let wide = 0;
    fc.assert(
      fc.property(
        fc.tuple(fa, fa, fc.integer({ min: 1, max: 40 })).chain(([na, nb, n]) => fc.tuple(fc.constant(na), fc.constant(nb), chunk(na, n), chunk(nb, n), scale, scale)),
        ([na, nb, a, b, xa, xb]) => {
          const got = chunkDot(FORMAT_TABLE[na], a, xa, FORMAT_TABLE[nb], b, xb);
          const want = chunkDotRef(refFormat(na), a, xa, refFormat(nb), b, xb);
          expect(got, `${na} [${a}] x ${nb} [${b}] scales ${xa}/${xb}`).toBe(want);
          if (na === 'mxfp8-e5m2' && nb === 'mxfp8-e5m2' && chunkNeedsBigint(refFormat(na), a, refFormat(nb), b)) wide++;
        },
      ),
      fcParams(20000),
    );
    expect(wide, 'E5M2 chunks whose sum does not fit a double').toBeGreaterThan(20);
  });
});
