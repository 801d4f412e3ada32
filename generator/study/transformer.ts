// Workload 'char-transformer': a small pre-LayerNorm decoder-only transformer language model over characters of
// the Brown corpus (brown.ts). Token + learned position embeddings, `layers` blocks of causal multi-head
// self-attention and a GELU MLP (4d), a final LayerNorm and a linear head; AdamW with warm-up and cosine decay,
// FP32 master weights, gradient-norm clipping. Every GEMM (projections, Q*K^T, P*V, MLP, head, and all their
// activation- and weight-gradient products) goes through the GEMM context; softmax, LayerNorm, GELU, the
// embeddings and the loss stay in FP32/FP64. Metrics: validation loss (nats per character) and next-character
// accuracy on fixed validation windows.

import { deriveSeed, Prng } from '../util/prng';
import { loadBrown } from './brown';
import {
  GemmCtx, adamStep, geluBwd, geluFwd, layerNormBwd, layerNormFwd, linearBwd, linearFwd, param, paramsFinite, softmaxXent, transpose, zeroGrads,
  type GemmPolicy, type LnCache, type Param,
} from './nn';
import { CurveRecorder, SpikeCounter, finiteOrNull, type MetricInfo, type RunOutcome, type RunSpec, type TrainHooks } from './workload';

export interface TransformerSize {
  readonly d: number;
  readonly layers: number;
  readonly heads: number;
  readonly ctx: number;
  /** sequences per step */
  readonly batch: number;
  readonly steps: number;
  readonly lr: number;
  readonly warmup: number;
  /** validation windows of ctx + 1 characters */
  readonly evalSeqs: number;
  readonly logEvery: number;
  readonly statsEvery: number;
}

export const TRANSFORMER_METRIC: MetricInfo = { key: 'valLoss', label: 'validation loss (nats/char)', higherIsBetter: false, unit: 'nats', scale: 1 };

interface Layer {
  ln1g: Param; ln1b: Param; wqkv: Param; bqkv: Param; wo: Param; bo: Param;
  ln2g: Param; ln2b: Param; w1: Param; b1: Param; w2: Param; b2: Param;
}

interface Model {
  tok: Param; pos: Param; layers: Layer[]; lnfg: Param; lnfb: Param; wout: Param; bout: Param;
  all: Param[];
}

function normal(rng: Prng, n: number, std: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * std;
  return a;
}
const ones = (n: number) => new Float32Array(n).fill(1);
const zeros = (n: number) => new Float32Array(n);

function initModel(z: TransformerSize, V: number, seed: number): Model {
  const rng = new Prng(seed);
  const d = z.d;
  const resid = 1 / Math.sqrt(2 * z.layers);
  const layers: Layer[] = [];
  for (let l = 0; l < z.layers; l++) {
    layers.push({
      ln1g: param(`l${l}.ln1.g`, ones(d), true), ln1b: param(`l${l}.ln1.b`, zeros(d), true),
      wqkv: param(`l${l}.wqkv`, normal(rng, d * 3 * d, 1 / Math.sqrt(d))), bqkv: param(`l${l}.bqkv`, zeros(3 * d), true),
      wo: param(`l${l}.wo`, normal(rng, d * d, resid / Math.sqrt(d))), bo: param(`l${l}.bo`, zeros(d), true),
      ln2g: param(`l${l}.ln2.g`, ones(d), true), ln2b: param(`l${l}.ln2.b`, zeros(d), true),
      w1: param(`l${l}.w1`, normal(rng, d * 4 * d, 1 / Math.sqrt(d))), b1: param(`l${l}.b1`, zeros(4 * d), true),
      w2: param(`l${l}.w2`, normal(rng, 4 * d * d, resid / Math.sqrt(4 * d))), b2: param(`l${l}.b2`, zeros(d), true),
    });
  }
  const m: Omit<Model, 'all'> = {
    tok: param('tok', normal(rng, V * d, 0.1), true),
    pos: param('pos', normal(rng, z.ctx * d, 0.1), true),
    layers,
    lnfg: param('lnf.g', ones(d), true), lnfb: param('lnf.b', zeros(d), true),
    wout: param('wout', normal(rng, d * V, 1 / Math.sqrt(d))), bout: param('bout', zeros(V), true),
  };
  const all = [m.tok, m.pos, ...layers.flatMap((L) => Object.values(L) as Param[]), m.lnfg, m.lnfb, m.wout, m.bout];
  return { ...m, all };
}

function modelFromParams(z: TransformerSize, ps: Param[]): Model {
  const by = new Map(ps.map((p) => [p.name, p]));
  const g = (n: string) => {
    const p = by.get(n);
    if (!p) throw new Error(`transformer parameters: '${n}' missing`);
    return p;
  };
  const layers: Layer[] = [];
  for (let l = 0; l < z.layers; l++) {
    layers.push({
      ln1g: g(`l${l}.ln1.g`), ln1b: g(`l${l}.ln1.b`), wqkv: g(`l${l}.wqkv`), bqkv: g(`l${l}.bqkv`), wo: g(`l${l}.wo`), bo: g(`l${l}.bo`),
      ln2g: g(`l${l}.ln2.g`), ln2b: g(`l${l}.ln2.b`), w1: g(`l${l}.w1`), b1: g(`l${l}.b1`), w2: g(`l${l}.w2`), b2: g(`l${l}.b2`),
    });
  }
  return { tok: g('tok'), pos: g('pos'), layers, lnfg: g('lnf.g'), lnfb: g('lnf.b'), wout: g('wout'), bout: g('bout'), all: ps };
}

interface LayerCache {
  xin: Float32Array; ln1: LnCache; h1: Float32Array; qkv: Float32Array;
  /** per (sequence, head): q, k, v (T x dh) and P (T x T) */
  q: Float32Array[]; k: Float32Array[]; v: Float32Array[]; p: Float32Array[];
  att: Float32Array; x1: Float32Array; ln2: LnCache; h2: Float32Array; u: Float32Array; g: Float32Array;
}

interface Fwd {
  logits: Float32Array;
  caches: LayerCache[];
  xf: Float32Array;
  lnf: LnCache;
  hf: Float32Array;
}

/** Forward pass over B sequences of T tokens (ids: B x T). */
function forward(m: Model, z: TransformerSize, V: number, ids: Uint8Array, B: number, ctx: GemmCtx): Fwd {
  const T = z.ctx;
  const d = z.d;
  const H = z.heads;
  const dh = d / H;
  const n = B * T;
  const scale = 1 / Math.sqrt(dh);
  let x = new Float32Array(n * d);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const o = (b * T + t) * d;
      const id = ids[b * T + t];
      for (let j = 0; j < d; j++) x[o + j] = m.tok.w[id * d + j] + m.pos.w[t * d + j];
    }
  }
  const caches: LayerCache[] = [];
  for (const L of m.layers) {
    const xin = x;
    const { y: h1, cache: ln1 } = layerNormFwd(xin, n, d, L.ln1g, L.ln1b);
    const qkv = linearFwd(ctx, h1, n, d, L.wqkv, L.bqkv, 3 * d);
    const att = new Float32Array(n * d);
    const qs: Float32Array[] = [];
    const ks: Float32Array[] = [];
    const vs: Float32Array[] = [];
    const ps: Float32Array[] = [];
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        const q = new Float32Array(T * dh);
        const k = new Float32Array(T * dh);
        const v = new Float32Array(T * dh);
        for (let t = 0; t < T; t++) {
          const o = (b * T + t) * 3 * d + h * dh;
          for (let c = 0; c < dh; c++) {
            q[t * dh + c] = qkv[o + c];
            k[t * dh + c] = qkv[o + d + c];
            v[t * dh + c] = qkv[o + 2 * d + c];
          }
        }
        const s = ctx.mm('fwd', 'q', 'kT', q, T, dh, transpose(T, dh, k), T);
        // causal softmax of scale * S, in FP64
        const p = new Float32Array(T * T);
        for (let i = 0; i < T; i++) {
          let mx = -Infinity;
          for (let j = 0; j <= i; j++) mx = Math.max(mx, s[i * T + j] * scale);
          let sum = 0;
          for (let j = 0; j <= i; j++) sum += Math.exp(s[i * T + j] * scale - mx);
          for (let j = 0; j <= i; j++) p[i * T + j] = Math.exp(s[i * T + j] * scale - mx) / sum;
        }
        const o = ctx.mm('fwd', 'P', 'v', p, T, T, v, dh);
        for (let t = 0; t < T; t++) {
          const dst = (b * T + t) * d + h * dh;
          for (let c = 0; c < dh; c++) att[dst + c] = o[t * dh + c];
        }
        qs.push(q);
        ks.push(k);
        vs.push(v);
        ps.push(p);
      }
    }
    const y = linearFwd(ctx, att, n, d, L.wo, L.bo, d);
    const x1 = new Float32Array(n * d);
    for (let i = 0; i < x1.length; i++) x1[i] = xin[i] + y[i];
    const { y: h2, cache: ln2 } = layerNormFwd(x1, n, d, L.ln2g, L.ln2b);
    const u = linearFwd(ctx, h2, n, d, L.w1, L.b1, 4 * d);
    const g = geluFwd(u);
    const zz = linearFwd(ctx, g, n, 4 * d, L.w2, L.b2, d);
    const x2 = new Float32Array(n * d);
    for (let i = 0; i < x2.length; i++) x2[i] = x1[i] + zz[i];
    caches.push({ xin, ln1, h1, qkv, q: qs, k: ks, v: vs, p: ps, att, x1, ln2, h2, u, g });
    x = x2;
  }
  const { y: hf, cache: lnf } = layerNormFwd(x, n, d, m.lnfg, m.lnfb);
  const logits = linearFwd(ctx, hf, n, d, m.wout, m.bout, V);
  return { logits, caches, xf: x, lnf, hf };
}

function backward(m: Model, z: TransformerSize, V: number, ids: Uint8Array, B: number, ctx: GemmCtx, f: Fwd, dlogits: Float32Array): void {
  const T = z.ctx;
  const d = z.d;
  const H = z.heads;
  const dh = d / H;
  const n = B * T;
  const scale = 1 / Math.sqrt(dh);
  const dhf = linearBwd(ctx, f.hf, n, d, m.wout, m.bout, V, dlogits, true, 'act', 'dlogits')!;
  let dx = layerNormBwd(dhf, n, d, m.lnfg, m.lnfb, f.lnf);
  for (let l = m.layers.length - 1; l >= 0; l--) {
    const L = m.layers[l];
    const c = f.caches[l];
    // MLP branch: x2 = x1 + W2 gelu(W1 LN2(x1))
    const dg = linearBwd(ctx, c.g, n, 4 * d, L.w2, L.b2, d, dx, true)!;
    const du = geluBwd(c.u, dg);
    const dh2 = linearBwd(ctx, c.h2, n, d, L.w1, L.b1, 4 * d, du, true)!;
    const dln2 = layerNormBwd(dh2, n, d, L.ln2g, L.ln2b, c.ln2);
    const dx1 = new Float32Array(n * d);
    for (let i = 0; i < dx1.length; i++) dx1[i] = dx[i] + dln2[i];
    // attention branch: x1 = x + Wo att
    const datt = linearBwd(ctx, c.att, n, d, L.wo, L.bo, d, dx1, true)!;
    const dqkv = new Float32Array(n * 3 * d);
    let bh = 0;
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++, bh++) {
        const q = c.q[bh];
        const k = c.k[bh];
        const v = c.v[bh];
        const p = c.p[bh];
        const dO = new Float32Array(T * dh);
        for (let t = 0; t < T; t++) {
          const src = (b * T + t) * d + h * dh;
          for (let cc = 0; cc < dh; cc++) dO[t * dh + cc] = datt[src + cc];
        }
        const dP = ctx.mm('dgrad', 'dO', 'vT', dO, T, dh, transpose(T, dh, v), T);
        const dv = ctx.mm('wgrad', 'PT', 'dO', transpose(T, T, p), T, T, dO, dh);
        const dS = new Float32Array(T * T);
        for (let i = 0; i < T; i++) {
          let dot = 0;
          for (let j = 0; j <= i; j++) dot += dP[i * T + j] * p[i * T + j];
          for (let j = 0; j <= i; j++) dS[i * T + j] = p[i * T + j] * (dP[i * T + j] - dot) * scale;
        }
        const dq = ctx.mm('dgrad', 'dS', 'k', dS, T, T, k, dh);
        const dk = ctx.mm('wgrad', 'dST', 'q', transpose(T, T, dS), T, T, q, dh);
        for (let t = 0; t < T; t++) {
          const o = (b * T + t) * 3 * d + h * dh;
          for (let cc = 0; cc < dh; cc++) {
            dqkv[o + cc] = dq[t * dh + cc];
            dqkv[o + d + cc] = dk[t * dh + cc];
            dqkv[o + 2 * d + cc] = dv[t * dh + cc];
          }
        }
      }
    }
    const dh1 = linearBwd(ctx, c.h1, n, d, L.wqkv, L.bqkv, 3 * d, dqkv, true)!;
    const dln1 = layerNormBwd(dh1, n, d, L.ln1g, L.ln1b, c.ln1);
    const dxin = new Float32Array(n * d);
    for (let i = 0; i < dxin.length; i++) dxin[i] = dx1[i] + dln1[i];
    dx = dxin;
  }
  // embeddings
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const o = (b * T + t) * d;
      const id = ids[b * T + t];
      for (let j = 0; j < d; j++) {
        m.tok.g[id * d + j] += dx[o + j];
        m.pos.g[t * d + j] += dx[o + j];
      }
    }
  }
}

/** Fixed validation windows: evalSeqs windows of ctx + 1 characters, evenly spaced over the validation text. */
function validationWindows(z: TransformerSize, valid: Uint8Array): { ids: Uint8Array; tgt: Uint8Array } {
  const T = z.ctx;
  const S = z.evalSeqs;
  const stride = Math.floor((valid.length - T - 1) / S);
  const ids = new Uint8Array(S * T);
  const tgt = new Uint8Array(S * T);
  for (let s = 0; s < S; s++) {
    const o = s * stride;
    ids.set(valid.subarray(o, o + T), s * T);
    tgt.set(valid.subarray(o + 1, o + T + 1), s * T);
  }
  return { ids, tgt };
}

function evaluateModel(m: Model, z: TransformerSize, ctx: GemmCtx): { valLoss: number | null; valAcc: number | null } {
  const corpus = loadBrown();
  const V = corpus.vocab.length;
  const { ids, tgt } = validationWindows(z, corpus.valid);
  const T = z.ctx;
  let loss = 0;
  let correct = 0;
  const chunk = 8;
  for (let s0 = 0; s0 < z.evalSeqs; s0 += chunk) {
    const B = Math.min(chunk, z.evalSeqs - s0);
    const f = forward(m, z, V, ids.subarray(s0 * T, (s0 + B) * T), B, ctx);
    const r = softmaxXent(f.logits, B * T, V, tgt.subarray(s0 * T, (s0 + B) * T));
    loss += r.loss * B * T;
    correct += r.correct;
  }
  const n = z.evalSeqs * T;
  return { valLoss: finiteOrNull(loss / n), valAcc: Number.isFinite(loss) ? finiteOrNull(correct / n) : null };
}

export function trainTransformer(spec: RunSpec, z: TransformerSize, baseSeed: number, hooks: TrainHooks): RunOutcome {
  const corpus = loadBrown();
  const V = corpus.vocab.length;
  const seed = deriveSeed(baseSeed, `char-transformer/${spec.replica}`);
  const m = initModel(z, V, deriveSeed(seed, 'init'));
  const rng = new Prng(deriveSeed(seed, 'batches'));
  const policy: GemmPolicy = { format: spec.format, block: spec.block, scaleMode: spec.scaleMode, classes: spec.classes };
  const ctx = new GemmCtx(policy, true);
  const T = z.ctx;
  const B = z.batch;
  const ids = new Uint8Array(B * T);
  const tgt = new Uint8Array(B * T);
  const curve = new CurveRecorder(z.logEvery);
  const spikes = new SpikeCounter(z.warmup);
  const adam = { lr: z.lr, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01, clip: 1 };
  let divergedAt: number | null = null;
  const t0 = Date.now();
  let step = 0;
  for (step = 1; step <= z.steps; step++) {
    for (let b = 0; b < B; b++) {
      const o = rng.int(corpus.train.length - T - 1);
      ids.set(corpus.train.subarray(o, o + T), b * T);
      tgt.set(corpus.train.subarray(o + 1, o + T + 1), b * T);
    }
    if (ctx.stats) {
      ctx.stats.step = step;
      ctx.stats.active = step === 1 || step % z.statsEvery === 0;
    }
    const f = forward(m, z, V, ids, B, ctx);
    const r = softmaxXent(f.logits, B * T, V, tgt);
    if (!Number.isFinite(r.loss)) {
      divergedAt = step;
      break;
    }
    curve.push(step, r.loss);
    spikes.push(step, r.loss);
    zeroGrads(m.all);
    backward(m, z, V, ids, B, ctx, f, r.grad);
    const lr = step <= z.warmup ? (z.lr * step) / z.warmup : z.lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * (step - z.warmup)) / Math.max(1, z.steps - z.warmup))));
    adamStep(m.all, adam, step, lr);
    if (!paramsFinite(m.all)) {
      divergedAt = step;
      break;
    }
    if (step % Math.max(1, Math.floor(z.steps / 4)) === 0) hooks.progress(`step ${step}/${z.steps}  train loss ${r.loss.toFixed(3)}  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  curve.flush(Math.min(step, z.steps));
  if (ctx.stats) ctx.stats.active = false;
  const metrics = divergedAt === null ? evaluateModel(m, z, ctx) : { valLoss: null, valAcc: null };
  const keep = spec.format === 'fp32' && spec.replica === 0 && spec.classes.length === 3;
  return {
    metrics,
    curve: curve.curve(),
    steps: divergedAt ?? z.steps,
    divergedAt,
    spikes: spikes.count,
    stats: ctx.stats?.result() ?? null,
    macs: ctx.macs,
    ...(keep ? { params: m.all } : {}),
  };
}

/** Direct-cast inference: the given (FP32-trained) parameters evaluated with every forward GEMM in the policy. */
export function castTransformer(params: Param[], policy: GemmPolicy, z: TransformerSize): Record<string, number | null> {
  return evaluateModel(modelFromParams(z, params), z, new GemmCtx(policy, false));
}

/** For the gradient check in test/study. */
export const transformerInternals = { initModel, forward, backward };
