// What every workload of the study provides: train one run under a GEMM policy, and evaluate given parameters
// under a policy (direct-cast inference of the FP32-trained model). Results are plain data (they cross
// worker threads) and a pure function of the run spec and the settings.

import type { ScaleMode } from '../golden/index';
import type { BlockName, GemmClass, Param, StudyFormat, TensorStats } from './nn';

export type WorkloadName = 'char-transformer' | 'deep-mlp' | 'student-teacher' | 'mnist-mlp';

export interface RunSpec {
  readonly workload: WorkloadName;
  readonly format: StudyFormat;
  readonly block: BlockName;
  readonly scaleMode: ScaleMode;
  /** GEMM classes in the format (all three, except in the one-class-at-a-time ablation) */
  readonly classes: readonly GemmClass[];
  /** seed replica: 0, 1, 2, ... (initialisation and data order are derived from it) */
  readonly replica: number;
}

export interface Curve {
  readonly step: number[];
  readonly loss: number[];
}

export interface RunOutcome {
  /** the workload's metrics (e.g. valLoss, valAcc); null when not finite */
  readonly metrics: Record<string, number | null>;
  /** training loss, mean over logEvery steps */
  readonly curve: Curve;
  readonly steps: number;
  /** first step with a non-finite loss or parameter, or null */
  readonly divergedAt: number | null;
  /** steps whose loss exceeded spikeFactor x the running mean (after the warm-up) */
  readonly spikes: number;
  /** per operand tag (class:role), sampled over training; null for fp32/bf16 */
  readonly stats: Record<string, TensorStats> | null;
  readonly macs: number;
  /** trained parameters (only the fp32 replica-0 run returns them, for direct cast) */
  readonly params?: Param[];
}

export interface MetricInfo {
  /** the metric the summary compares (e.g. 'valAcc') */
  readonly key: string;
  readonly label: string;
  readonly higherIsBetter: boolean;
  /** 'pp' for accuracies (reported x100), else the metric's own unit */
  readonly unit: string;
  /** how to show a difference: accuracies in percentage points, losses as they are */
  readonly scale: number;
}

export interface TrainHooks {
  readonly progress: (msg: string) => void;
}

/** Spike counter: a loss above factor x the exponential running mean (after `warmup` steps). */
export class SpikeCounter {
  private ema = NaN;
  count = 0;
  constructor(private readonly warmup: number, private readonly factor = 2, private readonly decay = 0.95) {}
  push(step: number, loss: number): void {
    if (!Number.isFinite(loss)) return;
    if (Number.isFinite(this.ema) && step > this.warmup && loss > this.factor * this.ema) this.count++;
    this.ema = Number.isFinite(this.ema) ? this.decay * this.ema + (1 - this.decay) * loss : loss;
  }
}

/** Mean-over-interval loss curve. */
export class CurveRecorder {
  readonly step: number[] = [];
  readonly loss: number[] = [];
  private acc = 0;
  private n = 0;
  constructor(private readonly every: number) {}
  push(step: number, loss: number): void {
    this.acc += loss;
    this.n++;
    if (step % this.every === 0) this.flush(step);
  }
  flush(step: number): void {
    if (this.n === 0) return;
    this.step.push(step);
    this.loss.push(Number((this.acc / this.n).toPrecision(6)));
    this.acc = 0;
    this.n = 0;
  }
  curve(): Curve {
    return { step: this.step, loss: this.loss };
  }
}

export const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? Number(x.toPrecision(7)) : null);
