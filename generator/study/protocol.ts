// The protocol of the workload study: which runs each workload gets (formats x blocks x scale modes x seeds,
// the one-class-at-a-time ablation, direct-cast inference) and the size of every workload in the full and the
// quick study. Every number that shapes a result lives here and is written into reports/study.json.

import type { ScaleMode } from '../golden/index';
import type { MlpSize } from './mlp-workload';
import { GEMM_CLASSES, type BlockName, type GemmClass, type StudyFormat } from './nn';
import type { StudentTeacherSize } from './student-teacher';
import type { TransformerSize } from './transformer';
import type { RunSpec, WorkloadName } from './workload';

export const WORKLOADS: readonly WorkloadName[] = ['char-transformer', 'student-teacher', 'deep-mlp', 'mnist-mlp'];

export interface WorkloadSizes {
  readonly 'char-transformer': TransformerSize;
  readonly 'student-teacher': StudentTeacherSize;
  readonly 'deep-mlp': MlpSize;
  readonly 'mnist-mlp': MlpSize;
}

export interface Protocol {
  readonly workloads: readonly WorkloadName[];
  readonly sizes: WorkloadSizes;
  /** seed replicas of the main grid for `replicatedFormats`; the other main formats get one seed */
  readonly seeds: number;
  readonly replicatedFormats: readonly StudyFormat[];
  /** main grid: every format x block, floor scales, all GEMM classes, `seeds` seeds (fp32/bf16: no blocks) */
  readonly mainFormats: readonly StudyFormat[];
  readonly mainBlocks: readonly BlockName[];
  /** the formats of the paper-style comparison: extra block shapes, rceil scales and the ablation */
  readonly focusFormats: readonly StudyFormat[];
  readonly extraBlocks: readonly BlockName[];
  readonly rceilBlocks: readonly BlockName[];
  readonly ablationBlock: BlockName;
  /** seeds of the extra-block, rceil and ablation runs */
  readonly extraSeeds: number;
  /** workloads that get the extra-block and rceil runs (mnist-mlp is the control: main grid only) */
  readonly protocolWorkloads: readonly WorkloadName[];
  /** workloads that also get the one-GEMM-class ablation */
  readonly ablationWorkloads: readonly WorkloadName[];
  /** direct-cast inference of the FP32-trained model (replica 0) */
  readonly castFormats: readonly StudyFormat[];
  readonly castBlocks: readonly BlockName[];
  readonly castModes: readonly ScaleMode[];
}

const MAIN: readonly StudyFormat[] = ['fp32', 'bf16', 'mxsf', 'mxfp8-e2m5', 'mxfp8-e4m3', 'mxfp8-e5m2', 'mxint8'];
const FOCUS: readonly StudyFormat[] = ['mxsf', 'mxfp8-e2m5', 'mxfp8-e4m3'];
const CAST: readonly StudyFormat[] = [...MAIN, 'mxfp6-e3m2', 'mxfp6-e2m3', 'mxfp4-e2m1'];

const DEEP_LAYERS = [784, 128, 128, 128, 128, 128, 128, 128, 10];
const MNIST_LAYERS = [784, 256, 128, 10];

export function protocol(mode: 'full' | 'quick'): Protocol {
  const full = mode === 'full';
  return {
    workloads: WORKLOADS,
    sizes: {
      'char-transformer': full
        ? { d: 64, layers: 2, heads: 4, ctx: 64, batch: 4, steps: 100, lr: 3e-3, warmup: 10, evalSeqs: 32, logEvery: 5, statsEvery: 10 }
        : { d: 64, layers: 2, heads: 4, ctx: 64, batch: 2, steps: 4, lr: 3e-3, warmup: 2, evalSeqs: 4, logEvery: 2, statsEvery: 2 },
      'student-teacher': full
        ? { d: 64, blocks: 4, teacherLayers: 4, batch: 32, steps: 120, lr: 1e-2, warmup: 12, noise: 0.005, evalN: 512, logEvery: 6, statsEvery: 12 }
        : { d: 64, blocks: 4, teacherLayers: 4, batch: 32, steps: 6, lr: 1e-2, warmup: 2, noise: 0.005, evalN: 128, logEvery: 2, statsEvery: 2 },
      'deep-mlp': full
        ? { layers: DEEP_LAYERS, batch: 64, epochs: 1, lr: 0.02, momentum: 0.9, trainSize: null, testSize: null, logEvery: 5, statsEvery: 12 }
        : { layers: DEEP_LAYERS, batch: 32, epochs: 1, lr: 0.02, momentum: 0.9, trainSize: 192, testSize: 200, logEvery: 2, statsEvery: 2 },
      'mnist-mlp': full
        ? { layers: MNIST_LAYERS, batch: 64, epochs: 1, lr: 0.05, momentum: 0.9, trainSize: null, testSize: null, logEvery: 5, statsEvery: 12 }
        : { layers: MNIST_LAYERS, batch: 32, epochs: 1, lr: 0.05, momentum: 0.9, trainSize: 192, testSize: 200, logEvery: 2, statsEvery: 2 },
    },
    seeds: full ? 3 : 1,
    replicatedFormats: ['fp32', ...FOCUS],
    mainFormats: MAIN,
    mainBlocks: ['1x32', '8x8'],
    focusFormats: FOCUS,
    extraBlocks: full ? ['16x16', '32x32'] : ['16x16'],
    rceilBlocks: ['1x32'],
    ablationBlock: '1x32',
    extraSeeds: 1,
    protocolWorkloads: ['char-transformer', 'student-teacher', 'deep-mlp'],
    ablationWorkloads: ['char-transformer', 'student-teacher'],
    castFormats: CAST,
    castBlocks: full ? ['1x32', '8x8', '32x32'] : ['1x32', '8x8'],
    castModes: full ? ['floor', 'rceil'] : ['floor'],
  };
}

/** The group a run belongs to in the report. */
export type RunGroup = 'main' | 'blocks' | 'rceil' | 'ablation';

export interface PlannedRun {
  readonly group: RunGroup;
  readonly spec: RunSpec;
}

export function runKey(s: RunSpec): string {
  const cls = s.classes.length === GEMM_CLASSES.length ? 'all' : s.classes.join('+');
  const blk = s.format === 'fp32' || s.format === 'bf16' ? 'none' : s.block;
  return `${s.format}/${blk}/${s.scaleMode}/${cls}/seed${s.replica}`;
}

/** Every training run of one workload, main grid first. */
export function plannedRuns(p: Protocol, w: WorkloadName, quick: boolean): PlannedRun[] {
  const out: PlannedRun[] = [];
  const all = GEMM_CLASSES;
  const spec = (format: StudyFormat, block: BlockName, scaleMode: ScaleMode, classes: readonly GemmClass[], replica: number): RunSpec =>
    ({ workload: w, format, block, scaleMode, classes, replica });
  for (let r = 0; r < p.seeds; r++) {
    for (const f of p.mainFormats) {
      if (r > 0 && !p.replicatedFormats.includes(f)) continue;
      if (f === 'fp32' || f === 'bf16') out.push({ group: 'main', spec: spec(f, '1x32', 'floor', all, r) });
      else for (const b of p.mainBlocks) out.push({ group: 'main', spec: spec(f, b, 'floor', all, r) });
    }
  }
  if (!p.protocolWorkloads.includes(w)) return out;
  // quick mode exercises each protocol branch once, on MXSF only
  const focus = quick ? p.focusFormats.slice(0, 1) : p.focusFormats;
  for (let r = 0; r < p.extraSeeds; r++) {
    for (const f of focus) {
      for (const b of p.extraBlocks) out.push({ group: 'blocks', spec: spec(f, b, 'floor', all, r) });
      for (const b of p.rceilBlocks) out.push({ group: 'rceil', spec: spec(f, b, 'rceil', all, r) });
      if (!p.ablationWorkloads.includes(w)) continue;
      for (const c of quick ? (['wgrad'] as GemmClass[]) : all) out.push({ group: 'ablation', spec: spec(f, p.ablationBlock, 'floor', [c], r) });
    }
  }
  return out;
}
