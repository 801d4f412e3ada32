// Assembles reports/study.json from the job results (deterministic: no timings, keys in a fixed order),
// renders reports/study.md (tables, the paper-style summary) and the SVG plots.

import { studyData, type InferJobResult, type JobResult, type SqnrJobResult, type SqnrTable, type TrainJobResult } from './jobs';
import { SYNTHETIC, SYNTHETIC_TEXT } from './data';
import type { BlockScheme, StudyFormat } from './mlp';
import type { StudySettings } from './settings';
import { barChart, lineChart, type Series } from './svg';
import { buildWorkloadsJson, overviewMarkdown, overviewPlot, PAPER_CLAIMS, readingsMarkdown, workloadMarkdown, workloadPlots, ALPHA, type WorkloadJson } from './workload-report';

export const SCHEMA = 'mxgen-study/1';

/**
 * File-name prefix of a mode's outputs: study.json / study.md / study.*.svg for the full study,
 * study.quick.* for --quick (so CI and quick checks never overwrite the full report), study.custom.* otherwise.
 */
export function outputPrefix(mode: string): string {
  return mode === 'full' ? 'study' : `study.${mode}`;
}

/** The MX-SAFE paper's average accuracy gains of MXSF (percentage points), from its abstract. */
export const PAPER = {
  inference: { vsE2M5: 0.05, vsE4M3: 3.55 },
  training: { vsE2M5: 11.1, vsE4M3: 3.57 },
} as const;

export interface RunJson {
  readonly accuracy: number;
  readonly finalLoss: number | null;
  readonly steps: number;
  readonly divergedAt: number | null;
  readonly curve: { readonly step: number[]; readonly loss: number[] };
}

/** Paired comparison on the same test digits: n10 = MXSF right and the other wrong, n01 the reverse. */
export interface Paired {
  readonly n10: number;
  readonly n01: number;
  /** McNemar statistic (n10 - n01) / sqrt(n10 + n01) */
  readonly z: number;
  /** the accuracy difference (pp) at which |z| = 2 */
  readonly thresholdPp: number;
}

export function paired(a: Uint8Array | undefined, b: Uint8Array | undefined, n: number): Paired | null {
  if (!a || !b) return null;
  let n10 = 0;
  let n01 = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] && !b[i]) n10++;
    else if (!a[i] && b[i]) n01++;
  }
  const disc = n10 + n01;
  return { n10, n01, z: disc ? round((n10 - n01) / Math.sqrt(disc), 4) : 0, thresholdPp: round((100 * 2 * Math.sqrt(Math.max(1, disc))) / n, 4) };
}

export interface Verdict {
  readonly paper: number;
  /** measured MXSF minus the other format, percentage points (null when a run is missing) */
  readonly measured: number | null;
  /**
   * the difference that counts as measurable (pp): |McNemar z| = 2 on the paired test digits, and for
   * training at least 2*sqrt(2) times the FP32 seed-to-seed standard deviation (both divided by sqrt of
   * the number of block schemes averaged)
   */
  readonly threshold: number;
  readonly verdict: string;
  readonly paired: readonly Paired[];
}

export interface StudyJson {
  readonly schema: string;
  readonly seed: number;
  readonly mode: string;
  readonly settings: StudySettings & { readonly notes: readonly string[] };
  readonly data: { readonly source: string; readonly split: string; readonly trainDigits: number; readonly testDigits: number };
  /** direct-cast inference of the FP32-trained MLP, 1x32 blocks: test accuracy 0..1 */
  readonly inference: Record<string, number>;
  /** the same with 8x8 tiles */
  readonly inference8x8: Record<string, number>;
  /** full training in each format: final test accuracy 0..1 (fp32/bf16 have no blocks: one run, under both keys) */
  readonly training: Record<string, Record<BlockScheme, number>>;
  readonly trainingRuns: Record<string, Record<string, RunJson>>;
  /** FP32 trainings with other seeds: the seed-to-seed spread that a format difference must exceed */
  readonly seedNoise: { readonly fp32Accuracies: number[]; readonly meanPp: number; readonly stdPp: number } | null;
  /** tensor -> format -> block scheme -> { sqnrDb (null = exact), maxRelErr, flushToZero } */
  readonly sqnr: SqnrTable;
  readonly sqnrTensors: Record<string, { readonly description: string; readonly shape: string }>;
  readonly summary: {
    readonly unit: string;
    readonly paper: typeof PAPER;
    readonly inference: { readonly vsE2M5: Verdict; readonly vsE4M3: Verdict; readonly vsBf16: number | null };
    readonly inference8x8: { readonly vsE2M5: number | null; readonly vsE4M3: number | null };
    readonly training: {
      readonly vsE2M5: Verdict & { readonly byScheme: Record<BlockScheme, number | null> };
      readonly vsE4M3: Verdict & { readonly byScheme: Record<BlockScheme, number | null> };
      readonly vsBf16: Record<BlockScheme, number | null>;
    };
    /** largest |accuracy - FP32 accuracy| over the formats (pp): how far apart this workload puts the formats */
    readonly spread: { readonly inferenceVsFp32: number | null; readonly trainingVsFp32: number | null };
  };
  /** the workload study: char-transformer, student-teacher, deep-mlp, mnist-mlp (see workload-report.ts) */
  readonly workloads: Record<string, WorkloadJson>;
}

const round = (x: number, digits = 6): number => (Number.isFinite(x) ? Number(x.toPrecision(digits)) : x);

function isBaseline(f: StudyFormat): boolean {
  return f === 'fp32' || f === 'bf16';
}

function trainKey(f: StudyFormat, scheme: BlockScheme, replica = 0): string {
  return `train/${f}${isBaseline(f) ? '' : '/' + scheme}${replica ? '/seed+' + replica : ''}`;
}

function pp(a: number | undefined, b: number | undefined): number | null {
  return a === undefined || b === undefined ? null : round(100 * (a - b), 4);
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function verdict(paper: number, measured: number | null, threshold: number): string {
  if (measured === null) return 'not measured';
  const m = `${sign(measured)} pp`;
  const t = `(noise threshold ${threshold.toFixed(2)} pp)`;
  if (paper >= 1) {
    // the paper claims a clear gain
    if (measured >= threshold && measured >= paper / 2) return `reproduced: MXSF gains ${m} ${t}`;
    if (measured >= threshold) return `partly: MXSF gains ${m}, less than half the paper's ${sign(paper)} pp ${t}`;
    if (measured > -threshold) return `not reproduced: no measurable difference, ${m} ${t}`;
    return `contradicted: MXSF is worse, ${m} ${t}`;
  }
  // the paper claims parity (a gain well below 1 pp)
  if (Math.abs(measured) < threshold) return `consistent: no measurable difference, ${m} ${t}`;
  return measured > 0 ? `MXSF better than the paper reports: ${m} ${t}` : `MXSF worse: ${m} ${t}`;
}

export function sign(x: number, digits = 2): string {
  return `${x >= 0 ? '+' : '\u2212'}${Math.abs(x).toFixed(digits)}`;
}

export function buildStudyJson(s: StudySettings, results: ReadonlyMap<string, JobResult>): StudyJson {
  const { train, test, split } = studyData(s);
  const get = <T extends JobResult>(key: string): T | undefined => results.get(key) as T | undefined;
  // training
  const training: Record<string, Record<BlockScheme, number>> = {};
  const trainingRuns: Record<string, Record<string, RunJson>> = {};
  for (const f of s.trainFormats) {
    const accs = {} as Record<BlockScheme, number>;
    const runs: Record<string, RunJson> = {};
    for (const scheme of s.schemes) {
      const r = get<TrainJobResult>(trainKey(f, scheme));
      if (!r) continue;
      accs[scheme] = r.accuracy;
      const runKey = isBaseline(f) ? 'none' : scheme;
      runs[runKey] = {
        accuracy: r.accuracy,
        finalLoss: r.finalLoss === null ? null : round(r.finalLoss),
        steps: r.steps,
        divergedAt: r.divergedAt,
        curve: { step: r.curve.map((p) => p.step), loss: r.curve.map((p) => round(p.loss)) },
      };
    }
    training[f] = accs;
    trainingRuns[f] = runs;
  }
  // seed noise
  let seedNoise: StudyJson['seedNoise'] = null;
  if (s.seedReplicas > 0) {
    const accs: number[] = [];
    for (let r = 0; r <= s.seedReplicas; r++) {
      const res = get<TrainJobResult>(trainKey('fp32', '1x32', r));
      if (res) accs.push(res.accuracy);
    }
    if (accs.length >= 2) {
      const m = mean(accs);
      const sd = Math.sqrt(accs.reduce((a, x) => a + (x - m) ** 2, 0) / (accs.length - 1));
      seedNoise = { fp32Accuracies: accs, meanPp: round(100 * m, 6), stdPp: round(100 * sd, 4) };
    }
  }
  // inference
  const inference: Record<string, number> = {};
  const inference8x8: Record<string, number> = {};
  for (const f of s.inferenceFormats) {
    const r = get<InferJobResult>(`infer/${f}`);
    if (!r) continue;
    if (r.accuracy['1x32'] !== undefined) inference[f] = r.accuracy['1x32'];
    if (r.accuracy['8x8'] !== undefined) inference8x8[f] = r.accuracy['8x8'];
  }
  // sqnr
  const sqnr: SqnrTable = {};
  const sqnrTensors: Record<string, { description: string; shape: string }> = {};
  const describeTensor: Record<string, string> = {
    ...SYNTHETIC_TEXT,
    'model-weights': 'trained FP32 MLP weights W_l^T (blocks along each neuron\'s fan-in, the K of X*W)',
    'model-activations': `activations entering each linear layer (X, H1, H2) on the first ${Math.min(s.sqnr.activationDigits, test.n)} test digits`,
    'model-gradients': 'output gradients dZ_l of the last FP32 training step (blocks along the K of dY*W^T)',
  };
  for (const name of [...SYNTHETIC, 'model']) {
    const r = get<SqnrJobResult>(`sqnr/${name}`);
    if (!r) continue;
    for (const t of Object.keys(r.table)) {
      sqnr[t] = r.table[t];
      sqnrTensors[t] = { description: describeTensor[t] ?? t, shape: r.shapes[t] };
    }
  }
  // summary: paired comparisons on the same test digits (McNemar), plus the seed spread for training
  const n = test.n;
  const trainCorrect = (f: string, sc: BlockScheme) => get<TrainJobResult>(trainKey(f as StudyFormat, sc))?.correct;
  const inferCorrect = (f: string, sc: BlockScheme) => get<InferJobResult>(`infer/${f}`)?.correct[sc];
  const seedThr = seedNoise ? 2 * Math.SQRT2 * seedNoise.stdPp : 0;
  const trainCmp = (other: string, paper: number) => {
    const byScheme = {} as Record<BlockScheme, number | null>;
    const pairs: Paired[] = [];
    for (const sc of s.schemes) {
      byScheme[sc] = pp(training.mxsf?.[sc], training[other]?.[sc]);
      const pr = paired(trainCorrect('mxsf', sc), trainCorrect(other, sc), n);
      if (pr) pairs.push(pr);
    }
    const vals = Object.values(byScheme).filter((v): v is number => v !== null);
    const m = vals.length ? round(mean(vals), 4) : null;
    const k = Math.max(1, vals.length);
    const thr = round(Math.max(pairs.length ? mean(pairs.map((q) => q.thresholdPp)) / Math.sqrt(k) : 200 / n, seedThr / Math.sqrt(k)), 4);
    const caveat = seedNoise ? '' : '; indicative only: no seed replicas in this mode, so seed-to-seed noise is not in the threshold';
    return { paper, measured: m, threshold: thr, verdict: verdict(paper, m, thr) + caveat, byScheme, paired: pairs };
  };
  const infCmp = (other: string, paper: number): Verdict => {
    const m = pp(inference.mxsf, inference[other]);
    const pr = paired(inferCorrect('mxsf', '1x32'), inferCorrect(other, '1x32'), n);
    const thr = pr ? pr.thresholdPp : round(200 / n, 4);
    return { paper, measured: m, threshold: thr, verdict: verdict(paper, m, thr), paired: pr ? [pr] : [] };
  };
  const vsBf16 = {} as Record<BlockScheme, number | null>;
  for (const sc of s.schemes) vsBf16[sc] = pp(training.mxsf?.[sc], training.bf16?.[sc]);
  const maxAbs = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null).map(Math.abs);
    return v.length ? Math.max(...v) : null;
  };
  const spreadInf = maxAbs(Object.keys(inference).map((f) => pp(inference[f], inference.fp32)));
  const spreadTrain = maxAbs(Object.keys(training).flatMap((f) => s.schemes.map((sc) => pp(training[f]?.[sc], training.fp32?.[sc]))));
  const notes = [
    'fp32 and bf16 have no shared scale: each is trained once and reported under both block keys.',
    'Block orientation: X*W uses A blocks 1x32 and B blocks 32x1 (along K); dY*W^T and X^T*dY are built as explicit transposed operands and re-quantized along their own K. With 8x8 tiles both operands use 8x8 blocks.',
    'MX GEMMs are the golden model\'s exact GEMM (generator/study/fast-gemm.ts is bit-identical, see test/study/fast-gemm.test.ts); bf16 is the golden BF16 baseline; fp32 is a plain FP32 GEMM.',
    'No loss scaling: the output gradient is (softmax - onehot)/batch. Bias, ReLU, softmax, loss and SGD are FP32/FP64 JavaScript.',
    'Training and test accuracy of a format run use that format for every GEMM (also at test time).',
  ];
  return {
    schema: SCHEMA,
    seed: s.seed,
    mode: s.mode,
    settings: { ...s, notes },
    data: { source: split.source, split: split.split, trainDigits: train.n, testDigits: test.n },
    inference,
    inference8x8,
    training,
    trainingRuns,
    seedNoise,
    sqnr,
    sqnrTensors,
    summary: {
      unit: 'percentage points of test accuracy, MXSF minus the other format; the paper\'s figures are averages over its benchmarks',
      paper: PAPER,
      inference: {
        vsE2M5: infCmp('mxfp8-e2m5', PAPER.inference.vsE2M5),
        vsE4M3: infCmp('mxfp8-e4m3', PAPER.inference.vsE4M3),
        vsBf16: pp(inference.mxsf, inference.bf16),
      },
      inference8x8: { vsE2M5: pp(inference8x8.mxsf, inference8x8['mxfp8-e2m5']), vsE4M3: pp(inference8x8.mxsf, inference8x8['mxfp8-e4m3']) },
      training: { vsE2M5: trainCmp('mxfp8-e2m5', PAPER.training.vsE2M5), vsE4M3: trainCmp('mxfp8-e4m3', PAPER.training.vsE4M3), vsBf16 },
      spread: { inferenceVsFp32: spreadInf, trainingVsFp32: spreadTrain },
    },
    workloads: buildWorkloadsJson(s, results),
  };
}

// ---------------------------------------------------------------------------------------------------------
// markdown

export interface JobTiming {
  readonly key: string;
  readonly ms: number;
}

/** Wall time and per-job times of a run (study.runtime.json; kept out of study.json, which is deterministic). */
export interface RuntimeJson {
  readonly wallMs: number;
  readonly jobs: number;
  readonly timings: readonly JobTiming[];
}

const pct = (x: number | undefined): string => (x === undefined ? '-' : `${(100 * x).toFixed(2)}`);
const ppText = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : sign(x));
const dB = (x: number | null | undefined): string => (x === undefined ? '-' : x === null ? 'exact' : x.toFixed(1));

/** A markdown table; `left` lists the columns aligned left (the first column always is). */
function table(head: string[], rows: string[][], left: number[] = []): string {
  const align = head.map((_, i) => (i === 0 || left.includes(i) ? '---' : '---:'));
  return [`| ${head.join(' | ')} |`, `|${align.join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function renderMarkdown(j: StudyJson, run: { wallMs: number; timings: readonly JobTiming[]; jobs: number }): string {
  const s = j.settings;
  const S = j.summary;
  const out: string[] = [];
  const cmd = s.mode === 'quick' ? `mxgen study --quick --seed ${j.seed}` : `mxgen study --seed ${j.seed}`;
  out.push('# MX format study: MXSF against MXFP8 E2M5 / E4M3, MXINT8, BF16 and FP32');
  out.push('');
  out.push(
    `Generated by \`${cmd}\` (mode **${j.mode}**, seed ${j.seed}) from the golden model's exact MX GEMM. ` +
      `Data: ${j.data.split} (${j.data.trainDigits} training digits used, ${j.data.testDigits} test digits; ` +
      `1 test digit = ${(100 / j.data.testDigits).toFixed(3)} pp). Machine-readable results: \`${outputPrefix(j.mode)}.json\`.`,
  );
  out.push('');
  out.push(...workloadSections(j, run));
  // summary
  out.push('## MNIST MLP: summary, laid out like the paper');
  out.push('');
  out.push(`Accuracy difference of MXSF against the other format, in percentage points (MXSF minus other). The paper's figures are its abstract's averages over its benchmarks; ours are one MLP on MNIST (${s.layers.join('-')}).`);
  out.push('');
  const tr = S.training;
  out.push(
    table(
      ['MXSF vs', 'setting', 'paper (avg)', 'this study', 'verdict'],
      [
        ['MXFP8 E2M5', 'direct-cast inference (1x32)', sign(S.paper.inference.vsE2M5), ppText(S.inference.vsE2M5.measured), S.inference.vsE2M5.verdict],
        ['MXFP8 E2M5', `full training (mean of ${s.schemes.join(', ')}: ${s.schemes.map((sc) => ppText(tr.vsE2M5.byScheme[sc])).join(', ')})`, sign(S.paper.training.vsE2M5), ppText(tr.vsE2M5.measured), tr.vsE2M5.verdict],
        ['MXFP8 E4M3', 'direct-cast inference (1x32)', sign(S.paper.inference.vsE4M3), ppText(S.inference.vsE4M3.measured), S.inference.vsE4M3.verdict],
        ['MXFP8 E4M3', `full training (mean of ${s.schemes.join(', ')}: ${s.schemes.map((sc) => ppText(tr.vsE4M3.byScheme[sc])).join(', ')})`, sign(S.paper.training.vsE4M3), ppText(tr.vsE4M3.measured), tr.vsE4M3.verdict],
        ['BF16', 'direct-cast inference (1x32)', '"close to BF16"', ppText(S.inference.vsBf16), ''],
        ['BF16', `full training (${s.schemes.join(', ')})`, '"close to BF16"', s.schemes.map((sc) => ppText(tr.vsBf16[sc])).join(', '), ''],
      ],
      [1, 4],
    ),
  );
  out.push('');
  const pr = (v: Verdict) => v.paired.map((q) => `${q.n10}/${q.n01}`).join(', ');
  out.push(
    `Measurable means |McNemar z| ≥ 2 on the paired test digits (MXSF right & other wrong / the reverse: inference vs E2M5 ${pr(S.inference.vsE2M5)}, ` +
      `vs E4M3 ${pr(S.inference.vsE4M3)}; training vs E2M5 ${pr(tr.vsE2M5)}, vs E4M3 ${pr(tr.vsE4M3)})` +
      (j.seedNoise
        ? `, and for training also more than 2·√2 × the seed-to-seed spread: FP32 trained from ${j.seedNoise.fp32Accuracies.length} seeds reaches ${j.seedNoise.fp32Accuracies.map((a) => pct(a)).join(', ')} % (std ${j.seedNoise.stdPp.toFixed(2)} pp).`
        : '. This mode runs no seed replicas, so the training thresholds leave out seed-to-seed noise; the full study measures it.'),
  );
  out.push('');
  out.push(...readingNotes(j));
  out.push('');
  // accuracy tables
  out.push('## Direct-cast inference (FP32-trained MLP, every linear layer\'s weights and inputs cast)');
  out.push('');
  const infFormats = s.inferenceFormats;
  out.push(table(['format', 'test acc. 1x32 (%)', 'test acc. 8x8 (%)', 'vs FP32, 1x32 (pp)'], infFormats.map((f) => [f, pct(j.inference[f]), pct(j.inference8x8[f]), ppText(pp(j.inference[f], j.inference.fp32))])));
  out.push('');
  out.push('## Full training (every GEMM of forward and backward in the format, no loss scaling)');
  out.push('');
  out.push(
    table(
      ['format', 'test acc. 1x32 (%)', 'test acc. 8x8 (%)', 'final train loss 1x32', 'final train loss 8x8', 'diverged'],
      s.trainFormats.map((f) => {
        const runs = j.trainingRuns[f] ?? {};
        const r1 = runs['1x32'] ?? runs.none;
        const r8 = runs['8x8'] ?? runs.none;
        const div = Object.values(runs).filter((r) => r.divergedAt !== null).map((r) => `step ${r.divergedAt}`).join(', ') || 'no';
        return [f, pct(j.training[f]?.['1x32']), pct(j.training[f]?.['8x8']), r1?.finalLoss?.toPrecision(4) ?? '-', r8?.finalLoss?.toPrecision(4) ?? '-', div];
      }),
    ),
  );
  out.push('');
  const px = outputPrefix(j.mode);
  for (const sc of s.schemes) {
    out.push(`![training loss, ${sc === '1x32' ? '1x32 blocks' : '8x8 tiles'}](${px}.loss-${sc}.svg)`);
    out.push('');
  }
  out.push(`![accuracy by format](${px}.accuracy.svg)`);
  out.push('');
  // sqnr
  out.push('## Quantization error per format and block shape');
  out.push('');
  out.push('SQNR = 10·log10(Σx² / Σ(q−x)²) in dB; worst relative error = max |q−x|/|x| over non-zero x (1 means flushed to zero); flush = share of non-zero inputs that quantize to 0. Tensors:');
  out.push('');
  const tensors = Object.keys(j.sqnr);
  for (const t of tensors) out.push(`- **${t}** (${j.sqnrTensors[t].shape}): ${j.sqnrTensors[t].description}`);
  out.push('');
  const sq = (f: string, t: string, sc: BlockScheme) => j.sqnr[t]?.[f]?.[sc];
  for (const sc of s.schemes) {
    out.push(`### SQNR (dB), ${sc}`);
    out.push('');
    out.push(table(['format', ...tensors], s.sqnrFormats.map((f) => [f, ...tensors.map((t) => dB(sq(f, t, sc)?.sqnrDb))])));
    out.push('');
  }
  out.push('### Worst relative error, 1x32');
  out.push('');
  out.push(table(['format', ...tensors], s.sqnrFormats.map((f) => [f, ...tensors.map((t) => { const v = sq(f, t, '1x32'); return v ? v.maxRelErr.toPrecision(3) : '-'; })])));
  out.push('');
  out.push('### Flushed to zero (% of non-zero inputs), 1x32 / 8x8');
  out.push('');
  out.push(
    table(
      ['format', ...tensors],
      s.sqnrFormats.map((f) => [f, ...tensors.map((t) => s.schemes.map((sc) => { const v = sq(f, t, sc); return v ? (100 * v.flushToZero).toFixed(2) : '-'; }).join(' / '))]),
    ),
  );
  out.push('');
  out.push(`![SQNR by format](${px}.sqnr.svg)`);
  out.push('');
  // settings & runtime
  out.push('## Settings and runtime');
  out.push('');
  out.push(
    `MLP ${s.layers.join('-')} (ReLU, softmax cross-entropy), He-normal init from the seed, the same initialisation and data order for every format; ` +
      `SGD with momentum ${s.momentum}, learning rate ${s.lr}, batch ${s.batch}, ${s.epochs} epoch(s) over ${j.data.trainDigits} digits ` +
      `(${Math.floor(j.data.trainDigits / s.batch)} steps per epoch, partial batch dropped); loss curve points are means over ${s.logEvery} steps. ` +
      `Quantization study on ${s.sqnr.rows}x${s.sqnr.cols} samples per synthetic distribution. ${s.seedReplicas} extra FP32 seed(s).`,
  );
  out.push('');
  for (const n of s.notes) out.push(`- ${n}`);
  out.push('');
  const cpu = run.timings.reduce((a, t) => a + t.ms, 0);
  out.push(
    `This run: ${(run.wallMs / 1000).toFixed(1)} s wall with ${run.jobs === 0 ? 'no worker threads' : `${run.jobs} worker thread(s)`}, ` +
      `${(cpu / 1000).toFixed(1)} s summed over jobs. Per job (s): ` +
      run.timings.map((t) => `${t.key} ${(t.ms / 1000).toFixed(1)}`).join(', ') + '.',
  );
  out.push('');
  return out.join('\n');
}

/** Data-driven observations for the summary. */
function readingNotes(j: StudyJson): string[] {
  const out: string[] = [];
  const g = j.sqnr['model-gradients'];
  const lu = j.sqnr['log-uniform'];
  const flush = (t: typeof g | undefined, f: string) => (t?.[f]?.['1x32'] ? (100 * t[f]['1x32'].flushToZero).toFixed(1) : null);
  if (lu) {
    out.push(
      `- Range: on log-uniform magnitudes (2^-20..1) with 1x32 blocks, ${['mxfp8-e2m5', 'mxsf', 'mxfp8-e4m3', 'mxint8'].map((f) => `${f} flushes ${flush(lu, f)} %`).join(', ')} of the values to zero. ` +
        `MXSF's FP5 region extends E2M5's range by 4 binades, but the E8M0 block scale already removes the tensor's absolute magnitude, so only the spread inside a 32-element block matters.`,
    );
  }
  if (g) {
    const f8 = (f: string) => (g[f]?.['8x8'] ? (100 * g[f]['8x8'].flushToZero).toFixed(1) : null);
    out.push(
      `- Real gradients (dZ of the last FP32 step): with 1x32 blocks along K, ${['mxfp8-e2m5', 'mxsf', 'mxfp8-e4m3'].map((f) => `${f} flushes ${flush(g, f)} %`).join(', ')} ` +
        `(SQNR ${['mxfp8-e2m5', 'mxsf', 'mxfp8-e4m3'].map((f) => `${dB(g[f]?.['1x32']?.sqnrDb)}`).join(' / ')} dB); with 8x8 tiles, which span 8 samples, ` +
        `${['mxfp8-e2m5', 'mxsf', 'mxfp8-e4m3'].map((f) => `${f} ${f8(f)} %`).join(', ')}. ` +
        `This is where MXSF's extra range acts: it flushes fewer gradients than E2M5; whether that changes accuracy is in the training rows above.`,
    );
  }
  const sq1 = (t: string, f: string) => j.sqnr[t]?.[f]?.['1x32']?.sqnrDb;
  if (j.sqnr.normal && j.sqnr['model-weights']) {
    out.push(
      `- Precision: MXSF's subnormal-FP mode keeps 2 mantissa bits where E2M5's linear subnormals keep up to 4, so on bell-shaped data MXSF is below E2M5 ` +
        `(SQNR, 1x32: normal ${dB(sq1('normal', 'mxsf'))} vs ${dB(sq1('normal', 'mxfp8-e2m5'))} dB, trained weights ${dB(sq1('model-weights', 'mxsf'))} vs ${dB(sq1('model-weights', 'mxfp8-e2m5'))} dB) ` +
        `and far above E4M3 (${dB(sq1('normal', 'mxfp8-e4m3'))} / ${dB(sq1('model-weights', 'mxfp8-e4m3'))} dB).`,
    );
  }
  const acc = (f: string, sc: BlockScheme) => j.training[f]?.[sc];
  const best = (sc: BlockScheme) => Object.keys(j.training).filter((f) => f !== 'fp32' && f !== 'bf16').sort((a, b) => (acc(b, sc) ?? 0) - (acc(a, sc) ?? 0));
  for (const sc of j.settings.schemes) {
    const order = best(sc);
    if (order.length) out.push(`- Full training, ${sc}: MX formats ranked by test accuracy: ${order.map((f) => `${f} ${pct(acc(f, sc))} %`).join(' ≥ ')} (fp32 ${pct(acc('fp32', sc))} %, bf16 ${pct(acc('bf16', sc))} %).`);
  }
  const sp = j.summary.spread;
  const thr = j.summary.training.vsE2M5.threshold;
  if (sp.trainingVsFp32 !== null && sp.inferenceVsFp32 !== null) {
    const perRun = j.seedNoise ? 2 * Math.SQRT2 * j.seedNoise.stdPp : thr;
    if (sp.trainingVsFp32 <= perRun) {
      out.push(
        `- Discriminating power: every trained format is within ${sp.trainingVsFp32.toFixed(2)} pp of FP32 and every direct-cast format ` +
          `(down to ${j.settings.inferenceFormats[j.settings.inferenceFormats.length - 1]}) within ${sp.inferenceVsFp32.toFixed(2)} pp` +
          (j.seedNoise ? `, while FP32 alone moves by ${j.seedNoise.stdPp.toFixed(2)} pp (std) from seed to seed` : '') +
          `. On this workload E2M5 and E4M3 lose no accuracy, so there is nothing for MXSF to recover: the study cannot confirm the paper's gains, ` +
          `and it cannot rule them out on workloads that stress the formats harder (deeper networks, wider value spread inside a block, longer training).`,
      );
    } else {
      out.push(`- Discriminating power: formats differ from FP32 by up to ${sp.trainingVsFp32.toFixed(2)} pp in training and ${sp.inferenceVsFp32.toFixed(2)} pp in direct-cast inference.`);
    }
  }
  const div = Object.entries(j.trainingRuns).flatMap(([f, runs]) => Object.entries(runs).filter(([, r]) => r.divergedAt !== null).map(([sc]) => `${f} ${sc}`));
  out.push(div.length ? `- Diverged runs (loss not finite): ${div.join(', ')}.` : '- No training run diverged.');
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// plots

export const COLORS: Record<string, string> = {
  fp32: '#000000',
  bf16: '#7f7f7f',
  'mxfp8-e4m3': '#1f77b4',
  'mxfp8-e5m2': '#ff7f0e',
  'mxfp8-e2m5': '#2ca02c',
  mxint8: '#9467bd',
  mxsf: '#d62728',
  'mxfp6-e3m2': '#8c564b',
  'mxfp6-e2m3': '#bcbd22',
  'mxfp4-e2m1': '#e377c2',
};

export function renderPlots(j: StudyJson): Record<string, string> {
  const s = j.settings;
  const px = outputPrefix(j.mode);
  const plots: Record<string, string> = { ...workloadPlots(j.workloads, s, px), ...overviewPlot(j.workloads, px) };
  for (const sc of s.schemes) {
    const series: Series[] = [];
    for (const f of s.trainFormats) {
      const run = j.trainingRuns[f]?.[isBaseline(f) ? 'none' : sc];
      if (!run) continue;
      series.push({
        name: `${f} (${pct(run.accuracy)} %)${run.divergedAt !== null ? ' diverged' : ''}`,
        color: COLORS[f] ?? '#333',
        dash: isBaseline(f) ? '6 4' : undefined,
        points: run.curve.step.map((x, i) => ({ x, y: run.curve.loss[i] })),
      });
    }
    plots[`${px}.loss-${sc}.svg`] = lineChart({
      title: `Training loss, every GEMM in the format, ${sc === '1x32' ? '1x32 blocks along K' : '8x8 tiles'} (seed ${j.seed})`,
      xLabel: `step (batch ${s.batch}; ${Math.floor(j.data.trainDigits / s.batch)} steps per epoch)`,
      yLabel: `training loss (mean over ${s.logEvery} steps, log scale)`,
      series,
      logY: true,
      width: 820,
    });
  }
  // accuracy bars
  const formats = s.inferenceFormats.filter((f) => !s.trainFormats.includes(f)).length ? [...s.trainFormats, ...s.inferenceFormats.filter((f) => !s.trainFormats.includes(f))] : [...s.trainFormats];
  const groups = [
    { name: 'inference, 1x32', color: '#9ecae1', values: formats.map((f) => j.inference[f] ?? null) },
    { name: 'inference, 8x8', color: '#3182bd', values: formats.map((f) => j.inference8x8[f] ?? null) },
    { name: 'training, 1x32', color: '#fdae6b', values: formats.map((f) => j.training[f]?.['1x32'] ?? null) },
    { name: 'training, 8x8', color: '#e6550d', values: formats.map((f) => j.training[f]?.['8x8'] ?? null) },
  ].map((g) => ({ ...g, values: g.values.map((v) => (v === null ? null : 100 * v)) }));
  const all = groups.flatMap((g) => g.values).filter((v): v is number => v !== null);
  const lo = all.length ? Math.max(0, Math.floor((Math.min(...all) - 2) / 5) * 5) : 0;
  plots[`${px}.accuracy.svg`] = barChart({
    title: `MNIST test accuracy by format (axis from ${lo} %)`,
    yLabel: 'test accuracy (%)',
    categories: formats,
    groups,
    yMin: lo,
    yMax: 100,
    label: (v) => v.toFixed(2),
  });
  // sqnr bars (1x32)
  const tensors = Object.keys(j.sqnr);
  const sqFormats = s.sqnrFormats.filter((f) => f !== 'fp32');
  const sqGroups = sqFormats.map((f) => ({
    name: f,
    color: COLORS[f] ?? '#333',
    values: tensors.map((t) => j.sqnr[t]?.[f]?.['1x32']?.sqnrDb ?? null),
  }));
  const sqAll = sqGroups.flatMap((g) => g.values).filter((v): v is number => v !== null);
  plots[`${px}.sqnr.svg`] = barChart({
    title: 'Quantization SQNR, 1x32 blocks (fp32 is exact)',
    yLabel: 'SQNR (dB)',
    categories: tensors,
    groups: sqGroups,
    yMin: Math.min(0, Math.floor(Math.min(...sqAll, 0) / 10) * 10),
    yMax: Math.ceil(Math.max(...sqAll, 10) / 10) * 10,
    label: (v) => v.toFixed(1),
  });
  return plots;
}

/** The workload study's part of the markdown: overview table, readings, one section per workload, runtime. */
function workloadSections(j: StudyJson, run: { wallMs: number; timings: readonly JobTiming[]; jobs: number }): string[] {
  const px = outputPrefix(j.mode);
  const out: string[] = [];
  const p = j.settings.protocol;
  out.push('## Workload study: the formats on workloads that stress them');
  out.push('');
  out.push(
    `Four workloads (${p.workloads.join(', ')}), each trained with every GEMM of forward, activation gradient and weight gradient in the format ` +
      `(${p.mainFormats.join(', ')}; blocks ${p.mainBlocks.join(' and ')}, floor scales; ${p.seeds} seed(s) for ${p.replicatedFormats.join(', ')}, one for the others), plus for ${p.protocolWorkloads.join(', ')}: ` +
      `tiles ${p.extraBlocks.join(', ')} and rceil scales (${p.rceilBlocks.join(', ')}), and for ${p.ablationWorkloads.join(', ')} the one-GEMM-class-at-a-time ablation (${p.ablationBlock}), for ${p.focusFormats.join(', ')} ` +
      `(${p.extraSeeds} seed), and direct-cast inference of the FP32-trained model in ${p.castFormats.join(', ')} (blocks ${p.castBlocks.join(', ')}, scales ${p.castModes.join(', ')}).`,
  );
  out.push('');
  out.push(
    `The paper (MX-SAFE) claims MXSF trains +${PAPER_CLAIMS.training.vsE2M5} pp better than E2M5 and +${PAPER_CLAIMS.training.vsE4M3} pp better than E4M3 on average, and casts +${PAPER_CLAIMS.inference.vsE4M3} pp better than E4M3. ` +
      `Differences below are MXSF minus the other format (accuracies in percentage points; for losses and MSE a negative difference means MXSF is better); ` +
      `± is the sample standard deviation over seeds; p is Welch's two-sided t-test over seeds (significant at α = ${ALPHA}; with ${p.seeds} seeds per side only large effects are detectable).`,
  );
  out.push('');
  out.push(...overviewMarkdown(j.workloads));
  out.push('');
  out.push(`![MXSF advantage per workload](${px}.summary.svg)`);
  out.push('');
  out.push('### What the data says');
  out.push('');
  out.push(...readingsMarkdown(j.workloads));
  out.push('');
  for (const [name, w] of Object.entries(j.workloads)) out.push(...workloadMarkdown(name, w, j.settings, px));
  // runtime per workload
  const per = new Map<string, { n: number; ms: number }>();
  for (const t of run.timings) {
    const m = /^wl\/([^/]+)\/(train|cast)/.exec(t.key);
    const k = m ? `${m[1]} ${m[2]}` : 'MNIST MLP sections';
    const e = per.get(k) ?? { n: 0, ms: 0 };
    e.n++;
    e.ms += t.ms;
    per.set(k, e);
  }
  out.push('### Cost of this run');
  out.push('');
  out.push(table(['part', 'jobs', 'CPU s (sum over jobs)', 'mean s per job'], [...per.entries()].sort().map(([k, e]) => [k, String(e.n), (e.ms / 1000).toFixed(1), (e.ms / 1000 / e.n).toFixed(1)])));
  out.push('');
  return out;
}
