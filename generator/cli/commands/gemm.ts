// `mxgen gemm`: C = Q(A) * Q(B) (+ C) with the golden model, or the BF16 baseline.

import type { Command } from '../command';
import { BASELINE_BF16, FORMAT_NAMES } from '../../formats/table';
import { DEFAULT_BLOCK_A, DEFAULT_BLOCK_B, gemm, gemmBf16 } from '../../golden/gemm';
import { blockShapeText, type Matrix } from '../../golden/quantize';
import { InputError, UsageError } from '../errors';
import { MATRIX_INPUT_HELP, readMatrixJson, sourceName, writeOutput } from '../io';
import { formatJson, matrixJson } from '../json';
import { blockValue, gemmFormatValue, outputOption, scaleModeValue, SCALE_MODE_OPTION } from '../options';

/** Largest output the CLI builds (M x N elements). */
export const MAX_OUTPUT_ELEMENTS = 1 << 26;

export const gemmCommand: Command = {
  name: 'gemm',
  summary: 'multiply quantized matrices: C = Q(A) * Q(B) (+ C), FP32 accumulation; or the bf16 baseline',
  usage: '--format F [--format-b F2] [--block-a RxC] [--block-b RxC] [--scale-mode M] --a FILE --b FILE [--c FILE] [--output FILE|-]',
  options: [
    { name: 'format', value: 'F', required: true, help: `format of A (and of B unless --format-b): ${[...FORMAT_NAMES, BASELINE_BF16].join(', ')}` },
    { name: 'format-b', value: 'F2', help: 'format of B (default: --format)' },
    { name: 'block-a', value: 'RxC', default: blockShapeText(DEFAULT_BLOCK_A), help: 'block shape of A; its column count is the chunk length k' },
    { name: 'block-b', value: 'RxC', default: blockShapeText(DEFAULT_BLOCK_B), help: 'block shape of B; its row count must equal k' },
    SCALE_MODE_OPTION,
    { name: 'a', value: 'FILE', required: true, help: "A, M x K matrix JSON ('-' is stdin)" },
    { name: 'b', value: 'FILE', required: true, help: "B, K x N matrix JSON ('-' is stdin)" },
    { name: 'c', value: 'FILE', help: 'accumulator input, M x N matrix JSON (default: +0)' },
    outputOption('result'),
  ],
  help: [
    MATRIX_INPUT_HELP,
    '',
    'Output (JSON): {"rows":M,"cols":N,"bits":[FP32 bit patterns, row-major]}.',
    '',
    `Format ${BASELINE_BF16} selects the unscaled baseline (for both operands): inputs rounded to BF16, products`,
    'rounded to FP32, each chunk of k products (k = the block edge along K, 32 by default) reduced by a',
    'pairwise FP32 tree; --scale-mode does not apply to it.',
  ].join('\n'),
  async run(args, io) {
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
    const mode = scaleModeValue(args);
    const files = { a: args.require('a'), b: args.require('b'), c: args.string('c') };
    const fromStdin = Object.entries(files).filter(([, f]) => f === '-');
    if (fromStdin.length > 1) {
      throw new UsageError(`only one input can come from stdin, but ${fromStdin.map(([k]) => `--${k}`).join(' and ')} are '-'`);
    }
    const a = await readMatrixJson(files.a, 'A', io);
    const b = await readMatrixJson(files.b, 'B', io);
    const c = files.c === undefined ? undefined : await readMatrixJson(files.c, 'C', io);
    const nameA = sourceName(files.a, 'A');
    const nameB = sourceName(files.b, 'B');
    if (a.cols !== b.rows) {
      throw new InputError(`${nameA} is ${a.rows}x${a.cols} and ${nameB} is ${b.rows}x${b.cols}: A's columns must equal B's rows (K)`);
    }
    if (c && (c.rows !== a.rows || c.cols !== b.cols)) {
      throw new InputError(`${sourceName(files.c!, 'C')} is ${c.rows}x${c.cols} but A*B is ${a.rows}x${b.cols}`);
    }
    if (a.rows * b.cols > MAX_OUTPUT_ELEMENTS) {
      throw new InputError(`the result would be ${a.rows}x${b.cols}, more than ${MAX_OUTPUT_ELEMENTS} elements`);
    }
    let result: Matrix;
    if (formatA === BASELINE_BF16) result = gemmBf16(a, b, c, blockA.cols);
    else result = gemm(a, b, { formatA, formatB: formatB as typeof formatA, blockA, blockB, scaleMode: mode, c });
    await writeOutput(args.require('output'), formatJson(matrixJson(result)), io);
  },
};
