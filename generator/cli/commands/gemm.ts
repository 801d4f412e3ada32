// `mxgen gemm`: C = Q(A) * Q(B) (+ C) with the golden model, or the BF16 baseline; A and B may be pre-quantized.

import type { Command } from '../command';
import { BASELINE_BF16 } from '../../formats/table';
import { GEMM_FILE_OPTIONS, GEMM_FORMAT_OPTIONS, gemmOptionValues, readGemmOperands, resolveGemm } from '../gemm-args';
import { MATRIX_INPUT_HELP, writeOutput } from '../io';
import { formatJson, matrixJson } from '../json';
import { QUANTIZED_INPUT_HELP } from '../operand';
import { valuesForm } from '../options';
import { VALUES_HELP } from '../values';
import { OP_OPTIONS, goldenGemmWithOps, usesOps } from './gemm-ops';

export const gemmCommand: Command = {
  name: 'gemm',
  summary: 'multiply quantized matrices: C = Q(A) * Q(B) (+ C), FP32 accumulation; or the bf16 baseline',
  usage: '--format F [--format-b F2] [--block-a RxC] [--block-b RxC] [--scale-mode M] [--op-a n|t] [--op-b n|t] --a FILE --b FILE [--c FILE] [--values FORM] [--output FILE|-]',
  options: [...GEMM_FORMAT_OPTIONS, ...OP_OPTIONS, ...GEMM_FILE_OPTIONS],
  help: [
    MATRIX_INPUT_HELP,
    QUANTIZED_INPUT_HELP,
    '',
    'Output (JSON): {"rows":M,"cols":N,"bits":[FP32 bit patterns, row-major]} (a valid matrix input).',
    VALUES_HELP,
    '',
    `Format ${BASELINE_BF16} selects the unscaled baseline (for both operands): inputs rounded to BF16, products`,
    'rounded to FP32, each chunk of k products (k = the block edge along K, 32 by default) reduced by a',
    'pairwise FP32 tree; --scale-mode does not apply to it.',
    '',
    '--op-a t / --op-b t: the file holds the stored operand and op() uses it transposed: quantized once with',
    'square tiles, its codes and scale grid transposed (no re-quantization), as the accelerator reads it.',
    '',
    'Examples: mxgen gemm --format mxsf --a a.json --b b.json --values decimal',
    '          mxgen quantize --format mxsf --input a.json --output qa.json && mxgen gemm --a qa.json --b b.json',
  ].join('\n'),
  async run(args, io) {
    if (usesOps(args)) return goldenGemmWithOps(args, io);
    const options = gemmOptionValues(args);
    const form = valuesForm(args);
    const operands = await readGemmOperands(args, io);
    const { goldenGemm } = await import('../../drivers/gemm');
    const result = goldenGemm(resolveGemm(options, operands));
    await writeOutput(args.require('output'), formatJson(matrixJson(result, form)), io);
  },
};
