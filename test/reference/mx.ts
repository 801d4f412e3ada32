// Slow reference, part 3: MX element codes, the shared scale, block and matrix quantization, written
// from the contract text (shared/spec/formats.md sections 1-3). Only the format table's records are
// imported from the project; decode, rounding and scale rules are this file's own.

import { FORMAT_TABLE, type FormatName, type FormatSpec } from '../../generator/formats/table';
import { type Dy, ZERO, cmpMag, dy, floorLog2, magKey, mul, roundHalfEven, scale2 } from './dyadic';
import { CANONICAL_NAN_BITS, decodeFp32, encodeFp32, roundFp32, type Fp } from './fp32';

export type ScaleModeRef = 'floor' | 'rceil';
export const NAN_SCALE = 0xff;

/** A format with every code decoded once. */
export interface RefFormat {
  readonly name: FormatName;
  readonly spec: FormatSpec;
  readonly bits: number;
  /** decoded value of every code 0 .. 2^bits - 1. */
  readonly values: readonly Fp[];
  /** the largest finite magnitude and its code. */
  readonly maxFinite: Dy;
  readonly maxCode: number;
  /** exponent of the largest power of two among the finite values (OCP emax_elem). */
  readonly emaxElem: number;
  /** |value| key -> positive code, for the finite non-negative codes. */
  readonly codeOfMag: ReadonlyMap<string, number>;
  /** finite non-negative codes sorted by value (for the nearest-value encoder). */
  readonly sortedPos: readonly { readonly code: number; readonly v: Dy }[];
}

/** Decodes a code from its bit fields, per contract section 1. */
export function decodeRef(f: FormatSpec, code: number): Fp {
  if (f.kind === 'int') {
    const n = code >= 1 << (f.bits - 1) ? code - (1 << f.bits) : code;
    return { kind: 'fin', v: dy(n < 0, BigInt(Math.abs(n)), -f.fracBits) };
  }
  const neg = (code >> (f.expBits + f.manBits)) & 1 ? true : false;
  const e = (code >> f.manBits) & ((1 << f.expBits) - 1);
  const m = code & ((1 << f.manBits) - 1);
  const eAll = (1 << f.expBits) - 1;
  const mAll = (1 << f.manBits) - 1;
  if (f.specials === 'ieee' && e === eAll) return m === 0 ? { kind: 'inf', neg } : { kind: 'nan' };
  if (f.specials === 'nan-at-max' && e === eAll && m === mAll) return { kind: 'nan' };
  if (e !== 0) return { kind: 'fin', v: dy(neg, BigInt((1 << f.manBits) + m), e - f.bias - f.manBits) };
  const sub = f.subnormal;
  if (sub.kind === 'linear') return { kind: 'fin', v: dy(neg, BigInt(m), 1 - f.bias - f.manBits) };
  // MXSF subnormal-FP mode: the low bits are an unsigned float x..x f..f with its own bias
  const x = m >> sub.manBits;
  const ff = m & ((1 << sub.manBits) - 1);
  if (x !== 0) return { kind: 'fin', v: dy(neg, BigInt((1 << sub.manBits) + ff), x - sub.bias - sub.manBits) };
  return { kind: 'fin', v: dy(neg, BigInt(ff), 1 - sub.bias - sub.manBits) };
}

const cache = new Map<FormatName, RefFormat>();

export function refFormat(name: FormatName): RefFormat {
  let r = cache.get(name);
  if (r) return r;
  const spec: FormatSpec = FORMAT_TABLE[name];
  const bits = spec.kind === 'int' ? spec.bits : 1 + spec.expBits + spec.manBits;
  const values: Fp[] = [];
  for (let c = 0; c < 1 << bits; c++) values.push(decodeRef(spec, c));
  const codeOfMag = new Map<string, number>();
  const pos: { code: number; v: Dy }[] = [];
  let maxFinite = ZERO;
  let maxCode = 0;
  let emaxElem = -Infinity;
  values.forEach((x, code) => {
    if (x.kind !== 'fin' || x.v.neg) return;
    codeOfMag.set(magKey(x.v), code);
    pos.push({ code, v: x.v });
    if (cmpMag(x.v, maxFinite) > 0) {
      maxFinite = x.v;
      maxCode = code;
    }
    if (x.v.mag !== 0n && (x.v.mag & (x.v.mag - 1n)) === 0n) emaxElem = Math.max(emaxElem, floorLog2(x.v));
  });
  pos.sort((a, b) => cmpMag(a.v, b.v));
  r = { name, spec, bits, values, maxFinite, maxCode, emaxElem, codeOfMag, sortedPos: pos };
  cache.set(name, r);
  return r;
}

/** Exponent of the quantum at binade p (contract 1.2), from the table record. */
function quantumExp(f: FormatSpec & { kind: 'float' }, p: number): number {
  const emin = 1 - f.bias;
  if (p >= emin) return p - f.manBits;
  const sub = f.subnormal;
  if (sub.kind === 'linear') return emin - f.manBits;
  const subEmin = 1 - sub.bias;
  return p >= subEmin ? p - sub.manBits : subEmin - sub.manBits;
}

/** Encodes an exact (already scaled) value per contract 1.2: quantum rounding half to even, saturation, signed zero. */
export function encodeRef(r: RefFormat, q: Dy): number {
  const f = r.spec;
  if (f.kind === 'int') {
    const n = Number(roundHalfEven(q.mag, q.exp + f.fracBits));
    const c = Math.min(n, (1 << (f.bits - 1)) - 1);
    return q.neg && c !== 0 ? (1 << f.bits) - c : c;
  }
  const signBit = q.neg ? 1 << (r.bits - 1) : 0;
  if (q.mag === 0n) return signBit;
  const qe = quantumExp(f, floorLog2(q));
  let v = dy(false, roundHalfEven(q.mag, q.exp - qe), qe);
  if (cmpMag(v, r.maxFinite) > 0) v = r.maxFinite;
  const code = r.codeOfMag.get(magKey(v));
  if (code === undefined) throw new Error(`reference: ${magKey(v)} is not a value of ${r.name}`);
  return signBit | code;
}

/**
 * A second encoder for cross-checking the first: the nearest finite value by exact comparison, ties to
 * the even code, values above the maximum saturate. Same contract, different algorithm.
 */
export function encodeNearest(r: RefFormat, q: Dy): number {
  const f = r.spec;
  const s = r.sortedPos;
  const hi = s.findIndex((x) => cmpMag(x.v, q) >= 0);
  let code: number;
  if (hi < 0) code = r.maxCode;
  else if (hi === 0 || cmpMag(s[hi].v, q) === 0) code = s[hi].code;
  else {
    const lo = hi - 1;
    // compare q - lo with hi - q exactly: 2q vs lo + hi
    const twoQ = scale2(dy(false, q.mag, q.exp), 1);
    const e = Math.min(s[lo].v.exp, s[hi].v.exp, twoQ.exp);
    const at = (x: Dy) => x.mag << BigInt(x.exp - e);
    const mid = at(s[lo].v) + at(s[hi].v);
    const t = at(twoQ);
    code = t < mid ? s[lo].code : t > mid ? s[hi].code : s[lo].code % 2 === 0 ? s[lo].code : s[hi].code;
  }
  if (f.kind === 'int') return q.neg && code !== 0 ? (1 << f.bits) - code : code;
  return (q.neg ? 1 << (r.bits - 1) : 0) | code;
}

/** The unclamped shared exponent for a non-zero amax (contract section 2). */
export function sharedExpRef(r: RefFormat, amax: Dy, mode: ScaleModeRef): number {
  if (mode === 'floor') return floorLog2(amax) - r.emaxElem;
  // rceil: the smallest e with amax <= max_normal * 2^e
  let e = floorLog2(amax) - floorLog2(r.maxFinite) - 2;
  while (cmpMag(amax, scale2(r.maxFinite, e)) > 0) e++;
  return e;
}

export interface BlockRef {
  readonly scale: number;
  readonly codes: number[];
}

/** Quantizes one block of FP32 bit patterns. */
export function quantizeBlockRef(r: RefFormat, bits: readonly number[], mode: ScaleModeRef): BlockRef {
  const xs = bits.map(decodeFp32);
  if (xs.some((x) => x.kind !== 'fin')) return { scale: NAN_SCALE, codes: bits.map(() => 0) };
  const vs = xs.map((x) => (x as { v: Dy }).v);
  let amax = ZERO;
  for (const v of vs) if (cmpMag(v, amax) > 0) amax = v;
  if (amax.mag === 0n) return { scale: 0, codes: vs.map((v) => encodeRef(r, v)) };
  const se = Math.min(127, Math.max(-127, sharedExpRef(r, amax, mode)));
  return { scale: se + 127, codes: vs.map((v) => encodeRef(r, scale2(v, -se))) };
}

export interface MatrixRef {
  readonly gridRows: number;
  readonly gridCols: number;
  readonly scales: number[];
  readonly codes: number[];
}

/** Quantizes a rows x cols matrix with blocks of br x bc, blocks cut at the matrix edges. */
export function quantizeMatrixRef(
  r: RefFormat, bits: ArrayLike<number>, rows: number, cols: number, br: number, bc: number, mode: ScaleModeRef,
): MatrixRef {
  const gridRows = Math.ceil(rows / br);
  const gridCols = Math.ceil(cols / bc);
  const scales: number[] = [];
  const codes: number[] = new Array(rows * cols).fill(-1);
  for (let gr = 0; gr < gridRows; gr++) {
    for (let gc = 0; gc < gridCols; gc++) {
      const idx: number[] = [];
      for (let i = gr * br; i < Math.min(rows, (gr + 1) * br); i++) {
        for (let j = gc * bc; j < Math.min(cols, (gc + 1) * bc); j++) idx.push(i * cols + j);
      }
      const b = quantizeBlockRef(r, idx.map((i) => bits[i]), mode);
      scales.push(b.scale);
      idx.forEach((i, t) => (codes[i] = b.codes[t]));
    }
  }
  return { gridRows, gridCols, scales, codes };
}

/** X * P rounded once to FP32; NaN when the scale or the element is NaN. */
export function dequantizeRef(r: RefFormat, scale: number, code: number): number {
  const p = r.values[code];
  if (scale === NAN_SCALE || p.kind === 'nan') return CANONICAL_NAN_BITS;
  if (p.kind === 'inf') return encodeFp32(p);
  return encodeFp32(roundFp32(mul(dy(false, 1n, scale - 127), p.v)));
}
