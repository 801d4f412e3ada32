// `mxgen sim quantize`: the same options and JSON as `mxgen quantize`, but the scales and codes come from the
// generated block quantizer RTL (1xK rows, Kx1 columns via the transpose) or the streaming tile re-quantizer
// (RxC tiles) run under Icarus or Verilator. The values are the golden
// dequantization of the RTL's codes. Unless --no-check, the RTL result is compared with the golden model and a
// disagreement exits 1 with a short diff summary (after the JSON is written).

import type { Command } from '../command';
import { FORMAT_NAMES } from '../../formats/table';
import { DEFAULT_BLOCK_A } from '../../golden/gemm';
import { blockShapeText, type BlockShape, type Matrix, type QuantizedMatrix } from '../../golden/quantize';
import type { FormatName } from '../../formats/table';
import type { ScaleMode } from '../../golden/scale';
import { UsageError } from '../errors';
import { MATRIX_INPUT_HELP, readMatrixJson, writeOutput } from '../io';
import { formatJson, quantizeJson } from '../json';
import { blockValue, mxFormatValue, outputOption, scaleModeValue, SCALE_MODE_OPTION } from '../options';

export const SIM_CHOICES = ['verilator', 'icarus'] as const;
export type SimChoice = (typeof SIM_CHOICES)[number];

/** Largest block the command builds a quantizer for (the hardware grows linearly with k). */
export const MAX_SIM_K = 1024;

/** The RTL disagrees with the golden model: exit code 1, the message is the diff summary. */
export class RtlMismatchError extends Error {
  readonly userError = true;
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'RtlMismatchError';
  }
}

export interface SimQuantizeOptions {
  readonly format: FormatName;
  readonly block: BlockShape;
  readonly scaleMode: ScaleMode;
  readonly sim: SimChoice;
  /** feed the BF16-input quantizer (the matrix is rounded to BF16, half to even, first) */
  readonly bf16: boolean;
  readonly seed?: number;
  readonly stallPercent?: number;
  /** PATH to find the simulators (tests) */
  readonly toolPath?: string;
}

export interface SimQuantizeResult {
  /** the RTL's scales and codes */
  readonly rtl: QuantizedMatrix;
  /** the matrix the RTL saw (BF16-rounded when bf16) */
  readonly input: Matrix;
  /** the quantizer module that ran */
  readonly top: string;
}

/** Largest tile edge the command builds a tile re-quantizer for (its buffer grows with R x C). */
export const MAX_SIM_TILE = 64;

/**
 * Checks the block shape: 1xK rows run the block quantizer, Kx1 columns run it on the transpose, and
 * R x C tiles (R > 1 and C > 1) run the streaming tile re-quantizer.
 */
export function simBlockCheck(block: BlockShape): void {
  if (block.rows > 1 && block.cols > 1) {
    if (block.rows > MAX_SIM_TILE || block.cols > MAX_SIM_TILE) {
      throw new UsageError(`--block ${blockShapeText(block)}: tile edges above ${MAX_SIM_TILE} are too large to build and simulate`);
    }
    return;
  }
  const k = Math.max(block.rows, block.cols);
  if (k > MAX_SIM_K) throw new UsageError(`--block ${blockShapeText(block)}: K above ${MAX_SIM_K} is too large to build and simulate`);
}

/** The transpose of a matrix (Kx1 column blocks run as 1xK row blocks of the transpose). */
function transposed(m: Matrix): Matrix {
  const bits = new Uint32Array(m.rows * m.cols);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) bits[c * m.rows + r] = m.bits[r * m.cols + c]!;
  return { rows: m.cols, cols: m.rows, bits };
}

function transposedQuantized(q: QuantizedMatrix, block: BlockShape): QuantizedMatrix {
  const codes = new Uint8Array(q.codes.length);
  for (let r = 0; r < q.rows; r++) for (let c = 0; c < q.cols; c++) codes[c * q.rows + r] = q.codes[r * q.cols + c]!;
  const scales = new Uint8Array(q.scales.length);
  for (let r = 0; r < q.gridRows; r++) for (let c = 0; c < q.gridCols; c++) scales[c * q.gridRows + r] = q.scales[r * q.gridCols + c]!;
  return { ...q, block, rows: q.cols, cols: q.rows, gridRows: q.gridCols, gridCols: q.gridRows, scales, codes };
}

/** Runs the tile re-quantizer RTL on a matrix, tile by tile. */
async function simQuantizeTile(m: Matrix, o: SimQuantizeOptions): Promise<SimQuantizeResult> {
  const { fp32BitsToBf16Bits } = await import('../../formats/fp32');
  const { simQuantizeTiles } = await import('../../rtl/tile/sim');
  const input: Matrix = o.bf16 ? { rows: m.rows, cols: m.cols, bits: m.bits.map((b) => fp32BitsToBf16Bits(b)) } : m;
  const r = await simQuantizeTiles({
    sim: o.sim,
    format: o.format,
    block: o.block,
    scaleMode: o.scaleMode,
    matrix: m,
    input: o.bf16 ? 'bf16' : 'fp32',
    seed: o.seed ?? 1,
    stallPercent: o.stallPercent ?? 0,
  });
  const rtl: QuantizedMatrix = {
    format: o.format,
    block: o.block,
    scaleMode: o.scaleMode,
    rows: m.rows,
    cols: m.cols,
    gridRows: r.gridRows,
    gridCols: r.gridCols,
    scales: r.scales,
    codes: r.codes,
  };
  return { rtl, input, top: r.module };
}

/** Runs the quantizer RTL on a matrix: rows cut into blocks of K (the last one padded with +0, its codes dropped). */
export async function simQuantize(m: Matrix, o: SimQuantizeOptions): Promise<SimQuantizeResult> {
  simBlockCheck(o.block);
  const { requireTool } = await import('../../sim/tools');
  if (o.sim === 'icarus') {
    requireTool('iverilog', { path: o.toolPath });
    requireTool('vvp', { path: o.toolPath });
  } else requireTool('verilator', { path: o.toolPath });
  if (o.block.rows > 1 && o.block.cols > 1) return simQuantizeTile(m, o);
  if (o.block.rows > 1) {
    // Kx1 column blocks: the 1xK quantizer on the transpose, then transposed back
    const t = await simQuantize(transposed(m), { ...o, block: { rows: 1, cols: o.block.rows } });
    return { rtl: transposedQuantized(t.rtl, o.block), input: transposed(t.input), top: t.top };
  }
  const { fp32BitsToBf16Bits } = await import('../../formats/fp32');
  const { makeMatrix } = await import('../../golden/quantize');
  const { withQuantizerRtl, runQuantizerBlocks } = await import('../../rtl/quantizer/run');
  const { REFERENCE_DEPTH } = await import('../../rtl/quantizer/configs');

  const input = o.bf16 ? makeMatrix(m.rows, m.cols, m.bits.map((b) => fp32BitsToBf16Bits(b))) : m;
  const K = o.block.cols;
  // a block wider than the matrix holds one row padded with zeros, which never change amax: k = cols is the same
  const k = Math.min(K, m.cols);
  const gridCols = Math.ceil(m.cols / K);
  const blocks: number[][] = [];
  for (let r = 0; r < m.rows; r++) {
    for (let g = 0; g < gridCols; g++) {
      const b = new Array<number>(k).fill(0);
      for (let j = 0; j < k && g * K + j < m.cols; j++) {
        const bits = input.bits[r * m.cols + g * K + j]!;
        b[j] = o.bf16 ? bits >>> 16 : bits;
      }
      blocks.push(b);
    }
  }
  const cfg = { format: o.format, k, scaleMode: o.scaleMode, input: o.bf16 ? 'bf16' : 'fp32', depth: REFERENCE_DEPTH } as const;
  return withQuantizerRtl(cfg, async (rtl) => {
    const run = await runQuantizerBlocks(rtl, blocks, {
      sim: o.sim,
      seed: o.seed ?? 1,
      stallPercent: o.stallPercent ?? 0,
      ...(o.toolPath !== undefined ? { toolPath: o.toolPath } : {}),
    });
    const scales = new Uint8Array(m.rows * gridCols);
    const codes = new Uint8Array(m.rows * m.cols);
    run.results.forEach((res, i) => {
      const r = Math.floor(i / gridCols);
      const g = i % gridCols;
      scales[i] = res.scale;
      for (let j = 0; j < k && g * K + j < m.cols; j++) codes[r * m.cols + g * K + j] = res.codes[j]!;
    });
    const q: QuantizedMatrix = {
      format: o.format,
      block: o.block,
      scaleMode: o.scaleMode,
      rows: m.rows,
      cols: m.cols,
      gridRows: m.rows,
      gridCols,
      scales,
      codes,
    };
    return { rtl: q, input, top: rtl.iface.name };
  });
}

/** A short summary of where the RTL's result differs from the golden one, or undefined when they agree. */
export function diffSummary(input: Matrix, golden: QuantizedMatrix, rtl: QuantizedMatrix, sim: string, top: string, maxBlocks = 3): string | undefined {
  const K = golden.block.cols;
  const bad: number[] = [];
  let scaleDiffs = 0;
  let codeDiffs = 0;
  for (let b = 0; b < golden.scales.length; b++) {
    const r = Math.floor(b / golden.gridCols);
    const c0 = (b % golden.gridCols) * K;
    const c1 = Math.min(golden.cols, c0 + K);
    let differs = golden.scales[b] !== rtl.scales[b];
    if (differs) scaleDiffs++;
    for (let c = c0; c < c1; c++) {
      if (golden.codes[r * golden.cols + c] !== rtl.codes[r * golden.cols + c]) {
        codeDiffs++;
        differs = true;
      }
    }
    if (differs) bad.push(b);
  }
  if (bad.length === 0) return undefined;
  const hex = (v: number, d: number): string => '0x' + v.toString(16).padStart(d, '0');
  const lines = [
    `the RTL (${top}, ${sim}) disagrees with the golden model: ${bad.length} of ${golden.scales.length} blocks differ (${scaleDiffs} scales, ${codeDiffs} codes)`,
  ];
  for (const b of bad.slice(0, maxBlocks)) {
    const r = Math.floor(b / golden.gridCols);
    const c0 = (b % golden.gridCols) * K;
    const c1 = Math.min(golden.cols, c0 + K);
    lines.push(`  block row ${r} cols ${c0}..${c1 - 1}: scale expected ${hex(golden.scales[b]!, 2)} actual ${hex(rtl.scales[b]!, 2)}`);
    let shown = 0;
    for (let c = c0; c < c1 && shown < 4; c++) {
      const i = r * golden.cols + c;
      if (golden.codes[i] === rtl.codes[i]) continue;
      shown++;
      lines.push(`    [${r},${c}] input ${hex(input.bits[i]!, 8)}: code expected ${hex(golden.codes[i]!, 2)} actual ${hex(rtl.codes[i]!, 2)}`);
    }
  }
  if (bad.length > maxBlocks) lines.push(`  ... ${bad.length - maxBlocks} more blocks`);
  return lines.join('\n');
}

export const simQuantizeCommand: Command = {
  name: 'sim quantize',
  summary: 'quantize an FP32 matrix with the generated quantizer RTL under Icarus or Verilator (checked against the golden model)',
  usage: '--format F [--block RxC] [--scale-mode floor|rceil] [--sim verilator|icarus] [--bf16-input] [--no-check] [--input FILE|-] [--output FILE|-]',
  options: [
    { name: 'format', value: 'F', required: true, help: `element format: ${FORMAT_NAMES.join(', ')}` },
    { name: 'block', value: 'RxC', default: blockShapeText(DEFAULT_BLOCK_A), help: 'block shape: 1xK runs the block quantizer along rows, Kx1 along columns, RxC (R, C > 1) the streaming tile re-quantizer; partial blocks are padded with zeros' },
    SCALE_MODE_OPTION,
    { name: 'sim', value: 'S', choices: SIM_CHOICES, default: 'verilator', help: 'simulator: verilator or icarus' },
    { name: 'bf16-input', help: 'use the BF16-input quantizer: the matrix is rounded to BF16 (half to even) first, and checked on those values' },
    { name: 'no-check', help: 'do not compare the RTL result with the golden model' },
    { name: 'input', value: 'FILE|-', default: '-', help: "matrix JSON to quantize ('-' is stdin)" },
    outputOption('quantized'),
  ],
  help: [
    MATRIX_INPUT_HELP,
    '',
    "Output: the JSON of 'mxgen quantize' (scales and codes from the RTL; values = their golden dequantization).",
    'The quantizer (1xK, Kx1) or tile re-quantizer (RxC) for the block shape is generated and built on the fly',
    '(builds are cached in sim/build/).',
    'Exit status 1 with a short diff summary on stderr when the RTL disagrees with the golden model.',
    '',
    'Example: echo \'{"rows":1,"cols":2,"data":[7,1]}\' | mxgen sim quantize --format mxfp4-e2m1 --sim icarus',
  ].join('\n'),
  async run(args, io) {
    const format = mxFormatValue('format', args.require('format'));
    const block = blockValue('block', args.require('block'));
    simBlockCheck(block);
    const mode = scaleModeValue(args);
    const sim = args.require('sim') as SimChoice;
    const bf16 = args.flag('bf16-input');
    const m = await readMatrixJson(args.require('input'), 'input', io);
    const r = await simQuantize(m, { format, block, scaleMode: mode, sim, bf16 });
    await writeOutput(args.require('output'), formatJson(quantizeJson(r.rtl)), io);
    if (args.flag('no-check')) return;
    const { quantize } = await import('../../golden/quantize');
    const diff = diffSummary(r.input, quantize(r.input, format, block, mode), r.rtl, sim, r.top);
    if (diff !== undefined) throw new RtlMismatchError(diff);
  },
};
