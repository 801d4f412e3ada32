// Workload 'student-teacher': the proxy of Su et al. ("Characterization and Mitigation of Training Instabilities
// in Microscaling Formats", arXiv 2506.20752, olmo/synthetic/student_teacher.py), scaled down for a CPU. A
// residual MLP student of `blocks` blocks x -> x + W2 gelu(W1 LN(x) + b1) + b2 (hidden 4d) learns a fixed random
// teacher, a deep GELU MLP without normalisation, from Gaussian inputs; MSE loss, target noise sigma = 0.005,
// AdamW at a high learning rate (the regime in which low-precision instabilities were reported), FP32 master
// weights. Every GEMM of the student goes through the GEMM context; the teacher is plain FP32 (it makes the data).
// Metrics: validation MSE on fixed inputs (with the format in every forward GEMM), loss spikes, divergence.

import { deriveSeed, Prng } from '../util/prng';
import { gemmFp32 } from './fp32-gemm';
import {
  GemmCtx, adamStep, f32, geluBwd, geluFwd, layerNormBwd, layerNormFwd, linearBwd, linearFwd, mat, param, paramsFinite, zeroGrads,
  type GemmPolicy, type LnCache, type Param,
} from './nn';
import { CurveRecorder, SpikeCounter, finiteOrNull, type MetricInfo, type RunOutcome, type RunSpec, type TrainHooks } from './workload';

export interface StudentTeacherSize {
  readonly d: number;
  readonly blocks: number;
  readonly teacherLayers: number;
  readonly batch: number;
  readonly steps: number;
  readonly lr: number;
  readonly warmup: number;
  readonly noise: number;
  readonly evalN: number;
  readonly logEvery: number;
  readonly statsEvery: number;
}

export const ST_METRIC: MetricInfo = { key: 'valMse', label: 'validation MSE', higherIsBetter: false, unit: 'MSE', scale: 1 };

/** The teacher: random GELU MLP d -> d (teacherLayers layers), output scaled to unit variance. Fixed by the base seed. */
function makeTeacher(z: StudentTeacherSize, baseSeed: number): Float32Array[] {
  const rng = new Prng(deriveSeed(baseSeed, 'student-teacher/teacher'));
  const d = z.d;
  const ws: Float32Array[] = [];
  for (let l = 0; l < z.teacherLayers; l++) {
    const w = new Float32Array(d * d);
    const std = Math.sqrt((l === 0 ? 1 : 2) / d) * 1.5;
    for (let i = 0; i < w.length; i++) w[i] = rng.normal() * std;
    ws.push(w);
  }
  // unit output variance on a probe batch
  const probe = gaussian(new Prng(deriveSeed(baseSeed, 'student-teacher/probe')), 1024 * d);
  const y = teacherForward(ws, probe, 1024, d);
  let sq = 0;
  for (let i = 0; i < y.length; i++) sq += y[i] * y[i];
  const s = 1 / Math.sqrt(sq / y.length);
  const last = ws[ws.length - 1];
  for (let i = 0; i < last.length; i++) last[i] *= s;
  return ws;
}

function teacherForward(ws: Float32Array[], x: Float32Array, n: number, d: number): Float32Array {
  let h = x;
  ws.forEach((w, l) => {
    const y = f32(gemmFp32(mat(n, d, h), mat(d, d, w)));
    h = l + 1 < ws.length ? geluFwd(y) : y;
  });
  return h;
}

function gaussian(rng: Prng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

interface Block {
  lng: Param; lnb: Param; w1: Param; b1: Param; w2: Param; b2: Param;
}

function initStudent(z: StudentTeacherSize, seed: number): { blocks: Block[]; all: Param[] } {
  const rng = new Prng(seed);
  const d = z.d;
  const blocks: Block[] = [];
  const normal = (n: number, std: number) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = rng.normal() * std;
    return a;
  };
  for (let l = 0; l < z.blocks; l++) {
    blocks.push({
      lng: param(`b${l}.ln.g`, new Float32Array(d).fill(1), true), lnb: param(`b${l}.ln.b`, new Float32Array(d), true),
      w1: param(`b${l}.w1`, normal(d * 4 * d, 1 / Math.sqrt(d))), b1: param(`b${l}.b1`, new Float32Array(4 * d), true),
      w2: param(`b${l}.w2`, normal(4 * d * d, 1 / Math.sqrt(4 * d * z.blocks))), b2: param(`b${l}.b2`, new Float32Array(d), true),
    });
  }
  return { blocks, all: blocks.flatMap((b) => [b.lng, b.lnb, b.w1, b.b1, b.w2, b.b2]) };
}

function blocksFrom(z: StudentTeacherSize, ps: Param[]): Block[] {
  const out: Block[] = [];
  for (let l = 0; l < z.blocks; l++) out.push({ lng: ps[6 * l], lnb: ps[6 * l + 1], w1: ps[6 * l + 2], b1: ps[6 * l + 3], w2: ps[6 * l + 4], b2: ps[6 * l + 5] });
  return out;
}

interface BlockCache {
  ln: LnCache; h: Float32Array; u: Float32Array; g: Float32Array;
}

function forward(blocks: Block[], z: StudentTeacherSize, x0: Float32Array, n: number, ctx: GemmCtx): { y: Float32Array; caches: BlockCache[] } {
  const d = z.d;
  let x = x0;
  const caches: BlockCache[] = [];
  for (const b of blocks) {
    const { y: h, cache: ln } = layerNormFwd(x, n, d, b.lng, b.lnb);
    const u = linearFwd(ctx, h, n, d, b.w1, b.b1, 4 * d);
    const g = geluFwd(u);
    const r = linearFwd(ctx, g, n, 4 * d, b.w2, b.b2, d);
    const nx = new Float32Array(n * d);
    for (let i = 0; i < nx.length; i++) nx[i] = x[i] + r[i];
    caches.push({ ln, h, u, g });
    x = nx;
  }
  return { y: x, caches };
}

function backward(blocks: Block[], z: StudentTeacherSize, n: number, ctx: GemmCtx, caches: BlockCache[], dy: Float32Array): void {
  const d = z.d;
  let dx = dy;
  for (let l = blocks.length - 1; l >= 0; l--) {
    const b = blocks[l];
    const c = caches[l];
    const dg = linearBwd(ctx, c.g, n, 4 * d, b.w2, b.b2, d, dx, true)!;
    const du = geluBwd(c.u, dg);
    const dh = linearBwd(ctx, c.h, n, d, b.w1, b.b1, 4 * d, du, true)!;
    const dln = layerNormBwd(dh, n, d, b.lng, b.lnb, c.ln);
    const nd = new Float32Array(n * d);
    for (let i = 0; i < nd.length; i++) nd[i] = dx[i] + dln[i];
    dx = nd;
  }
}

function mse(y: Float32Array, t: Float32Array): { loss: number; grad: Float32Array } {
  const g = new Float32Array(y.length);
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const e = y[i] - t[i];
    s += e * e;
    g[i] = (2 * e) / y.length;
  }
  return { loss: s / y.length, grad: g };
}

function validation(z: StudentTeacherSize, baseSeed: number, teacher: Float32Array[]): { x: Float32Array; t: Float32Array } {
  const x = gaussian(new Prng(deriveSeed(baseSeed, 'student-teacher/valid')), z.evalN * z.d);
  return { x, t: teacherForward(teacher, x, z.evalN, z.d) };
}

function evaluate(blocks: Block[], z: StudentTeacherSize, v: { x: Float32Array; t: Float32Array }, ctx: GemmCtx): { valMse: number | null } {
  const { y } = forward(blocks, z, v.x, z.evalN, ctx);
  return { valMse: finiteOrNull(mse(y, v.t).loss) };
}

export function trainStudentTeacher(spec: RunSpec, z: StudentTeacherSize, baseSeed: number, hooks: TrainHooks): RunOutcome {
  const teacher = makeTeacher(z, baseSeed);
  const seed = deriveSeed(baseSeed, `student-teacher/${spec.replica}`);
  const { blocks, all } = initStudent(z, deriveSeed(seed, 'init'));
  const rng = new Prng(deriveSeed(seed, 'inputs'));
  const policy: GemmPolicy = { format: spec.format, block: spec.block, scaleMode: spec.scaleMode, classes: spec.classes };
  const ctx = new GemmCtx(policy, true);
  const B = z.batch;
  const d = z.d;
  const curve = new CurveRecorder(z.logEvery);
  const spikes = new SpikeCounter(z.warmup);
  const adam = { lr: z.lr, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0, clip: 0 };
  let divergedAt: number | null = null;
  const t0 = Date.now();
  let step = 0;
  for (step = 1; step <= z.steps; step++) {
    const x = gaussian(rng, B * d);
    const t = teacherForward(teacher, x, B, d);
    for (let i = 0; i < t.length; i++) t[i] += z.noise * rng.normal();
    if (ctx.stats) {
      ctx.stats.step = step;
      ctx.stats.active = step === 1 || step % z.statsEvery === 0;
    }
    const f = forward(blocks, z, x, B, ctx);
    const r = mse(f.y, t);
    if (!Number.isFinite(r.loss)) {
      divergedAt = step;
      break;
    }
    curve.push(step, r.loss);
    spikes.push(step, r.loss);
    zeroGrads(all);
    backward(blocks, z, B, ctx, f.caches, r.grad);
    const lr = step <= z.warmup ? (z.lr * step) / z.warmup : z.lr;
    adamStep(all, adam, step, lr);
    if (!paramsFinite(all)) {
      divergedAt = step;
      break;
    }
    if (step % Math.max(1, Math.floor(z.steps / 4)) === 0) hooks.progress(`step ${step}/${z.steps}  train MSE ${r.loss.toPrecision(4)}  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  curve.flush(Math.min(step, z.steps));
  if (ctx.stats) ctx.stats.active = false;
  const metrics = divergedAt === null ? evaluate(blocks, z, validation(z, baseSeed, teacher), ctx) : { valMse: null };
  const keep = spec.format === 'fp32' && spec.replica === 0 && spec.classes.length === 3;
  return {
    metrics,
    curve: curve.curve(),
    steps: divergedAt ?? z.steps,
    divergedAt,
    spikes: spikes.count,
    stats: ctx.stats?.result() ?? null,
    macs: ctx.macs,
    ...(keep ? { params: all } : {}),
  };
}

export function castStudentTeacher(params: Param[], policy: GemmPolicy, z: StudentTeacherSize, baseSeed: number): Record<string, number | null> {
  return evaluate(blocksFrom(z, params), z, validation(z, baseSeed, makeTeacher(z, baseSeed)), new GemmCtx(policy, false));
}

export const studentTeacherInternals = { initStudent, forward, backward, mse };
