// `make mutate`: the mutation campaign (campaign.ts) and its report, reports/mutation.md (+ --json).
// Usage: tsx generator/mutate/main.ts [--quick] [--unit NAME[,NAME]] [--sample N] [--jobs N] [--fresh] [--out FILE.md] [--json FILE]
//   --quick     the CI subset (test/mutate/quick.test.ts runs it): fewer configurations, every 5th mutant
//   --sample N  run every N-th mutant of each module (the report says so)
//   --jobs N    mutants simulated (and survivors' equivalence checks run) N at a time; default 1
//   --mutant ID[,ID]  only these mutants (e.g. the survivors of a report, after a new test)
//   --fresh     ignore the result cache (sim/build/mutate-results/): by default a stopped campaign resumes
// Exit code 1 when a non-equivalent mutant survives.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runCampaign } from './campaign';
import { mutationReport, scoreOf } from './report';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      unit: { type: 'string' },
      sample: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'string' },
      'equiv-timeout': { type: 'string', default: '300' },
      jobs: { type: 'string', default: '1' },
      fresh: { type: 'boolean', default: false },
      mutant: { type: 'string' },
    },
  });
  const jobs = Number(values.jobs);
  const quick = values.quick ?? false;
  const sample = Number(values.sample ?? (quick ? 5 : 1));
  const t0 = performance.now();
  const scores = await runCampaign({
    quick, sample, jobs, ...(values.fresh ? { cache: false as const } : {}), ...(values.mutant ? { mutants: values.mutant.split(',') } : {}), equivSeconds: Number(values['equiv-timeout']), log: (l) => console.log(l), ...(values.unit ? { units: values.unit.split(',') } : {}),
  });
  const seconds = (performance.now() - t0) / 1000;
  const md = mutationReport(scores, { quick, sample, seconds, jobs, command: `tsx generator/mutate/main.ts ${process.argv.slice(2).join(' ')}`.trim() });
  const out = values.out ?? (quick ? 'sim/work/mutation-quick.md' : 'reports/mutation.md');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, md);
  if (values.json) writeFileSync(values.json, JSON.stringify(scores, null, 1) + '\n');
  console.log(`\n${md.split('\n').filter((l) => l.startsWith('|')).slice(0, 3 + scores.length).join('\n')}`);
  console.log(`\nwrote ${out} (${(seconds / 60).toFixed(1)} min)`);
  return scores.some((s) => scoreOf(s.results).survived + scoreOf(s.results).stillborn > 0) ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(`mutate: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
