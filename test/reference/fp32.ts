// Slow reference, part 2: IEEE binary32 (and bfloat16) semantics from the bit fields, with exact rounding.

import { type Dy, add, dy, floorLog2, mul, roundHalfEven } from './dyadic';

/** A decoded IEEE value. */
export type Fp = { readonly kind: 'nan' } | { readonly kind: 'inf'; readonly neg: boolean } | { readonly kind: 'fin'; readonly v: Dy };

export const NAN: Fp = { kind: 'nan' };
export const CANONICAL_NAN_BITS = 0x7fc00000;

export function decodeFp32(bits: number): Fp {
  const neg = bits >>> 31 === 1;
  const e = (bits >>> 23) & 0xff;
  const frac = bits & 0x7fffff;
  if (e === 0xff) return frac === 0 ? { kind: 'inf', neg } : NAN;
  if (e === 0) return { kind: 'fin', v: dy(neg, BigInt(frac), -149) };
  return { kind: 'fin', v: dy(neg, BigInt(frac + 0x800000), e - 150) };
}

/**
 * Rounds an exact value to a binary format with `precision` significand bits (hidden bit included),
 * minimum normal exponent `emin` and maximum exponent `emax`: half to even, gradual underflow,
 * overflow to Inf. The sign of a zero (exact or rounded) is kept.
 */
export function roundToBinary(v: Dy, precision: number, emin: number, emax: number): Fp {
  if (v.mag === 0n) return { kind: 'fin', v: dy(v.neg, 0n, 0) };
  const p = floorLog2(v);
  const qe = Math.max(p, emin) - (precision - 1);
  const n = roundHalfEven(v.mag, v.exp - qe);
  if (n === 0n) return { kind: 'fin', v: dy(v.neg, 0n, 0) };
  const r = dy(v.neg, n, qe);
  if (floorLog2(r) > emax) return { kind: 'inf', neg: v.neg };
  return { kind: 'fin', v: r };
}

/** FP32 bits of a value already representable in FP32. */
export function encodeFp32(x: Fp): number {
  if (x.kind === 'nan') return CANONICAL_NAN_BITS;
  const sign = (x.kind === 'inf' ? x.neg : x.v.neg) ? 0x80000000 : 0;
  if (x.kind === 'inf') return (sign | 0x7f800000) >>> 0;
  const v = x.v;
  if (v.mag === 0n) return sign >>> 0;
  const p = floorLog2(v);
  let field: number;
  let frac: bigint;
  if (p < -126) {
    field = 0;
    frac = shiftExact(v.mag, v.exp + 149);
  } else {
    field = p + 127;
    frac = shiftExact(v.mag, v.exp - (p - 23)) - (1n << 23n);
  }
  if (field > 254 || frac < 0n || frac >= 1n << 23n) throw new Error(`encodeFp32: ${v.mag}*2^${v.exp} is not an FP32 value`);
  return (sign | (field << 23) | Number(frac)) >>> 0;
}

function shiftExact(m: bigint, s: number): bigint {
  if (s >= 0) return m << BigInt(s);
  const r = m >> BigInt(-s);
  if (r << BigInt(-s) !== m) throw new Error('encodeFp32: inexact');
  return r;
}

export function roundFp32(v: Dy): Fp {
  return roundToBinary(v, 24, -126, 127);
}

export function roundFp32Bits(v: Dy): number {
  return encodeFp32(roundFp32(v));
}

/** IEEE binary32 addition, round half to even; an exact zero sum of non-zero or mixed-sign zeros is +0. */
export function fp32Add(a: number, b: number): number {
  const x = decodeFp32(a);
  const y = decodeFp32(b);
  if (x.kind === 'nan' || y.kind === 'nan') return CANONICAL_NAN_BITS;
  if (x.kind === 'inf' && y.kind === 'inf') return x.neg === y.neg ? encodeFp32(x) : CANONICAL_NAN_BITS;
  if (x.kind === 'inf') return encodeFp32(x);
  if (y.kind === 'inf') return encodeFp32(y);
  if (x.v.mag === 0n && y.v.mag === 0n) return x.v.neg && y.v.neg ? 0x80000000 : 0;
  const s = add(x.v, y.v);
  return s.mag === 0n ? 0 : roundFp32Bits(s);
}

/** IEEE binary32 multiplication, round half to even. */
export function fp32Mul(a: number, b: number): number {
  const x = decodeFp32(a);
  const y = decodeFp32(b);
  if (x.kind === 'nan' || y.kind === 'nan') return CANONICAL_NAN_BITS;
  const neg = (x.kind === 'inf' ? x.neg : x.v.neg) !== (y.kind === 'inf' ? y.neg : y.v.neg);
  if (x.kind === 'inf' || y.kind === 'inf') {
    const other = x.kind === 'inf' ? y : x;
    if (other.kind === 'fin' && other.v.mag === 0n) return CANONICAL_NAN_BITS;
    return encodeFp32({ kind: 'inf', neg });
  }
  const p = mul(x.v, y.v);
  return roundFp32Bits(dy(neg, p.mag, p.exp));
}

/** FP32 bits -> the nearest BF16 value (8 significand bits, FP32's exponent range), as FP32 bits. */
export function toBf16(bits: number): number {
  const x = decodeFp32(bits);
  if (x.kind !== 'fin') return encodeFp32(x);
  return encodeFp32(roundToBinary(x.v, 8, -126, 127));
}

