// Element encode (contract 1.2) and decode, driven by the format table.
// A magnitude is given exactly as sig * 2^exp2 with sig a non-negative integer below 2^53;
// every step is integer arithmetic on doubles, exponents come from bit lengths.

import { codeBits, emaxElem, maxMagCode, regionLayout, decodeValue } from '../formats/derive';
import type { FloatRegion } from '../formats/derive';
import type { FormatSpec } from '../formats/table';
import { pow2 } from '../formats/fp32';

/** Number of bits of a non-negative integer below 2^53. */
export function bitLength(x: number): number {
  if (x < 4294967296) return 32 - Math.clz32(x);
  return 32 + (32 - Math.clz32(Math.floor(x / 4294967296)));
}

/** round-half-to-even(sig * 2^s) for a non-negative integer sig < 2^53, exact. */
export function roundHalfEvenScaled(sig: number, s: number): number {
  if (s >= 0) return sig * pow2(s);
  if (s > -31 && sig < 2147483648) {
    // fast path: 32-bit integer shifts (every FP32 significand lands here)
    const sh = -s;
    const q = sig >>> sh;
    const r = sig - q * (1 << sh); // sig & mask, without the sign issue at sh = 31
    const half = 1 << (sh - 1);
    return r > half || (r === half && (q & 1) === 1) ? q + 1 : q;
  }
  if (s < -60) return 0;
  const d = pow2(-s);
  let q = Math.floor(sig / d);
  const r = sig - q * d;
  const half = d / 2;
  if (r > half || (r === half && q % 2 === 1)) q += 1;
  return q;
}

/** Encodes sign and magnitude sig * 2^exp2 into an element code (RNE, saturation, signed zero). */
export type ScaledEncoder = (neg: boolean, sig: number, exp2: number) => number;

const encoderCache = new Map<FormatSpec, ScaledEncoder>();

export function scaledEncoder(f: FormatSpec): ScaledEncoder {
  let enc = encoderCache.get(f);
  if (!enc) {
    enc = f.kind === 'int' ? makeIntEncoder(f.bits, f.fracBits) : makeFloatEncoder(f);
    encoderCache.set(f, enc);
  }
  return enc;
}

function makeIntEncoder(bits: number, fracBits: number): ScaledEncoder {
  const maxN = (1 << (bits - 1)) - 1; // the most negative code is never produced
  const mask = (1 << bits) - 1;
  return (neg, sig, exp2) => {
    if (sig === 0) return 0;
    const n = Math.min(maxN, roundHalfEvenScaled(sig, exp2 + fracBits));
    return neg ? -n & mask : n;
  };
}

function makeFloatEncoder(f: FormatSpec & { kind: 'float' }): ScaledEncoder {
  const { regions, floorQuantumExp } = regionLayout(f);
  const maxMag = maxMagCode(f);
  const emax = emaxElem(f);
  const signBit = 1 << (codeBits(f) - 1);
  const rs: readonly FloatRegion[] = regions;
  return (neg, sig, exp2) => {
    const sign = neg ? signBit : 0;
    if (sig === 0) return sign;
    const p = exp2 + bitLength(sig) - 1;
    if (p > emax) return sign | maxMag;
    let mag = -1;
    for (let i = 0; i < rs.length; i++) {
      const r = rs[i];
      if (p >= r.emin) {
        // n in [2^m, 2^(m+1)]: a round-up to 2^(m+1) carries into the next binade's code
        const n = roundHalfEvenScaled(sig, exp2 - (p - r.manBits));
        mag = r.baseCode + (p - r.emin) * (1 << r.manBits) + n - (1 << r.manBits);
        break;
      }
    }
    if (mag < 0) mag = roundHalfEvenScaled(sig, exp2 - floorQuantumExp);
    return sign | (mag > maxMag ? maxMag : mag);
  };
}

/** Encodes a finite double (an exactly scaled value) to an element code. */
export function encodeValue(f: FormatSpec, q: number): number {
  if (!Number.isFinite(q)) throw new Error(`encodeValue: ${q} is not finite; non-finite inputs are handled at block level`);
  const neg = q < 0 || Object.is(q, -0);
  const a = Math.abs(q);
  if (a === 0) return scaledEncoder(f)(neg, 0, 0);
  // split a = sig * 2^exp2 with sig an integer of at most 53 bits
  let exp2 = 0;
  let sig = a;
  while (!Number.isInteger(sig)) { sig *= 2; exp2--; }
  while (sig >= 9007199254740992) { sig /= 2; exp2++; }
  return scaledEncoder(f)(neg, sig, exp2);
}

/** Decoded value of a code (exact double; NaN/Inf for special codes). */
export function decodeCode(f: FormatSpec, code: number): number {
  return decodeValue(f, code);
}
