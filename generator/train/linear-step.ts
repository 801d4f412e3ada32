// Golden training step of one linear layer, Y = X*W, dX = dY*W^T, dW = X^T*dY, in two storage schemes:
//   '1d'   OCP 1x32 blocks along each product's reduction axis. X, W and dY are each needed along both of
//          their axes, so each is quantized twice and stored twice (6 passes, 6 copies).
//   'tile' square RxR tiles. Each tensor is quantized once and stored once (3 passes, 3 copies); the
//          transposed operand is the stored codes and scale grid transposed, never re-quantized.
// Errors are relative Frobenius errors against FP64 products of the unquantized FP32 inputs.

import {
  FORMAT_TABLE,
  bitsToFloat,
  blockShapeText,
  codeBits,
  floatToBits,
  gemmQuantized,
  quantize,
  type BlockShape,
  type FormatName,
  type Matrix,
  type QuantizedMatrix,
  type ScaleMode,
} from '../golden/index';
import { Prng } from '../util/prng';
import { transposeMatrix, transposeQuantized } from './transpose';

export type Scheme = '1d' | 'tile';
export const SCHEMES: readonly Scheme[] = ['1d', 'tile'];
export const TILE_SIZES: readonly number[] = [8, 16];

export interface LayerShape {
  readonly batch: number;
  readonly in: number;
  readonly out: number;
}

export const DEFAULT_SHAPE: LayerShape = { batch: 128, in: 256, out: 128 };
export const DEFAULT_SEED = 1;

export interface StepInputs {
  /** activations, batch x in */
  readonly x: Matrix;
  /** weights, in x out */
  readonly w: Matrix;
  /** output gradient, batch x out */
  readonly dy: Matrix;
}

/**
 * Deterministic inputs (all values rounded once to FP32):
 * - X = ReLU(z), z ~ N(0, 1) i.i.d. (post-activation inputs: about half exact zeros, the rest half-normal);
 * - W ~ N(0, 1/in) (fan-in initialisation);
 * - dY[b, o] = g_b * z, z ~ N(0, 1), with a per-sample magnitude g_b = 10^u, u ~ U(-5, -3): gradients are
 *   small and their size varies from sample to sample (rows of dY), over two decades.
 */
export function makeInputs(shape: LayerShape, seed: number): StepInputs {
  const rng = new Prng(seed);
  const fill = (rows: number, cols: number, gen: (r: number) => number): Matrix => {
    const bits = new Uint32Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) bits[r * cols + c] = floatToBits(gen(r));
    return { rows, cols, bits };
  };
  const x = fill(shape.batch, shape.in, () => Math.max(0, rng.normal()));
  const sigmaW = Math.sqrt(1 / shape.in);
  const w = fill(shape.in, shape.out, () => sigmaW * rng.normal());
  const g = Array.from({ length: shape.batch }, () => 10 ** (-5 + 2 * rng.next()));
  const dy = fill(shape.batch, shape.out, (r) => g[r] * rng.normal());
  return { x, w, dy };
}

/** One stored quantized copy of a tensor. */
export interface StoredCopy {
  /** which tensor and along which axis its blocks run, e.g. "X (1x32)" */
  readonly tensor: string;
  readonly block: string;
  readonly elements: number;
  readonly scales: number;
  /** elements * codeBits / 8 + scales * 1 (E8M0) */
  readonly bytes: number;
}

export interface StepErrors {
  readonly y: number;
  readonly dx: number;
  readonly dw: number;
}

export interface StepResult {
  readonly format: FormatName;
  readonly scheme: Scheme;
  /** block shape of the stored copies: "1x32" (and its 32x1 twin) or "RxR" */
  readonly block: string;
  readonly scaleMode: ScaleMode;
  readonly shape: LayerShape;
  readonly seed: number;
  readonly passes: number;
  readonly bytesStored: number;
  readonly copies: readonly StoredCopy[];
  /** relative Frobenius error ||Z_q - Z_ref||_F / ||Z_ref||_F of Y, dX, dW */
  readonly relError: StepErrors;
}

export interface StepOptions {
  readonly format: FormatName;
  readonly scheme: Scheme;
  /** tile edge R for scheme 'tile' (8 or 16; any positive integer works in the library) */
  readonly tile?: number;
  readonly scaleMode?: ScaleMode;
  readonly shape?: LayerShape;
  readonly seed?: number;
  /** precomputed inputs (else made from shape and seed) */
  readonly inputs?: StepInputs;
}

const ROW_1D: BlockShape = { rows: 1, cols: 32 };
const COL_1D: BlockShape = { rows: 32, cols: 1 };

export function storedBytes(format: FormatName, elements: number, scales: number): number {
  return (elements * codeBits(FORMAT_TABLE[format])) / 8 + scales;
}

export function runLinearStep(opts: StepOptions): StepResult {
  const shape = opts.shape ?? DEFAULT_SHAPE;
  const seed = opts.seed ?? DEFAULT_SEED;
  const mode = opts.scaleMode ?? 'floor';
  const { format, scheme } = opts;
  const { x, w, dy } = opts.inputs ?? makeInputs(shape, seed);

  // every quantization pass goes through here, and every pass makes one stored copy
  const copies: StoredCopy[] = [];
  const q = (name: string, m: Matrix, block: BlockShape): QuantizedMatrix => {
    const qm = quantize(m, format, block, mode);
    const elements = qm.rows * qm.cols;
    const scales = qm.gridRows * qm.gridCols;
    copies.push({ tensor: name, block: blockShapeText(block), elements, scales, bytes: storedBytes(format, elements, scales) });
    return qm;
  };

  let y: Matrix;
  let dx: Matrix;
  let dw: Matrix;
  let block: string;
  if (scheme === '1d') {
    // each operand quantized along its own reduction axis, from the FP32 tensor (or its FP32 transpose)
    block = blockShapeText(ROW_1D);
    y = gemmQuantized(q('X', x, ROW_1D), q('W', w, COL_1D)); // K = in
    dx = gemmQuantized(q('dY', dy, ROW_1D), q('W^T', transposeMatrix(w), COL_1D)); // K = out
    dw = gemmQuantized(q('X^T', transposeMatrix(x), ROW_1D), q('dY', dy, COL_1D)); // K = batch
  } else {
    const r = opts.tile ?? 8;
    const t: BlockShape = { rows: r, cols: r };
    block = blockShapeText(t);
    const qx = q('X', x, t);
    const qw = q('W', w, t);
    const qdy = q('dY', dy, t);
    y = gemmQuantized(qx, qw);
    dx = gemmQuantized(qdy, transposeQuantized(qw));
    dw = gemmQuantized(transposeQuantized(qx), qdy);
  }

  const relError: StepErrors = {
    y: relFrobenius(y, referenceProduct(x, false, w, false)),
    dx: relFrobenius(dx, referenceProduct(dy, false, w, true)),
    dw: relFrobenius(dw, referenceProduct(x, true, dy, false)),
  };
  return {
    format,
    scheme,
    block,
    scaleMode: mode,
    shape,
    seed,
    passes: copies.length,
    bytesStored: copies.reduce((s, c) => s + c.bytes, 0),
    copies,
    relError,
  };
}

/** op(A) * op(B) in FP64 from FP32 inputs (op = transpose when the flag is set). */
export function referenceProduct(a: Matrix, ta: boolean, b: Matrix, tb: boolean): Float64Array {
  const A = toFloat64(ta ? transposeMatrix(a) : a);
  const B = toFloat64(tb ? transposeMatrix(b) : b);
  const K = A.cols;
  const N = B.cols;
  const out = new Float64Array(A.rows * N);
  for (let i = 0; i < A.rows; i++) {
    for (let k = 0; k < K; k++) {
      const aik = A.vals[i * K + k];
      if (aik !== 0) for (let j = 0; j < N; j++) out[i * N + j] += aik * B.vals[k * N + j];
    }
  }
  return out;
}

function toFloat64(m: Matrix): { rows: number; cols: number; vals: Float64Array } {
  return { rows: m.rows, cols: m.cols, vals: Float64Array.from(m.bits, bitsToFloat) };
}

/** ||Z - ref||_F / ||ref||_F with Z given as FP32 bit patterns; NaN/Inf in Z propagate. */
export function relFrobenius(z: Matrix, ref: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = bitsToFloat(z.bits[i]) - ref[i];
    num += d * d;
    den += ref[i] * ref[i];
  }
  return Math.sqrt(num) / Math.sqrt(den);
}
