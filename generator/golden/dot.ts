// The chunk dot product and FP32 accumulation (contract section 4).
// Element values are exact doubles; a chunk sum is computed in a double only when it is provably exact
// (every product is a multiple of 2^L and the running sum stays below 2^(L+52)), else with bigint.

import { decodeTable, lsbExpTable } from '../formats/derive';
import type { FormatSpec } from '../formats/table';
import { E8M0 } from '../formats/table';
import { bitsToFloat, floatToBits, pow2, FP32_CANONICAL_NAN } from '../formats/fp32';
import { dyadicToFp32Bits } from './exact';

/** 2^(Xa + Xb - 254) for two non-NaN E8M0 codes, exact in a double. */
export function scalePairFactor(xa: number, xb: number): number {
  return pow2(xa + xb - 2 * E8M0.bias);
}

/**
 * Exact sum of products of finite element values `va[i] * vb[i]` (with value = odd * 2^lsb tables),
 * scaled by 2^(xa+xb-254) and rounded once to FP32. An exact zero sum gives +0.
 */
export function roundedChunkSum(
  va: ArrayLike<number>, la: ArrayLike<number>,
  vb: ArrayLike<number>, lb: ArrayLike<number>,
  n: number, xa: number, xb: number,
): number {
  let sum = 0;
  let abs = 0;
  let minLsb = Infinity;
  for (let i = 0; i < n; i++) {
    const p = va[i] * vb[i];
    if (p !== 0) {
      sum += p;
      abs += Math.abs(p);
      const l = la[i] + lb[i];
      if (l < minLsb) minLsb = l;
    }
  }
  if (abs === 0) return 0;
  if (abs < pow2(minLsb + 52)) {
    return sum === 0 ? 0 : floatToBits(sum * scalePairFactor(xa, xb));
  }
  // wide chunk: exact integer sum in units of 2^minLsb
  let s = 0n;
  for (let i = 0; i < n; i++) {
    const p = va[i] * vb[i];
    if (p !== 0) {
      const l = la[i] + lb[i];
      const odd = p / pow2(l); // an exact odd integer (at most 14 bits)
      s += BigInt(odd) << BigInt(l - minLsb);
    }
  }
  return dyadicToFp32Bits(s, minLsb + xa + xb - 2 * E8M0.bias);
}

/**
 * r = fp32(X_a * X_b * sum_i P_a,i * P_b,i) for one chunk of k element pairs, with the contract's
 * special-value rules: NaN scale or element, or Inf*0, gives the canonical NaN; Inf products follow IEEE.
 */
export function chunkDot(
  fa: FormatSpec, aCodes: ArrayLike<number>, xa: number,
  fb: FormatSpec, bCodes: ArrayLike<number>, xb: number,
): number {
  const n = aCodes.length;
  if (bCodes.length !== n) throw new Error(`chunkDot: ${n} A codes but ${bCodes.length} B codes`);
  if (xa === E8M0.nanCode || xb === E8M0.nanCode) return FP32_CANONICAL_NAN;
  const ta = decodeTable(fa);
  const tb = decodeTable(fb);
  const lA = lsbExpTable(fa);
  const lB = lsbExpTable(fb);
  const va = new Float64Array(n);
  const vb = new Float64Array(n);
  const la = new Int16Array(n);
  const lb = new Int16Array(n);
  let posInf = false;
  let negInf = false;
  for (let i = 0; i < n; i++) {
    const a = ta[aCodes[i]];
    const b = tb[bCodes[i]];
    const p = a * b; // NaN for NaN operands and for Inf * 0
    if (p !== p) return FP32_CANONICAL_NAN;
    if (p === Infinity) posInf = true;
    else if (p === -Infinity) negInf = true;
    else {
      va[i] = a;
      vb[i] = b;
      la[i] = lA[aCodes[i]];
      lb[i] = lB[bCodes[i]];
    }
  }
  if (posInf && negInf) return FP32_CANONICAL_NAN;
  if (posInf) return floatToBits(Infinity);
  if (negInf) return floatToBits(-Infinity);
  return roundedChunkSum(va, la, vb, lb, n, xa, xb);
}

/** acc = fp32(acc + r): one IEEE addition, round half to even (a double sum rounded to FP32 is correctly rounded). */
export function fp32AddBits(acc: number, r: number): number {
  return floatToBits(bitsToFloat(acc) + bitsToFloat(r));
}

/** Folds chunk results into an accumulator in order (step 4). */
export function accumulate(acc: number, chunkResults: readonly number[]): number {
  let a = acc;
  for (const r of chunkResults) a = fp32AddBits(a, r);
  return a;
}
