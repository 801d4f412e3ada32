// The ONE file of the physical flow that depends on the study code (generator/study/*, read-only): a short
// seeded FP32 MNIST training of the study's MLP (784-256-128-10), and from it the operands of its GEMMs as
// FP32 matrices: forward X*W (activations x trained weights) and backward dZ*W^T, H^T*dZ (the last step's
// gradients). If the study's API changes, only this file needs adapting.

import { loadMnist, seededSubset } from '../study/data';
import { gemmFp32 } from '../study/fp32-gemm';
import { initParams, layerInputs, train, transpose, LAYERS } from '../study/mlp';

/** A row-major FP32 matrix. */
export interface F32Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

/** C = A * B operands of one GEMM of the training step. */
export interface GemmOperands {
  readonly label: string;
  readonly a: F32Matrix;
  readonly b: F32Matrix;
}

export interface MlpCapture {
  readonly forward: readonly GemmOperands[];
  readonly backward: readonly GemmOperands[];
  /** how the operands were produced, for the reports */
  readonly description: string;
}

export interface MlpCaptureOptions {
  readonly seed?: number;
  /** training digits (a seeded subset of the study's fixed train split) */
  readonly trainDigits?: number;
  readonly epochs?: number;
  readonly batch?: number;
  /** digits whose activations are captured */
  readonly activationDigits?: number;
}

const cache = new Map<string, MlpCapture>();

export function captureMlp(o: MlpCaptureOptions = {}): MlpCapture {
  const seed = o.seed ?? 1;
  const trainDigits = o.trainDigits ?? 2000;
  const epochs = o.epochs ?? 1;
  const batch = o.batch ?? 64;
  const actN = o.activationDigits ?? 64;
  const key = JSON.stringify([seed, trainDigits, epochs, batch, actN]);
  const hit = cache.get(key);
  if (hit) return hit;
  const split = loadMnist();
  const data = seededSubset(split.train, trainDigits, seed);
  const init = initParams(seed, LAYERS);
  const r = train(init, data, gemmFp32, { epochs, batch, lr: 0.05, momentum: 0.9, logEvery: 1000 }, seed + 1);
  const p = r.params;
  const h = layerInputs(p, split.test, actN); // X, H1, H2 of actN test digits
  const forward: GemmOperands[] = [];
  const backward: GemmOperands[] = [];
  const L = p.w.length;
  for (let l = 0; l < L; l++) {
    const nIn = p.sizes[l]!;
    const nOut = p.sizes[l + 1]!;
    forward.push({ label: `H${l} * W${l}`, a: { rows: actN, cols: nIn, data: h[l]! }, b: { rows: nIn, cols: nOut, data: p.w[l]! } });
    const dz = r.lastGrads[l];
    if (!dz) continue;
    const B = dz.length / nOut;
    // dH = dZ * W^T  (B x nOut) * (nOut x nIn); dW = H^T * dZ  (nIn x B) * (B x nOut)
    backward.push({ label: `dZ${l} * W${l}^T`, a: { rows: B, cols: nOut, data: dz }, b: { rows: nOut, cols: nIn, data: transpose(nIn, nOut, p.w[l]!) } });
    const hl = h[l]!.subarray(0, Math.min(actN, B) * nIn);
    const rows = Math.min(actN, B);
    backward.push({ label: `H${l}^T * dZ${l}`, a: { rows: nIn, cols: rows, data: transpose(rows, nIn, hl) }, b: { rows, cols: nOut, data: dz.subarray(0, rows * nOut) } });
  }
  const c: MlpCapture = {
    forward,
    backward,
    description:
      `the study's MLP ${LAYERS.join('-')} trained in FP32 for ${epochs} epoch(s) on ${trainDigits} MNIST digits (seed ${seed}, batch ${batch}, ` +
      `SGD lr 0.05 momentum 0.9, ${r.steps} steps): forward operands = activations of ${actN} test digits x trained weights; ` +
      `backward operands = the last step's output gradients dZ with W^T and with the layer inputs H^T`,
  };
  cache.set(key, c);
  return c;
}
