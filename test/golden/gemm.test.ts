// GEMM against the exact reference: hand-worked corner cases (cancellation, FP32 overflow, subnormal
// results, signed zeros, C with +-0/+-Inf/NaN, NaN scales, K order, wide E5M2 chunks that need the bigint
// path) and seeded property runs over mixed formats, block shapes and sizes. Bit patterns, never tolerances.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  FORMAT_NAMES, FORMAT_TABLE, SCALE_MODES, chunkDot, floatToBits, gemm, gemmBf16, makeMatrix, type FormatName, type ScaleMode,
} from '../../generator/golden/index';
import { chunkNeedsBigint, gemmBf16Ref, gemmRef, quantizeMatrixRef, refFormat } from '../reference/index';
import { elementNear, fcParams, fp32Operand, hexList } from './gen';

type In = number | { bits: number };
const raw = (b: number) => ({ bits: b >>> 0 });
const toBits = (x: In) => (typeof x === 'number' ? floatToBits(x) : x.bits);
const mat = (rows: number, cols: number, xs: readonly In[]) => makeMatrix(rows, cols, Uint32Array.from(xs.map(toBits)));

interface GemmCase {
  why: string;
  format?: FormatName;
  formatB?: FormatName;
  blockA?: [number, number];
  blockB?: [number, number];
  a: [number, number, In[]];
  b: [number, number, In[]];
  c?: In[];
  /** expected FP32 bit patterns, worked out by hand. */
  want: number[];
}

function runGemm(g: GemmCase): number[] {
  const formatA = g.format ?? 'mxfp8-e4m3';
  const blockA = g.blockA ?? [1, 32];
  const blockB = g.blockB ?? [32, 1];
  const A = mat(...g.a);
  const B = mat(...g.b);
  const C = g.c && makeMatrix(A.rows, B.cols, Uint32Array.from(g.c.map(toBits)));
  const out = Array.from(gemm(A, B, { formatA, formatB: g.formatB, blockA: { rows: blockA[0], cols: blockA[1] }, blockB: { rows: blockB[0], cols: blockB[1] }, c: C }).bits);
  const ref = gemmRef(A.bits, A.rows, A.cols, B.bits, B.cols, {
    fa: refFormat(formatA), fb: refFormat(g.formatB ?? formatA), blockA, blockB, mode: 'floor', c: C?.bits,
  });
  expect(out, `${g.why}: golden vs reference`).toEqual(ref);
  return out;
}

const NAN = 0x7fc00000;
const INF = 0x7f800000;
const NEG_INF = 0xff800000;
const k1: Partial<GemmCase> = { blockA: [1, 1], blockB: [1, 1] }; // one chunk per element: order is visible

describe('GEMM corner cases (E4M3 unless named; X*P exact in each case)', () => {
  test.each<GemmCase>([
    // 1*1 + (-1)*1 = 0 exactly: an exact zero sum gives +0, and -0 (C) + +0 = +0.
    { why: 'cancellation to zero in one chunk', a: [1, 2, [1, -1]], b: [2, 1, [1, 1]], want: [0] },
    { why: 'cancellation with C = -0', a: [1, 2, [1, -1]], b: [2, 1, [1, 1]], c: [-0], want: [0] },
    { why: 'cancellation across chunks: 1 then -1', ...k1, a: [1, 2, [1, -1]], b: [2, 1, [1, 1]], c: [-0], want: [0] },
    // 2^127 * 2: P = 256 and 256 with X = 2^119 and 2^-7 -> 2^128 -> +Inf; negated -> -Inf.
    { why: 'FP32 overflow to +Inf', a: [1, 1, [2 ** 127]], b: [1, 1, [2]], want: [INF] },
    { why: 'FP32 overflow to -Inf', a: [1, 1, [2 ** 127]], b: [1, 1, [-2]], want: [NEG_INF] },
    // two chunks: +Inf then -Inf -> NaN
    { why: 'Inf + -Inf across chunks is NaN', ...k1, a: [1, 2, [2 ** 127, 2 ** 127]], b: [2, 1, [2, -2]], want: [NAN] },
    // FP32 max + 2^104 = 2^128 -> Inf; max + 2^103 is a tie, max is odd -> Inf; max + 2^102 stays max.
    { why: 'overflow in the accumulation', a: [1, 1, [2 ** 52]], b: [1, 1, [2 ** 52]], c: [raw(0x7f7fffff)], want: [INF] },
    { why: 'accumulation tie at FP32 max', a: [1, 1, [2 ** 52]], b: [1, 1, [2 ** 51]], c: [raw(0x7f7fffff)], want: [INF] },
    { why: 'accumulation just below the tie', a: [1, 1, [2 ** 51]], b: [1, 1, [2 ** 51]], c: [raw(0x7f7fffff)], want: [0x7f7fffff] },
    // 2^-70 * 2^-70 = 2^-140: an exact FP32 subnormal (2^9 * 2^-149).
    { why: 'subnormal result', a: [1, 1, [2 ** -70]], b: [1, 1, [2 ** -70]], want: [0x00000200] },
    // 3*2^-76 * 2^-75 = 0.75 * 2^-149 -> rounds up to 2^-149; negative -> -2^-149.
    { why: 'subnormal result rounded to the smallest subnormal', a: [1, 1, [3 * 2 ** -76]], b: [1, 1, [2 ** -75]], want: [1] },
    { why: 'negative subnormal result', a: [1, 1, [-3 * 2 ** -76]], b: [1, 1, [2 ** -75]], want: [0x80000001] },
    // -2^-76 * 2^-75 = -0.25 * 2^-149 -> -0 (the chunk's sign kept); +0 + -0 = +0; with C = -0: -0.
    { why: 'negative underflow: chunk -0, acc +0', a: [1, 1, [-(2 ** -76)]], b: [1, 1, [2 ** -75]], want: [0] },
    { why: 'negative underflow with C = -0 stays -0', a: [1, 1, [-(2 ** -76)]], b: [1, 1, [2 ** -75]], c: [-0], want: [0x80000000] },
    // C specials with finite products: NaN stays NaN (canonical), +-Inf stays.
    { why: 'C = NaN', a: [1, 1, [1]], b: [1, 1, [1]], c: [raw(0xffc00123)], want: [NAN] },
    { why: 'C = +Inf', a: [1, 1, [1]], b: [1, 1, [-1]], c: [Infinity], want: [INF] },
    { why: 'C = -Inf', a: [1, 1, [1]], b: [1, 1, [1]], c: [-Infinity], want: [NEG_INF] },
    { why: 'C = -0 and A all zero gives +0', a: [1, 2, [0, -0]], b: [2, 1, [1, 1]], c: [-0], want: [0] },
    { why: 'C = +0 and products -0', a: [1, 1, [-0]], b: [1, 1, [1]], c: [0], want: [0] },
    // A NaN in A makes its block's scale NaN: that row is NaN, the other row is 1 + 1 = 2.
    { why: 'NaN scale from a NaN input', a: [2, 2, [NaN, 1, 1, 1]], b: [2, 1, [1, 1]], want: [NAN, 0x40000000] },
    { why: 'NaN scale from an Inf input in B', a: [1, 2, [1, 1]], b: [2, 2, [1, 1, Infinity, 1]], want: [NAN, 0x40000000] },
    // chunk results 2^24, 1, 1 in increasing K: 2^24 + 1 is a tie -> 2^24, twice; reversed order gives 2^24 + 2.
    { why: 'FP32 accumulation in increasing K order', ...k1, a: [1, 3, [2 ** 24, 1, 1]], b: [3, 1, [1, 1, 1]], want: [0x4b800000] },
    { why: 'same products, reversed order', ...k1, a: [1, 3, [1, 1, 2 ** 24]], b: [3, 1, [1, 1, 1]], want: [0x4b800001] },
    // K = 3 with 2-long chunks: (1*1 + 2*1) + 3*1 = 6 (the last chunk is padded with zeros).
    { why: 'K not a multiple of the chunk', blockA: [1, 2], blockB: [2, 1], a: [1, 3, [1, 2, 3]], b: [3, 1, [1, 1, 1]], want: [floatToBits(6)] },
    // E5M2, X = 1: 57344^2 + 2^-32 - 57344^2 = 2^-32 exactly; a double sum in this order would give 0.
    {
      why: 'wide E5M2 chunk needs the exact (bigint) sum',
      format: 'mxfp8-e5m2',
      a: [1, 3, [57344, 2 ** -16, -57344]],
      b: [3, 1, [57344, 2 ** -16, 57344]],
      want: [0x2f800000],
    },
    // mixed formats: E4M3 A (448, X = 1) with E5M2 B (57344, X = 1): 448 * 57344 = 25690112 = 0x4bc40000.
    { why: 'mixed E4M3 x E5M2', formatB: 'mxfp8-e5m2', a: [1, 1, [448]], b: [1, 1, [57344]], want: [0x4bc40000] },
  ])('$why', (g) => {
    expect(runGemm(g)).toEqual(g.want);
  });

  test('chunkDot on a wide E5M2 chunk (the bigint path of dot.ts)', () => {
    const e5 = FORMAT_TABLE['mxfp8-e5m2'];
    // codes: 0x7B = 57344, 0x01 = 2^-16, 0xFB = -57344
    expect(chunkDot(e5, [0x7b, 0x01, 0xfb], 127, e5, [0x7b, 0x01, 0x7b], 127)).toBe(0x2f800000);
    // the same chunk with scales 2^50 and 2^60: 2^-32 * 2^110 = 2^78
    expect(chunkDot(e5, [0x7b, 0x01, 0xfb], 177, e5, [0x7b, 0x01, 0x7b], 187)).toBe(floatToBits(2 ** 78));
    // Inf codes: +Inf * 1 = +Inf; +Inf and -Inf products -> NaN; Inf * 0 -> NaN
    expect(chunkDot(e5, [0x7c, 0x3c], 127, e5, [0x3c, 0x3c], 127)).toBe(INF);
    expect(chunkDot(e5, [0x7c, 0xfc], 127, e5, [0x3c, 0x3c], 127)).toBe(NAN);
    expect(chunkDot(e5, [0x7c], 127, e5, [0x00], 127)).toBe(NAN);
  });
});

describe('BF16 baseline', () => {
  test.each([
    // 1 + 2^-8 is a tie in BF16 -> 1 (even); 1 + 3*2^-8 -> 1 + 2^-6 (even)
    { why: 'inputs rounded to BF16, ties to even', a: [1, 2, [1 + 2 ** -8, 1 + 3 * 2 ** -8]], b: [2, 1, [1, 0]], k: 32, want: [0x3f800000] },
    { why: 'second input', a: [1, 2, [1 + 2 ** -8, 1 + 3 * 2 ** -8]], b: [2, 1, [0, 1]], k: 32, want: [0x3f820000] },
    // pairwise tree: (2^24 + 1) + (1 + 2^24): each pair is a tie -> 2^24, total 2^25.
    { why: 'pairwise tree', a: [1, 4, [2 ** 24, 1, 1, 2 ** 24]], b: [4, 1, [1, 1, 1, 1]], k: 4, want: [0x4c000000] },
    // (1 + 1) + (2^24 + 0) = 2^24 + 2, exact
    { why: 'pairwise tree, other order', a: [1, 4, [1, 1, 2 ** 24, 0]], b: [4, 1, [1, 1, 1, 1]], k: 4, want: [0x4b800001] },
  ] as const)('$why', ({ a, b, k, want }) => {
    const A = mat(a[0], a[1], [...a[2]]);
    const B = mat(b[0], b[1], [...b[2]]);
    const out = Array.from(gemmBf16(A, B, undefined, k).bits);
    expect(out).toEqual(gemmBf16Ref(A.bits, A.rows, A.cols, B.bits, B.cols, undefined, k));
    expect(out).toEqual(want);
  });
});

// ---------------------------------------------------------------------------------------------------
// Property runs

/** Whether some chunk of this product is too wide for an exact double sum. */
function needsBigint(g: GemmConfig): boolean {
  const ra = refFormat(g.fa);
  const rb = refFormat(g.fb);
  const qa = quantizeMatrixRef(ra, g.a, g.M, g.K, g.blockA[0], g.blockA[1], g.mode);
  const qb = quantizeMatrixRef(rb, g.b, g.K, g.N, g.blockB[0], g.blockB[1], g.mode);
  const k = g.blockA[1];
  for (let i = 0; i < g.M; i++) {
    for (let j = 0; j < g.N; j++) {
      for (let k0 = 0; k0 < g.K; k0 += k) {
        const ts = Array.from({ length: Math.min(g.K, k0 + k) - k0 }, (_, t) => k0 + t);
        if (chunkNeedsBigint(ra, ts.map((t) => qa.codes[i * g.K + t]), rb, ts.map((t) => qb.codes[t * g.N + j]))) return true;
      }
    }
  }
  return false;
}

const formatArb = fc.constantFrom(...FORMAT_NAMES);
const cElem = fc.oneof(
  { arbitrary: elementNear(0, 20), weight: 6 },
  { arbitrary: fc.constantFrom(0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f7fffff, 0xff7fffff, 0x00000001), weight: 2 },
);

interface GemmConfig {
  fa: FormatName;
  fb: FormatName;
  mode: ScaleMode;
  blockA: [number, number];
  blockB: [number, number];
  M: number;
  K: number;
  N: number;
  a: number[];
  b: number[];
  c?: number[];
}

function gemmConfig(formats: fc.Arbitrary<[FormatName, FormatName]>, spread: number, maxK: number): fc.Arbitrary<GemmConfig> {
  const edge = fc.oneof(fc.constantFrom(1, 8), fc.integer({ min: 1, max: 4 }));
  return fc
    .record({
      formats,
      mode: fc.constantFrom(...SCALE_MODES),
      k: fc.oneof(fc.constantFrom(8, 32), fc.integer({ min: 1, max: 12 })),
      ra: edge,
      cb: edge,
      M: fc.integer({ min: 1, max: 5 }),
      K: fc.integer({ min: 1, max: maxK }),
      N: fc.integer({ min: 1, max: 5 }),
      withC: fc.boolean(),
    })
    .chain((p) =>
      fc.record({
        a: fp32Operand(p.M * p.K, spread),
        b: fp32Operand(p.K * p.N, spread),
        c: p.withC ? fc.array(cElem, { minLength: p.M * p.N, maxLength: p.M * p.N }) : fc.constant(undefined),
      }).map(({ a, b, c }): GemmConfig => ({
        fa: p.formats[0], fb: p.formats[1], mode: p.mode,
        blockA: [p.ra, p.k], blockB: [p.k, p.cb], M: p.M, K: p.K, N: p.N, a, b, c,
      })),
    );
}

function checkGemm(g: GemmConfig): void {
  const A = makeMatrix(g.M, g.K, Uint32Array.from(g.a));
  const B = makeMatrix(g.K, g.N, Uint32Array.from(g.b));
  const C = g.c && makeMatrix(g.M, g.N, Uint32Array.from(g.c));
  const out = gemm(A, B, {
    formatA: g.fa, formatB: g.fb, scaleMode: g.mode, c: C,
    blockA: { rows: g.blockA[0], cols: g.blockA[1] }, blockB: { rows: g.blockB[0], cols: g.blockB[1] },
  });
  const want = gemmRef(A.bits, g.M, g.K, B.bits, g.N, { fa: refFormat(g.fa), fb: refFormat(g.fb), blockA: g.blockA, blockB: g.blockB, mode: g.mode, c: C?.bits });
  const what = `${g.fa} x ${g.fb} ${g.mode} ${g.M}x${g.K}x${g.N} blocks ${g.blockA.join('x')}/${g.blockB.join('x')}` +
    ` A [${hexList(g.a)}] B [${hexList(g.b)}]${g.c ? ` C [${hexList(g.c)}]` : ''}`;
  expect(Array.from(out.bits), what).toEqual(want);
  // what the run reached, checked after it (the generator must reach overflow and gradual underflow)
  for (let t = 0; t < want.length; t++) {
    const mag = want[t] & 0x7fffffff;
    if (mag === 0x7f800000 && !(C && (C.bits[t] & 0x7fffffff) === 0x7f800000)) reached.overflow++;
    if (mag !== 0 && mag < 0x00800000) reached.subnormal++;
    if (mag > 0x7f800000) reached.nan++;
  }
}

const reached = { overflow: 0, subnormal: 0, nan: 0 };

describe('GEMM property runs against the reference', () => {
  test('mixed formats, block shapes, K not a multiple of k, C with specials', () => {
    fc.assert(fc.property(gemmConfig(fc.tuple(formatArb, formatArb), 14, 70), checkGemm), fcParams(1500));
    expect(reached.overflow, 'outputs that overflowed to Inf').toBeGreaterThan(5);
    expect(reached.subnormal, 'subnormal outputs').toBeGreaterThan(5);
    expect(reached.nan, 'NaN outputs').toBeGreaterThan(5);
  });

  test('wide E5M2 chunks (and mixed with E5M2) exercise the bigint path', () => {
    let wide = 0;
    const formats = fc.constantFrom<[FormatName, FormatName]>(['mxfp8-e5m2', 'mxfp8-e5m2'], ['mxfp8-e5m2', 'mxfp8-e4m3'], ['mxfp8-e4m3', 'mxfp8-e5m2']);
    fc.assert(
      fc.property(gemmConfig(formats, 34, 40), (g) => {
        checkGemm(g);
        if (needsBigint(g)) wide++;
      }),
      fcParams(600),
    );
    expect(wide, 'cases with a chunk sum that does not fit a double').toBeGreaterThan(20);
  });

  test('BF16 baseline: random sizes and chunk lengths, C with specials', () => {
    fc.assert(
      fc.property(
        fc.record({ M: fc.integer({ min: 1, max: 4 }), K: fc.integer({ min: 1, max: 50 }), N: fc.integer({ min: 1, max: 4 }), k: fc.integer({ min: 1, max: 40 }), withC: fc.boolean() })
          .chain((p) => fc.record({ p: fc.constant(p), a: fp32Operand(p.M * p.K, 30), b: fp32Operand(p.K * p.N, 30), c: p.withC ? fc.array(cElem, { minLength: p.M * p.N, maxLength: p.M * p.N }) : fc.constant(undefined) })),
        ({ p, a, b, c }) => {
          const A = makeMatrix(p.M, p.K, Uint32Array.from(a));
          const B = makeMatrix(p.K, p.N, Uint32Array.from(b));
          const C = c && makeMatrix(p.M, p.N, Uint32Array.from(c));
          const what = `bf16 ${p.M}x${p.K}x${p.N} k=${p.k} A [${hexList(a)}] B [${hexList(b)}]${c ? ` C [${hexList(c)}]` : ''}`;
          expect(Array.from(gemmBf16(A, B, C, p.k).bits), what).toEqual(gemmBf16Ref(a, p.M, p.K, b, p.N, c, p.k));
        },
      ),
      fcParams(800),
    );
  });
});
