// The operands and options of a GEMM, shared by `mxgen gemm` and `mxgen sim gemm` (same flags, same checks,
// same messages), and the golden-model product both of them print or compare against.

import { BASELINE_BF16, FORMAT_NAMES, type FormatName } from '../formats/table';
import { DEFAULT_BLOCK_A, DEFAULT_BLOCK_B, gemm, gemmBf16 } from '../golden/gemm';
import { blockShapeText, type BlockShape, type Matrix } from '../golden/quantize';
import type { ScaleMode } from '../golden/scale';
import type { OptionSpec, ParsedArgs } from './command';
import { InputError, UsageError } from './errors';
import { readMatrixJson, sourceName, type CliIO } from './io';
import { blockValue, gemmFormatValue, outputOption, scaleModeValue, SCALE_MODE_OPTION } from './options';

/** Largest output the CLI builds (M x N elements). */
export const MAX_OUTPUT_ELEMENTS = 1 << 26;

/** The format and block options (before the command's own ones). */
export const GEMM_FORMAT_OPTIONS: readonly OptionSpec[] = [
  { name: 'format', value: 'F', required: true, help: `format of A (and of B unless --format-b): ${[...FORMAT_NAMES, BASELINE_BF16].join(', ')}` },
  { name: 'format-b', value: 'F2', help: 'format of B (default: --format)' },
  { name: 'block-a', value: 'RxC', default: blockShapeText(DEFAULT_BLOCK_A), help: 'block shape of A; its column count is the chunk length k' },
  { name: 'block-b', value: 'RxC', default: blockShapeText(DEFAULT_BLOCK_B), help: 'block shape of B; its row count must equal k' },
  SCALE_MODE_OPTION,
];

/** The operand files and the output (after the command's own options). */
export const GEMM_FILE_OPTIONS: readonly OptionSpec[] = [
  { name: 'a', value: 'FILE', required: true, help: "A, M x K matrix JSON ('-' is stdin)" },
  { name: 'b', value: 'FILE', required: true, help: "B, K x N matrix JSON ('-' is stdin)" },
  { name: 'c', value: 'FILE', help: 'accumulator input, M x N matrix JSON (default: +0)' },
  outputOption('result'),
];

export interface GemmArgs {
  readonly formatA: FormatName | typeof BASELINE_BF16;
  readonly formatB: FormatName | typeof BASELINE_BF16;
  readonly blockA: BlockShape;
  readonly blockB: BlockShape;
  readonly scaleMode: ScaleMode;
  readonly a: Matrix;
  readonly b: Matrix;
  readonly c: Matrix | undefined;
}

/** Checks the format and block options (usage errors) without reading any file. */
export function gemmFormatArgs(args: ParsedArgs): Pick<GemmArgs, 'formatA' | 'formatB' | 'blockA' | 'blockB' | 'scaleMode'> {
  const formatA = gemmFormatValue('format', args.require('format'));
  const formatB = args.given('format-b') ? gemmFormatValue('format-b', args.require('format-b')) : formatA;
  if ((formatA === BASELINE_BF16) !== (formatB === BASELINE_BF16)) {
    throw new UsageError(`'${BASELINE_BF16}' is the unscaled baseline and cannot be mixed with an MX format (--format ${formatA}, --format-b ${formatB})`);
  }
  const blockA = blockValue('block-a', args.require('block-a'));
  const blockB = blockValue('block-b', args.require('block-b'));
  if (blockA.cols !== blockB.rows) {
    throw new UsageError(
      `the blocks' edges along K differ: --block-a ${blockShapeText(blockA)} has ${blockA.cols} columns, ` +
        `--block-b ${blockShapeText(blockB)} has ${blockB.rows} rows; use matching edges (e.g. 1x32 with 32x1, 8x8 with 8x8)`,
    );
  }
  return { formatA, formatB, blockA, blockB, scaleMode: scaleModeValue(args) };
}

/** Reads A, B and C after checking that at most one comes from stdin; checks their shapes. */
export async function readGemmOperands(args: ParsedArgs, io: CliIO): Promise<Pick<GemmArgs, 'a' | 'b' | 'c'>> {
  const files = { a: args.require('a'), b: args.require('b'), c: args.string('c') };
  const fromStdin = Object.entries(files).filter(([, f]) => f === '-');
  if (fromStdin.length > 1) {
    throw new UsageError(`only one input can come from stdin, but ${fromStdin.map(([k]) => `--${k}`).join(' and ')} are '-'`);
  }
  const a = await readMatrixJson(files.a, 'A', io);
  const b = await readMatrixJson(files.b, 'B', io);
  const c = files.c === undefined ? undefined : await readMatrixJson(files.c, 'C', io);
  if (a.cols !== b.rows) {
    throw new InputError(
      `${sourceName(files.a, 'A')} is ${a.rows}x${a.cols} and ${sourceName(files.b, 'B')} is ${b.rows}x${b.cols}: A's columns must equal B's rows (K)`,
    );
  }
  if (c && (c.rows !== a.rows || c.cols !== b.cols)) {
    throw new InputError(`${sourceName(files.c!, 'C')} is ${c.rows}x${c.cols} but A*B is ${a.rows}x${b.cols}`);
  }
  if (a.rows * b.cols > MAX_OUTPUT_ELEMENTS) {
    throw new InputError(`the result would be ${a.rows}x${b.cols}, more than ${MAX_OUTPUT_ELEMENTS} elements`);
  }
  return { a, b, c };
}

/** The golden model's product: the MX GEMM, or the BF16 baseline with chunks of the block edge along K. */
export function goldenGemm(g: GemmArgs): Matrix {
  if (g.formatA === BASELINE_BF16) return gemmBf16(g.a, g.b, g.c, g.blockA.cols);
  return gemm(g.a, g.b, {
    formatA: g.formatA,
    formatB: g.formatB as FormatName,
    blockA: g.blockA,
    blockB: g.blockB,
    scaleMode: g.scaleMode,
    c: g.c,
  });
}
