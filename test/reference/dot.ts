// Slow reference, part 4: the chunk dot product, FP32 accumulation, GEMM and the BF16 baseline
// (contract section 4), exact sums with bigint and one rounding per step.

import { type Dy, ZERO, add, cmpMag, dy, lsbExp, mul, sum } from './dyadic';
import { CANONICAL_NAN_BITS, encodeFp32, fp32Add, fp32Mul, roundFp32Bits, toBf16 } from './fp32';
import { NAN_SCALE, quantizeMatrixRef, type RefFormat, type ScaleModeRef } from './mx';

/**
 * Whether a chunk's finite products need more than a double to be summed exactly: sum |p| >= 2^(L + 52)
 * with L the lowest set bit over the products (the golden model's bigint fallback). For test statistics.
 */
export function chunkNeedsBigint(fa: RefFormat, aCodes: ArrayLike<number>, fb: RefFormat, bCodes: ArrayLike<number>): boolean {
  const ps: Dy[] = [];
  for (let i = 0; i < aCodes.length; i++) {
    const a = fa.values[aCodes[i]];
    const b = fb.values[bCodes[i]];
    if (a.kind !== 'fin' || b.kind !== 'fin') return false;
    if (a.v.mag !== 0n && b.v.mag !== 0n) ps.push(dy(false, a.v.mag * b.v.mag, a.v.exp + b.v.exp));
  }
  if (ps.length < 2) return false;
  return cmpMag(sum(ps), dy(false, 1n, Math.min(...ps.map(lsbExp)) + 52)) >= 0;
}

/** fp32(X_a * X_b * sum P_a,i * P_b,i) with the contract's special-value rules. */
export function chunkDotRef(
  fa: RefFormat, aCodes: ArrayLike<number>, xa: number,
  fb: RefFormat, bCodes: ArrayLike<number>, xb: number,
): number {
  if (xa === NAN_SCALE || xb === NAN_SCALE) return CANONICAL_NAN_BITS;
  let posInf = false;
  let negInf = false;
  let s: Dy = ZERO;
  for (let i = 0; i < aCodes.length; i++) {
    const a = fa.values[aCodes[i]];
    const b = fb.values[bCodes[i]];
    if (a.kind === 'nan' || b.kind === 'nan') return CANONICAL_NAN_BITS;
    if (a.kind === 'inf' || b.kind === 'inf') {
      const other = a.kind === 'inf' ? b : a;
      if (other.kind === 'fin' && other.v.mag === 0n) return CANONICAL_NAN_BITS; // Inf * 0
      const neg = (a.kind === 'inf' ? a.neg : a.v.neg) !== (b.kind === 'inf' ? b.neg : b.v.neg);
      if (neg) negInf = true;
      else posInf = true;
      continue;
    }
    s = add(s, mul(a.v, b.v));
  }
  if (posInf && negInf) return CANONICAL_NAN_BITS;
  if (posInf || negInf) return encodeFp32({ kind: 'inf', neg: negInf });
  if (s.mag === 0n) return 0; // an exact zero sum gives +0
  return roundFp32Bits(dy(s.neg, s.mag, s.exp + xa + xb - 254));
}

export interface GemmRefOptions {
  readonly fa: RefFormat;
  readonly fb: RefFormat;
  /** block shapes [rows, cols]; blockA[1] === blockB[0] is the chunk length. */
  readonly blockA: readonly [number, number];
  readonly blockB: readonly [number, number];
  readonly mode: ScaleModeRef;
  readonly c?: ArrayLike<number>;
}

/** C = Q(A) * Q(B) (+ C): per output, chunks in increasing K folded into an FP32 accumulator. */
export function gemmRef(a: ArrayLike<number>, M: number, K: number, b: ArrayLike<number>, N: number, o: GemmRefOptions): number[] {
  const k = o.blockA[1];
  if (o.blockB[0] !== k) throw new Error('reference gemm: K edges differ');
  const qa = quantizeMatrixRef(o.fa, a, M, K, o.blockA[0], o.blockA[1], o.mode);
  const qb = quantizeMatrixRef(o.fb, b, K, N, o.blockB[0], o.blockB[1], o.mode);
  const out: number[] = [];
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = o.c ? o.c[i * N + j] : 0;
      for (let k0 = 0; k0 < K; k0 += k) {
        const ks: number[] = [];
        for (let t = k0; t < Math.min(K, k0 + k); t++) ks.push(t);
        const xa = qa.scales[Math.floor(i / o.blockA[0]) * qa.gridCols + k0 / k];
        const xb = qb.scales[(k0 / k) * qb.gridCols + Math.floor(j / o.blockB[1])];
        const r = chunkDotRef(o.fa, ks.map((t) => qa.codes[i * K + t]), xa, o.fb, ks.map((t) => qb.codes[t * N + j]), xb);
        acc = fp32Add(acc, r);
      }
      out.push(acc);
    }
  }
  return out;
}

/** BF16 baseline: BF16 inputs, FP32 products, a pairwise FP32 tree per chunk of k (zero padded), FP32 accumulation. */
export function gemmBf16Ref(a: ArrayLike<number>, M: number, K: number, b: ArrayLike<number>, N: number, c: ArrayLike<number> | undefined, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = c ? c[i * N + j] : 0;
      for (let k0 = 0; k0 < K; k0 += k) {
        let level: number[] = [];
        for (let t = k0; t < k0 + k; t++) level.push(t < K ? fp32Mul(toBf16(a[i * K + t]), toBf16(b[t * N + j])) : 0);
        while (level.length > 1) {
          const next: number[] = [];
          for (let t = 0; t + 1 < level.length; t += 2) next.push(fp32Add(level[t], level[t + 1]));
          if (level.length % 2 === 1) next.push(level[level.length - 1]); // an odd element passes up unchanged
          level = next;
        }
        acc = fp32Add(acc, level[0]);
      }
      out.push(acc);
    }
  }
  return out;
}

