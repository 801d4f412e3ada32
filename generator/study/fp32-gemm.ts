// The study's FP32 baseline GEMM (not a golden-model routine: FP32 has no blocks and no exactness contract).

import { checkGemmShapes, type Matrix } from '../golden/index';

const ROWS = 2;
const COLS = 4;

/**
 * Plain FP32 GEMM for the fp32 reference (not a golden-model routine): C[i][j] accumulates A[i][t] * B[t][j]
 * in increasing t, each step rounded to FP32 (the product is exact in a double, the double sum is rounded
 * to FP32). Products with a zero A element are skipped (MNIST pixels and ReLU outputs are mostly zeros);
 * that only differs from a dense loop in the sign of an all-zero result or with Inf/NaN in B.
 */
export function gemmFp32(a: Matrix, b: Matrix): Matrix {
  checkGemmShapes(a, b);
  const M = a.rows;
  const K = a.cols;
  const N = b.cols;
  const A = f32View(a);
  const B = f32View(b);
  const Np = Math.ceil(N / COLS) * COLS;
  const bt = new Float64Array(Np * K); // B transposed, padded with zero columns
  for (let t = 0; t < K; t++) for (let j = 0; j < N; j++) bt[j * K + t] = B[t * N + j];
  const Mp = Math.ceil(M / ROWS) * ROWS;
  const at = new Float64Array(Mp * K);
  for (let i = 0; i < M * K; i++) at[i] = A[i];
  const idx = new Int32Array(K);
  const out = new Float32Array(M * N);
  for (let i = 0; i < Mp; i += ROWS) {
    const a0 = i * K;
    const a1 = a0 + K;
    let nz = 0;
    for (let t = 0; t < K; t++) if (at[a0 + t] !== 0 || at[a1 + t] !== 0) idx[nz++] = t;
    for (let j = 0; j < Np; j += COLS) {
      const b0 = j * K;
      const b1 = b0 + K;
      const b2 = b1 + K;
      const b3 = b2 + K;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      for (let u = 0; u < nz; u++) {
        const t = idx[u];
        const x0 = at[a0 + t];
        const x1 = at[a1 + t];
        const y0 = bt[b0 + t];
        const y1 = bt[b1 + t];
        const y2 = bt[b2 + t];
        const y3 = bt[b3 + t];
        c00 = Math.fround(c00 + x0 * y0); c01 = Math.fround(c01 + x0 * y1); c02 = Math.fround(c02 + x0 * y2); c03 = Math.fround(c03 + x0 * y3);
        c10 = Math.fround(c10 + x1 * y0); c11 = Math.fround(c11 + x1 * y1); c12 = Math.fround(c12 + x1 * y2); c13 = Math.fround(c13 + x1 * y3);
      }
      put(out, M, N, i, j, c00); put(out, M, N, i, j + 1, c01); put(out, M, N, i, j + 2, c02); put(out, M, N, i, j + 3, c03);
      put(out, M, N, i + 1, j, c10); put(out, M, N, i + 1, j + 1, c11); put(out, M, N, i + 1, j + 2, c12); put(out, M, N, i + 1, j + 3, c13);
    }
  }
  return { rows: M, cols: N, bits: new Uint32Array(out.buffer) };
}

function put(out: Float32Array, M: number, N: number, r: number, c: number, v: number): void {
  if (r < M && c < N) out[r * N + c] = v;
}

function f32View(m: Matrix): Float32Array {
  return new Float32Array(m.bits.buffer, m.bits.byteOffset, m.bits.length);
}
