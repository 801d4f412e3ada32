// `mxgen study`: the format study (quantization error, direct-cast inference, full training of an MNIST MLP
// in every format) that writes reports/study.json, reports/study.md and SVG plots. The work is in generator/study/.

import { mkdir, stat, writeFile, rm } from 'node:fs/promises';
import type { Command } from '../command';
import { InputError } from '../errors';
import { fsReason } from '../io';
import { seedOption } from '../options';

/** The output folder exists or is created, and takes files: checked before minutes of training, not after. */
async function writableFolder(dir: string, shown: string): Promise<void> {
  const st = await stat(dir).catch(() => undefined);
  if (st && !st.isDirectory()) throw new InputError(`--out ${shown}: cannot write (not a folder)`);
  try {
    await mkdir(dir, { recursive: true });
    const probe = `${dir}/.mxgen-write-test-${process.pid}`;
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (e) {
    throw new InputError(`--out ${shown}: cannot write (${fsReason(e)})`);
  }
}

export const studyCommand: Command = {
  name: 'study',
  summary: 'format study: SQNR, direct-cast inference and full MNIST training per format; writes reports/study.*',
  usage: '[--quick] [--seed N] [--jobs N] [--out DIR]',
  options: [
    { name: 'quick', help: 'CI size: 2 epochs over 4000 digits per format (every format still trained), no seed replicas; writes study.quick.*' },
    seedOption('initialisation, data order, subsets and synthetic samples', 0xffffffff),
    { name: 'jobs', value: 'N', type: 'int', min: 0, max: 64, help: 'worker threads (0: run in this thread); default: the number of CPUs, at most 8' },
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
    const seed = args.requireInt('seed');
    const jobs = args.int('jobs');
    const outDir = resolve(io.cwd, args.require('out'));
    await writableFolder(outDir, args.require('out'));
    const r = await runStudy({ seed, quick: args.flag('quick'), jobs, outDir }, (line) => io.err(line + '\n'));
    const md = r.markdown;
    const start = md.indexOf('## Summary');
    const end = md.indexOf('\n## ', start + 1);
    await io.out(`${r.files.join('\n')}\n\n${start >= 0 ? md.slice(start, end < 0 ? undefined : end).trim() : ''}\n`);
  },
};
