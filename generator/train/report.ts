// Text tables and JSON for the training-step comparison (`mxgen train-step`).

import type { FormatName, ScaleMode } from '../golden/index';
import { DEFAULT_SEED, DEFAULT_SHAPE, makeInputs, runLinearStep, type LayerShape, type Scheme, type StepResult } from './linear-step';

export interface TrainStepRequest {
  readonly format: FormatName;
  readonly scheme: Scheme;
  readonly tile?: number;
  readonly scaleMode?: ScaleMode;
  readonly shape?: LayerShape;
  readonly seed?: number;
}

export interface CompareRequest {
  readonly formats?: readonly FormatName[];
  readonly tiles?: readonly number[];
  readonly scaleMode?: ScaleMode;
  readonly shape?: LayerShape;
  readonly seed?: number;
}

export interface Report {
  readonly text: string;
  readonly json: unknown;
}

export const COMPARE_FORMATS: readonly FormatName[] = ['mxsf', 'mxfp8-e4m3'];
export const COMPARE_TILES: readonly number[] = [8, 16];

/** One scheme for one format. */
export function trainStepReport(req: TrainStepRequest): Report {
  const r = runLinearStep(req);
  const text = [renderTable([r]), footer(r)].join('\n');
  return { text, json: resultJson(r) };
}

/** 1x32 against each RxR tile for each format, on the same inputs. */
export function compareReport(req: CompareRequest = {}): Report {
  const shape = req.shape ?? DEFAULT_SHAPE;
  const seed = req.seed ?? DEFAULT_SEED;
  const inputs = makeInputs(shape, seed);
  const results: StepResult[] = [];
  for (const format of req.formats ?? COMPARE_FORMATS) {
    const common = { format, scaleMode: req.scaleMode, shape, seed, inputs };
    results.push(runLinearStep({ ...common, scheme: '1d' }));
    for (const tile of req.tiles ?? COMPARE_TILES) results.push(runLinearStep({ ...common, scheme: 'tile', tile }));
  }
  const text = [renderTable(results, true), footer(results[0])].join('\n');
  return { text, json: { shape, seed, scaleMode: results[0].scaleMode, results: results.map(resultJson) } };
}

function resultJson(r: StepResult): unknown {
  return {
    format: r.format,
    scheme: r.scheme,
    block: r.block,
    scaleMode: r.scaleMode,
    shape: r.shape,
    seed: r.seed,
    passes: r.passes,
    bytesStored: r.bytesStored,
    copies: r.copies,
    // JSON has no NaN/Inf: a non-finite error (not expected for these inputs) is written as null
    relError: {
      y: finiteOrNull(r.relError.y),
      dX: finiteOrNull(r.relError.dx),
      dW: finiteOrNull(r.relError.dw),
    },
  };
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function renderTable(rs: readonly StepResult[], compare = false): string {
  const head = ['format', 'scheme', 'block', 'passes', 'bytes stored', ...(compare ? ['vs 1x32'] : []), 'err Y', 'err dX', 'err dW'];
  let base = rs[0].bytesStored;
  const rows = rs.map((r) => {
    if (r.scheme === '1d') base = r.bytesStored;
    return [
      r.format,
      r.scheme,
      r.block,
      String(r.passes),
      fmtBytes(r.bytesStored),
      ...(compare ? [`${((100 * r.bytesStored) / base).toFixed(1)}%`] : []),
      fmtErr(r.relError.y),
      fmtErr(r.relError.dx),
      fmtErr(r.relError.dw),
    ];
  });
  const left = new Set([0, 1, 2]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (left.has(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(head), line(widths.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

function footer(r: StepResult): string {
  const { batch, in: inF, out } = r.shape;
  return [
    `layer: X ${batch}x${inF}, W ${inF}x${out}, dY ${batch}x${out}; seed ${r.seed}; scale mode ${r.scaleMode}`,
    'inputs: X = ReLU(N(0,1)), W ~ N(0, 1/in), dY = g_b * N(0,1) with g_b = 10^U(-5,-3) per sample',
    'bytes = sum over stored copies of elements * codeBits/8 + scales * 1; err = ||Z_q - Z_ref||_F / ||Z_ref||_F',
    'against FP64 products of the unquantized FP32 inputs (Z = Y = X*W, dX = dY*W^T, dW = X^T*dY)',
  ].join('\n');
}

function fmtBytes(b: number): string {
  return Number.isInteger(b) ? String(b) : b.toFixed(2);
}

function fmtErr(e: number): string {
  return Number.isFinite(e) ? e.toExponential(3) : String(e);
}
