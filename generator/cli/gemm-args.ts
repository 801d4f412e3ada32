// The operands and options of a GEMM, shared by `mxgen gemm` and `mxgen sim gemm` (same flags, same checks,
// same messages). The formats and block shapes come from the options, from pre-quantized operand files, or (sim
// gemm --design) from a PE design's manifest; where more than one gives them they must agree.

import { BASELINE_BF16, FORMAT_NAMES, type FormatName } from '../formats/table';
import { DEFAULT_BLOCK_A, DEFAULT_BLOCK_B } from '../golden/gemm';
import { blockShapeText, type BlockShape, type Matrix } from '../golden/quantize';
import type { ScaleMode } from '../golden/scale';
import type { GemmFormat, GemmOperand, GemmSpec } from '../drivers/gemm';
import type { OptionSpec, ParsedArgs } from './command';
import { InputError, UsageError } from './errors';
import { readMatrixJson, sourceName, type CliIO } from './io';
import { operandShape, readOperand } from './operand';
import { blockValue, gemmFormatValue, outputOption, scaleModeValue, SCALE_MODE_OPTION, VALUES_OPTION } from './options';

/** Largest output the CLI builds (M x N elements). */
export const MAX_OUTPUT_ELEMENTS = 1 << 26;

/** The format and block options (before the command's own ones). */
export const GEMM_FORMAT_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'format',
    value: 'F',
    help: `format of A (and of B unless --format-b): ${[...FORMAT_NAMES, BASELINE_BF16].join(', ')}; required unless a pre-quantized A (or --design) gives it`,
  },
  { name: 'format-b', value: 'F2', help: "format of B (default: a pre-quantized B's, else --format)" },
  { name: 'block-a', value: 'RxC', default: blockShapeText(DEFAULT_BLOCK_A), help: "block shape of A (a pre-quantized A's if not given); its column count is the chunk length k" },
  { name: 'block-b', value: 'RxC', default: blockShapeText(DEFAULT_BLOCK_B), help: "block shape of B (a pre-quantized B's if not given); its row count must equal k" },
  SCALE_MODE_OPTION,
];

/** The operand files and the output (after the command's own options). */
export const GEMM_FILE_OPTIONS: readonly OptionSpec[] = [
  { name: 'a', value: 'FILE', required: true, help: "A, M x K: matrix JSON or pre-quantized ('-' is stdin)" },
  { name: 'b', value: 'FILE', required: true, help: "B, K x N: matrix JSON or pre-quantized ('-' is stdin)" },
  { name: 'c', value: 'FILE', help: 'accumulator input, M x N matrix JSON (default: +0)' },
  VALUES_OPTION,
  outputOption('result'),
];

/** The format and block options as given (checked; absent ones undefined). */
export interface GemmOptionValues {
  readonly formatA?: GemmFormat;
  readonly formatB?: GemmFormat;
  readonly blockA?: BlockShape;
  readonly blockB?: BlockShape;
  readonly scaleMode: ScaleMode;
}

function mixError(a: GemmFormat, b: GemmFormat): UsageError {
  return new UsageError(`'${BASELINE_BF16}' is the unscaled baseline and cannot be mixed with an MX format (format of A ${a}, of B ${b})`);
}

function kEdgeError(a: BlockShape, b: BlockShape): UsageError {
  return new UsageError(
    `the blocks' edges along K differ: --block-a ${blockShapeText(a)} has ${a.cols} columns, ` +
      `--block-b ${blockShapeText(b)} has ${b.rows} rows; use matching edges (e.g. 1x32 with 32x1, 8x8 with 8x8)`,
  );
}

/** Checks the format and block options (usage errors) without reading any file. */
export function gemmOptionValues(args: ParsedArgs): GemmOptionValues {
  const formatA = args.given('format') ? gemmFormatValue('format', args.require('format')) : undefined;
  const formatB = args.given('format-b') ? gemmFormatValue('format-b', args.require('format-b')) : undefined;
  if (formatA && formatB && (formatA === BASELINE_BF16) !== (formatB === BASELINE_BF16)) throw mixError(formatA, formatB);
  const blockA = args.given('block-a') ? blockValue('block-a', args.require('block-a')) : undefined;
  const blockB = args.given('block-b') ? blockValue('block-b', args.require('block-b')) : undefined;
  if (blockA && blockB && blockA.cols !== blockB.rows) throw kEdgeError(blockA, blockB);
  return { ...(formatA ? { formatA } : {}), ...(formatB ? { formatB } : {}), ...(blockA ? { blockA } : {}), ...(blockB ? { blockB } : {}), scaleMode: scaleModeValue(args) };
}

export interface GemmOperandFiles {
  readonly a: GemmOperand;
  readonly b: GemmOperand;
  readonly c: Matrix | undefined;
  /** how the files appear in messages */
  readonly names: { readonly a: string; readonly b: string; readonly c?: string };
}

/** --a, --b and --c, of which at most one may be '-' (stdin). */
export function gemmFileArgs(args: ParsedArgs): { a: string; b: string; c: string | undefined } {
  const files = { a: args.require('a'), b: args.require('b'), c: args.string('c') };
  const fromStdin = Object.entries(files).filter(([, f]) => f === '-');
  if (fromStdin.length > 1) {
    throw new UsageError(`only one input can come from stdin, but ${fromStdin.map(([k]) => `--${k}`).join(' and ')} are '-'`);
  }
  return files;
}

/** Reads A, B and C after checking that at most one comes from stdin; checks their shapes. */
export async function readGemmOperands(args: ParsedArgs, io: CliIO): Promise<GemmOperandFiles> {
  const files = gemmFileArgs(args);
  const names = { a: sourceName(files.a, 'A'), b: sourceName(files.b, 'B'), ...(files.c !== undefined ? { c: sourceName(files.c, 'C') } : {}) };
  const a = await readOperand(files.a, 'A', io);
  const b = await readOperand(files.b, 'B', io);
  const c = files.c === undefined ? undefined : await readMatrixJson(files.c, 'C', io);
  const sa = operandShape(a);
  const sb = operandShape(b);
  if (sa.cols !== sb.rows) {
    throw new InputError(`${names.a} is ${sa.rows}x${sa.cols} and ${names.b} is ${sb.rows}x${sb.cols}: A's columns must equal B's rows (K)`);
  }
  if (c && (c.rows !== sa.rows || c.cols !== sb.cols)) {
    throw new InputError(`${names.c} is ${c.rows}x${c.cols} but A*B is ${sa.rows}x${sb.cols}`);
  }
  if (sa.rows * sb.cols > MAX_OUTPUT_ELEMENTS) {
    throw new InputError(`the result would be ${sa.rows}x${sb.cols}, more than ${MAX_OUTPUT_ELEMENTS} elements`);
  }
  return { a, b, c, names };
}

/** What a PE design supplies when the options and files do not. */
export interface GemmDefaults {
  readonly formatA?: GemmFormat;
  readonly formatB?: GemmFormat;
  readonly k?: number;
}

/**
 * The GEMM to compute: each format and block from its option, else the pre-quantized file, else the design,
 * else the default; an option and a file that disagree are an InputError naming both.
 */
export function resolveGemm(o: GemmOptionValues, f: GemmOperandFiles, d: GemmDefaults = {}): GemmSpec {
  const fileFormat = (op: GemmOperand, name: string, option: string, given: GemmFormat | undefined): FormatName | undefined => {
    if (op.kind !== 'quantized') return undefined;
    if (given === BASELINE_BF16) throw new InputError(`${name} is pre-quantized (${op.q.format}), but --format ${BASELINE_BF16} multiplies FP32 matrices`);
    if (given !== undefined && given !== op.q.format) {
      throw new InputError(`${name} is quantized as ${op.q.format}, but ${option} is ${given}; drop ${option} or use ${option} ${op.q.format}`);
    }
    return op.q.format;
  };
  const fileBlock = (op: GemmOperand, name: string, option: string, given: BlockShape | undefined): BlockShape | undefined => {
    if (op.kind !== 'quantized') return undefined;
    const b = op.q.block;
    if (given && (given.rows !== b.rows || given.cols !== b.cols)) {
      throw new InputError(`${name} is quantized in ${blockShapeText(b)} blocks, but ${option} is ${blockShapeText(given)}; drop ${option} or use ${option} ${blockShapeText(b)}`);
    }
    return b;
  };
  const formatA = o.formatA ?? fileFormat(f.a, f.names.a, '--format', undefined) ?? d.formatA;
  if (o.formatA) fileFormat(f.a, f.names.a, '--format', o.formatA);
  if (formatA === undefined) throw new UsageError('missing required option --format (or give a pre-quantized A)');
  const formatB = o.formatB ?? fileFormat(f.b, f.names.b, '--format-b', undefined) ?? d.formatB ?? formatA;
  if (o.formatB) fileFormat(f.b, f.names.b, '--format-b', o.formatB);
  else if (f.b.kind === 'quantized' && formatA === BASELINE_BF16) fileFormat(f.b, f.names.b, '--format', formatA);
  if ((formatA === BASELINE_BF16) !== (formatB === BASELINE_BF16)) throw mixError(formatA, formatB);
  const blockA = o.blockA ?? fileBlock(f.a, f.names.a, '--block-a', undefined) ?? (d.k ? { rows: 1, cols: d.k } : DEFAULT_BLOCK_A);
  if (o.blockA) fileBlock(f.a, f.names.a, '--block-a', o.blockA);
  const blockB = o.blockB ?? fileBlock(f.b, f.names.b, '--block-b', undefined) ?? (d.k ? { rows: d.k, cols: 1 } : DEFAULT_BLOCK_B);
  if (o.blockB) fileBlock(f.b, f.names.b, '--block-b', o.blockB);
  if (blockA.cols !== blockB.rows) throw kEdgeError(blockA, blockB);
  return { formatA, formatB, blockA, blockB, scaleMode: o.scaleMode, a: f.a, b: f.b, ...(f.c ? { c: f.c } : {}) };
}
