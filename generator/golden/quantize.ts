// Block quantization of FP32 matrices (contract sections 2 and 3) and dequantization.

import { FORMAT_TABLE, E8M0, type FormatName, type FormatSpec } from '../formats/table';
import { codeBits, decodeTable, emaxElem, maxMagCode, regionLayout } from '../formats/derive';
import { floatToBits, floorLog2Fp32Mag, pow2, FP32_CANONICAL_NAN } from '../formats/fp32';
import { scaledEncoder } from './element';
import { scaleCode, scaleValue, sharedExponent, type ScaleMode } from './scale';
import { quoteText } from '../util/shown';

/** A row-major FP32 matrix held as bit patterns. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly bits: Uint32Array;
}

export interface BlockShape {
  readonly rows: number;
  readonly cols: number;
}

export interface QuantizedMatrix {
  readonly format: FormatName;
  readonly block: BlockShape;
  readonly scaleMode: ScaleMode;
  readonly rows: number;
  readonly cols: number;
  /** block grid, row-major: gridRows x gridCols E8M0 codes. */
  readonly gridRows: number;
  readonly gridCols: number;
  readonly scales: Uint8Array;
  /** element codes, row-major, rows x cols. */
  readonly codes: Uint8Array;
}

// Local bindings of imported constants and functions: under tsx an imported binding is a getter call, which
// costs real time inside per-block and per-element loops.
const NAN_SCALE = E8M0.nanCode;
const SCALE_BIAS = E8M0.bias;
const pow2L = pow2;
const floorLog2Fp32MagL = floorLog2Fp32Mag;
const scaleCodeL = scaleCode;
const sharedExponentL = sharedExponent;
const scaleValueL = scaleValue;
const CANONICAL_NAN = FP32_CANONICAL_NAN;

export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

export function makeMatrix(rows: number, cols: number, bits?: Uint32Array): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new ShapeError(`matrix shape ${rows}x${cols} is invalid: rows and cols must be positive integers`);
  }
  const b = bits ?? new Uint32Array(rows * cols);
  if (b.length !== rows * cols) {
    throw new ShapeError(`matrix ${rows}x${cols} needs ${rows * cols} elements, got ${b.length}`);
  }
  return { rows, cols, bits: b };
}

/** Parses "RxC" into a block shape; the error names the expected form. */
export function parseBlockShape(s: string): BlockShape {
  const m = /^(\d+)x(\d+)$/.exec(s.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
    throw new ShapeError(`block shape ${quoteText(s, 40)} is not of the form RxC with positive integers (e.g. 1x32, 32x1, 8x8)`);
  }
  return { rows: Number(m[1]), cols: Number(m[2]) };
}

export function blockShapeText(b: BlockShape): string {
  return `${b.rows}x${b.cols}`;
}

/**
 * Quantizes one block given as FP32 bit patterns read at `idx[0..n)` of `bits` (so a block can be a
 * rectangle of a larger matrix without copying). Writes codes at the same indices of `codesOut` and
 * returns the E8M0 scale code.
 */
export function quantizeBlockInPlace(
  f: FormatSpec,
  mode: ScaleMode,
  bits: Uint32Array,
  idx: ArrayLike<number>,
  n: number,
  codesOut: Uint8Array,
): number {
  let amax = 0;
  let special = false;
  for (let t = 0; t < n; t++) {
    const mag = bits[idx[t]] & 0x7fffffff;
    if (mag >= 0x7f800000) special = true;
    else if (mag > amax) amax = mag;
  }
  if (special) {
    for (let t = 0; t < n; t++) codesOut[idx[t]] = 0;
    return E8M0.nanCode;
  }
  const enc = scaledEncoder(f);
  if (amax === 0) {
    // all-zero block: scale code 0x00, zero codes with their signs
    for (let t = 0; t < n; t++) codesOut[idx[t]] = enc(bits[idx[t]] >>> 31 === 1, 0, 0);
    return 0;
  }
  const code = scaleCode(sharedExponent(f, amax, mode));
  const se = code - E8M0.bias; // the clamped shared exponent
  for (let t = 0; t < n; t++) {
    const b = bits[idx[t]];
    const e = (b >>> 23) & 0xff;
    const frac = b & 0x7fffff;
    // FP32 value = sig * 2^exp2 exactly; subnormals are exact inputs (no flushing)
    const sig = e === 0 ? frac : frac | 0x800000;
    const exp2 = (e === 0 ? -149 : e - 150) - se;
    codesOut[idx[t]] = enc(b >>> 31 === 1, sig, exp2);
  }
  return code;
}

/** Quantizes a single block of FP32 bit patterns; convenience for tests and RTL vector generation. */
export function quantizeBlock(format: FormatName, bits: ArrayLike<number>, mode: ScaleMode = 'floor'): { scale: number; codes: Uint8Array } {
  const n = bits.length;
  const b = Uint32Array.from(bits);
  const codes = new Uint8Array(n);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const scale = quantizeBlockInPlace(FORMAT_TABLE[format], mode, b, idx, n, codes);
  return { scale, codes };
}

/**
 * Quantizes a matrix with any block shape (bit-identical to quantizeBlockInPlace applied block by block; the
 * test oracle is reference.ts). Matrices whose sides are not multiples of the block are padded with zeros
 * (which never change a block's amax); blocks never straddle a row or column edge.
 *
 * Speed: one block at a time (amax from the magnitude bits, then the codes while the block is in cache), and
 * per binade p of the scaled value a precomputed multiplier 2^-quantum, so an element costs one exact
 * power-of-two product and one round-half-to-even, done as (y + 2^52) - 2^52 (exact for 0 <= y < 2^52; here
 * y < 2^(m+1)). p comes from the FP32 exponent bits minus the shared exponent, never from a floating log2.
 */
export function quantize(m: Matrix, format: FormatName, block: BlockShape, scaleMode: ScaleMode = 'floor'): QuantizedMatrix {
  const f = FORMAT_TABLE[format];
  const R = elementRounder(f);
  const { rows, cols } = m;
  const br = block.rows;
  const bc = block.cols;
  const gridRows = Math.ceil(rows / br);
  const gridCols = Math.ceil(cols / bc);
  const scales = new Uint8Array(gridRows * gridCols);
  const codes = new Uint8Array(rows * cols);
  const bits = m.bits;
  const vals = new Float32Array(bits.buffer, bits.byteOffset, bits.length);
  const floorMode = scaleMode === 'floor';
  const emax = emaxElem(f); // floor: shared_exp = floor(log2 amax) - emax_elem (scale.ts)
  for (let gr = 0; gr < gridRows; gr++) {
    const r0 = gr * br;
    const r1 = Math.min(rows, r0 + br);
    for (let gc = 0; gc < gridCols; gc++) {
      const c0 = gc * bc;
      const c1 = Math.min(cols, c0 + bc);
      let amax = 0;
      for (let r = r0; r < r1; r++) {
        const o = r * cols;
        for (let i = o + c0; i < o + c1; i++) {
          const mag = bits[i] & 0x7fffffff;
          if (mag > amax) amax = mag;
        }
      }
      let code: number;
      if (amax >= 0x7f800000) code = NAN_SCALE; // NaN or Inf in the block: codes stay +0
      else if (amax === 0) {
        code = 0; // all-zero block: zero codes with their signs
        if (!R.isInt) {
          for (let r = r0; r < r1; r++) {
            const o = r * cols;
            for (let i = o + c0; i < o + c1; i++) codes[i] = bits[i] >>> 31 === 1 ? R.signBit : 0;
          }
        }
      } else {
        code = floorMode ? scaleCodeL(floorLog2Fp32MagL(amax) - emax) : scaleCodeL(sharedExponentL(f, amax, scaleMode));
        if (R.isInt) encodeIntBlock(R, bits, vals, codes, cols, r0, r1, c0, c1, code - SCALE_BIAS);
        else encodeFloatBlock(R, bits, vals, codes, cols, r0, r1, c0, c1, code - SCALE_BIAS);
      }
      scales[gr * gridCols + gc] = code;
    }
  }
  return { format, block, scaleMode, rows, cols, gridRows, gridCols, scales, codes };
}

const TWO52 = 4503599627370496;

/** Per-format rounding tables for the scaled value q = |v| * 2^-shared_exp of binade p. */
interface ElementRounder {
  readonly isInt: boolean;
  readonly signBit: number;
  /** bit index of the code's sign */
  readonly signPos: number;
  readonly maxMag: number;
  /** emax_elem: a binade above it saturates */
  readonly emax: number;
  /** lowest binade of a normal region; below it the linear floor region with quantum 2^floorQe */
  readonly pMin: number;
  /** per binade p - pMin: 2^-quantum_exponent, and the code base (magnitude code = base + n) */
  readonly mul: Float64Array;
  readonly base: Int32Array;
  readonly floorMul: number;
  /** mul / base / floorMul spread over every binade p of a scaled FP32 value, indexed by p + P_OFFSET */
  readonly pMul: Float64Array;
  readonly pBase: Int32Array;
  /** integer formats: 2^fracBits and the code mask */
  readonly intScale: number;
  readonly intMask: number;
}

const rounderCache = new Map<FormatSpec, ElementRounder>();

/** |p| of a scaled FP32 value is below 127 + 149 + 127 */
const P_OFFSET = 420;
const P_SPAN = 2 * P_OFFSET;

function elementRounder(f: FormatSpec): ElementRounder {
  let r = rounderCache.get(f);
  if (r) return r;
  if (f.kind === 'int') {
    r = {
      isInt: true, signBit: 0, signPos: 0, maxMag: maxMagCode(f), emax: 0, pMin: 0, mul: new Float64Array(0), base: new Int32Array(0),
      floorMul: 0, pMul: new Float64Array(0), pBase: new Int32Array(0), intScale: pow2L(f.fracBits), intMask: (1 << f.bits) - 1,
    };
  } else {
    const { regions, floorQuantumExp } = regionLayout(f);
    const emax = emaxElem(f);
    const pMin = regions[regions.length - 1].emin;
    const n = Math.max(0, emax - pMin + 1);
    const mul = new Float64Array(n);
    const base = new Int32Array(n);
    for (let p = pMin; p <= emax; p++) {
      const reg = regions.find((x) => p >= x.emin)!;
      const mb = reg.manBits;
      // n in [2^m, 2^(m+1)]: a round-up to 2^(m+1) carries into the next binade's code (as in element.ts)
      mul[p - pMin] = pow2L(-(p - mb));
      base[p - pMin] = reg.baseCode + (p - reg.emin) * (1 << mb) - (1 << mb);
    }
    const maxMag = maxMagCode(f);
    const floorMul = pow2L(-floorQuantumExp);
    const pMul = new Float64Array(P_SPAN);
    const pBase = new Int32Array(P_SPAN);
    for (let t = 0; t < P_SPAN; t++) {
      const p = t - P_OFFSET;
      if (p > emax) pBase[t] = maxMag; // saturation (multiplier 0)
      else if (p >= pMin) {
        pMul[t] = mul[p - pMin];
        pBase[t] = base[p - pMin];
      } else pMul[t] = floorMul; // y < 2^(pMin - floorQe): far below 2^52
    }
    r = { isInt: false, signBit: 1 << (codeBits(f) - 1), signPos: codeBits(f) - 1, maxMag, emax, pMin, mul, base, floorMul, pMul, pBase, intScale: 1, intMask: 0 };
  }
  rounderCache.set(f, r);
  return r;
}

function encodeFloatBlock(
  R: ElementRounder, bits: Uint32Array, vals: Float32Array, codes: Uint8Array, cols: number,
  r0: number, r1: number, c0: number, c1: number, se: number,
): void {
  const { signBit, maxMag, pMul, pBase } = R;
  const signShift = 31 - R.signPos;
  const inv = pow2L(-se);
  // p = floor(log2 q) = e - 127 - se for a normal FP32 input; the tables are indexed by p + P_OFFSET
  const off = P_OFFSET - 127 - se;
  for (let r = r0; r < r1; r++) {
    const o = r * cols;
    for (let i = o + c0; i < o + c1; i++) {
      const b = bits[i];
      const sign = (b >>> signShift) & signBit; // branch-free: signs of real data are random
      const e = (b >>> 23) & 0xff;
      let t: number;
      if (e !== 0) t = e + off;
      else {
        const mag = b & 0x7fffffff;
        if (mag === 0) {
          codes[i] = sign;
          continue;
        }
        t = floorLog2Fp32MagL(mag) - se + P_OFFSET; // FP32 subnormal input: exact, no flushing
      }
      // saturating binades have multiplier 0 and base maxMag; the linear floor has base 0
      let mg = pBase[t] + (Math.abs(vals[i]) * inv * pMul[t] + TWO52 - TWO52); // exact product, RNE
      if (mg > maxMag) mg = maxMag;
      codes[i] = sign | mg;
    }
  }
}

function encodeIntBlock(
  R: ElementRounder, bits: Uint32Array, vals: Float32Array, codes: Uint8Array, cols: number,
  r0: number, r1: number, c0: number, c1: number, se: number,
): void {
  const { maxMag, intMask } = R;
  const mulq = pow2L(-se) * R.intScale; // exact power of two
  for (let r = r0; r < r1; r++) {
    const o = r * cols;
    for (let i = o + c0; i < o + c1; i++) {
      const v = vals[i];
      if (v === 0) continue; // one zero: code 0
      let n = Math.abs(v) * mulq + TWO52 - TWO52; // RNE(q * 2^fracBits), exact
      if (n > maxMag) n = maxMag;
      const neg = bits[i] >> 31; // 0 or -1: two's complement negation without a branch
      codes[i] = ((n ^ neg) - neg) & intMask;
    }
  }
}

/** Scale code of element (r, c). */
export function scaleAt(q: QuantizedMatrix, r: number, c: number): number {
  return q.scales[Math.floor(r / q.block.rows) * q.gridCols + Math.floor(c / q.block.cols)];
}

/** Dequantized value of one element: X * P rounded once to FP32 (NaN when X is NaN). */
export function dequantizeElement(format: FormatName, scale: number, code: number): number {
  const x = scaleValue(scale);
  const p = decodeTable(FORMAT_TABLE[format])[code];
  return floatToBits(x * p); // exact product in a double, one rounding to FP32
}

/**
 * Dequantizes a whole matrix to FP32 bit patterns: X * P rounded once to FP32 (the double product is exact,
 * the store into a Float32Array rounds half to even); NaN (a NaN scale or a NaN code) is the canonical NaN.
 */
export function dequantize(q: QuantizedMatrix): Uint32Array {
  const { rows, cols } = q;
  const out = new Uint32Array(rows * cols);
  const outF = new Float32Array(out.buffer);
  const table = decodeTable(FORMAT_TABLE[q.format]);
  const br = q.block.rows;
  const bc = q.block.cols;
  const codes = q.codes;
  for (let gr = 0; gr < q.gridRows; gr++) {
    const r0 = gr * br;
    const r1 = Math.min(rows, r0 + br);
    for (let gc = 0; gc < q.gridCols; gc++) {
      const c0 = gc * bc;
      const c1 = Math.min(cols, c0 + bc);
      const sc = q.scales[gr * q.gridCols + gc];
      if (sc === NAN_SCALE) {
        for (let r = r0; r < r1; r++) out.fill(CANONICAL_NAN, r * cols + c0, r * cols + c1);
        continue;
      }
      const x = scaleValueL(sc);
      for (let r = r0; r < r1; r++) {
        const o = r * cols;
        for (let i = o + c0; i < o + c1; i++) {
          const v = x * table[codes[i]];
          if (v !== v) out[i] = CANONICAL_NAN;
          else outF[i] = v;
        }
      }
    }
  }
  return out;
}
