// Block quantization of FP32 matrices (contract sections 2 and 3) and dequantization.

import { FORMAT_TABLE, E8M0, type FormatName, type FormatSpec } from '../formats/table';
import { decodeTable } from '../formats/derive';
import { floatToBits } from '../formats/fp32';
import { scaledEncoder } from './element';
import { scaleCode, scaleValue, sharedExponent, type ScaleMode } from './scale';

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
    throw new ShapeError(`block shape '${s}' is not of the form RxC with positive integers (e.g. 1x32, 32x1, 8x8)`);
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
 * Quantizes a matrix with any block shape. Matrices whose sides are not multiples of the block are
 * padded with zeros (which never change a block's amax); blocks never straddle a row or column edge.
 */
export function quantize(m: Matrix, format: FormatName, block: BlockShape, scaleMode: ScaleMode = 'floor'): QuantizedMatrix {
  const f = FORMAT_TABLE[format];
  const gridRows = Math.ceil(m.rows / block.rows);
  const gridCols = Math.ceil(m.cols / block.cols);
  const scales = new Uint8Array(gridRows * gridCols);
  const codes = new Uint8Array(m.rows * m.cols);
  const idx = new Int32Array(Math.min(block.rows, m.rows) * Math.min(block.cols, m.cols)); // a block never holds more than the matrix
  for (let gr = 0; gr < gridRows; gr++) {
    const r0 = gr * block.rows;
    const r1 = Math.min(m.rows, r0 + block.rows);
    for (let gc = 0; gc < gridCols; gc++) {
      const c0 = gc * block.cols;
      const c1 = Math.min(m.cols, c0 + block.cols);
      let n = 0;
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) idx[n++] = r * m.cols + c;
      scales[gr * gridCols + gc] = quantizeBlockInPlace(f, scaleMode, m.bits, idx, n, codes);
    }
  }
  return { format, block, scaleMode, rows: m.rows, cols: m.cols, gridRows, gridCols, scales, codes };
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

/** Dequantizes a whole matrix to FP32 bit patterns. */
export function dequantize(q: QuantizedMatrix): Uint32Array {
  const out = new Uint32Array(q.rows * q.cols);
  const table = decodeTable(FORMAT_TABLE[q.format]);
  for (let r = 0; r < q.rows; r++) {
    for (let c = 0; c < q.cols; c++) {
      const i = r * q.cols + c;
      out[i] = floatToBits(scaleValue(scaleAt(q, r, c)) * table[q.codes[i]]);
    }
  }
  return out;
}
