// Facts derived from the format table by small pure functions: value regions, emax, max normal,
// decode tables, RTL widths. Nothing here restates a number that the table already holds.

import { FORMAT_TABLE, type FloatFormatSpec, type FormatName, type FormatSpec, type IntFormatSpec } from './table';
import { pow2 } from './fp32';

/** Total code width in bits. */
export function codeBits(f: FormatSpec): number {
  return f.kind === 'int' ? f.bits : 1 + f.expBits + f.manBits;
}

/** Minimum normal exponent of a float format (exponent field 1). */
export function eminOf(f: { readonly bias: number }): number {
  return 1 - f.bias;
}

/**
 * Exponent of the largest power of two the element can hold (OCP emax_elem), from the special-value policy:
 * IEEE formats lose the all-ones exponent field to Inf/NaN, the others keep it.
 */
export function emaxElem(f: FormatSpec): number {
  if (f.kind === 'int') return f.bits - 2 - f.fracBits;
  const topField = (1 << f.expBits) - (f.specials === 'ieee' ? 2 : 1);
  return topField - f.bias;
}

/** Largest finite magnitude code (sign bit clear); codes above it within a sign are Inf/NaN. */
export function maxMagCode(f: FormatSpec): number {
  if (f.kind === 'int') return (1 << (f.bits - 1)) - 1;
  const all = (1 << (f.expBits + f.manBits)) - 1;
  switch (f.specials) {
    case 'ieee':
      return ((1 << f.expBits) - 1) * (1 << f.manBits) - 1;
    case 'nan-at-max':
      return all - 1;
    case 'none':
      return all;
  }
}

/** One binade family of a float format: exponents [emin, emax] with manBits of mantissa. */
export interface FloatRegion {
  readonly emin: number;
  readonly emax: number;
  readonly manBits: number;
  /** magnitude code of 2^emin (the first normal code of the region). */
  readonly baseCode: number;
}

/** The normal regions of a float format from the top down, and the linear-subnormal floor below them. */
export interface RegionLayout {
  readonly regions: readonly FloatRegion[];
  /** quantum of the bottom linear-subnormal range: exponent of 2^(emin_lowest - manBits_lowest). */
  readonly floorQuantumExp: number;
  /** codes 0 .. 2^floorManBits - 1 are the bottom subnormals n * 2^floorQuantumExp. */
  readonly floorManBits: number;
}

const layoutCache = new Map<FloatFormatSpec, RegionLayout>();

export function regionLayout(f: FloatFormatSpec): RegionLayout {
  let layout = layoutCache.get(f);
  if (layout) return layout;
  const regions: FloatRegion[] = [];
  // top region: exponent fields 1 .. (all ones), base code at exponent field 1
  const emin = eminOf(f);
  regions.push({ emin, emax: (1 << f.expBits) - 1 - f.bias, manBits: f.manBits, baseCode: 1 << f.manBits });
  let floorQuantumExp = emin - f.manBits;
  let floorManBits = f.manBits;
  const sub = f.subnormal;
  if (sub.kind === 'fp') {
    if (sub.expBits + sub.manBits !== f.manBits) {
      throw new Error(`format ${f.name}: the FP subnormal region must fill the ${f.manBits} mantissa bits`);
    }
    const subEmin = eminOf(sub);
    const subEmax = (1 << sub.expBits) - 1 - sub.bias;
    if (subEmax !== emin - 1) {
      throw new Error(`format ${f.name}: the FP subnormal region must end just below 2^${emin}: its bias must be ${(1 << sub.expBits) - emin}, not ${sub.bias}`);
    }
    regions.push({ emin: subEmin, emax: subEmax, manBits: sub.manBits, baseCode: 1 << sub.manBits });
    floorQuantumExp = subEmin - sub.manBits;
    floorManBits = sub.manBits;
  }
  layout = { regions, floorQuantumExp, floorManBits };
  layoutCache.set(f, layout);
  return layout;
}

/** Value of a magnitude code of a float format (no specials). Exact double. */
export function floatMagValue(f: FloatFormatSpec, mag: number): number {
  const { regions, floorQuantumExp } = regionLayout(f);
  for (const r of regions) {
    if (mag >= r.baseCode) {
      const rel = mag - r.baseCode;
      const exp = r.emin + Math.floor(rel / (1 << r.manBits));
      const frac = rel % (1 << r.manBits);
      return pow2(exp) * (1 + frac / (1 << r.manBits));
    }
  }
  // bottom linear subnormals: mag < 2^floorManBits
  return mag * pow2(floorQuantumExp);
}

/** Code classification. */
export type CodeClass = 'finite' | 'inf' | 'nan';

export function classifyCode(f: FormatSpec, code: number): CodeClass {
  if (f.kind === 'int') return 'finite';
  const mag = code & ((1 << (f.expBits + f.manBits)) - 1);
  if (mag <= maxMagCode(f)) return 'finite';
  if (f.specials === 'ieee' && (mag & ((1 << f.manBits) - 1)) === 0) return 'inf';
  return 'nan';
}

/** Decoded value of any code as a double (exact): NaN, +-Inf, signed zeros included. */
export function decodeValue(f: FormatSpec, code: number): number {
  if (f.kind === 'int') return intCodeValue(f, code);
  const signBit = 1 << (f.expBits + f.manBits);
  const neg = (code & signBit) !== 0;
  const cls = classifyCode(f, code);
  if (cls === 'nan') return NaN;
  const mag = code & (signBit - 1);
  const v = cls === 'inf' ? Infinity : floatMagValue(f, mag);
  return neg ? -v : v;
}

function intCodeValue(f: IntFormatSpec, code: number): number {
  const n = code >= 1 << (f.bits - 1) ? code - (1 << f.bits) : code;
  return n / (1 << f.fracBits);
}

/** Largest finite value. */
export function maxNormal(f: FormatSpec): number {
  return decodeValue(f, maxMagCode(f));
}

/** Smallest positive value. */
export function minSubnormal(f: FormatSpec): number {
  return decodeValue(f, 1);
}

/** Smallest positive normal value (float formats); the LSB for integer formats. */
export function minNormal(f: FormatSpec): number {
  return f.kind === 'int' ? pow2(-f.fracBits) : pow2(eminOf(f));
}

/** Number of codes that decode to a finite value, and of distinct finite values (+0 and -0 count once). */
export function finiteCounts(f: FormatSpec): { codes: number; values: number } {
  const n = 1 << codeBits(f);
  const values = new Set<number>();
  let codes = 0;
  for (let c = 0; c < n; c++) {
    const v = decodeValue(f, c);
    if (Number.isFinite(v)) {
      codes++;
      values.add(v === 0 ? 0 : v);
    }
  }
  return { codes, values: values.size };
}

/** Decode table: value of every code as a double (exact), indexed by code. Cached per format. */
const decodeCache = new Map<FormatSpec, Float64Array>();
export function decodeTable(f: FormatSpec): Float64Array {
  let t = decodeCache.get(f);
  if (!t) {
    const n = 1 << codeBits(f);
    t = new Float64Array(n);
    for (let c = 0; c < n; c++) t[c] = decodeValue(f, c);
    decodeCache.set(f, t);
  }
  return t;
}

/** Exponent of the lowest set bit of every code's value (value = odd * 2^lsb), 0 for zeros and specials. */
const lsbCache = new Map<FormatSpec, Int16Array>();
export function lsbExpTable(f: FormatSpec): Int16Array {
  let t = lsbCache.get(f);
  if (!t) {
    const values = decodeTable(f);
    t = new Int16Array(values.length);
    for (let c = 0; c < values.length; c++) {
      const v = Math.abs(values[c]);
      if (v === 0 || !Number.isFinite(v)) continue;
      let e = 0;
      let x = v;
      while (!Number.isInteger(x)) { x *= 2; e--; }
      while (x % 2 === 0) { x /= 2; e++; }
      t[c] = e;
    }
    lsbCache.set(f, t);
  }
  return t;
}

/** Exponent of the smallest positive value (the LSB weight of the whole format). */
export function lsbExp(f: FormatSpec): number {
  return f.kind === 'int' ? -f.fracBits : regionLayout(f).floorQuantumExp;
}

export function allFormats(): FormatSpec[] {
  return Object.values(FORMAT_TABLE);
}

export function spec(name: FormatName): FormatSpec {
  return FORMAT_TABLE[name];
}
