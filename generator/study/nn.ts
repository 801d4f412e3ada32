// Hand-written building blocks of the study's workloads (Float32Array tensors, row-major): the GEMM context
// that routes every matrix product through the format under study, linear layers, LayerNorm, GELU, softmax
// cross-entropy and Adam / SGD on FP32 master weights. Only GEMMs are quantized; everything else (bias,
// normalisation, activations, softmax, loss, optimizer) is FP32/FP64 JavaScript, as in the MX papers' setups.
//
// GEMM classes (the ablation quantizes one class at a time):
//   fwd   - forward products: X*W, and attention's Q*K^T and P*V
//   dgrad - activation gradients: dY*W^T, dO*V^T, dS*K (reduce over an output/feature axis)
//   wgrad - products that reduce over the batch/token axis: X^T*dY, and attention's P^T*dO and dS^T*Q

import {
  E8M0, FORMAT_TABLE, codeBits, gemmBf16, gemmQuantized, quantize,
  type BlockShape, type FormatName, type Matrix, type QuantizedMatrix, type ScaleMode,
} from '../golden/index';
import { gemmFp32 } from './fp32-gemm';

export type StudyFormat = 'fp32' | 'bf16' | FormatName;
export type GemmClass = 'fwd' | 'dgrad' | 'wgrad';
export const GEMM_CLASSES: readonly GemmClass[] = ['fwd', 'dgrad', 'wgrad'];
/** '1x32': A blocks 1x32 and B blocks 32x1 along K (OCP); 'TxT': square tiles on both operands. */
export type BlockName = '1x32' | '8x8' | '16x16' | '32x32';
export const BLOCK_NAMES: readonly BlockName[] = ['1x32', '8x8', '16x16', '32x32'];

export function blockPair(b: BlockName): { blockA: BlockShape; blockB: BlockShape } {
  if (b === '1x32') return { blockA: { rows: 1, cols: 32 }, blockB: { rows: 32, cols: 1 } };
  const t = Number(b.split('x')[0]);
  return { blockA: { rows: t, cols: t }, blockB: { rows: t, cols: t } };
}

export function isBaseline(f: StudyFormat): f is 'fp32' | 'bf16' {
  return f === 'fp32' || f === 'bf16';
}

export function mat(rows: number, cols: number, data: Float32Array): Matrix {
  return { rows, cols, bits: new Uint32Array(data.buffer, data.byteOffset, rows * cols) };
}

export function f32(m: Matrix): Float32Array {
  return new Float32Array(m.bits.buffer, m.bits.byteOffset, m.rows * m.cols);
}

export function transpose(rows: number, cols: number, a: Float32Array): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) t[c * rows + r] = a[o + c];
  }
  return t;
}

// ---------------------------------------------------------------------------------------------------------
// quantization statistics

/** Per operand tag: flushed share of non-zero inputs at each sampled step, and the E8M0 scale histogram. */
export interface TensorStats {
  /** sampled steps */
  readonly steps: number[];
  /** share of the non-zero inputs that quantize to a zero code, at each sampled step */
  readonly flush: number[];
  /** E8M0 scale code -> number of blocks, summed over the sampled steps (0xFF: NaN scale) */
  readonly scaleHist: Record<number, number>;
}

export class StatsCollector {
  readonly tensors = new Map<string, { steps: number[]; flush: number[]; hist: Float64Array; nz: number; fl: number }>();
  step = 0;
  /** true while the current step is sampled */
  active = false;

  record(tag: string, q: QuantizedMatrix, input: Matrix): void {
    let t = this.tensors.get(tag);
    if (!t) {
      t = { steps: [], flush: [], hist: new Float64Array(256), nz: 0, fl: 0 };
      this.tensors.set(tag, t);
    }
    const f = FORMAT_TABLE[q.format];
    const magMask = f.kind === 'int' ? 0xff : (1 << (codeBits(f) - 1)) - 1;
    let nz = 0;
    let fl = 0;
    const bits = input.bits;
    const codes = q.codes;
    for (let i = 0; i < codes.length; i++) {
      if ((bits[i] & 0x7fffffff) !== 0) {
        nz++;
        if ((codes[i] & magMask) === 0) fl++;
      }
    }
    for (let g = 0; g < q.scales.length; g++) t.hist[q.scales[g]]++;
    // several products of one step share a tag: pool them
    if (t.steps.length && t.steps[t.steps.length - 1] === this.step) {
      t.nz += nz;
      t.fl += fl;
      t.flush[t.flush.length - 1] = t.nz ? t.fl / t.nz : 0;
    } else {
      t.steps.push(this.step);
      t.nz = nz;
      t.fl = fl;
      t.flush.push(nz ? fl / nz : 0);
    }
  }

  result(): Record<string, TensorStats> {
    const out: Record<string, TensorStats> = {};
    for (const tag of [...this.tensors.keys()].sort()) {
      const t = this.tensors.get(tag)!;
      const hist: Record<number, number> = {};
      for (let c = 0; c < 256; c++) if (t.hist[c]) hist[c] = t.hist[c];
      out[tag] = { steps: t.steps, flush: t.flush.map((x) => Number(x.toPrecision(6))), scaleHist: hist };
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------------
// the GEMM context

export interface GemmPolicy {
  readonly format: StudyFormat;
  readonly block: BlockName;
  readonly scaleMode: ScaleMode;
  /** GEMM classes computed in the format; the others in FP32 (the ablation) */
  readonly classes: readonly GemmClass[];
}

export class GemmCtx {
  readonly stats: StatsCollector | null;
  private readonly q: Set<GemmClass>;
  private readonly blocks: { blockA: BlockShape; blockB: BlockShape };
  /** multiply-accumulates issued (for the report's cost figures) */
  macs = 0;

  constructor(readonly policy: GemmPolicy, collect: boolean) {
    this.q = new Set(policy.classes);
    this.blocks = blockPair(policy.block);
    this.stats = collect && !isBaseline(policy.format) ? new StatsCollector() : null;
  }

  /** C (M x N) = A (M x K) * B (K x N) in the policy's format for this class; tags name the operands. */
  mm(cls: GemmClass, tagA: string, tagB: string, a: Float32Array, M: number, K: number, b: Float32Array, N: number): Float32Array {
    this.macs += M * K * N;
    const A = mat(M, K, a);
    const B = mat(K, N, b);
    const f = this.policy.format;
    if (f === 'fp32' || !this.q.has(cls)) return f32(gemmFp32(A, B));
    if (f === 'bf16') return f32(gemmBf16(A, B));
    const qa = quantize(A, f, this.blocks.blockA, this.policy.scaleMode);
    const qb = quantize(B, f, this.blocks.blockB, this.policy.scaleMode);
    if (this.stats?.active) {
      this.stats.record(`${cls}:${tagA}`, qa, A);
      this.stats.record(`${cls}:${tagB}`, qb, B);
    }
    return f32(gemmQuantized(qa, qb));
  }
}

// ---------------------------------------------------------------------------------------------------------
// layers

export interface Param {
  readonly name: string;
  readonly w: Float32Array;
  readonly g: Float32Array;
  /** Adam moments / momentum buffer */
  readonly m: Float32Array;
  readonly v: Float32Array;
  /** excluded from weight decay (biases, LayerNorm) */
  readonly noDecay: boolean;
}

export function param(name: string, w: Float32Array, noDecay = false): Param {
  const n = w.length;
  return { name, w, g: new Float32Array(n), m: new Float32Array(n), v: new Float32Array(n), noDecay };
}

/** y = x W + b for x (n x din), W (din x dout). */
export function linearFwd(ctx: GemmCtx, x: Float32Array, n: number, din: number, W: Param, b: Param | null, dout: number, tagX = 'act'): Float32Array {
  const y = ctx.mm('fwd', tagX, 'weight', x, n, din, W.w, dout);
  if (b) {
    const bb = b.w;
    for (let i = 0; i < n; i++) {
      const o = i * dout;
      for (let j = 0; j < dout; j++) y[o + j] += bb[j];
    }
  }
  return y;
}

/** Accumulates dW = x^T dy and db = sum dy into the params; returns dx = dy W^T (null when not needed). */
export function linearBwd(
  ctx: GemmCtx, x: Float32Array, n: number, din: number, W: Param, b: Param | null, dout: number, dy: Float32Array, needDx: boolean,
  tagX = 'act', tagDy = 'grad',
): Float32Array | null {
  const dW = ctx.mm('wgrad', tagX, tagDy, transpose(n, din, x), din, n, dy, dout);
  const g = W.g;
  for (let i = 0; i < g.length; i++) g[i] += dW[i];
  if (b) {
    const db = new Float64Array(dout);
    for (let i = 0; i < n; i++) {
      const o = i * dout;
      for (let j = 0; j < dout; j++) db[j] += dy[o + j];
    }
    for (let j = 0; j < dout; j++) b.g[j] += db[j];
  }
  if (!needDx) return null;
  return ctx.mm('dgrad', tagDy, 'weight', dy, n, dout, transpose(din, dout, W.w), din);
}

export interface LnCache {
  readonly xhat: Float32Array;
  readonly rstd: Float64Array;
}

const LN_EPS = 1e-5;

/** LayerNorm over the last axis (d) of x (n x d), with gain and bias. */
export function layerNormFwd(x: Float32Array, n: number, d: number, gain: Param, bias: Param): { y: Float32Array; cache: LnCache } {
  const y = new Float32Array(n * d);
  const xhat = new Float32Array(n * d);
  const rstd = new Float64Array(n);
  const gw = gain.w;
  const bw = bias.w;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let mean = 0;
    for (let j = 0; j < d; j++) mean += x[o + j];
    mean /= d;
    let vr = 0;
    for (let j = 0; j < d; j++) vr += (x[o + j] - mean) ** 2;
    const rs = 1 / Math.sqrt(vr / d + LN_EPS);
    rstd[i] = rs;
    for (let j = 0; j < d; j++) {
      const h = (x[o + j] - mean) * rs;
      xhat[o + j] = h;
      y[o + j] = h * gw[j] + bw[j];
    }
  }
  return { y, cache: { xhat, rstd } };
}

/** dx from dy; accumulates the gain and bias gradients. */
export function layerNormBwd(dy: Float32Array, n: number, d: number, gain: Param, bias: Param, c: LnCache): Float32Array {
  const dx = new Float32Array(n * d);
  const gw = gain.w;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let s1 = 0;
    let s2 = 0;
    for (let j = 0; j < d; j++) {
      const g = dy[o + j];
      gain.g[j] += g * c.xhat[o + j];
      bias.g[j] += g;
      const dh = g * gw[j];
      s1 += dh;
      s2 += dh * c.xhat[o + j];
    }
    const rs = c.rstd[i];
    for (let j = 0; j < d; j++) {
      const dh = dy[o + j] * gw[j];
      dx[o + j] = rs * (dh - s1 / d - (c.xhat[o + j] * s2) / d);
    }
  }
  return dx;
}

const GELU_C = Math.sqrt(2 / Math.PI);

/** tanh-approximated GELU. */
export function geluFwd(u: Float32Array): Float32Array {
  const y = new Float32Array(u.length);
  for (let i = 0; i < u.length; i++) {
    const x = u[i];
    y[i] = 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x * x * x)));
  }
  return y;
}

export function geluBwd(u: Float32Array, dy: Float32Array): Float32Array {
  const dx = new Float32Array(u.length);
  for (let i = 0; i < u.length; i++) {
    const x = u[i];
    const t = Math.tanh(GELU_C * (x + 0.044715 * x * x * x));
    const dt = (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * x * x);
    dx[i] = dy[i] * (0.5 * (1 + t) + 0.5 * x * dt);
  }
  return dx;
}

/** Mean softmax cross-entropy over n rows of C logits; gradient (softmax - onehot) / n; per-row correctness. */
export function softmaxXent(logits: Float32Array, n: number, C: number, labels: ArrayLike<number>): { loss: number; grad: Float32Array; correct: number } {
  const grad = new Float32Array(n * C);
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const o = i * C;
    let mx = -Infinity;
    let arg = -1;
    let finite = true;
    for (let c = 0; c < C; c++) {
      const v = logits[o + c];
      if (!Number.isFinite(v)) finite = false;
      if (v > mx) {
        mx = v;
        arg = c;
      }
    }
    const y = labels[i];
    if (!finite) {
      loss = NaN;
      continue;
    }
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(logits[o + c] - mx);
    loss += -(logits[o + y] - mx - Math.log(sum));
    if (arg === y) correct++;
    for (let c = 0; c < C; c++) grad[o + c] = (Math.exp(logits[o + c] - mx) / sum - (c === y ? 1 : 0)) / n;
  }
  return { loss: loss / n, grad, correct };
}

// ---------------------------------------------------------------------------------------------------------
// optimizers (FP32 master weights and state)

export function zeroGrads(ps: readonly Param[]): void {
  for (const p of ps) p.g.fill(0);
}

export interface AdamSettings {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** clip the global gradient norm to this (0: no clipping) */
  readonly clip: number;
}

/** One AdamW step (decoupled weight decay); returns the global gradient norm before clipping. */
export function adamStep(ps: readonly Param[], s: AdamSettings, t: number, lr: number): number {
  let sq = 0;
  for (const p of ps) for (let i = 0; i < p.g.length; i++) sq += p.g[i] * p.g[i];
  const norm = Math.sqrt(sq);
  const scale = s.clip > 0 && norm > s.clip ? s.clip / norm : 1;
  const b1 = s.beta1;
  const b2 = s.beta2;
  const c1 = 1 - b1 ** t;
  const c2 = 1 - b2 ** t;
  for (const p of ps) {
    const { w, g, m, v } = p;
    const wd = p.noDecay ? 0 : s.weightDecay;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] * scale;
      m[i] = b1 * m[i] + (1 - b1) * gi;
      v[i] = b2 * v[i] + (1 - b2) * gi * gi;
      w[i] -= lr * ((m[i] / c1) / (Math.sqrt(v[i] / c2) + s.eps) + wd * w[i]);
    }
  }
  return norm;
}

/** SGD with momentum: m = mu m + g; w -= lr m. */
export function sgdStep(ps: readonly Param[], lr: number, momentum: number): void {
  for (const p of ps) {
    const { w, g, m } = p;
    for (let i = 0; i < w.length; i++) {
      m[i] = momentum * m[i] + g[i];
      w[i] -= lr * m[i];
    }
  }
}

/** True when every parameter is finite. */
export function paramsFinite(ps: readonly Param[]): boolean {
  for (const p of ps) for (let i = 0; i < p.w.length; i++) if (!Number.isFinite(p.w[i])) return false;
  return true;
}

export const NAN_SCALE_CODE = E8M0.nanCode;
