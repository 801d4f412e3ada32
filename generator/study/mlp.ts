// A small MLP (784-256-128-10, ReLU, softmax cross-entropy) whose every GEMM - forward X*W, backward dY*W^T
// and X^T*dY - goes through a chosen number format. Everything that is not a GEMM (bias, ReLU, softmax,
// loss, SGD with momentum) is plain FP32/FP64 JavaScript: the study is about the GEMM formats.
// No loss scaling: the output gradient is (softmax - onehot) / batch, as in plain FP32 training.

import type { FormatName, Matrix } from '../golden/index';
import { gemm, gemmBf16 } from '../golden/index';
import { gemmFp32 } from './fp32-gemm';
import { CLASSES, IMAGE_SIZE, type Dataset } from './data';
import { Prng } from '../util/prng';

/** A study format: the FP32 and BF16 baselines or an MX format of the golden model. */
export type StudyFormat = 'fp32' | 'bf16' | FormatName;
/** MX block scheme: 1x32 along K (OCP; transposed operands re-quantized) or 8x8 tiles on both operands. */
export type BlockScheme = '1x32' | '8x8';

export type Gemm = (a: Matrix, b: Matrix) => Matrix;

/**
 * C = A * B in a format, with blocks along the reduction axis K: A (M x K) in 1x32 blocks and B (K x N) in
 * 32x1 blocks, or 8x8 tiles on both. Callers pass transposed operands explicitly (dY*W^T, X^T*dY).
 */
export function gemmFor(format: StudyFormat, scheme: BlockScheme): Gemm {
  if (format === 'fp32') return gemmFp32;
  if (format === 'bf16') return (a, b) => gemmBf16(a, b);
  const opts =
    scheme === '1x32'
      ? { formatA: format, blockA: { rows: 1, cols: 32 }, blockB: { rows: 32, cols: 1 } }
      : { formatA: format, blockA: { rows: 8, cols: 8 }, blockB: { rows: 8, cols: 8 } };
  return (a, b) => gemm(a, b, opts);
}

export const LAYERS = [IMAGE_SIZE, 256, 128, CLASSES] as const;

export interface Params {
  /** weights W_l, in x out, row-major */
  readonly w: Float32Array[];
  readonly b: Float32Array[];
  readonly sizes: readonly number[];
}

/** He-normal weights (std sqrt(2 / fan_in)), zero biases, from a seed. */
export function initParams(seed: number, sizes: readonly number[] = LAYERS): Params {
  const rng = new Prng(seed);
  const w: Float32Array[] = [];
  const b: Float32Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l];
    const n = sizes[l] * sizes[l + 1];
    const wl = new Float32Array(n);
    const std = Math.sqrt(2 / fanIn);
    for (let i = 0; i < n; i++) wl[i] = rng.normal() * std;
    w.push(wl);
    b.push(new Float32Array(sizes[l + 1]));
  }
  return { w, b, sizes };
}

export function cloneParams(p: Params): Params {
  return { w: p.w.map((x) => x.slice()), b: p.b.map((x) => x.slice()), sizes: p.sizes };
}

export function mat(rows: number, cols: number, data: Float32Array): Matrix {
  return { rows, cols, bits: new Uint32Array(data.buffer, data.byteOffset, rows * cols) };
}

export function f32(m: Matrix): Float32Array {
  return new Float32Array(m.bits.buffer, m.bits.byteOffset, m.rows * m.cols);
}

export function transpose(rows: number, cols: number, a: Float32Array): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
  return t;
}

/** Forward pass; returns the pre-activations Z_l and the layer inputs H_l (H_0 = X). */
export function forward(p: Params, x: Float32Array, batch: number, mm: Gemm): { h: Float32Array[]; z: Float32Array[] } {
  const L = p.w.length;
  const h: Float32Array[] = [x];
  const z: Float32Array[] = [];
  for (let l = 0; l < L; l++) {
    const nIn = p.sizes[l];
    const nOut = p.sizes[l + 1];
    const zl = f32(mm(mat(batch, nIn, h[l]), mat(nIn, nOut, p.w[l])));
    const bl = p.b[l];
    for (let i = 0; i < batch; i++) for (let j = 0; j < nOut; j++) zl[i * nOut + j] += bl[j];
    z.push(zl);
    if (l + 1 < L) {
      const hl = new Float32Array(zl.length);
      for (let i = 0; i < zl.length; i++) hl[i] = zl[i] > 0 ? zl[i] : 0;
      h.push(hl);
    }
  }
  return { h, z };
}

/** Mean softmax cross-entropy (FP64) and its gradient (softmax - onehot) / batch, stored as FP32. */
export function softmaxCrossEntropy(logits: Float32Array, labels: Uint8Array, off: number, batch: number): { loss: number; grad: Float32Array } {
  const C = CLASSES;
  const grad = new Float32Array(batch * C);
  let loss = 0;
  for (let i = 0; i < batch; i++) {
    let mx = -Infinity;
    for (let c = 0; c < C; c++) if (logits[i * C + c] > mx) mx = logits[i * C + c];
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(logits[i * C + c] - mx);
    const y = labels[off + i];
    loss += -(logits[i * C + y] - mx - Math.log(sum));
    for (let c = 0; c < C; c++) {
      const pc = Math.exp(logits[i * C + c] - mx) / sum;
      grad[i * C + c] = (pc - (c === y ? 1 : 0)) / batch;
    }
  }
  return { loss: loss / batch, grad };
}

export interface TrainSettings {
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  readonly momentum: number;
  /** record the mean training loss every this many steps */
  readonly logEvery: number;
}

export interface TrainResult {
  readonly params: Params;
  /** step index (1-based, end of the interval) and mean training loss over the interval */
  readonly curve: { step: number; loss: number }[];
  readonly steps: number;
  /** first step whose loss was not finite, or null */
  readonly divergedAt: number | null;
  /** output-layer-side gradients dZ_l of the last step (for the quantization study), FP32 runs only */
  readonly lastGrads: Float32Array[];
}

export interface TrainProgress {
  epoch: number;
  epochs: number;
  loss: number;
}

/**
 * Trains with SGD + momentum (v = mu v + g; w -= lr v) over `epochs` passes of `data` in a seeded order
 * (the same order for every format). The partial last batch of an epoch is dropped.
 */
export function train(
  init: Params,
  data: Dataset,
  mm: Gemm,
  s: TrainSettings,
  shuffleSeed: number,
  onEpoch?: (p: TrainProgress) => void,
): TrainResult {
  const p = cloneParams(init);
  const L = p.w.length;
  const vw = p.w.map((w) => new Float32Array(w.length));
  const vb = p.b.map((b) => new Float32Array(b.length));
  const order = new Int32Array(data.n);
  for (let i = 0; i < data.n; i++) order[i] = i;
  const rng = new Prng(shuffleSeed);
  const B = s.batch;
  const stepsPerEpoch = Math.floor(data.n / B);
  const x = new Float32Array(B * IMAGE_SIZE);
  const yb = new Uint8Array(B);
  const curve: { step: number; loss: number }[] = [];
  let step = 0;
  let acc = 0;
  let accN = 0;
  let divergedAt: number | null = null;
  let lastGrads: Float32Array[] = [];
  outer: for (let e = 0; e < s.epochs; e++) {
    rng.shuffle(order);
    let epochLoss = 0;
    for (let st = 0; st < stepsPerEpoch; st++) {
      for (let i = 0; i < B; i++) {
        const src = order[st * B + i];
        x.set(data.x.subarray(src * IMAGE_SIZE, (src + 1) * IMAGE_SIZE), i * IMAGE_SIZE);
        yb[i] = data.y[src];
      }
      const { h, z } = forward(p, x, B, mm);
      const { loss, grad } = softmaxCrossEntropy(z[L - 1], yb, 0, B);
      step++;
      if (!Number.isFinite(loss)) {
        divergedAt = step;
        if (accN > 0) curve.push({ step: step - 1, loss: acc / accN });
        break outer;
      }
      acc += loss;
      accN++;
      epochLoss += loss;
      if (step % s.logEvery === 0) {
        curve.push({ step, loss: acc / accN });
        acc = 0;
        accN = 0;
      }
      // backward
      let dz = grad; // dZ_{L-1}, B x out
      const grads: Float32Array[] = [];
      for (let l = L - 1; l >= 0; l--) {
        const nIn = p.sizes[l];
        const nOut = p.sizes[l + 1];
        grads.push(dz);
        // dW_l = H_l^T * dZ_l  (nIn x B) * (B x nOut)
        const hT = transpose(B, nIn, h[l]);
        const dW = f32(mm(mat(nIn, B, hT), mat(B, nOut, dz)));
        const db = new Float64Array(nOut);
        for (let i = 0; i < B; i++) for (let j = 0; j < nOut; j++) db[j] += dz[i * nOut + j];
        let dzPrev: Float32Array | null = null;
        if (l > 0) {
          // dH_l = dZ_l * W_l^T  (B x nOut) * (nOut x nIn), then through the ReLU
          const wT = transpose(nIn, nOut, p.w[l]);
          const dH = f32(mm(mat(B, nOut, dz), mat(nOut, nIn, wT)));
          const zPrev = z[l - 1];
          for (let i = 0; i < dH.length; i++) if (!(zPrev[i] > 0)) dH[i] = 0;
          dzPrev = dH;
        }
        // SGD with momentum, FP32 state
        const w = p.w[l];
        const v = vw[l];
        for (let i = 0; i < w.length; i++) {
          v[i] = s.momentum * v[i] + dW[i];
          w[i] -= s.lr * v[i];
        }
        const bb = p.b[l];
        const vbl = vb[l];
        for (let j = 0; j < nOut; j++) {
          vbl[j] = s.momentum * vbl[j] + db[j];
          bb[j] -= s.lr * vbl[j];
        }
        if (dzPrev) dz = dzPrev;
      }
      lastGrads = grads.reverse();
    }
    onEpoch?.({ epoch: e + 1, epochs: s.epochs, loss: epochLoss / stepsPerEpoch });
  }
  if (accN > 0 && divergedAt === null) curve.push({ step, loss: acc / accN });
  return { params: p, curve, steps: step, divergedAt, lastGrads };
}

export interface Evaluation {
  /** test accuracy 0..1 */
  readonly accuracy: number;
  /** per test digit: 1 when classified correctly (for paired comparisons between formats) */
  readonly correct: Uint8Array;
}

/** Test accuracy of a forward pass in a format; a non-finite logit row counts as wrong. */
export function evaluate(p: Params, data: Dataset, mm: Gemm, batch = 500): Evaluation {
  let correct = 0;
  const perDigit = new Uint8Array(data.n);
  const L = p.w.length;
  for (let off = 0; off < data.n; off += batch) {
    const nb = Math.min(batch, data.n - off);
    const x = data.x.subarray(off * IMAGE_SIZE, (off + nb) * IMAGE_SIZE);
    const { z } = forward(p, x, nb, mm);
    const logits = z[L - 1];
    for (let i = 0; i < nb; i++) {
      let best = -1;
      let bestV = -Infinity;
      let finite = true;
      for (let c = 0; c < CLASSES; c++) {
        const v = logits[i * CLASSES + c];
        if (!Number.isFinite(v)) finite = false;
        if (v > bestV) {
          bestV = v;
          best = c;
        }
      }
      if (finite && best === data.y[off + i]) {
        correct++;
        perDigit[off + i] = 1;
      }
    }
  }
  return { accuracy: correct / data.n, correct: perDigit };
}

/** Activations entering each linear layer (X, H1, H2) for the first `n` digits, in FP32. */
export function layerInputs(p: Params, data: Dataset, n: number): Float32Array[] {
  const x = data.x.subarray(0, n * IMAGE_SIZE);
  return forward(p, x, n, gemmFp32).h;
}
