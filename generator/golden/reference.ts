// TEST ORACLE ONLY: the simple, obviously-correct implementations of quantize, dequantize, the MX GEMM and the
// BF16 baseline (contract sections 2-4), kept so that the fast paths in quantize.ts and gemm.ts can be tested
// bit-identical against them (test/golden/fast.test.ts). Nothing outside the tests imports this file, and
// index.ts does not export it: production code uses quantize / dequantize / gemm / gemmQuantized / gemmBf16.

import { FORMAT_TABLE, E8M0, type FormatName } from '../formats/table';
import { classifyCode, decodeTable, lsbExpTable } from '../formats/derive';
import { bitsToFloat, floatToBits, fp32BitsToBf16Bits, pow2 } from '../formats/fp32';
import { chunkDot } from './dot';
import { dyadicToFp32Bits } from './exact';
import { DEFAULT_BLOCK_A, DEFAULT_BLOCK_B, chunkLength, checkGemmShapes, type GemmOptions } from './gemm';
import { quantizeBlockInPlace, scaleAt, ShapeError, type BlockShape, type Matrix, type QuantizedMatrix } from './quantize';
import { scaleValue, type ScaleMode } from './scale';

/**
 * Quantizes a matrix with any block shape. Matrices whose sides are not multiples of the block are
 * padded with zeros (which never change a block's amax); blocks never straddle a row or column edge.
 */
export function referenceQuantize(m: Matrix, format: FormatName, block: BlockShape, scaleMode: ScaleMode = 'floor'): QuantizedMatrix {
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


/** Dequantizes a whole matrix to FP32 bit patterns. */
export function referenceDequantize(q: QuantizedMatrix): Uint32Array {
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

/** Quantizes both operands, then multiplies. */
export function referenceGemm(a: Matrix, b: Matrix, opts: GemmOptions): Matrix {
  const blockA = opts.blockA ?? DEFAULT_BLOCK_A;
  const blockB = opts.blockB ?? DEFAULT_BLOCK_B;
  chunkLength(blockA, blockB);
  checkGemmShapes(a, b, opts.c);
  const mode = opts.scaleMode ?? 'floor';
  const qa = referenceQuantize(a, opts.formatA, blockA, mode);
  const qb = referenceQuantize(b, opts.formatB ?? opts.formatA, blockB, mode);
  return referenceGemmQuantized(qa, qb, opts.c);
}

/** Per-operand view along K: exact values, lsb exponents, and per-(line, chunk) summaries. */
interface OperandView {
  vals: Float64Array; // lines x K (A rows / B columns), exact element values
  lsbs: Int16Array;
  special: Uint8Array; // lines x chunks: 1 if the chunk holds a NaN/Inf code
  maxAbs: Float64Array; // lines x chunks
  minLsb: Float64Array; // lines x chunks (Infinity when the chunk is all zero)
  scale: Uint8Array; // lines x chunks: E8M0 code
}

function operandView(q: QuantizedMatrix, alongRows: boolean, k: number, K: number): OperandView {
  const f = FORMAT_TABLE[q.format];
  const table = decodeTable(f);
  const lsbT = lsbExpTable(f);
  const lines = alongRows ? q.rows : q.cols;
  const chunks = Math.ceil(K / k);
  const vals = new Float64Array(lines * K);
  const lsbs = new Int16Array(lines * K);
  const special = new Uint8Array(lines * chunks);
  const maxAbs = new Float64Array(lines * chunks);
  const minLsb = new Float64Array(lines * chunks).fill(Infinity);
  const scale = new Uint8Array(lines * chunks);
  for (let l = 0; l < lines; l++) {
    for (let kk = 0; kk < K; kk++) {
      const r = alongRows ? l : kk;
      const c = alongRows ? kk : l;
      const code = q.codes[r * q.cols + c];
      const ch = l * chunks + Math.floor(kk / k);
      const v = table[code];
      if (classifyCode(f, code) !== 'finite') special[ch] = 1;
      vals[l * K + kk] = v;
      lsbs[l * K + kk] = lsbT[code];
      const av = Math.abs(v);
      if (av > maxAbs[ch]) maxAbs[ch] = av;
      if (av !== 0 && lsbT[code] < minLsb[ch]) minLsb[ch] = lsbT[code];
    }
    for (let ch = 0; ch < chunks; ch++) {
      const kk = ch * k;
      const r = alongRows ? l : kk;
      const c = alongRows ? kk : l;
      scale[l * chunks + ch] = q.scales[Math.floor(r / q.block.rows) * q.gridCols + Math.floor(c / q.block.cols)];
    }
  }
  return { vals, lsbs, special, maxAbs, minLsb, scale };
}

/** C = A * B (+ C) for already quantized operands. */
export function referenceGemmQuantized(qa: QuantizedMatrix, qb: QuantizedMatrix, c?: Matrix): Matrix {
  const k = chunkLength(qa.block, qb.block);
  checkGemmShapes(qa, qb, c);
  const M = qa.rows;
  const K = qa.cols;
  const N = qb.cols;
  const chunks = Math.ceil(K / k);
  const A = operandView(qa, true, k, K);
  const B = operandView(qb, false, k, K);
  const fa = FORMAT_TABLE[qa.format];
  const fb = FORMAT_TABLE[qb.format];
  const out = new Uint32Array(M * N);
  const aCodes = new Uint8Array(k);
  const bCodes = new Uint8Array(k);
  // per-scale-pair factor 2^(xa + xb - 254), exact
  const factor = new Float64Array(2 * 255);
  for (let s = 0; s < factor.length; s++) factor[s] = pow2(s - 2 * E8M0.bias);
  for (let i = 0; i < M; i++) {
    const aRow = i * K;
    for (let j = 0; j < N; j++) {
      const bCol = j * K;
      let acc = c ? bitsToFloat(c.bits[i * N + j]) : 0;
      for (let ch = 0; ch < chunks; ch++) {
        const ia = i * chunks + ch;
        const ib = j * chunks + ch;
        const xa = A.scale[ia];
        const xb = B.scale[ib];
        const k0 = ch * k;
        const k1 = Math.min(K, k0 + k);
        let r: number; // chunk result as a double holding an FP32 value
        if (xa === E8M0.nanCode || xb === E8M0.nanCode || A.special[ia] || B.special[ib]) {
          for (let t = k0; t < k1; t++) {
            aCodes[t - k0] = qa.codes[i * K + t];
            bCodes[t - k0] = qb.codes[t * N + j];
          }
          r = bitsToFloat(chunkDot(fa, aCodes.subarray(0, k1 - k0), xa, fb, bCodes.subarray(0, k1 - k0), xb));
        } else {
          const L = A.minLsb[ia] + B.minLsb[ib];
          let sum = 0;
          if (L !== Infinity) {
            if (A.maxAbs[ia] * B.maxAbs[ib] * (k1 - k0) < pow2(L + 52)) {
              // provably exact in a double: every product is a multiple of 2^L and |sum| < 2^(L+53)
              for (let t = k0; t < k1; t++) sum += A.vals[aRow + t] * B.vals[bCol + t];
              r = sum === 0 ? 0 : Math.fround(sum * factor[xa + xb]);
            } else {
              r = bitsToFloat(wideChunk(A, B, aRow, bCol, k0, k1, xa, xb));
            }
          } else {
            r = 0; // a chunk of zeros: exact zero sum gives +0
          }
        }
        acc = Math.fround(acc + r);
      }
      out[i * N + j] = floatToBits(acc);
    }
  }
  return { rows: M, cols: N, bits: out };
}

/** A chunk whose sum may not fit a double: exact per-product check, then bigint if needed. */
function wideChunk(A: OperandView, B: OperandView, aRow: number, bCol: number, k0: number, k1: number, xa: number, xb: number): number {
  let sum = 0;
  let abs = 0;
  let minL = Infinity;
  for (let t = k0; t < k1; t++) {
    const p = A.vals[aRow + t] * B.vals[bCol + t];
    if (p !== 0) {
      sum += p;
      abs += Math.abs(p);
      const l = A.lsbs[aRow + t] + B.lsbs[bCol + t];
      if (l < minL) minL = l;
    }
  }
  if (abs === 0) return 0;
  if (abs < pow2(minL + 52)) return sum === 0 ? 0 : floatToBits(sum * pow2(xa + xb - 2 * E8M0.bias));
  let s = 0n;
  for (let t = k0; t < k1; t++) {
    const p = A.vals[aRow + t] * B.vals[bCol + t];
    if (p !== 0) {
      const l = A.lsbs[aRow + t] + B.lsbs[bCol + t];
      s += BigInt(p / pow2(l)) << BigInt(l - minL);
    }
  }
  return dyadicToFp32Bits(s, minL + xa + xb - 2 * E8M0.bias);
}

/**
 * BF16 baseline: inputs rounded FP32 -> BF16 (half to even), each product rounded to FP32, the k products
 * of a chunk reduced by a balanced pairwise tree of FP32 additions (adjacent pairs first), then added to acc.
 * A K that is not a multiple of k is padded with zeros, as for MX operands.
 */
export function referenceGemmBf16(a: Matrix, b: Matrix, c?: Matrix, k = 32): Matrix {
  checkGemmShapes(a, b, c);
  if (!Number.isInteger(k) || k < 1) throw new ShapeError(`bf16 chunk length ${k} must be a positive integer`);
  const M = a.rows;
  const K = a.cols;
  const N = b.cols;
  const chunks = Math.ceil(K / k);
  const av = new Float64Array(M * K);
  const bv = new Float64Array(N * K); // transposed
  for (let i = 0; i < M * K; i++) av[i] = bitsToFloat(fp32BitsToBf16Bits(a.bits[i]));
  for (let t = 0; t < K; t++) for (let j = 0; j < N; j++) bv[j * K + t] = bitsToFloat(fp32BitsToBf16Bits(b.bits[t * N + j]));
  const prods = new Float64Array(k);
  const out = new Uint32Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = c ? bitsToFloat(c.bits[i * N + j]) : 0;
      for (let ch = 0; ch < chunks; ch++) {
        const k0 = ch * k;
        for (let t = 0; t < k; t++) {
          const kk = k0 + t;
          prods[t] = kk < K ? Math.fround(av[i * K + kk] * bv[j * K + kk]) : 0;
        }
        acc = Math.fround(acc + pairwiseTree(prods, k));
      }
      out[i * N + j] = floatToBits(acc);
    }
  }
  return { rows: M, cols: N, bits: out };
}

/** Balanced pairwise FP32 reduction in place: ((p0+p1)+(p2+p3))+...; an odd element passes up unchanged. */
function pairwiseTree(p: Float64Array, n: number): number {
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
