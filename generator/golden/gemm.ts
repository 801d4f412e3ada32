// GEMM C = Q(A) * Q(B) (+ C) folded chunk by chunk into FP32 accumulators (contract section 4), and the BF16
// baseline. This is the golden model's one GEMM (the CLI, the RTL vector generators and the study all use it);
// reference.ts holds the simple version that the tests compare it with bit for bit.
//
// Why the fast path is exact:
//  - Operand views hold every element as an exact double already multiplied by its block scale 2^(X-127)
//    (a power of two: exact; products stay between 2^-300 and 2^300, far from double under/overflow).
//  - A chunk sum of k such products is exact in a double when sum |products| < 2^(L+53), L the lowest product
//    LSB. chunkAlwaysExact() proves it from the format table for every pair except those with E5M2 (for
//    E4M3 x E4M3, k = 32: 448 * 2^9 squared * 32 = 2^40.6 < 2^52); for E5M2 a per-chunk bound
//    maxAbs / 2^minLsb is checked per line pair, and a block that fails it goes to the per-chunk golden path.
//  - Any exact computation of the same sum rounds to the same FP32 bits: r = fround(S * 2^(Xa+Xb-254)) is one
//    rounding of the exact value, as the contract asks, so products with a zero A element can be left out
//    (per row pair and chunk: MNIST pixels and ReLU outputs are mostly zero). An exact zero sum is +0.
//  - Chunks with a NaN scale or a NaN/Inf code take chunkDot (the contract's special-value rules).
// The kernel is register-blocked 2 rows x 4 columns (8 accumulators and 6 operands fit the 16 x64 vector
// registers; 4 x 4 would spill), with one 4-column strip of B kept in cache while all row pairs pass.

import { FORMAT_TABLE, E8M0, type FormatSpec } from '../formats/table';
import { classifyCode, decodeTable, lsbExp, lsbExpTable, maxNormal } from '../formats/derive';
import { fp32BitsToBf16Bits, pow2, FP32_CANONICAL_NAN } from '../formats/fp32';
import { chunkDot } from './dot';
import { quantize, ShapeError, blockShapeText, type BlockShape, type Matrix, type QuantizedMatrix } from './quantize';
import type { ScaleMode } from './scale';
import type { FormatName } from '../formats/table';

export interface GemmOptions {
  readonly formatA: FormatName;
  readonly formatB?: FormatName;
  readonly blockA?: BlockShape;
  readonly blockB?: BlockShape;
  readonly scaleMode?: ScaleMode;
  /** optional accumulator input, M x N */
  readonly c?: Matrix;
}

export const DEFAULT_BLOCK_A: BlockShape = { rows: 1, cols: 32 };
export const DEFAULT_BLOCK_B: BlockShape = { rows: 32, cols: 1 };

/** The chunk length k: the block edge along the reduction axis, which both operands must share. */
export function chunkLength(blockA: BlockShape, blockB: BlockShape): number {
  if (blockA.cols !== blockB.rows) {
    throw new ShapeError(
      `reduction-axis block edges differ: A blocks ${blockShapeText(blockA)} have ${blockA.cols} along K, ` +
        `B blocks ${blockShapeText(blockB)} have ${blockB.rows}; use matching edges (e.g. 1x32 with 32x1, 8x8 with 8x8)`,
    );
  }
  return blockA.cols;
}

export function checkGemmShapes(a: { rows: number; cols: number }, b: { rows: number; cols: number }, c?: Matrix): void {
  if (a.cols !== b.rows) {
    throw new ShapeError(`A is ${a.rows}x${a.cols} and B is ${b.rows}x${b.cols}: A's columns must equal B's rows (K)`);
  }
  if (c && (c.rows !== a.rows || c.cols !== b.cols)) {
    throw new ShapeError(`C is ${c.rows}x${c.cols} but A*B is ${a.rows}x${b.cols}`);
  }
}

/** Quantizes both operands, then multiplies. */
export function gemm(a: Matrix, b: Matrix, opts: GemmOptions): Matrix {
  const blockA = opts.blockA ?? DEFAULT_BLOCK_A;
  const blockB = opts.blockB ?? DEFAULT_BLOCK_B;
  chunkLength(blockA, blockB);
  checkGemmShapes(a, b, opts.c);
  const mode = opts.scaleMode ?? 'floor';
  const qa = quantize(a, opts.formatA, blockA, mode);
  const qb = quantize(b, opts.formatB ?? opts.formatA, blockB, mode);
  return gemmQuantized(qa, qb, opts.c);
}

const TWO52 = 4503599627370496;
// Local bindings: under tsx an imported binding is a getter call, which costs time in the loops below.
const NAN_SCALE = E8M0.nanCode;
const CANONICAL_NAN = FP32_CANONICAL_NAN;
const pow2L = pow2;

/** True when any chunk of k products of these formats is exact in a double (contract section 4, step 1). */
export function chunkAlwaysExact(fa: FormatSpec, fb: FormatSpec, k: number): boolean {
  const key = `${fa.name}|${fb.name}|${k}`;
  let e = exactCache.get(key);
  if (e === undefined) {
    const ra = maxNormal(fa) * pow2(-lsbExp(fa));
    const rb = maxNormal(fb) * pow2(-lsbExp(fb));
    e = ra * rb * k < TWO52;
    exactCache.set(key, e);
  }
  return e;
}
const exactCache = new Map<string, boolean>();

const finiteCache = new Map<FormatSpec, Uint8Array>();
function finiteTable(f: FormatSpec): Uint8Array {
  let t = finiteCache.get(f);
  if (!t) {
    const n = decodeTable(f).length;
    t = new Uint8Array(n);
    for (let c = 0; c < n; c++) t[c] = classifyCode(f, c) === 'finite' ? 1 : 0;
    finiteCache.set(f, t);
  }
  return t;
}

const SCALE_VALUE = (() => {
  const t = new Float64Array(256);
  for (let c = 0; c < 255; c++) t[c] = pow2(c - E8M0.bias);
  return t;
})();

/** An operand laid out along K: lines (A rows / B columns) x Kp, padded to whole chunks and to `align` lines. */
interface View {
  /** element value * block scale, exact; 0 in chunks that take the golden path */
  readonly vals: Float64Array;
  /** per line: 1 when some chunk holds a NaN scale or a NaN/Inf code */
  readonly lineBad: Uint8Array;
  /** per line: max over its chunks of maxAbs / 2^minLsb (unscaled); only when exactness is not static */
  readonly lineRatio: Float64Array | null;
}

function view(q: QuantizedMatrix, alongRows: boolean, k: number, K: number, align: number, wantRatio: boolean): View {
  const f = FORMAT_TABLE[q.format];
  const table = decodeTable(f);
  const fin = finiteTable(f);
  const lsbT = lsbExpTable(f);
  const lines = alongRows ? q.rows : q.cols;
  const padded = Math.ceil(lines / align) * align;
  const chunks = Math.ceil(K / k);
  const Kp = chunks * k;
  const vals = new Float64Array(padded * Kp);
  const lineBad = new Uint8Array(padded);
  const lineRatio = wantRatio ? new Float64Array(padded) : null;
  const codes = q.codes;
  const br = q.block.rows;
  const bc = q.block.cols;
  const gc = q.gridCols;
  const N = q.cols;
  for (let l = 0; l < lines; l++) {
    let bad = 0;
    let ratio = 0;
    for (let ch = 0; ch < chunks; ch++) {
      const k0 = ch * k;
      const k1 = Math.min(K, k0 + k);
      const sc = alongRows ? q.scales[Math.floor(l / br) * gc + Math.floor(k0 / bc)] : q.scales[Math.floor(k0 / br) * gc + Math.floor(l / bc)];
      if (sc === NAN_SCALE) {
        bad = 1;
        continue; // values stay 0: the chunk takes the golden path
      }
      const x = SCALE_VALUE[sc];
      const dst = l * Kp;
      let maxAbs = 0;
      let minLsb = Infinity;
      for (let kk = k0; kk < k1; kk++) {
        const code = alongRows ? codes[l * K + kk] : codes[kk * N + l];
        if (!fin[code]) {
          bad = 1;
          continue;
        }
        const v = table[code];
        vals[dst + kk] = v * x;
        if (wantRatio && v !== 0) {
          const a = Math.abs(v);
          if (a > maxAbs) maxAbs = a;
          if (lsbT[code] < minLsb) minLsb = lsbT[code];
        }
      }
      if (wantRatio && maxAbs !== 0) {
        const r = maxAbs * pow2L(-minLsb);
        if (r > ratio) ratio = r;
      }
    }
    lineBad[l] = bad;
    if (lineRatio) lineRatio[l] = ratio;
  }
  return { vals, lineBad, lineRatio };
}

const ROWS = 2;
const COLS = 4;

/** C = A * B (+ C) for already quantized operands. */
export function gemmQuantized(qa: QuantizedMatrix, qb: QuantizedMatrix, c?: Matrix): Matrix {
  const k = chunkLength(qa.block, qb.block);
  checkGemmShapes(qa, qb, c);
  const M = qa.rows;
  const K = qa.cols;
  const N = qb.cols;
  const chunks = Math.ceil(K / k);
  const Kp = chunks * k;
  const fa = FORMAT_TABLE[qa.format];
  const fb = FORMAT_TABLE[qb.format];
  const exact = chunkAlwaysExact(fa, fb, k);
  const A = view(qa, true, k, K, ROWS, !exact);
  const B = view(qb, false, k, K, COLS, !exact);
  const Av = A.vals;
  const Bv = B.vals;
  // Sparse A: per (row pair, chunk) the offsets where either row is non-zero (a zero product changes no bit
  // of an exact sum).
  const pairs = Math.ceil(M / ROWS);
  const nzCount = new Int32Array(pairs * chunks);
  const nzIdx = new Int32Array(pairs * Kp);
  for (let pr = 0; pr < pairs; pr++) {
    const a0 = ROWS * pr * Kp;
    const a1 = a0 + Kp;
    for (let ch = 0; ch < chunks; ch++) {
      let n = 0;
      const base = pr * Kp + ch * k;
      for (let t = 0; t < k; t++) {
        const o = ch * k + t;
        if (Av[a0 + o] !== 0 || Av[a1 + o] !== 0) nzIdx[base + n++] = t;
      }
      nzCount[pr * chunks + ch] = n;
    }
  }
  const out = new Uint32Array(M * N);
  const outF = new Float32Array(out.buffer);
  const cF = c ? new Float32Array(c.bits.buffer, c.bits.byteOffset, c.bits.length) : null;
  const limit = TWO52 / k;
  const Mp = pairs * ROWS;
  const Np = Math.ceil(N / COLS) * COLS;
  const init = (i: number, j: number): number => (cF !== null && i < M && j < N ? cF[i * N + j] : 0);
  for (let j = 0; j < Np; j += COLS) {
    const bBad = B.lineBad[j] | B.lineBad[j + 1] | B.lineBad[j + 2] | B.lineBad[j + 3];
    const bRatio = B.lineRatio ? Math.max(B.lineRatio[j], B.lineRatio[j + 1], B.lineRatio[j + 2], B.lineRatio[j + 3]) : 0;
    for (let i = 0; i < Mp; i += ROWS) {
      if (bBad | A.lineBad[i] | A.lineBad[i + 1] || (A.lineRatio && Math.max(A.lineRatio[i], A.lineRatio[i + 1]) * bRatio >= limit)) {
        // a block with specials or chunks not provably exact: output by output, chunk by chunk
        for (let ii = i; ii < Math.min(M, i + ROWS); ii++) {
          for (let jj = j; jj < Math.min(N, j + COLS); jj++) out[ii * N + jj] = slowOutput(qa, qb, A, B, fa, fb, k, K, exact, limit, ii, jj, init(ii, jj));
        }
        continue;
      }
      let c00 = init(i, j), c01 = init(i, j + 1), c02 = init(i, j + 2), c03 = init(i, j + 3);
      let c10 = init(i + 1, j), c11 = init(i + 1, j + 1), c12 = init(i + 1, j + 2), c13 = init(i + 1, j + 3);
      const pair = i / ROWS;
      for (let ch = 0; ch < chunks; ch++) {
        const a0 = i * Kp + ch * k;
        const a1 = a0 + Kp;
        const b0 = j * Kp + ch * k;
        const b1 = b0 + Kp;
        const b2 = b1 + Kp;
        const b3 = b2 + Kp;
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        const nz = nzCount[pair * chunks + ch];
        const kc = ch === chunks - 1 ? K - ch * k : k; // a last partial chunk: its padding is zeros
        if (nz === kc) {
          for (let t = 0; t < kc; t++) {
            const x0 = Av[a0 + t];
            const x1 = Av[a1 + t];
            const y0 = Bv[b0 + t];
            const y1 = Bv[b1 + t];
            const y2 = Bv[b2 + t];
            const y3 = Bv[b3 + t];
            s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
            s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
          }
        } else if (nz !== 0) {
          const base = pair * Kp + ch * k;
          for (let u = 0; u < nz; u++) {
            const t = nzIdx[base + u];
            const x0 = Av[a0 + t];
            const x1 = Av[a1 + t];
            const y0 = Bv[b0 + t];
            const y1 = Bv[b1 + t];
            const y2 = Bv[b2 + t];
            const y3 = Bv[b3 + t];
            s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
            s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
          }
        }
        // the sums are exact and already scaled: one rounding to FP32, then the FP32 accumulation
        c00 = Math.fround(c00 + Math.fround(s00)); c01 = Math.fround(c01 + Math.fround(s01));
        c02 = Math.fround(c02 + Math.fround(s02)); c03 = Math.fround(c03 + Math.fround(s03));
        c10 = Math.fround(c10 + Math.fround(s10)); c11 = Math.fround(c11 + Math.fround(s11));
        c12 = Math.fround(c12 + Math.fround(s12)); c13 = Math.fround(c13 + Math.fround(s13));
      }
      store(outF, out, M, N, i, j, c00); store(outF, out, M, N, i, j + 1, c01);
      store(outF, out, M, N, i, j + 2, c02); store(outF, out, M, N, i, j + 3, c03);
      store(outF, out, M, N, i + 1, j, c10); store(outF, out, M, N, i + 1, j + 1, c11);
      store(outF, out, M, N, i + 1, j + 2, c12); store(outF, out, M, N, i + 1, j + 3, c13);
    }
  }
  return { rows: M, cols: N, bits: out };
}

/** One output element chunk by chunk: the golden chunkDot for specials and wide chunks, the view otherwise. */
function slowOutput(
  qa: QuantizedMatrix, qb: QuantizedMatrix, A: View, B: View, fa: FormatSpec, fb: FormatSpec,
  k: number, K: number, exact: boolean, limit: number, i: number, j: number, acc0: number,
): number {
  const chunks = Math.ceil(K / k);
  const Kp = chunks * k;
  const N = qb.cols;
  const aCodes = new Uint8Array(k);
  const bCodes = new Uint8Array(k);
  const finA = finiteTable(fa);
  const finB = finiteTable(fb);
  const lsbA = lsbExpTable(fa);
  const lsbB = lsbExpTable(fb);
  const tA = decodeTable(fa);
  const tB = decodeTable(fb);
  let acc = acc0;
  for (let ch = 0; ch < chunks; ch++) {
    const k0 = ch * k;
    const k1 = Math.min(K, k0 + k);
    const n = k1 - k0;
    const xa = qa.scales[Math.floor(i / qa.block.rows) * qa.gridCols + Math.floor(k0 / qa.block.cols)];
    const xb = qb.scales[Math.floor(k0 / qb.block.rows) * qb.gridCols + Math.floor(j / qb.block.cols)];
    let special = xa === NAN_SCALE || xb === NAN_SCALE;
    let ra = 0, la = Infinity, rb = 0, lb = Infinity;
    for (let t = 0; t < n; t++) {
      const ca = qa.codes[i * K + k0 + t];
      const cb = qb.codes[(k0 + t) * N + j];
      aCodes[t] = ca;
      bCodes[t] = cb;
      if (!finA[ca] || !finB[cb]) special = true;
      else if (!exact) {
        const va = Math.abs(tA[ca]);
        const vb = Math.abs(tB[cb]);
        if (va !== 0) { if (va > ra) ra = va; if (lsbA[ca] < la) la = lsbA[ca]; }
        if (vb !== 0) { if (vb > rb) rb = vb; if (lsbB[cb] < lb) lb = lsbB[cb]; }
      }
    }
    let r: number;
    const wide = !exact && ra !== 0 && rb !== 0 && ra * pow2L(-la) * rb * pow2L(-lb) >= limit;
    if (special || wide) {
      const bits = chunkDot(fa, aCodes.subarray(0, n), xa, fb, bCodes.subarray(0, n), xb);
      r = bitsF(bits);
    } else {
      let s = 0;
      for (let t = k0; t < k1; t++) s += A.vals[i * Kp + t] * B.vals[j * Kp + t];
      r = Math.fround(s);
    }
    acc = Math.fround(acc + r);
  }
  return acc !== acc ? CANONICAL_NAN : fBits(acc);
}

const cvF = new Float32Array(1);
const cvU = new Uint32Array(cvF.buffer);
function bitsF(bits: number): number {
  cvU[0] = bits;
  return cvF[0];
}
function fBits(v: number): number {
  cvF[0] = v;
  return cvU[0];
}

/** Writes an FP32-valued double; NaN becomes the canonical NaN. */
function store(outF: Float32Array, out: Uint32Array, M: number, N: number, i: number, j: number, v: number): void {
  if (i >= M || j >= N) return;
  if (v !== v) out[i * N + j] = CANONICAL_NAN;
  else outF[i * N + j] = v;
}

/**
 * BF16 baseline: inputs rounded FP32 -> BF16 (half to even), each product rounded to FP32, the k products
 * of a chunk reduced by a balanced pairwise tree of FP32 additions (adjacent pairs first), then added to acc.
 * A K that is not a multiple of k is padded with zeros, as for MX operands. For k = 32 the tree is evaluated
 * depth first in locals (the same additions on the same operands, so the same bits), and the FP32 rounding of
 * each product is skipped when a range check proves it is the identity (a BF16 x BF16 product has at most
 * 16 significant bits, so it is exact in FP32 unless it leaves the normal range).
 */
export function gemmBf16(a: Matrix, b: Matrix, c?: Matrix, k = 32): Matrix {
  checkGemmShapes(a, b, c);
  if (!Number.isInteger(k) || k < 1) throw new ShapeError(`bf16 chunk length ${k} must be a positive integer`);
  const M = a.rows;
  const K = a.cols;
  const N = b.cols;
  const chunks = Math.ceil(K / k);
  const Kp = chunks * k;
  const av = new Float64Array(M * Kp);
  const bv = new Float64Array(N * Kp); // transposed
  for (let i = 0; i < M; i++) for (let t = 0; t < K; t++) av[i * Kp + t] = bitsF(fp32BitsToBf16Bits(a.bits[i * K + t]));
  for (let t = 0; t < K; t++) for (let j = 0; j < N; j++) bv[j * Kp + t] = bitsF(fp32BitsToBf16Bits(b.bits[t * N + j]));
  const cF = c ? new Float32Array(c.bits.buffer, c.bits.byteOffset, c.bits.length) : null;
  const p = new Float64Array(k);
  const out = new Uint32Array(M * N);
  const outF = new Float32Array(out.buffer);
  const exactProducts = productsStayNormal(av, bv);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = cF ? cF[i * N + j] : 0;
      const ao = i * Kp;
      const bo = j * Kp;
      for (let k0 = 0; k0 < Kp; k0 += k) {
        let r: number;
        if (k === 32) r = exactProducts ? tree32Exact(av, bv, ao + k0, bo + k0) : tree32(av, bv, ao + k0, bo + k0);
        else {
          for (let t = 0; t < k; t++) p[t] = Math.fround(av[ao + k0 + t] * bv[bo + k0 + t]);
          r = pairwiseTree(p, k);
        }
        acc = Math.fround(acc + r);
      }
      store(outF, out, M, N, i, j, acc);
    }
  }
  return { rows: M, cols: N, bits: out };
}

/** Balanced pairwise FP32 reduction in place: ((p0+p1)+(p2+p3))+...; an odd element passes up unchanged. */
export function pairwiseTree(p: Float64Array, n: number): number {
  let len = n;
  while (len > 1) {
    const half = len >> 1;
    for (let t = 0; t < half; t++) p[t] = Math.fround(p[2 * t] + p[2 * t + 1]);
    if (len & 1) {
      p[half] = p[len - 1];
      len = half + 1;
    } else {
      len = half;
    }
  }
  return p[0];
}

/** True when every non-zero product a*b of finite values lies in [2^-126, 2^127]: FP32-exact products. */
function productsStayNormal(av: Float64Array, bv: Float64Array): boolean {
  const range = (x: Float64Array): [number, number] => {
    let lo = Infinity;
    let hi = 0;
    for (let i = 0; i < x.length; i++) {
      const v = Math.abs(x[i]);
      if (v !== v || v === Infinity) return [0, Infinity]; // NaN / Inf: take the rounded path
      if (v !== 0) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    return [lo, hi];
  };
  const [aLo, aHi] = range(av);
  const [bLo, bHi] = range(bv);
  if (aHi === 0 || bHi === 0) return true; // all products are zeros
  return aLo * bLo >= 2 ** -126 && aHi * bHi <= 2 ** 127;
}

function tree32(av: Float64Array, bv: Float64Array, ao: number, bo: number): number {
  const q8a = tree8(av, bv, ao, bo);
  const q8b = tree8(av, bv, ao + 8, bo + 8);
  const q8c = tree8(av, bv, ao + 16, bo + 16);
  const q8d = tree8(av, bv, ao + 24, bo + 24);
  return Math.fround(Math.fround(q8a + q8b) + Math.fround(q8c + q8d));
}

function tree32Exact(av: Float64Array, bv: Float64Array, ao: number, bo: number): number {
  const q8a = tree8Exact(av, bv, ao, bo);
  const q8b = tree8Exact(av, bv, ao + 8, bo + 8);
  const q8c = tree8Exact(av, bv, ao + 16, bo + 16);
  const q8d = tree8Exact(av, bv, ao + 24, bo + 24);
  return Math.fround(Math.fround(q8a + q8b) + Math.fround(q8c + q8d));
}

function tree8Exact(av: Float64Array, bv: Float64Array, ao: number, bo: number): number {
  const p01 = Math.fround(av[ao] * bv[bo] + av[ao + 1] * bv[bo + 1]);
  const p23 = Math.fround(av[ao + 2] * bv[bo + 2] + av[ao + 3] * bv[bo + 3]);
  const p45 = Math.fround(av[ao + 4] * bv[bo + 4] + av[ao + 5] * bv[bo + 5]);
  const p67 = Math.fround(av[ao + 6] * bv[bo + 6] + av[ao + 7] * bv[bo + 7]);
  return Math.fround(Math.fround(p01 + p23) + Math.fround(p45 + p67));
}

function tree8(av: Float64Array, bv: Float64Array, ao: number, bo: number): number {
  const p01 = Math.fround(Math.fround(av[ao] * bv[bo]) + Math.fround(av[ao + 1] * bv[bo + 1]));
  const p23 = Math.fround(Math.fround(av[ao + 2] * bv[bo + 2]) + Math.fround(av[ao + 3] * bv[bo + 3]));
  const p45 = Math.fround(Math.fround(av[ao + 4] * bv[bo + 4]) + Math.fround(av[ao + 5] * bv[bo + 5]));
  const p67 = Math.fround(Math.fround(av[ao + 6] * bv[bo + 6]) + Math.fround(av[ao + 7] * bv[bo + 7]));
  return Math.fround(Math.fround(p01 + p23) + Math.fround(p45 + p67));
}
