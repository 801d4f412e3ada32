// Workloads 'mnist-mlp' (784-256-128-10, the study's original model) and 'deep-mlp' (8 linear layers, 784 -
// 128 x 7 - 10, ReLU, no normalisation of any kind): MNIST digits of the `mnist` package (data.ts), He-normal
// initialisation, softmax cross-entropy, SGD with momentum on FP32 master weights, no loss scaling. Every
// GEMM (X*W, dY*W^T, X^T*dY) goes through the GEMM context. Metric: test accuracy with the format in every
// forward GEMM.

import { deriveSeed, Prng } from '../util/prng';
import { IMAGE_SIZE, loadMnist, seededSubset, type Dataset } from './data';
import {
  GemmCtx, linearBwd, linearFwd, param, paramsFinite, sgdStep, softmaxXent, zeroGrads, type GemmPolicy, type Param,
} from './nn';
import { CurveRecorder, SpikeCounter, finiteOrNull, type MetricInfo, type RunOutcome, type RunSpec, type TrainHooks } from './workload';

export interface MlpSize {
  readonly layers: readonly number[];
  readonly batch: number;
  readonly epochs: number;
  readonly lr: number;
  readonly momentum: number;
  /** training digits used (a seeded subset of the fixed train split); null = all */
  readonly trainSize: number | null;
  readonly testSize: number | null;
  readonly logEvery: number;
  readonly statsEvery: number;
}

export const MLP_METRIC: MetricInfo = { key: 'testAcc', label: 'test accuracy (%)', higherIsBetter: true, unit: 'pp', scale: 100 };

function initMlp(sizes: readonly number[], seed: number): Param[] {
  const rng = new Prng(seed);
  const ps: Param[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const n = sizes[l] * sizes[l + 1];
    const w = new Float32Array(n);
    const std = Math.sqrt(2 / sizes[l]);
    for (let i = 0; i < n; i++) w[i] = rng.normal() * std;
    ps.push(param(`w${l}`, w), param(`b${l}`, new Float32Array(sizes[l + 1]), true));
  }
  return ps;
}

interface MlpFwd {
  readonly h: Float32Array[];
  readonly z: Float32Array[];
}

function forward(ps: Param[], sizes: readonly number[], x: Float32Array, B: number, ctx: GemmCtx): MlpFwd {
  const L = sizes.length - 1;
  const h: Float32Array[] = [x];
  const z: Float32Array[] = [];
  for (let l = 0; l < L; l++) {
    const zl = linearFwd(ctx, h[l], B, sizes[l], ps[2 * l], ps[2 * l + 1], sizes[l + 1], l === 0 ? 'pixels' : 'act');
    z.push(zl);
    if (l + 1 < L) {
      const hl = new Float32Array(zl.length);
      for (let i = 0; i < zl.length; i++) hl[i] = zl[i] > 0 ? zl[i] : 0;
      h.push(hl);
    }
  }
  return { h, z };
}

function backward(ps: Param[], sizes: readonly number[], B: number, ctx: GemmCtx, f: MlpFwd, dlogits: Float32Array): void {
  const L = sizes.length - 1;
  let dz = dlogits;
  for (let l = L - 1; l >= 0; l--) {
    const dh = linearBwd(ctx, f.h[l], B, sizes[l], ps[2 * l], ps[2 * l + 1], sizes[l + 1], dz, l > 0, l === 0 ? 'pixels' : 'act', l === L - 1 ? 'dlogits' : 'grad');
    if (dh) {
      const zp = f.z[l - 1];
      for (let i = 0; i < dh.length; i++) if (!(zp[i] > 0)) dh[i] = 0;
      dz = dh;
    }
  }
}

function evaluate(ps: Param[], sizes: readonly number[], test: Dataset, ctx: GemmCtx): { testAcc: number | null; testLoss: number | null } {
  const C = sizes[sizes.length - 1];
  let correct = 0;
  let loss = 0;
  const batch = 500;
  for (let o = 0; o < test.n; o += batch) {
    const nb = Math.min(batch, test.n - o);
    const f = forward(ps, sizes, test.x.subarray(o * IMAGE_SIZE, (o + nb) * IMAGE_SIZE), nb, ctx);
    const r = softmaxXent(f.z[f.z.length - 1], nb, C, test.y.subarray(o, o + nb));
    correct += r.correct;
    loss += r.loss * nb;
  }
  return { testAcc: Number.isFinite(loss) ? finiteOrNull(correct / test.n) : null, testLoss: finiteOrNull(loss / test.n) };
}

function data(z: MlpSize, baseSeed: number): { train: Dataset; test: Dataset } {
  const split = loadMnist();
  return {
    train: seededSubset(split.train, z.trainSize ?? split.train.n, deriveSeed(baseSeed, 'train-subset')),
    test: seededSubset(split.test, z.testSize ?? split.test.n, deriveSeed(baseSeed, 'test-subset')),
  };
}

export function trainMlp(spec: RunSpec, z: MlpSize, baseSeed: number, hooks: TrainHooks): RunOutcome {
  const { train, test } = data(z, baseSeed);
  const seed = deriveSeed(baseSeed, `${spec.workload}/${spec.replica}`);
  const ps = initMlp(z.layers, deriveSeed(seed, 'init'));
  const policy: GemmPolicy = { format: spec.format, block: spec.block, scaleMode: spec.scaleMode, classes: spec.classes };
  const ctx = new GemmCtx(policy, true);
  const order = new Int32Array(train.n);
  for (let i = 0; i < train.n; i++) order[i] = i;
  const rng = new Prng(deriveSeed(seed, 'shuffle'));
  const B = z.batch;
  const perEpoch = Math.floor(train.n / B);
  const total = perEpoch * z.epochs;
  const x = new Float32Array(B * IMAGE_SIZE);
  const y = new Uint8Array(B);
  const C = z.layers[z.layers.length - 1];
  const curve = new CurveRecorder(z.logEvery);
  const spikes = new SpikeCounter(Math.min(50, perEpoch));
  let divergedAt: number | null = null;
  let step = 0;
  const t0 = Date.now();
  outer: for (let e = 0; e < z.epochs; e++) {
    rng.shuffle(order);
    for (let s = 0; s < perEpoch; s++) {
      step++;
      for (let i = 0; i < B; i++) {
        const src = order[s * B + i];
        x.set(train.x.subarray(src * IMAGE_SIZE, (src + 1) * IMAGE_SIZE), i * IMAGE_SIZE);
        y[i] = train.y[src];
      }
      if (ctx.stats) {
        ctx.stats.step = step;
        ctx.stats.active = step === 1 || step % z.statsEvery === 0;
      }
      const f = forward(ps, z.layers, x, B, ctx);
      const r = softmaxXent(f.z[f.z.length - 1], B, C, y);
      if (!Number.isFinite(r.loss)) {
        divergedAt = step;
        break outer;
      }
      curve.push(step, r.loss);
      spikes.push(step, r.loss);
      zeroGrads(ps);
      backward(ps, z.layers, B, ctx, f, r.grad);
      sgdStep(ps, z.lr, z.momentum);
      if (!paramsFinite(ps)) {
        divergedAt = step;
        break outer;
      }
    }
    hooks.progress(`epoch ${e + 1}/${z.epochs}  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  curve.flush(step);
  if (ctx.stats) ctx.stats.active = false;
  const metrics = divergedAt === null ? evaluate(ps, z.layers, test, ctx) : { testAcc: null, testLoss: null };
  const keep = spec.format === 'fp32' && spec.replica === 0 && spec.classes.length === 3;
  return {
    metrics,
    curve: curve.curve(),
    steps: divergedAt ?? total,
    divergedAt,
    spikes: spikes.count,
    stats: ctx.stats?.result() ?? null,
    macs: ctx.macs,
    ...(keep ? { params: ps } : {}),
  };
}

export function castMlp(params: Param[], policy: GemmPolicy, z: MlpSize, baseSeed: number): Record<string, number | null> {
  return evaluate(params, z.layers, data(z, baseSeed).test, new GemmCtx(policy, false));
}

export const mlpInternals = { initMlp, forward, backward };
