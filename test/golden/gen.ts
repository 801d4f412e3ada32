// Shared generators for the property tests: FP32 bit patterns clustered the way real blocks are (one
// binade band, few mantissa bits so that ties are frequent), with zeros, FP32 subnormals and rare
// NaN/Inf mixed in. Seeds are fixed for reproducible CI; set MXGEN_SEED to explore others.

import fc from 'fast-check';

export const SEED = process.env.MXGEN_SEED ? Number(process.env.MXGEN_SEED) : 20260517;

/** fast-check parameters: the fixed seed and a run count (scaled by MXGEN_RUNS_SCALE for longer runs). */
export function fcParams(numRuns: number): fc.Parameters<unknown> {
  const scale = process.env.MXGEN_RUNS_SCALE ? Number(process.env.MXGEN_RUNS_SCALE) : 1;
  return { seed: SEED, numRuns: Math.max(1, Math.round(numRuns * scale)) };
}

/** FP32 bits with unbiased exponent e (clamped to the finite range, FP32 subnormal below -126). */
function bitsAt(neg: boolean, e: number, mant: number, keep: number): number {
  const m = keep >= 23 ? mant : mant & ~((1 << (23 - keep)) - 1);
  let body: number;
  if (e > 127) body = (254 << 23) | m;
  else if (e >= -126) body = ((e + 127) << 23) | m;
  else body = ((m | 0x800000) >>> Math.min(24, -126 - e)) & 0x7fffff; // FP32 subnormal (truncated)
  return ((neg ? 0x80000000 : 0) | body) >>> 0;
}

/**
 * One element near 2^base: most have few significant bits (exact grid points and midpoints).
 * `specials` weighs NaN and Inf (0: none).
 */
export function elementNear(base: number, spread = 14, specials = 1): fc.Arbitrary<number> {
  const near = fc
    .tuple(fc.boolean(), fc.integer({ min: 0, max: spread }), fc.integer({ min: 0, max: 0x7fffff }), fc.integer({ min: 0, max: 23 }))
    .map(([neg, d, mant, keep]) => bitsAt(neg, base - d, mant, keep < 16 ? keep % 8 : keep));
  const nonFinite = specials > 0
    ? [
        { arbitrary: fc.constantFrom(0x7fc00000, 0xffc00001, 0x7f800001), weight: specials },
        { arbitrary: fc.constantFrom(0x7f800000, 0xff800000), weight: specials },
      ]
    : [];
  return fc.oneof(
    { arbitrary: near, weight: 500 },
    { arbitrary: fc.constantFrom(0, 0x80000000), weight: 25 },
    { arbitrary: fc.integer({ min: 1, max: 0x7fffff }).chain((m) => fc.constantFrom(m, (m | 0x80000000) >>> 0)), weight: 8 },
    { arbitrary: fc.integer({ min: 0, max: 0xffffffff }).filter((b) => (b & 0x7f800000) !== 0x7f800000), weight: 8 },
    { arbitrary: fc.constantFrom(0x7f7fffff, 0xff7fffff, 0x42ffffff, 0x3f7fffff), weight: 3 },
    ...nonFinite,
  );
}

/** A base exponent: mostly ordinary magnitudes, sometimes near the FP32 subnormal range or the top. */
export const baseExp = fc.oneof(
  { arbitrary: fc.integer({ min: -20, max: 20 }), weight: 6 },
  { arbitrary: fc.integer({ min: -160, max: 128 }), weight: 3 },
  { arbitrary: fc.integer({ min: -150, max: -118 }), weight: 1 },
);

/** A list of n FP32 bit patterns around one random base exponent. */
export function fp32Array(n: number, spread?: number, specials?: number): fc.Arbitrary<number[]> {
  return baseExp.chain((b) => fc.array(elementNear(b, spread, specials), { minLength: n, maxLength: n }));
}

/** Like fp32Array, but three times in four without any NaN or Inf (for large operands). */
export function fp32Operand(n: number, spread?: number): fc.Arbitrary<number[]> {
  return fc.constantFrom(0, 0, 0, 1).chain((s) => fp32Array(n, spread, s));
}

/** A block of 1..maxLen elements. */
export function fp32Block(maxLen: number): fc.Arbitrary<number[]> {
  return fc.integer({ min: 1, max: maxLen }).chain((n) => fp32Array(n));
}

export const hex = (b: number) => `0x${(b >>> 0).toString(16).padStart(8, '0')}`;
export const hexList = (bs: ArrayLike<number>) => Array.from(bs, hex).join(',');
