// `mxgen train-step`: the golden training step of one linear layer, 1x32 blocks (each tensor quantized
// along both axes) against square tiles (each tensor quantized once). The work is in generator/train/.

import type { Command } from '../command';
import { UsageError } from '../errors';
import { mxFormatValue, SCALE_MODE_OPTION, seedOption } from '../options';

export const trainStepCommand: Command = {
  name: 'train-step',
  summary: 'golden linear-layer training step: 1x32 blocks vs square tiles (passes, bytes, errors of Y, dX, dW)',
  usage: '(--format F --scheme 1d|tile [--tile R] | --compare [--format F]) [--batch N] [--in N] [--out N] [--seed N] [--scale-mode M] [--json]',
  options: [
    { name: 'format', value: 'F', help: 'MX element format (with --compare: only this format; default mxsf and mxfp8-e4m3)' },
    { name: 'scheme', value: 'S', choices: ['1d', 'tile'], help: '1d: 1x32 blocks, X, W, dY quantized twice; tile: RxR tiles, quantized once' },
    { name: 'tile', value: 'R', choices: ['8', '16'], default: '8', help: 'tile edge for --scheme tile' },
    { name: 'batch', value: 'N', default: '128', help: 'rows of X and dY' },
    { name: 'in', value: 'N', default: '256', help: 'input features (columns of X, rows of W)' },
    { name: 'out', value: 'N', default: '128', help: 'output features (columns of W and dY)' },
    seedOption('the random inputs X, W, dY (a run is a pure function of it)', 2 ** 32 - 1),
    SCALE_MODE_OPTION,
    { name: 'compare', help: 'table of 1x32 vs 8x8 vs 16x16 for mxsf and mxfp8-e4m3 on the same inputs' },
    { name: 'json', help: 'print JSON instead of the table' },
  ],
  help: [
    'Y = X*W, dX = dY*W^T, dW = X^T*dY. Scheme 1d quantizes each operand along its own reduction axis',
    '(6 passes, 6 stored copies); scheme tile quantizes X, W and dY once with RxR tiles and feeds W^T and',
    'X^T by transposing the stored codes and scale grid (3 passes, 3 copies).',
    '',
    'Inputs: X = ReLU(N(0,1)), W ~ N(0, 1/in), dY = g_b * N(0,1) with g_b = 10^U(-5,-3) per sample.',
    'Bytes stored = sum over copies of elements * codeBits/8 + scales * 1. Errors are relative Frobenius',
    'errors against FP64 products of the unquantized FP32 inputs.',
    '',
    'Examples:',
    '  mxgen train-step --format mxsf --scheme tile --tile 16',
    '  mxgen train-step --compare',
  ].join('\n'),
  async run(args, io) {
    const { resolveTrainStep, TrainStepOptionError } = await import('../../train/options');
    const { compareReport, trainStepReport } = await import('../../train/report');
    const opt = (name: string): string | undefined => (args.given(name) ? args.string(name) : undefined);
    let plan;
    try {
      plan = resolveTrainStep({
        format: args.given('format') ? mxFormatValue('format', args.require('format')) : undefined,
        scheme: opt('scheme'),
        tile: opt('tile'),
        batch: opt('batch'),
        in: opt('in'),
        out: opt('out'),
        seed: opt('seed'),
        scaleMode: args.require('scale-mode'),
        compare: args.flag('compare'),
      });
    } catch (e) {
      if (e instanceof TrainStepOptionError) throw new UsageError(e.message);
      throw e;
    }
    const report = plan.kind === 'compare' ? compareReport(plan.request) : trainStepReport(plan.request);
    await io.out(args.flag('json') ? `${JSON.stringify(report.json, null, 2)}\n` : `${report.text}\n`);
  },
};
