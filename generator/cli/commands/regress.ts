// `mxgen regress`: one shard of the `make sim` regression (for GNU parallel or a SLURM array job), written to a
// JSON shard file; `mxgen regress merge`: the shard files combined into one report. The work is in
// generator/verify/shard.ts.

import type { Command } from '../command';
import { InputError, UsageError } from '../errors';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fsReason, parseJsonText, writeOutput } from '../io';
import { seedOption } from '../options';
import { quoteText, shortText } from '../../util/shown';

/** `I/N` with 1 <= I <= N. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UsageError(`option --shard must be I/N with 1 <= I <= N (e.g. 1/4, as GNU parallel's {#} or SLURM_ARRAY_TASK_ID from --array=1-N); got ${quoteText(text)}`);
  }
  return { index, count };
}

const rerun = (seed: number): string => `seed ${seed} (rerun with SEED=${seed})`;

export const regressCommand: Command = {
  name: 'regress',
  summary: 'one shard of the bit-exact regression of `make sim` (every unit vs the golden model); writes a JSON shard file',
  usage: '[--suite ci|long] [--only UNITS] [--sim S] [--seed N] [--shard I/N] [--json OUT]',
  options: [
    { name: 'suite', value: 'LEVEL', choices: ['ci', 'long'], default: 'ci', help: 'regression level: ci (make sim) or long (make sim-long)' },
    { name: 'only', value: 'UNITS', help: 'comma-separated units (decoder, quantizer, fp32, tile, pe); default: every unit' },
    { name: 'sim', value: 'S', choices: ['icarus', 'verilator', 'all'], default: 'all', help: 'simulator(s)' },
    seedOption('every unit\'s random vectors (the same for every shard)', 0xffffffff),
    { name: 'shard', value: 'I/N', default: '1/1', help: 'run shard I of N (1-based): work item i goes to shard (i mod N) + 1' },
    { name: 'json', value: 'OUT', help: 'write the shard file (schema mxgen-regress-shard/1) here, for `mxgen regress merge`' },
  ],
  help: [
    'The units are split into work items (a configuration on one simulator); every shard runs its share with',
    'the same seed, so the merged shards are exactly the unsharded run. Progress goes to stderr, the table to',
    'stdout. Exits 1 when a run of this shard has a mismatch or checked zero vectors.',
    '',
    'Examples:',
    '  mxgen regress --only decoder --sim icarus --seed 7 --shard 2/4 --json shard-2.json',
    '  parallel mxgen regress --seed 7 --shard {}/4 --json shard-{}.json ::: 1 2 3 4 && mxgen regress merge shard-*.json',
  ].join('\n'),
  async run(args, io) {
    const { runShard, runTable, selectSuites } = await import('../../verify/shard');
    const shard = parseShard(args.require('shard'));
    const sim = args.require('sim');
    const sims = sim === 'all' ? (['icarus', 'verilator'] as const) : ([sim as 'icarus' | 'verilator'] as const);
    const onlyText = args.string('only');
    const only = onlyText === undefined ? undefined : onlyText.split(',').map((s) => s.trim());
    try {
      selectSuites(only);
    } catch (e) {
      throw new UsageError(`option --only: ${(e as Error).message}`);
    }
    const seed = args.requireInt('seed');
    const level = args.require('suite') as 'ci' | 'long';
    const out = args.string('json');
    if (out !== undefined && out !== '-') {
      // a shard can take hours: a --json that cannot be written is found now, not after the run
      const dir = await stat(path.dirname(path.resolve(io.cwd, out))).catch(() => undefined);
      if (!dir?.isDirectory()) throw new InputError(`--json ${shortText(out, 120)}: cannot write (no such directory: ${shortText(path.dirname(out), 120)})`);
    }
    io.err(`regress: suite ${level}, units ${only?.join(',') ?? 'all'}, sims ${sims.join('+')}, shard ${shard.index}/${shard.count}, ${rerun(seed)}\n`);
    const r = await runShard({ level, sims, seed, ...(only ? { only } : {}) }, shard, {
      waves: process.env.WAVES === '1',
      log: (l) => io.err(`${l}\n`),
    });
    if (out !== undefined) await writeOutput(out, `${JSON.stringify(r, null, 2)}\n`, io);
    const { text, failed } = runTable(r.runs);
    const empty = r.items.run.length === 0 ? ` (no work item: ${r.items.total} items in ${shard.count} shards)` : '';
    await io.out(
      `${text}\n\nshard ${shard.index}/${shard.count}: ${r.runs.length - failed} passed, ${failed} failed (${r.vectors} vectors, ${r.items.run.length} of ${r.items.total} work items${empty}, ${rerun(seed)})\n`,
    );
    return failed > 0 ? 1 : 0;
  },
};

export const regressMergeCommand: Command = {
  name: 'regress merge',
  summary: 'combine the shard files of `mxgen regress` into one report; fails on a mismatch or a missing shard',
  usage: 'SHARD.json...',
  options: [],
  positionals: { min: 1, max: 100_000, name: 'SHARD.json' },
  help: [
    'Fails (exit 1) on any mismatch, on any run or a merged total of zero vectors, on a missing or duplicate',
    'shard, and on shards of different suites, units, simulators, seeds or shard counts.',
    '',
    'Example:',
    '  mxgen regress merge shard-1.json shard-2.json shard-3.json shard-4.json',
  ].join('\n'),
  async run(args, io) {
    const { checkShardJson, mergeShards, runTable } = await import('../../verify/shard');
    const files = [];
    for (const file of args.positionals) {
      const name = shortText(file, 120); // as messages show it: one line, however long the path
      let text: string;
      try {
        text = file === '-' ? await io.readStdin() : await readFile(path.resolve(io.cwd, file), 'utf8');
      } catch (e) {
        throw new InputError(`${name}: ${fsReason(e)}`);
      }
      let data;
      try {
        data = checkShardJson(parseJsonText(text, name), name);
      } catch (e) {
        throw new InputError((e as Error).message);
      }
      files.push({ name, data });
    }
    let m;
    try {
      m = mergeShards(files);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
    const { text, failed } = runTable(m.runs);
    const none = m.vectors === 0 ? '; no vectors checked' : '';
    await io.out(
      `${text}\n\nmerged ${m.shards} shards (suite ${m.level}): ${m.runs.length - failed} passed, ${failed} failed (${m.vectors} vectors, ${m.mismatches} mismatches${none}, ${rerun(m.seed)})\n`,
    );
    return failed > 0 || m.vectors === 0 ? 1 : 0;
  },
};
