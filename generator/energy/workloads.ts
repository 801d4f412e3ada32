// Workloads of the energy model (issue: accelerator energy against BF16): lists of GEMMs with their shapes,
// orientations and the tensors they read and write, for one training step or one inference pass.
//  - mlp: the format study's MNIST MLP 784-256-128-10, batch 64 (generator/study/mlp.ts);
//  - transformer: one transformer block (d = 512, 8 heads, sequence 512, FFN 4d), the GEMMs of its projections,
//    attention and feed-forward layers.
// A GEMM is C[m x n] = op(A)[m x k] * op(B)[k x n]; `t` means the stored tensor is read transposed (a square
// tile layout serves it without re-quantization; a 1-D layout needs a second, re-quantized copy).

export type GemmClass = 'forward' | 'activation-gradient' | 'weight-gradient';

export interface TensorSpec {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  /** weights have FP32 master copies and optimizer state in training; activations/gradients are transient */
  readonly role: 'weight' | 'activation' | 'gradient';
}

export interface GemmSpec {
  readonly name: string;
  readonly cls: GemmClass;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** stored operand tensors and whether they are read transposed */
  readonly a: string;
  readonly opA: 'n' | 't';
  readonly b: string;
  readonly opB: 'n' | 't';
  /** the output is re-quantized on the drain into an MX tensor (the next GEMM's stored operand) */
  readonly out: string;
  readonly outQuantized: boolean;
}

export interface Workload {
  readonly name: string;
  readonly description: string;
  readonly tensors: readonly TensorSpec[];
  readonly gemms: readonly GemmSpec[];
  /** one SGD-momentum training step (FP32 master weights + momentum read and written) or inference */
  readonly training: boolean;
}

/** Forward and backward GEMMs of a chain of dense layers y = x W (batch rows), as the study trains them. */
function denseChain(name: string, description: string, batch: number, widths: readonly number[], training: boolean): Workload {
  const tensors: TensorSpec[] = [];
  const gemms: GemmSpec[] = [];
  const L = widths.length - 1;
  for (let l = 0; l < L; l++) {
    tensors.push({ name: `X${l}`, rows: batch, cols: widths[l]!, role: 'activation' });
    tensors.push({ name: `W${l}`, rows: widths[l]!, cols: widths[l + 1]!, role: 'weight' });
    gemms.push({ name: `Y${l} = X${l} W${l}`, cls: 'forward', m: batch, k: widths[l]!, n: widths[l + 1]!, a: `X${l}`, opA: 'n', b: `W${l}`, opB: 'n', out: l + 1 < L ? `X${l + 1}` : `Y${l}`, outQuantized: l + 1 < L });
  }
  tensors.push({ name: `Y${L - 1}`, rows: batch, cols: widths[L]!, role: 'activation' });
  if (training) {
    for (let l = L - 1; l >= 0; l--) {
      tensors.push({ name: `dY${l}`, rows: batch, cols: widths[l + 1]!, role: 'gradient' });
      if (l > 0) gemms.push({ name: `dX${l} = dY${l} W${l}^T`, cls: 'activation-gradient', m: batch, k: widths[l + 1]!, n: widths[l]!, a: `dY${l}`, opA: 'n', b: `W${l}`, opB: 't', out: `dY${l - 1}`, outQuantized: true });
      gemms.push({ name: `dW${l} = X${l}^T dY${l}`, cls: 'weight-gradient', m: widths[l]!, k: batch, n: widths[l + 1]!, a: `X${l}`, opA: 't', b: `dY${l}`, opB: 'n', out: `dW${l}`, outQuantized: false });
    }
  }
  return { name, description, tensors, gemms, training };
}

export const MLP_LAYERS = [784, 256, 128, 10] as const;
export const MLP_BATCH = 64;

export function mlpWorkload(training: boolean): Workload {
  return denseChain(
    training ? 'mlp-train' : 'mlp-infer',
    `MNIST MLP ${MLP_LAYERS.join('-')}, batch ${MLP_BATCH}: ${training ? 'one training step (forward, activation and weight gradients)' : 'one inference pass'}`,
    MLP_BATCH,
    MLP_LAYERS,
    training,
  );
}

export const TRANSFORMER = { d: 512, heads: 8, seq: 512, ffn: 2048 } as const;

/** One transformer block: QKV, per-head attention scores and values, output projection, FFN up and down. */
export function transformerWorkload(training: boolean): Workload {
  const { d, heads, seq, ffn } = TRANSFORMER;
  const dh = d / heads;
  const tensors: TensorSpec[] = [];
  const gemms: GemmSpec[] = [];
  const dense = (x: string, w: string, y: string, kIn: number, nOut: number, outQ: boolean): void => {
    tensors.push({ name: w, rows: kIn, cols: nOut, role: 'weight' });
    gemms.push({ name: `${y} = ${x} ${w}`, cls: 'forward', m: seq, k: kIn, n: nOut, a: x, opA: 'n', b: w, opB: 'n', out: y, outQuantized: outQ });
    if (training) {
      gemms.push({ name: `d${x} += d${y} ${w}^T`, cls: 'activation-gradient', m: seq, k: nOut, n: kIn, a: `d${y}`, opA: 'n', b: w, opB: 't', out: `d${x}`, outQuantized: true });
      gemms.push({ name: `d${w} = ${x}^T d${y}`, cls: 'weight-gradient', m: kIn, k: seq, n: nOut, a: x, opA: 't', b: `d${y}`, opB: 'n', out: `d${w}`, outQuantized: false });
    }
  };
  for (const t of ['X', 'QKV', 'A', 'O', 'H', 'Hg']) tensors.push({ name: t, rows: seq, cols: t === 'QKV' ? 3 * d : t === 'H' || t === 'Hg' ? ffn : d, role: 'activation' });
  dense('X', 'Wqkv', 'QKV', d, 3 * d, true);
  for (let h = 0; h < heads; h++) {
    // scores S = Q K^T (seq x seq), then P V (seq x dh); the softmax is not a GEMM
    gemms.push({ name: `S${h} = Q${h} K${h}^T`, cls: 'forward', m: seq, k: dh, n: seq, a: `Q${h}`, opA: 'n', b: `K${h}`, opB: 't', out: `P${h}`, outQuantized: true });
    gemms.push({ name: `A${h} = P${h} V${h}`, cls: 'forward', m: seq, k: seq, n: dh, a: `P${h}`, opA: 'n', b: `V${h}`, opB: 'n', out: `A${h}`, outQuantized: true });
    if (training) {
      gemms.push({ name: `dP${h} = dA${h} V${h}^T`, cls: 'activation-gradient', m: seq, k: dh, n: seq, a: `dA${h}`, opA: 'n', b: `V${h}`, opB: 't', out: `dP${h}`, outQuantized: true });
      gemms.push({ name: `dV${h} = P${h}^T dA${h}`, cls: 'weight-gradient', m: seq, k: seq, n: dh, a: `P${h}`, opA: 't', b: `dA${h}`, opB: 'n', out: `dV${h}`, outQuantized: true });
      gemms.push({ name: `dQ${h} = dS${h} K${h}`, cls: 'activation-gradient', m: seq, k: seq, n: dh, a: `dS${h}`, opA: 'n', b: `K${h}`, opB: 'n', out: `dQ${h}`, outQuantized: true });
      gemms.push({ name: `dK${h} = dS${h}^T Q${h}`, cls: 'weight-gradient', m: seq, k: seq, n: dh, a: `dS${h}`, opA: 't', b: `Q${h}`, opB: 'n', out: `dK${h}`, outQuantized: true });
    }
  }
  dense('A', 'Wo', 'O', d, d, true);
  dense('O', 'W1', 'H', d, ffn, true);
  dense('Hg', 'W2', 'Y', ffn, d, false);
  return {
    name: training ? 'transformer-train' : 'transformer-infer',
    description: `transformer block d=${d}, ${heads} heads, sequence ${seq}, FFN ${ffn}: ${training ? 'one training step' : 'one inference pass'}`,
    tensors,
    gemms,
    training,
  };
}

export function workloadNamed(name: string): Workload[] | undefined {
  if (name === 'mlp') return [mlpWorkload(true), mlpWorkload(false)];
  if (name === 'transformer') return [transformerWorkload(true), transformerWorkload(false)];
  return undefined;
}

/** Multiply-accumulates of a workload. */
export const workloadMacs = (w: Workload): number => w.gemms.reduce((s, g) => s + g.m * g.k * g.n, 0);
