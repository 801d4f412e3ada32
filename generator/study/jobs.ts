// The study's independent units of work. A job is a pure function of (job, settings): it derives its own
// seeds from the settings, so results do not depend on which worker runs it or when.

import { loadMnist, sampleSynthetic, seededSubset, type SyntheticName, type MnistSplit, type Dataset } from './data';
import { evaluate, gemmFor, initParams, layerInputs, train, transpose, type BlockScheme, type Params, type StudyFormat } from './mlp';
import { deriveSeed } from '../util/prng';
import { errorStats, quantizationStats, roundTrip, type ErrorStats } from './sqnr';
import type { StudySettings } from './settings';
import { castMlp, trainMlp } from './mlp-workload';
import { isBaseline, type GemmPolicy, type Param } from './nn';
import { runKey, type RunGroup } from './protocol';
import { castStudentTeacher, trainStudentTeacher } from './student-teacher';
import { castTransformer, trainTransformer } from './transformer';
import type { RunOutcome, RunSpec, WorkloadName } from './workload';

export type Job =
  | { readonly kind: 'wl-train'; readonly group: RunGroup; readonly spec: RunSpec }
  | { readonly kind: 'wl-cast'; readonly workload: WorkloadName; readonly format: StudyFormat; readonly params: Param[] }
  | { readonly kind: 'train'; readonly format: StudyFormat; readonly scheme: BlockScheme; readonly replica: number }
  | { readonly kind: 'infer'; readonly format: StudyFormat; readonly params: Params }
  | { readonly kind: 'sqnr-synthetic'; readonly dist: SyntheticName }
  | { readonly kind: 'sqnr-model'; readonly params: Params; readonly grads: Float32Array[] };

export interface TrainJobResult {
  readonly kind: 'train';
  readonly accuracy: number;
  /** per test digit: 1 when correct (not written to the JSON; used for paired significance) */
  readonly correct: Uint8Array;
  readonly finalLoss: number | null;
  readonly steps: number;
  readonly divergedAt: number | null;
  readonly curve: { step: number; loss: number }[];
  /** the trained parameters and last gradients (fp32 replica 0 only: they feed inference and SQNR) */
  readonly params?: Params;
  readonly grads?: Float32Array[];
}

export interface InferJobResult {
  readonly kind: 'infer';
  /** accuracy per block scheme (fp32 and bf16: the one value under both keys) */
  readonly accuracy: Record<BlockScheme, number>;
  readonly correct: Record<BlockScheme, Uint8Array>;
}

/** tensor name -> format -> scheme -> stats */
export type SqnrTable = Record<string, Record<string, Record<BlockScheme, ErrorStats>>>;

export interface SqnrJobResult {
  readonly kind: 'sqnr';
  readonly table: SqnrTable;
  /** tensor name -> shape text */
  readonly shapes: Record<string, string>;
}

export interface WlTrainResult {
  readonly kind: 'wl-train';
  readonly group: RunGroup;
  readonly spec: RunSpec;
  readonly outcome: RunOutcome;
}

/** Direct cast of one format: block -> scale mode -> metrics (fp32/bf16: under '-' / '-'). */
export interface WlCastResult {
  readonly kind: 'wl-cast';
  readonly workload: WorkloadName;
  readonly format: StudyFormat;
  readonly metrics: Record<string, Record<string, Record<string, number | null>>>;
}

export type JobResult = TrainJobResult | InferJobResult | SqnrJobResult | WlTrainResult | WlCastResult;

export function jobKey(job: Job): string {
  switch (job.kind) {
    case 'wl-train':
      return `wl/${job.spec.workload}/train/${runKey(job.spec)}`;
    case 'wl-cast':
      return `wl/${job.workload}/cast/${job.format}`;
    case 'train':
      return `train/${job.format}${job.format === 'fp32' || job.format === 'bf16' ? '' : '/' + job.scheme}${job.replica ? '/seed+' + job.replica : ''}`;
    case 'infer':
      return `infer/${job.format}`;
    case 'sqnr-synthetic':
      return `sqnr/${job.dist}`;
    case 'sqnr-model':
      return 'sqnr/model';
  }
}

/** The data a run sees: the fixed split, the training subset and the test subset of the settings. */
export function studyData(s: StudySettings): { train: Dataset; test: Dataset; split: MnistSplit } {
  const split = loadMnist();
  const train = seededSubset(split.train, s.trainSize ?? split.train.n, deriveSeed(s.seed, 'train-subset'));
  const test = seededSubset(split.test, s.testSize ?? split.test.n, deriveSeed(s.seed, 'test-subset'));
  return { train, test, split };
}

export function runJob(job: Job, s: StudySettings, progress: (msg: string) => void): JobResult {
  switch (job.kind) {
    case 'wl-train':
      return { kind: 'wl-train', group: job.group, spec: job.spec, outcome: trainWorkload(job.spec, s, progress) };
    case 'wl-cast':
      return { kind: 'wl-cast', workload: job.workload, format: job.format, metrics: castWorkload(job.workload, job.format, job.params, s) };
    case 'train':
      return runTrain(job, s, progress);
    case 'infer': {
      const { test } = studyData(s);
      const acc = {} as Record<BlockScheme, number>;
      const correct = {} as Record<BlockScheme, Uint8Array>;
      for (const scheme of s.schemes) {
        const e = evaluate(job.params, test, gemmFor(job.format, scheme), s.evalBatch);
        acc[scheme] = e.accuracy;
        correct[scheme] = e.correct;
      }
      return { kind: 'infer', accuracy: acc, correct };
    }
    case 'sqnr-synthetic': {
      const { rows, cols } = s.sqnr;
      const x = sampleSynthetic(job.dist, rows * cols, deriveSeed(s.seed, `sqnr/${job.dist}`));
      return { kind: 'sqnr', table: { [job.dist]: statsFor(x, rows, cols, s) }, shapes: { [job.dist]: `${rows}x${cols}` } };
    }
    case 'sqnr-model':
      return runModelSqnr(job.params, job.grads, s);
  }
}

function statsFor(x: Float32Array, rows: number, cols: number, s: StudySettings): Record<string, Record<BlockScheme, ErrorStats>> {
  const out: Record<string, Record<BlockScheme, ErrorStats>> = {};
  for (const f of s.sqnrFormats) {
    const row = {} as Record<BlockScheme, ErrorStats>;
    for (const scheme of s.schemes) row[scheme] = quantizationStats(x, rows, cols, f, scheme);
    out[f] = row;
  }
  return out;
}

function runTrain(job: Extract<Job, { kind: 'train' }>, s: StudySettings, progress: (msg: string) => void): TrainJobResult {
  const { train: data, test } = studyData(s);
  const rep = job.replica ? `/${job.replica}` : '';
  const init = initParams(deriveSeed(s.seed, `init${rep}`), s.layers);
  const mm = gemmFor(job.format, job.scheme);
  const t0 = Date.now();
  const r = train(init, data, mm, s, deriveSeed(s.seed, `shuffle${rep}`), (p) => {
    const el = ((Date.now() - t0) / 1000).toFixed(1);
    progress(`epoch ${p.epoch}/${p.epochs}  train loss ${Number.isFinite(p.loss) ? p.loss.toFixed(4) : String(p.loss)}  (${el} s)`);
  });
  if (r.divergedAt !== null) progress(`loss not finite at step ${r.divergedAt}: stopped (diverged)`);
  const { accuracy, correct } = evaluate(r.params, test, mm, s.evalBatch);
  const last = r.curve.length ? r.curve[r.curve.length - 1].loss : null;
  const keep = job.format === 'fp32' && job.replica === 0;
  return {
    kind: 'train',
    accuracy,
    correct,
    finalLoss: last,
    steps: r.steps,
    divergedAt: r.divergedAt,
    curve: r.curve,
    ...(keep ? { params: r.params, grads: r.lastGrads } : {}),
  };
}

interface Part {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

/**
 * Quantization error on the trained FP32 model's tensors, laid out with the GEMM's reduction axis K along
 * rows (so 1x32 blocks are the OCP blocks of the forward product): weights W_l^T (out x in), the
 * activations entering each layer on the first test digits (digits x in), and the output gradients dZ_l of
 * the last training step (batch x out; K of dY*W^T). The layers of a tensor kind are pooled.
 */
function runModelSqnr(params: Params, grads: Float32Array[], s: StudySettings): SqnrJobResult {
  const { test } = studyData(s);
  const sizes = params.sizes;
  const weights: Part[] = params.w.map((w, l) => ({ rows: sizes[l + 1], cols: sizes[l], data: transpose(sizes[l], sizes[l + 1], w) }));
  const n = Math.min(s.sqnr.activationDigits, test.n);
  const acts: Part[] = layerInputs(params, test, n).map((a, l) => ({ rows: n, cols: sizes[l], data: a }));
  const batch = grads.length ? grads[0].length / sizes[1] : 0;
  const gr: Part[] = grads.map((g, l) => ({ rows: batch, cols: sizes[l + 1], data: g }));
  const table: SqnrTable = {};
  const shapes: Record<string, string> = {};
  const add = (name: string, parts: Part[]) => {
    if (!parts.length) return;
    table[name] = pooledStats(parts, s);
    shapes[name] = parts.map((p) => `${p.rows}x${p.cols}`).join(' + ');
  };
  add('model-weights', weights);
  add('model-activations', acts);
  add('model-gradients', gr);
  return { kind: 'sqnr', table, shapes };
}

/** Each part quantized on its own; signal and noise energies summed and maxima taken over all parts. */
function pooledStats(parts: Part[], s: StudySettings): Record<string, Record<BlockScheme, ErrorStats>> {
  const total = parts.reduce((a, p) => a + p.data.length, 0);
  const xs = new Float32Array(total);
  let o = 0;
  for (const p of parts) {
    xs.set(p.data, o);
    o += p.data.length;
  }
  const out: Record<string, Record<BlockScheme, ErrorStats>> = {};
  for (const f of s.sqnrFormats) {
    const row = {} as Record<BlockScheme, ErrorStats>;
    for (const scheme of s.schemes) {
      const qs = new Float32Array(total);
      let off = 0;
      for (const p of parts) {
        qs.set(roundTrip(p.data, p.rows, p.cols, f, scheme), off);
        off += p.data.length;
      }
      row[scheme] = errorStats(xs, qs);
    }
    out[f] = row;
  }
  return out;
}

function trainWorkload(spec: RunSpec, s: StudySettings, progress: (msg: string) => void): RunOutcome {
  const z = s.protocol.sizes;
  const hooks = { progress };
  switch (spec.workload) {
    case 'char-transformer':
      return trainTransformer(spec, z['char-transformer'], s.seed, hooks);
    case 'student-teacher':
      return trainStudentTeacher(spec, z['student-teacher'], s.seed, hooks);
    case 'deep-mlp':
      return trainMlp(spec, z['deep-mlp'], s.seed, hooks);
    case 'mnist-mlp':
      return trainMlp(spec, z['mnist-mlp'], s.seed, hooks);
  }
}

/** Direct cast of the FP32-trained parameters: every forward GEMM in `format`, for each block and scale mode. */
function castWorkload(w: WorkloadName, format: StudyFormat, params: Param[], s: StudySettings): WlCastResult['metrics'] {
  const p = s.protocol;
  const z = p.sizes;
  const one = (policy: GemmPolicy) => {
    switch (w) {
      case 'char-transformer':
        return castTransformer(params, policy, z['char-transformer']);
      case 'student-teacher':
        return castStudentTeacher(params, policy, z['student-teacher'], s.seed);
      case 'deep-mlp':
        return castMlp(params, policy, z['deep-mlp'], s.seed);
      case 'mnist-mlp':
        return castMlp(params, policy, z['mnist-mlp'], s.seed);
    }
  };
  const out: WlCastResult['metrics'] = {};
  const classes = ['fwd', 'dgrad', 'wgrad'] as const;
  if (isBaseline(format)) {
    out['-'] = { '-': one({ format, block: '1x32', scaleMode: 'floor', classes }) };
    return out;
  }
  for (const block of p.castBlocks) {
    out[block] = {};
    for (const scaleMode of p.castModes) out[block][scaleMode] = one({ format, block, scaleMode, classes });
  }
  return out;
}
