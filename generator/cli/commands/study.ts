// `mxgen study`: the format study (quantization error, direct-cast inference, full training of an MNIST MLP
// in every format) that writes reports/study.json, reports/study.md and SVG plots. The work is in generator/study/.

import type { Command } from '../command';
import { UsageError } from '../errors';

function intOption(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer in ${min}..${max}; got '${text}'`);
  return n;
}

export const studyCommand: Command = {
  name: 'study',
  summary: 'format study: SQNR, direct-cast inference and full MNIST training per format; writes reports/study.*',
  usage: '[--quick] [--seed N] [--jobs N] [--out DIR]',
  options: [
    { name: 'quick', help: 'CI size: 2 epochs over 4000 digits per format (every format still trained), no seed replicas; writes study.quick.*' },
    { name: 'seed', value: 'N', default: '1', help: 'seed of initialisation, data order, subsets and synthetic samples' },
    { name: 'jobs', value: 'N', help: 'worker threads (0: run in this thread); default: the number of CPUs, at most 8' },
    { name: 'out', value: 'DIR', default: 'reports', help: 'output directory: study.json, study.md, study.*.svg (with --quick: study.quick.json, study.quick.md, study.quick.*.svg)' },
  ],
  help: [
    'Trains a 784-256-128-10 MLP on the MNIST digits of the `mnist` package (fixed split) with every GEMM',
    '(X*W, dY*W^T, X^T*dY) computed by the golden model in each format, with 1x32 blocks and with 8x8 tiles;',
    'casts the FP32-trained model to each format for inference; and measures quantization SQNR on synthetic',
    'and model tensors. Results are a pure function of the seed (not of --jobs or scheduling).',
    'Progress goes to stderr; the paths written and the summary table go to stdout.',
    '',
    'Examples:',
    '  mxgen study',
    '  mxgen study --quick --out /tmp/study',
  ].join('\n'),
  async run(args, io) {
    const { runStudy } = await import('../../study/run');
    const { resolve } = await import('node:path');
    const seed = intOption('seed', args.require('seed'), 0, 0xffffffff);
    const jobs = args.given('jobs') ? intOption('jobs', args.require('jobs'), 0, 64) : undefined;
    const outDir = resolve(io.cwd, args.require('out'));
    const r = await runStudy({ seed, quick: args.flag('quick'), jobs, outDir }, (line) => io.err(line + '\n'));
    const md = r.markdown;
    const start = md.indexOf('## Summary');
    const end = md.indexOf('\n## ', start + 1);
    await io.out(`${r.files.join('\n')}\n\n${start >= 0 ? md.slice(start, end < 0 ? undefined : end).trim() : ''}\n`);
  },
};
