// Study settings: the full study and --quick (CI), both training every format on every workload. The MNIST
// MLP part (the study's original sections: SQNR, direct cast, training per format) is sized here; the
// workloads' protocol and sizes are in protocol.ts. Every number that shapes a result is written into
// reports/study.json; the measured wall times are in reports/study.md and the README.

import type { BlockScheme, StudyFormat, TrainSettings } from './mlp';
import { LAYERS } from './mlp';
import { protocol, type Protocol } from './protocol';

export interface StudySettings extends TrainSettings {
  readonly mode: 'full' | 'quick' | 'custom';
  readonly seed: number;
  readonly layers: readonly number[];
  /** training digits used (a seeded subset of the fixed train split); null = the whole split */
  readonly trainSize: number | null;
  /** test digits used (a seeded subset of the fixed test split); null = the whole split */
  readonly testSize: number | null;
  readonly evalBatch: number;
  /** formats trained end to end (every GEMM of forward and backward in the format) */
  readonly trainFormats: readonly StudyFormat[];
  /** formats for direct-cast inference of the trained FP32 model */
  readonly inferenceFormats: readonly StudyFormat[];
  /** formats of the quantization-error study */
  readonly sqnrFormats: readonly StudyFormat[];
  readonly schemes: readonly BlockScheme[];
  /** extra FP32 trainings from other seeds (init and data order), to size the seed-to-seed noise */
  readonly seedReplicas: number;
  readonly sqnr: { readonly rows: number; readonly cols: number; readonly activationDigits: number };
  /** the workload study (char-transformer, student-teacher, deep-mlp, mnist-mlp): runs and sizes */
  readonly protocol: Protocol;
}

export const TRAIN_FORMATS: readonly StudyFormat[] = ['fp32', 'bf16', 'mxfp8-e4m3', 'mxfp8-e5m2', 'mxfp8-e2m5', 'mxint8', 'mxsf'];
export const CAST_FORMATS: readonly StudyFormat[] = [...TRAIN_FORMATS, 'mxfp6-e3m2', 'mxfp4-e2m1'];

export const DEFAULT_SEED = 1;

export function studySettings(mode: 'full' | 'quick', seed: number, overrides: Partial<StudySettings> = {}): StudySettings {
  const base: StudySettings = {
    mode,
    seed,
    layers: LAYERS,
    trainSize: mode === 'full' ? null : 640,
    testSize: mode === 'full' ? null : 500,
    evalBatch: 500,
    epochs: 1,
    batch: 64,
    lr: 0.05,
    momentum: 0.9,
    logEvery: mode === 'full' ? 25 : 5,
    trainFormats: TRAIN_FORMATS,
    inferenceFormats: CAST_FORMATS,
    sqnrFormats: CAST_FORMATS,
    schemes: ['1x32', '8x8'],
    seedReplicas: mode === 'full' ? 3 : 0,
    sqnr: mode === 'full' ? { rows: 256, cols: 256, activationDigits: 256 } : { rows: 128, cols: 128, activationDigits: 64 },
    protocol: protocol(mode),
  };
  const s = { ...base, ...overrides };
  return Object.keys(overrides).length ? { ...s, mode: 'custom' } : s;
}
