// Exact dyadic arithmetic with bigint: a value is n * 2^e with n a bigint. Used where a double
// cannot hold a sum exactly (wide E5M2 chunks) and by the slow reference models.

import { FP32_POS_INF, FP32_SIGN } from '../formats/fp32';

export function bigBitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** round-half-to-even(n * 2^s) for n >= 0. */
export function bigRoundHalfEven(n: bigint, s: number): bigint {
  if (s >= 0) return n << BigInt(s);
  const sh = BigInt(-s);
  let q = n >> sh;
  const r = n - (q << sh);
  const half = 1n << (sh - 1n);
  if (r > half || (r === half && (q & 1n) === 1n)) q += 1n;
  return q;
}

/**
 * FP32 bit pattern of n * 2^e rounded once, half to even, with gradual underflow and overflow to Inf.
 * A zero gives +0 (the caller decides when a zero is signed).
 */
export function dyadicToFp32Bits(n: bigint, e: number): number {
  if (n === 0n) return 0;
  const neg = n < 0n;
  const m = neg ? -n : n;
  const p = bigBitLength(m) - 1 + e; // floor(log2 |value|)
  if (p > 128) return (neg ? FP32_SIGN : 0) + FP32_POS_INF;
  const qe = Math.max(p, -126) - 23; // quantum exponent, >= -149
  const N = Number(bigRoundHalfEven(m, e - qe)); // <= 2^24
  // one formula covers subnormals, normals and the carry of a round-up into the next binade
  let bits = (qe + 149) * 8388608 + N;
  if (bits >= FP32_POS_INF) bits = FP32_POS_INF;
  return (neg ? FP32_SIGN : 0) + bits;
}

/** Splits a finite double into an exact dyadic (n, e). */
export function doubleToDyadic(x: number): { n: bigint; e: number } {
  if (x === 0) return { n: 0n, e: 0 };
  let e = 0;
  let a = x;
  while (!Number.isInteger(a)) { a *= 2; e--; }
  while (Math.abs(a) >= 9007199254740992) { a /= 2; e++; }
  return { n: BigInt(a), e };
}
