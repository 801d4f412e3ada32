// `mxgen quantize`: quantize an FP32 matrix with the golden model and print scales, codes and values.

import type { Command } from '../command';
import { FORMAT_NAMES } from '../../formats/table';
import { DEFAULT_BLOCK_A } from '../../golden/gemm';
import { blockShapeText, quantize } from '../../golden/quantize';
import { MATRIX_INPUT_HELP, readMatrixJson, writeOutput } from '../io';
import { formatJson, quantizeJson } from '../json';
import { blockValue, mxFormatValue, outputOption, scaleModeValue, SCALE_MODE_OPTION, valuesForm, VALUES_OPTION } from '../options';
import { VALUES_HELP } from '../values';

export const quantizeCommand: Command = {
  name: 'quantize',
  summary: 'quantize an FP32 matrix to an MX format (scales, element codes, dequantized values)',
  usage: '--format F [--block RxC] [--scale-mode floor|rceil] [--input FILE|-] [--values FORM] [--output FILE|-]',
  options: [
    { name: 'format', value: 'F', required: true, help: `element format: ${FORMAT_NAMES.join(', ')}` },
    { name: 'block', value: 'RxC', default: blockShapeText(DEFAULT_BLOCK_A), help: 'block shape sharing one scale; edges need not divide the matrix (zero padding)' },
    SCALE_MODE_OPTION,
    { name: 'input', value: 'FILE|-', default: '-', help: "matrix JSON to quantize ('-' is stdin)" },
    VALUES_OPTION,
    outputOption('quantized'),
  ],
  help: [
    MATRIX_INPUT_HELP,
    '',
    'Output (JSON): {"format","block":[br,bc],"scaleMode","rows","cols","scales":[E8M0 codes, block grid',
    'row-major],"codes":[element codes as unsigned integers, row-major],"values":[dequantized values as',
    "FP32 bit patterns]}; 'mxgen gemm' and 'mxgen sim gemm' take it as a pre-quantized operand.",
    VALUES_HELP,
    '',
    'Example: echo \'{"rows":1,"cols":2,"data":[7,1]}\' | mxgen quantize --format mxfp4-e2m1 --scale-mode rceil',
  ].join('\n'),
  async run(args, io) {
    const format = mxFormatValue('format', args.require('format'));
    const block = blockValue('block', args.require('block'));
    const mode = scaleModeValue(args);
    const form = valuesForm(args);
    const m = await readMatrixJson(args.require('input'), 'input', io);
    const q = quantize(m, format, block, mode);
    await writeOutput(args.require('output'), formatJson(quantizeJson(q, undefined, form)), io);
  },
};
