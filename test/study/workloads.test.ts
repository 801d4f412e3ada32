// The workloads' hand-written backward passes against central finite differences (FP32 GEMMs, small models),
// the GEMM context's routing (the ablation's FP32 classes, the exact MX GEMM otherwise), the flush-to-zero
// counter, the Brown corpus loader, and Welch's t-test against known values.
import { describe, expect, it } from 'vitest';
import { gemm, makeMatrix } from '../../generator/golden/index';
import { detokenize, encode, loadBrown, VOCAB } from '../../generator/study/brown';
import { gemmFp32 } from '../../generator/study/fp32-gemm';
import { mlpInternals } from '../../generator/study/mlp-workload';
import { GemmCtx, softmaxXent, zeroGrads, type Param } from '../../generator/study/nn';
import { regIncBeta, studentTwoSidedP, welch } from '../../generator/study/stats';
import { studentTeacherInternals } from '../../generator/study/student-teacher';
import { transformerInternals } from '../../generator/study/transformer';
import { Prng } from '../../generator/util/prng';

const FP32 = new GemmCtx({ format: 'fp32', block: '1x32', scaleMode: 'floor', classes: ['fwd', 'dgrad', 'wgrad'] }, false);

/** Worst relative error of the analytic gradient at a few coordinates of every parameter (central differences, h = 1e-2). */
function gradCheck(ps: Param[], loss: () => number, backward: () => void): number {
  zeroGrads(ps);
  backward();
  let worst = 0;
  for (const p of ps) {
    for (const i of [0, Math.floor(p.w.length / 3), p.w.length - 1]) {
      const w0 = p.w[i];
      const h = 1e-2;
      p.w[i] = w0 + h;
      const lp = loss();
      p.w[i] = w0 - h;
      const lm = loss();
      p.w[i] = w0;
      const num = (lp - lm) / (2 * h);
      const rel = Math.abs(num - p.g[i]) / Math.max(1e-3, Math.abs(num) + Math.abs(p.g[i]));
      worst = Math.max(worst, rel);
    }
  }
  return worst;
}

describe('backward passes match finite differences (FP32 GEMMs)', () => {
  it('char transformer: embeddings, LayerNorm, causal attention, GELU MLP, head', () => {
    const T = transformerInternals;
    const z = { d: 16, layers: 2, heads: 4, ctx: 8, batch: 2, steps: 1, lr: 1e-3, warmup: 1, evalSeqs: 2, logEvery: 1, statsEvery: 1 };
    const V = 11;
    const m = T.initModel(z, V, 5);
    const ids = new Uint8Array(16).map((_, i) => (i * 7) % V);
    const tgt = new Uint8Array(16).map((_, i) => (i * 3 + 1) % V);
    const loss = () => softmaxXent(T.forward(m, z, V, ids, 2, FP32).logits, 16, V, tgt).loss;
    const worst = gradCheck(m.all, loss, () => {
      const f = T.forward(m, z, V, ids, 2, FP32);
      T.backward(m, z, V, ids, 2, FP32, f, softmaxXent(f.logits, 16, V, tgt).grad);
    });
    expect(worst).toBeLessThan(0.05);
  });

  it('student-teacher residual MLP with LayerNorm (MSE)', () => {
    const S = studentTeacherInternals;
    const z = { d: 8, blocks: 2, teacherLayers: 2, batch: 4, steps: 1, lr: 1e-3, warmup: 1, noise: 0, evalN: 4, logEvery: 1, statsEvery: 1 };
    const { blocks, all } = S.initStudent(z, 3);
    const rng = new Prng(4);
    const x = Float32Array.from({ length: 4 * 8 }, () => rng.normal());
    const t = Float32Array.from({ length: 4 * 8 }, () => rng.normal());
    const loss = () => S.mse(S.forward(blocks, z, x, 4, FP32).y, t).loss;
    const worst = gradCheck(all, loss, () => {
      const f = S.forward(blocks, z, x, 4, FP32);
      S.backward(blocks, z, 4, FP32, f.caches, S.mse(f.y, t).grad);
    });
    expect(worst).toBeLessThan(0.05);
  });

  it('deep MLP (ReLU, softmax cross-entropy)', () => {
    const M = mlpInternals;
    const sizes = [6, 5, 5, 5, 3];
    const ps = M.initMlp(sizes, 2);
    const rng = new Prng(8);
    const x = Float32Array.from({ length: 4 * 6 }, () => rng.normal());
    const y = Uint8Array.from([0, 1, 2, 1]);
    const loss = () => softmaxXent(M.forward(ps, sizes, x, 4, FP32).z[3], 4, 3, y).loss;
    const worst = gradCheck(ps, loss, () => {
      const f = M.forward(ps, sizes, x, 4, FP32);
      M.backward(ps, sizes, 4, FP32, f, softmaxXent(f.z[3], 4, 3, y).grad);
    });
    expect(worst).toBeLessThan(0.05);
  });
});

describe('GEMM context', () => {
  const rng = new Prng(31);
  const a = Float32Array.from({ length: 5 * 40 }, () => rng.normal() * 2 ** (rng.int(20) - 10));
  const b = Float32Array.from({ length: 40 * 3 }, () => rng.normal());
  const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));
  it('computes a quantized class with the golden MX GEMM and an ablated class in FP32', () => {
    const ctx = new GemmCtx({ format: 'mxsf', block: '8x8', scaleMode: 'rceil', classes: ['wgrad'] }, true);
    const A = makeMatrix(5, 40, new Uint32Array(a.buffer));
    const B = makeMatrix(40, 3, new Uint32Array(b.buffer));
    expect(bits(ctx.mm('wgrad', 'x', 'y', a, 5, 40, b, 3))).toEqual(Array.from(gemm(A, B, { formatA: 'mxsf', blockA: { rows: 8, cols: 8 }, blockB: { rows: 8, cols: 8 }, scaleMode: 'rceil' }).bits));
    expect(bits(ctx.mm('fwd', 'x', 'y', a, 5, 40, b, 3))).toEqual(Array.from(gemmFp32(A, B).bits));
    expect(ctx.macs).toBe(2 * 5 * 40 * 3);
  });

  it('counts flushed values: E2M5 flushes 2^-9 next to 4 in a 1x32 block, MXSF keeps it', () => {
    const x = new Float32Array(32);
    x[0] = 4;
    x[1] = 2 ** -9;
    x[2] = 0; // zeros are not counted
    const one = new Float32Array(32).fill(1);
    const shares: number[] = [];
    for (const format of ['mxfp8-e2m5', 'mxsf'] as const) {
      const ctx = new GemmCtx({ format, block: '1x32', scaleMode: 'floor', classes: ['fwd', 'dgrad', 'wgrad'] }, true);
      ctx.stats!.step = 1;
      ctx.stats!.active = true;
      ctx.mm('fwd', 'x', 'ones', x, 1, 32, one, 1);
      const r = ctx.stats!.result();
      shares.push(r['fwd:x'].flush[0]);
      expect(r['fwd:x'].steps).toEqual([1]);
      expect(r['fwd:ones'].flush[0]).toBe(0);
      // scale of amax 4 with emax_elem 2: 2^0, code 127
      expect(r['fwd:x'].scaleHist).toEqual({ 127: 1 });
    }
    expect(shares).toEqual([0.5, 0]);
  });
});

describe('Brown corpus', () => {
  it('detokenizes tagged text and encodes it into the fixed vocabulary', () => {
    expect(detokenize("The/at jury/nn said/vbd ``/`` no/at ''/'' ./. It/pps was/bedz n't/* ./.")).toBe('The jury said " no ". It wasn\'t.');
    expect(Array.from(encode('ab  c~'))).toEqual([1, 2, 0, 3]);
    expect(VOCAB.length).toBe(48);
  });

  it('ships the whole corpus in the package, split by file', () => {
    const c = loadBrown();
    expect(c.train.length).toBeGreaterThan(4_000_000);
    expect(c.valid.length).toBeGreaterThan(400_000);
    expect(Math.max(...c.valid.subarray(0, 10000))).toBeLessThan(VOCAB.length);
  });
});

describe('Welch t-test', () => {
  it('matches known values', () => {
    // Student t: two-sided p for t = 2.776445, df = 4 is 0.05; t = 1, df = 1 is 0.5
    expect(studentTwoSidedP(2.776445, 4)).toBeCloseTo(0.05, 5);
    expect(studentTwoSidedP(1, 1)).toBeCloseTo(0.5, 10);
    expect(regIncBeta(0.5, 2, 2)).toBeCloseTo(0.5, 12);
    // a = [1,2,3], b = [4,5,6]: t = -3.674235, df = 4, p = 0.021312
    const w = welch([1, 2, 3], [4, 5, 6])!;
    expect(w.t).toBeCloseTo(-3.674235, 5);
    expect(w.df).toBeCloseTo(4, 10);
    expect(w.p).toBeCloseTo(0.021312, 5);
    expect(welch([1], [2, 3])).toBeNull();
  });
});
