// The workload part of reports/study.{json,md} and its SVG plots: per workload every run, seed spreads,
// the paper-style summary (MXSF minus E2M5 / E4M3, training and direct cast, Welch t-test over seeds), the
// block-shape, scale-mode and one-GEMM-class ablations, flush-to-zero shares over training, scale histograms,
// and plain-words readings generated from the numbers.

import { loadBrown } from './brown';
import { loadMnist } from './data';
import type { JobResult, WlCastResult, WlTrainResult } from './jobs';
import { MLP_METRIC } from './mlp-workload';
import { GEMM_CLASSES, isBaseline, type BlockName, type StudyFormat, type TensorStats } from './nn';
import { plannedRuns, runKey, type RunGroup } from './protocol';
import type { StudySettings } from './settings';
import { spread, welch, type Spread, type Welch } from './stats';
import { ST_METRIC } from './student-teacher';
import { barChart, lineChart, type Series } from './svg';
import { TRANSFORMER_METRIC } from './transformer';
import type { MetricInfo, RunSpec, WorkloadName } from './workload';

export const PAPER_CLAIMS = { training: { vsE2M5: 11.1, vsE4M3: 3.6 }, inference: { vsE4M3: 3.55 } } as const;
/** significance level of the Welch test */
export const ALPHA = 0.05;

const DESCRIPTION: Record<WorkloadName, string> = {
  'char-transformer': 'character-level transformer LM (pre-LN, causal multi-head attention, GELU MLP) on the Brown corpus',
  'student-teacher': 'Su et al. proxy: residual MLP student with LayerNorm learning a deep GELU MLP teacher (Gaussian inputs, MSE)',
  'deep-mlp': 'deep MLP without normalisation, 8 linear layers 784-128x7-10, ReLU, SGD with momentum, MNIST',
  'mnist-mlp': 'the original MLP 784-256-128-10, ReLU, SGD with momentum, MNIST (the control: main grid only)',
};

/** The metric of the paper-style table and the secondary metrics of each workload. */
const METRICS: Record<WorkloadName, { paper: MetricInfo; all: MetricInfo[] }> = {
  'char-transformer': {
    paper: { key: 'valAcc', label: 'next-character accuracy', higherIsBetter: true, unit: 'pp', scale: 100 },
    all: [{ key: 'valAcc', label: 'next-char accuracy (%)', higherIsBetter: true, unit: 'pp', scale: 100 }, TRANSFORMER_METRIC],
  },
  'student-teacher': { paper: ST_METRIC, all: [ST_METRIC] },
  'deep-mlp': { paper: MLP_METRIC, all: [MLP_METRIC, { key: 'testLoss', label: 'test loss', higherIsBetter: false, unit: 'nats', scale: 1 }] },
  'mnist-mlp': { paper: MLP_METRIC, all: [MLP_METRIC, { key: 'testLoss', label: 'test loss', higherIsBetter: false, unit: 'nats', scale: 1 }] },
};

export interface WlRunJson {
  readonly group: RunGroup;
  readonly format: StudyFormat;
  readonly block: string;
  readonly scaleMode: string;
  readonly classes: string;
  readonly replica: number;
  readonly metrics: Record<string, number | null>;
  readonly steps: number;
  readonly divergedAt: number | null;
  readonly spikes: number;
  readonly gmac: number;
  readonly curve: { readonly step: number[]; readonly loss: number[] };
  /** per operand tag (class:role): flush-to-zero share at the sampled steps and the E8M0 scale histogram */
  readonly stats: Record<string, TensorStats> | null;
}

export interface Comparison {
  /** MXSF minus the other format, in the metric's display unit (pp for accuracies); positive = MXSF higher */
  readonly diff: number | null;
  readonly mxsf: Spread;
  readonly other: Spread;
  readonly welch: Welch | null;
  readonly significant: boolean;
  readonly verdict: string;
}

export interface WorkloadJson {
  readonly description: string;
  readonly data: string;
  readonly size: unknown;
  readonly paperMetric: MetricInfo;
  readonly metrics: MetricInfo[];
  readonly runs: Record<string, WlRunJson>;
  /** direct cast of the FP32-trained model (replica 0): format -> block -> scale mode -> metrics */
  readonly cast: Record<string, Record<string, Record<string, Record<string, number | null>>>>;
  /** main grid and other groups: "format/block/mode/classes" -> spread of each metric over seeds */
  readonly aggregates: Record<string, { readonly group: RunGroup; readonly diverged: number; readonly metrics: Record<string, Spread> }>;
  readonly summary: {
    /** training, per block of the main grid, and the mean over them */
    readonly training: Record<string, { readonly vsE2M5: Comparison; readonly vsE4M3: Comparison }>;
    /** direct cast of one FP32 model (no seed spread): difference only, per block, floor scales */
    readonly inference: Record<string, { readonly vsE2M5: number | null; readonly vsE4M3: number | null }>;
  };
  /** mean flush-to-zero share over training, per format (1x32 and 8x8, replica 0) and operand tag */
  readonly flush: Record<string, Record<string, number>>;
  readonly notes: string[];
}

const r6 = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : Number(x.toPrecision(6)));

function aggKey(s: { format: StudyFormat; block: string; scaleMode: string; classes: readonly string[] | string }): string {
  const cls = typeof s.classes === 'string' ? s.classes : s.classes.length === GEMM_CLASSES.length ? 'all' : s.classes.join('+');
  return `${s.format}/${isBaseline(s.format) ? 'none' : s.block}/${s.scaleMode}/${cls}`;
}

/** A run's value of a metric; an accuracy of a diverged run counts as 0 (every prediction wrong). */
function metricOf(r: WlRunJson, m: MetricInfo): number | null {
  const v = r.metrics[m.key];
  if (v === null || v === undefined) return r.divergedAt !== null && m.higherIsBetter ? 0 : null;
  return v;
}

function compare(mx: number[], other: number[], m: MetricInfo, paper: number | null): Comparison {
  const A = spread(mx.map((v) => v * m.scale));
  const B = spread(other.map((v) => v * m.scale));
  const diff = A.mean !== null && B.mean !== null ? r6(A.mean - B.mean) : null;
  const w = welch(mx.map((v) => v * m.scale), other.map((v) => v * m.scale));
  const significant = w !== null && w.p < ALPHA;
  let verdict: string;
  const unit = m.unit === 'pp' ? ' pp' : ` ${m.unit}`;
  const better = diff === null ? null : m.higherIsBetter ? diff > 0 : diff < 0;
  if (diff === null) verdict = 'not measured';
  else if (!w) verdict = `${diff >= 0 ? '+' : ''}${diff.toPrecision(3)}${unit}; one seed, no test`;
  else if (!significant) verdict = `no significant difference (Welch p = ${w.p.toFixed(2)})`;
  else verdict = `MXSF ${better ? 'better' : 'worse'} (Welch p = ${w.p < 0.001 ? w.p.toExponential(1) : w.p.toFixed(3)})`;
  if (paper !== null && m.unit === 'pp' && diff !== null) {
    if (significant && better && diff >= paper / 2) verdict += `; the paper's +${paper} pp: reproduced in size`;
    else if (significant && better) verdict += `; the paper's +${paper} pp: smaller here`;
    else verdict += `; the paper's +${paper} pp: not reproduced`;
  }
  return {
    diff,
    mxsf: { n: A.n, mean: r6(A.mean), sd: r6(A.sd) },
    other: { n: B.n, mean: r6(B.mean), sd: r6(B.sd) },
    welch: w ? { t: r6(w.t) ?? w.t, df: r6(w.df) ?? w.df, p: r6(w.p) ?? w.p } : null,
    significant,
    verdict,
  };
}

export function buildWorkloadsJson(s: StudySettings, results: ReadonlyMap<string, JobResult>): Record<string, WorkloadJson> {
  const p = s.protocol;
  const out: Record<string, WorkloadJson> = {};
  for (const w of p.workloads) {
    const runs: Record<string, WlRunJson> = {};
    for (const planned of plannedRuns(p, w, s.mode !== 'full')) {
      const r = results.get(`wl/${w}/train/${runKey(planned.spec)}`) as WlTrainResult | undefined;
      if (!r) continue;
      const sp = r.spec;
      const o = r.outcome;
      runs[runKey(sp)] = {
        group: r.group,
        format: sp.format,
        block: isBaseline(sp.format) ? 'none' : sp.block,
        scaleMode: sp.scaleMode,
        classes: sp.classes.length === GEMM_CLASSES.length ? 'all' : sp.classes.join('+'),
        replica: sp.replica,
        metrics: o.metrics,
        steps: o.steps,
        divergedAt: o.divergedAt,
        spikes: o.spikes,
        gmac: Number((o.macs / 1e9).toPrecision(4)),
        curve: o.curve,
        stats: o.stats,
      };
    }
    const metrics = METRICS[w];
    // aggregates over seeds
    const groups = new Map<string, WlRunJson[]>();
    for (const r of Object.values(runs)) {
      const k = aggKey(r);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k)!.push(r);
    }
    const aggregates: WorkloadJson['aggregates'] = {};
    for (const [k, rs] of groups) {
      const ms: Record<string, Spread> = {};
      for (const m of metrics.all) {
        const vals = rs.map((r) => metricOf(r, m)).filter((v): v is number => v !== null);
        const sp = spread(vals);
        ms[m.key] = { n: sp.n, mean: r6(sp.mean), sd: r6(sp.sd) };
      }
      aggregates[k] = { group: rs[0].group, diverged: rs.filter((r) => r.divergedAt !== null).length, metrics: ms };
    }
    // paper-style training comparison per main block, and pooled over the blocks
    const pm = metrics.paper;
    const vals = (f: StudyFormat, b: BlockName) =>
      Object.values(runs).filter((r) => r.group === 'main' && r.format === f && r.block === b).map((r) => metricOf(r, pm)).filter((v): v is number => v !== null);
    const training: WorkloadJson['summary']['training'] = {};
    for (const b of p.mainBlocks) {
      training[b] = {
        vsE2M5: compare(vals('mxsf', b), vals('mxfp8-e2m5', b), pm, PAPER_CLAIMS.training.vsE2M5),
        vsE4M3: compare(vals('mxsf', b), vals('mxfp8-e4m3', b), pm, PAPER_CLAIMS.training.vsE4M3),
      };
    }
    const pooled = (f: StudyFormat) => p.mainBlocks.flatMap((b) => vals(f, b));
    training.pooled = {
      vsE2M5: compare(pooled('mxsf'), pooled('mxfp8-e2m5'), pm, PAPER_CLAIMS.training.vsE2M5),
      vsE4M3: compare(pooled('mxsf'), pooled('mxfp8-e4m3'), pm, PAPER_CLAIMS.training.vsE4M3),
    };
    // direct cast
    const cast: WorkloadJson['cast'] = {};
    for (const f of p.castFormats) {
      const r = results.get(`wl/${w}/cast/${f}`) as WlCastResult | undefined;
      if (r) cast[f] = r.metrics;
    }
    const castVal = (f: string, b: string) => {
      const m = cast[f]?.[b]?.floor?.[pm.key];
      return m === undefined || m === null ? null : m * pm.scale;
    };
    const inference: WorkloadJson['summary']['inference'] = {};
    for (const b of p.castBlocks) {
      const mx = castVal('mxsf', b);
      const d = (o: string) => (mx === null || castVal(o, b) === null ? null : r6(mx - castVal(o, b)!));
      inference[b] = { vsE2M5: d('mxfp8-e2m5'), vsE4M3: d('mxfp8-e4m3') };
    }
    // mean flush share over training, replica 0, main blocks
    const flush: WorkloadJson['flush'] = {};
    for (const r of Object.values(runs)) {
      if (r.group !== 'main' || r.replica !== 0 || !r.stats) continue;
      const row: Record<string, number> = {};
      for (const [tag, t] of Object.entries(r.stats)) row[tag] = r6(t.flush.reduce((a, x) => a + x, 0) / Math.max(1, t.flush.length))!;
      flush[`${r.format}/${r.block}`] = row;
    }
    out[w] = {
      description: DESCRIPTION[w],
      data: dataText(w),
      size: p.sizes[w],
      paperMetric: pm,
      metrics: metrics.all,
      runs,
      cast,
      aggregates,
      summary: { training, inference },
      flush,
      notes: notes(w),
    };
  }
  return out;
}

function dataText(w: WorkloadName): string {
  if (w === 'char-transformer') {
    const c = loadBrown();
    return `${c.source}; ${c.split}`;
  }
  if (w === 'student-teacher') return 'synthetic: Gaussian inputs N(0, I_d), targets from a fixed random teacher (seeded) plus N(0, 0.005^2) noise; validation on fixed inputs';
  const m = loadMnist();
  return `${m.source}; ${m.split}`;
}

function notes(w: WorkloadName): string[] {
  const common = [
    'Every GEMM of forward (X*W), activation gradient (dY*W^T) and weight gradient (X^T*dY) is the golden model\'s exact MX GEMM in the run\'s format; operands are re-quantized along each product\'s own K (1x32 blocks) or as square tiles on both operands.',
    'FP32 master weights and optimizer state; no loss scaling. Non-GEMM operations are FP32/FP64 JavaScript.',
    'The metric of a run is measured with the run\'s format in every forward GEMM. An accuracy of a diverged run counts as 0.',
  ];
  if (w === 'char-transformer') {
    common.push('Attention GEMMs are quantized too: Q*K^T and P*V (fwd), dO*V^T and dS*K (dgrad), P^T*dO and dS^T*Q (wgrad, reduced over tokens).');
  }
  return common;
}

// ---------------------------------------------------------------------------------------------------------
// markdown

const fmtV = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined ? '-' : Number(v.toPrecision(digits)).toString());
const sgn = (v: number | null, digits = 2): string => (v === null ? '-' : `${v >= 0 ? '+' : '\u2212'}${Math.abs(v).toFixed(digits)}`);

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function meanSd(sp: Spread | undefined, m: MetricInfo): string {
  if (!sp || sp.mean === null) return '-';
  const d = m.unit === 'pp' ? 2 : 4;
  const x = m.unit === 'pp' ? (sp.mean * m.scale).toFixed(d) : Number(sp.mean.toPrecision(d)).toString();
  const sd = sp.sd === null ? '' : ` ± ${m.unit === 'pp' ? (sp.sd * m.scale).toFixed(d) : Number(sp.sd.toPrecision(2)).toString()}`;
  return `${x}${sd}`;
}

/** The paper-style summary table over all workloads (for the top of the report). */
export function overviewMarkdown(wls: Record<string, WorkloadJson>): string[] {
  const out: string[] = [];
  out.push('| workload | metric | setting | MXSF | E2M5 | E4M3 | MXSF − E2M5 | Welch p | MXSF − E4M3 | Welch p |');
  out.push('|---|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [w, j] of Object.entries(wls)) {
    const pm = j.paperMetric;
    const u = pm.unit === 'pp' ? 'pp' : pm.unit;
    for (const [b, c] of Object.entries(j.summary.training)) {
      const ms = (sp: Spread) => (sp.mean === null ? '-' : `${pm.unit === 'pp' ? sp.mean.toFixed(2) : Number(sp.mean.toPrecision(4))}${sp.sd === null ? '' : ` ± ${pm.unit === 'pp' ? sp.sd.toFixed(2) : Number(sp.sd.toPrecision(2))}`}`);
      const d = (x: number | null) => (x === null ? '-' : pm.unit === 'pp' ? sgn(x) : sgn(x, 4));
      out.push(
        `| ${w} | ${pm.label} (${u}) | training, ${b === 'pooled' ? 'both blocks' : b} (n = ${c.vsE2M5.mxsf.n}/${c.vsE2M5.other.n}/${c.vsE4M3.other.n}) | ${ms(c.vsE2M5.mxsf)} | ${ms(c.vsE2M5.other)} | ${ms(c.vsE4M3.other)} | ` +
          `${d(c.vsE2M5.diff)} | ${c.vsE2M5.welch ? c.vsE2M5.welch.p.toFixed(3) : '-'} | ${d(c.vsE4M3.diff)} | ${c.vsE4M3.welch ? c.vsE4M3.welch.p.toFixed(3) : '-'} |`,
      );
    }
    for (const [b, c] of Object.entries(j.summary.inference)) {
      if (b !== '1x32' && b !== '8x8') continue;
      const v = (f: string) => {
        const x = j.cast[f]?.[b]?.floor?.[pm.key];
        return x === null || x === undefined ? '-' : pm.unit === 'pp' ? (x * pm.scale).toFixed(2) : Number(x.toPrecision(4)).toString();
      };
      const d = (x: number | null) => (x === null ? '-' : pm.unit === 'pp' ? sgn(x) : sgn(x, 4));
      out.push(`| ${w} | ${pm.label} (${u}) | direct cast, ${b} (one FP32 model) | ${v('mxsf')} | ${v('mxfp8-e2m5')} | ${v('mxfp8-e4m3')} | ${d(c.vsE2M5)} | - | ${d(c.vsE4M3)} | - |`);
    }
  }
  return out;
}

export function workloadMarkdown(name: string, j: WorkloadJson, s: StudySettings, px: string): string[] {
  const out: string[] = [];
  const p = s.protocol;
  const pm = j.paperMetric;
  out.push(`### ${name}: ${j.description}`);
  out.push('');
  out.push(`Data: ${j.data}. Size: \`${JSON.stringify(j.size)}\`.`);
  out.push('');
  // paper-style
  out.push(`Paper-style comparison on ${pm.label} (${pm.higherIsBetter ? 'higher' : 'lower'} is better; differences are MXSF minus the other format${pm.unit === 'pp' ? ', in percentage points' : ''}), mean ± sample sd over seeds, Welch's t-test, α = ${ALPHA}:`);
  out.push('');
  const rows: string[][] = [];
  for (const [b, c] of Object.entries(j.summary.training)) {
    for (const [o, cmp] of [['E2M5', c.vsE2M5], ['E4M3', c.vsE4M3]] as const) {
      rows.push([`training, ${b === 'pooled' ? 'both blocks pooled' : b}`, `vs ${o}`, meanSd(cmp.mxsf, { ...pm, scale: 1 }), meanSd(cmp.other, { ...pm, scale: 1 }), pm.unit === 'pp' ? sgn(cmp.diff) : sgn(cmp.diff, 4), cmp.welch ? `t = ${Number.isFinite(cmp.welch.t) ? cmp.welch.t.toFixed(2) : String(cmp.welch.t)}, df = ${cmp.welch.df.toFixed(1)}, p = ${cmp.welch.p.toFixed(3)}` : '-', cmp.verdict]);
    }
  }
  out.push(table(['setting', 'other', 'MXSF', 'other format', 'MXSF − other', 'Welch', 'reading'], rows));
  out.push('');
  // main grid table
  out.push(`All runs of the main grid (floor scales, all GEMM classes in the format; ${p.seeds} seed(s) for ${p.replicatedFormats.join(', ')}, one for the others; mean ± sd over seeds):`);
  out.push('');
  const mrows: string[][] = [];
  for (const f of p.mainFormats) {
    const blocks = isBaseline(f) ? ['none'] : p.mainBlocks;
    for (const b of blocks) {
      const a = j.aggregates[`${f}/${b}/floor/all`];
      if (!a) continue;
      const rs = Object.values(j.runs).filter((r) => r.group === 'main' && r.format === f && r.block === b);
      mrows.push([f, b, ...j.metrics.map((m) => meanSd(a.metrics[m.key], m)), `${a.diverged}/${rs.length}`, String(rs.reduce((x, r) => x + r.spikes, 0))]);
    }
  }
  out.push(table(['format', 'block', ...j.metrics.map((m) => m.label), 'diverged', 'loss spikes (sum)'], mrows));
  out.push('');
  // extra groups
  const extra = Object.entries(j.aggregates).filter(([, a]) => a.group !== 'main');
  if (extra.length) {
    out.push('Block shapes, scale modes and the one-GEMM-class ablation (focus formats, seed 0 unless stated; "classes" names the GEMMs in the format, the rest run in FP32):');
    out.push('');
    const erows = extra
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, a]) => {
        const [f, b, mode, cls] = k.split('/');
        return [a.group, f, b, mode, cls, ...j.metrics.map((m) => meanSd(a.metrics[m.key], m)), String(a.diverged)];
      });
    // the matching main-grid rows, for reference
    for (const f of p.focusFormats) {
      for (const b of p.mainBlocks) {
        const a = j.aggregates[`${f}/${b}/floor/all`];
        if (a) erows.push(['main (ref.)', f, b, 'floor', 'all', ...j.metrics.map((m) => meanSd(a.metrics[m.key], m)), String(a.diverged)]);
      }
    }
    out.push(table(['group', 'format', 'block', 'scales', 'classes', ...j.metrics.map((m) => m.label), 'diverged'], erows));
    out.push('');
  }
  // direct cast
  if (Object.keys(j.cast).length) {
    out.push(`Direct-cast inference of the FP32-trained model (seed 0), ${pm.label}${pm.unit === 'pp' ? ' (%)' : ''}, floor / rceil scales:`);
    out.push('');
    const crows = Object.entries(j.cast).map(([f, byBlock]) => {
      if (byBlock['-']) return [f, ...p.castBlocks.map(() => fmtCast(byBlock['-']['-'][pm.key], pm))];
      return [f, ...p.castBlocks.map((b) => p.castModes.map((m) => fmtCast(byBlock[b]?.[m]?.[pm.key], pm)).join(' / '))];
    });
    out.push(table(['format', ...p.castBlocks], crows));
    out.push('');
  }
  // flush
  const tags = [...new Set(Object.values(j.flush).flatMap((r) => Object.keys(r)))].sort();
  if (tags.length) {
    out.push('Mean share of non-zero operand values flushed to zero over training (seed 0; %), per operand (class:role):');
    out.push('');
    const frows = Object.entries(j.flush)
      .filter(([k]) => p.focusFormats.some((f) => k.startsWith(`${f}/`)) || k.startsWith('mxfp8-e5m2/') || k.startsWith('mxint8/'))
      .map(([k, r]) => [k, ...tags.map((t) => (r[t] === undefined ? '-' : (100 * r[t]).toFixed(2)))]);
    out.push(table(['format/block', ...tags], frows));
    out.push('');
    // scale histogram summary
    const r0 = Object.values(j.runs).find((r) => r.group === 'main' && r.replica === 0 && r.format === 'mxsf' && r.block === '1x32');
    if (r0?.stats) {
      out.push('E8M0 block-scale exponents over training (MXSF, 1x32, seed 0): 1st percentile / median / 99th percentile of 2^(X−127) per operand; the full histograms are in the JSON (`runs.*.stats.*.scaleHist`):');
      out.push('');
      out.push(table(['operand', 'p1', 'median', 'p99', 'blocks'], Object.entries(r0.stats).map(([t, st]) => [t, ...histSummary(st.scaleHist)])));
      out.push('');
    }
  }
  for (const b of p.mainBlocks) {
    out.push(`![${name} training loss, ${b}](${px}.${name}.loss-${b}.svg)`);
    out.push('');
  }
  out.push(`![${name} flush to zero](${px}.${name}.flush.svg)`);
  out.push('');
  for (const n of j.notes) out.push(`- ${n}`);
  out.push('');
  return out;
}

function fmtCast(v: number | null | undefined, m: MetricInfo): string {
  if (v === null || v === undefined) return '-';
  return m.unit === 'pp' ? (100 * v).toFixed(2) : Number(v.toPrecision(4)).toString();
}

function histSummary(h: Record<number, number>): string[] {
  const entries = Object.entries(h).map(([c, n]) => [Number(c), n] as const).filter(([c]) => c !== 255).sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((a, [, n]) => a + n, 0);
  if (!total) return ['-', '-', '-', '0'];
  const q = (f: number) => {
    let acc = 0;
    for (const [c, n] of entries) {
      acc += n;
      if (acc >= f * total) return `2^${c - 127}`;
    }
    return `2^${entries[entries.length - 1][0] - 127}`;
  };
  return [q(0.01), q(0.5), q(0.99), String(total)];
}

// ---------------------------------------------------------------------------------------------------------
// plain words

/** Data-driven readings for the top of the report: where MXSF's range helps and where it does not. */
export function readingsMarkdown(wls: Record<string, WorkloadJson>): string[] {
  const out: string[] = [];
  for (const [w, j] of Object.entries(wls)) {
    const pm = j.paperMetric;
    const pooled = j.summary.training.pooled;
    const gradTags = (row: Record<string, number> | undefined) =>
      row ? Object.entries(row).filter(([t]) => /:(grad|dlogits|dO|dS|dST)$/.test(t)) : [];
    const meanFlush = (fb: string) => {
      const g = gradTags(j.flush[fb]);
      return g.length ? (100 * g.reduce((a, [, v]) => a + v, 0)) / g.length : null;
    };
    const fl = (f: string, b: string) => meanFlush(`${f}/${b}`);
    const u = pm.unit === 'pp' ? ' pp' : ` ${pm.unit}`;
    const diffTxt = (c: Comparison) => (c.diff === null ? '-' : `${pm.unit === 'pp' ? sgn(c.diff) : sgn(c.diff, 4)}${u} (${c.welch ? `p = ${c.welch.p.toFixed(2)}` : 'no test'})`);
    const parts: string[] = [];
    const f1 = fl('mxfp8-e2m5', '1x32');
    const fs1 = fl('mxsf', '1x32');
    const f4 = fl('mxfp8-e4m3', '1x32');
    const f8 = fl('mxfp8-e2m5', '8x8');
    const fs8 = fl('mxsf', '8x8');
    if (f1 !== null && fs1 !== null && f4 !== null) {
      parts.push(
        `gradient operands flushed to zero (mean over gradient tensors and training): E2M5 ${f1.toFixed(2)} %, MXSF ${fs1.toFixed(2)} %, E4M3 ${f4.toFixed(2)} % with 1x32 blocks` +
          (f8 !== null && fs8 !== null ? `; ${f8.toFixed(2)} % / ${fs8.toFixed(2)} % (E2M5 / MXSF) with 8x8 tiles` : ''),
      );
    }
    parts.push(`training ${pm.label}, MXSF minus E2M5 ${diffTxt(pooled.vsE2M5)}, minus E4M3 ${diffTxt(pooled.vsE4M3)}`);
    const inf = j.summary.inference['1x32'];
    if (inf) parts.push(`direct cast (1x32) MXSF minus E2M5 ${inf.vsE2M5 === null ? '-' : (pm.unit === 'pp' ? sgn(inf.vsE2M5) : sgn(inf.vsE2M5, 4)) + u}, minus E4M3 ${inf.vsE4M3 === null ? '-' : (pm.unit === 'pp' ? sgn(inf.vsE4M3) : sgn(inf.vsE4M3, 4)) + u}`);
    let reading: string;
    const better = (c: Comparison) => c.significant && c.diff !== null && (pm.higherIsBetter ? c.diff > 0 : c.diff < 0);
    const worse = (c: Comparison) => c.significant && c.diff !== null && (pm.higherIsBetter ? c.diff < 0 : c.diff > 0);
    if (better(pooled.vsE2M5)) reading = 'MXSF trains measurably better than E2M5 here: the extra binades of its FP5 region keep gradient values that E2M5 flushes.';
    else if (worse(pooled.vsE2M5)) reading = 'MXSF trains measurably worse than E2M5 here: the 2-bit mantissa of its FP5 region costs more than its extra range recovers.';
    else reading = 'MXSF and E2M5 train alike here: the values E2M5 flushes (below 2^-5 of the block maximum) carry too little of the gradient to change the result at this size.';
    if (better(pooled.vsE4M3)) reading += ' MXSF beats E4M3 (its 5-bit mantissa near the block maximum).';
    else if (worse(pooled.vsE4M3)) reading += ' E4M3 beats MXSF (its wider range matters more than MXSF\'s mantissa).';
    else reading += ' MXSF and E4M3 are not distinguishable either.';
    out.push(`- **${w}**: ${parts.join('; ')}. ${reading}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// plots

const COLORS: Record<string, string> = {
  fp32: '#000000', bf16: '#7f7f7f', 'mxfp8-e4m3': '#1f77b4', 'mxfp8-e5m2': '#ff7f0e', 'mxfp8-e2m5': '#2ca02c', mxint8: '#9467bd', mxsf: '#d62728',
};

export function workloadPlots(wls: Record<string, WorkloadJson>, s: StudySettings, px: string): Record<string, string> {
  const plots: Record<string, string> = {};
  const p = s.protocol;
  for (const [w, j] of Object.entries(wls)) {
    for (const b of p.mainBlocks) {
      const series: Series[] = [];
      for (const f of p.mainFormats) {
        const blk = isBaseline(f) ? 'none' : b;
        const rs = Object.values(j.runs).filter((r) => r.group === 'main' && r.format === f && r.block === blk && r.curve.step.length);
        if (!rs.length) continue;
        // mean over seeds at the common steps
        const steps = rs[0].curve.step;
        const pts = steps.map((x, i) => {
          const ys = rs.map((r) => r.curve.loss[i]).filter((v) => v !== undefined && Number.isFinite(v));
          return { x, y: ys.length ? ys.reduce((a, v) => a + v, 0) / ys.length : NaN };
        });
        const div = rs.filter((r) => r.divergedAt !== null).length;
        series.push({ name: `${f}${div ? ` (${div} diverged)` : ''}`, color: COLORS[f] ?? '#333', dash: isBaseline(f) ? '6 4' : undefined, points: pts });
      }
      plots[`${px}.${w}.loss-${b}.svg`] = lineChart({
        title: `${w}: training loss, every GEMM in the format, ${b === '1x32' ? '1x32 blocks' : `${b} tiles`} (mean of ${p.seeds} seed(s))`,
        xLabel: 'step',
        yLabel: 'training loss (log scale)',
        series,
        logY: true,
        width: 860,
      });
    }
    // flush share over training for the gradient operands of the focus formats (seed 0)
    const series: Series[] = [];
    const dashes: Record<string, string | undefined> = { '1x32': undefined, '8x8': '6 3' };
    for (const f of p.focusFormats) {
      for (const b of p.mainBlocks) {
        const r = Object.values(j.runs).find((x) => x.group === 'main' && x.replica === 0 && x.format === f && x.block === b);
        if (!r?.stats) continue;
        const g = Object.entries(r.stats).filter(([t]) => /:(grad|dlogits|dO|dS|dST)$/.test(t));
        if (!g.length) continue;
        const steps = g[0][1].steps;
        const pts = steps.map((x, i) => ({ x, y: 100 * (g.reduce((a, [, t]) => a + (t.flush[i] ?? 0), 0) / g.length) }));
        series.push({ name: `${f} ${b}`, color: COLORS[f] ?? '#333', dash: dashes[b], points: pts });
      }
    }
    plots[`${px}.${w}.flush.svg`] = lineChart({
      title: `${w}: gradient operands flushed to zero (% of non-zero values, mean over gradient tensors, seed 0)`,
      xLabel: 'step',
      yLabel: 'flushed to zero (%)',
      series,
      width: 860,
    });
  }
  // overview bars: paper metric per format (1x32 main grid means)
  return plots;
}

export function overviewPlot(wls: Record<string, WorkloadJson>, px: string): Record<string, string> {
  const cats = Object.keys(wls);
  const groups = (['vsE2M5', 'vsE4M3'] as const).flatMap((o) =>
    (['1x32', '8x8'] as const).map((b) => ({
      name: `MXSF − ${o === 'vsE2M5' ? 'E2M5' : 'E4M3'}, ${b}`,
      color: o === 'vsE2M5' ? (b === '1x32' ? '#2ca02c' : '#98df8a') : b === '1x32' ? '#1f77b4' : '#aec7e8',
      values: cats.map((w) => {
        const c = wls[w].summary.training[b]?.[o];
        const pm = wls[w].paperMetric;
        if (!c || c.diff === null) return null;
        // a positive bar is MXSF better, whatever the metric's direction; losses shown x100 (centi-units)
        return pm.unit === 'pp' ? c.diff : -100 * c.diff;
      }),
    })),
  );
  const all = groups.flatMap((g) => g.values).filter((v): v is number => v !== null);
  const lo = Math.min(-1, Math.floor(Math.min(0, ...all)));
  const hi = Math.max(1, Math.ceil(Math.max(0, ...all)));
  return {
    [`${px}.summary.svg`]: barChart({
      title: 'Training: MXSF advantage per workload (accuracies in pp; MSE/loss x100, sign flipped so up = MXSF better)',
      yLabel: 'MXSF advantage',
      categories: cats,
      groups,
      yMin: lo,
      yMax: hi,
      label: (v) => v.toFixed(2),
    }),
  };
}

export type { RunSpec };
