// `make sim` / `make sim-long`: runs every unit's suite under the chosen simulators and prints a table of
// vector counts. Fails on any mismatch, and on any run that checked zero vectors.
// Usage: tsx generator/verify/regress.ts [--suite ci|long] [--sim icarus|verilator|all] [--seed N] [--only NAME[,NAME]]
// One shard of it on a cluster: `mxgen regress --shard I/N --json OUT` and `mxgen regress merge` (shard.ts).

import { parseArgs } from 'node:util';
import type { SimulatorName } from '../sim';
import { SUITES } from './suites';
import type { RegressLevel, SuiteRun } from './suite';
import { runTable } from './shard';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      suite: { type: 'string', default: 'ci' },
      sim: { type: 'string', default: 'all' },
      seed: { type: 'string', default: process.env.SEED ?? '1' },
      only: { type: 'string' },
    },
  });
  const level = values.suite as RegressLevel;
  if (level !== 'ci' && level !== 'long') throw new Error(`--suite must be ci or long, not '${values.suite}'`);
  const sims: SimulatorName[] =
    values.sim === 'all' ? ['icarus', 'verilator'] : values.sim === 'icarus' || values.sim === 'verilator' ? [values.sim] : [];
  if (sims.length === 0) throw new Error(`--sim must be icarus, verilator or all, not '${values.sim}'`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, not '${values.seed}'`);
  const only = values.only?.split(',');
  const suites = SUITES.filter((s) => !only || only.includes(s.name));
  if (suites.length === 0) throw new Error(`no suite to run (known: ${SUITES.map((s) => s.name).join(', ') || 'none'})`);
  const waves = process.env.WAVES === '1';
  const rerun = `seed ${seed} (rerun with SEED=${seed})`;
  console.log(`regress: suite ${level}, ${rerun}`);
  const runs: SuiteRun[] = [];
  for (const suite of suites) {
    console.log(`== ${suite.name}: ${suite.summary} (level ${level}, sims ${sims.join('+')}, seed ${seed})`);
    const r = await suite.run({ sims, seed, level, waves, log: (l) => console.log(`   ${l}`) });
    runs.push(...r);
  }
  const { text, failed } = runTable(runs);
  console.log(text);
  const total = runs.reduce((a, r) => a + r.vectors, 0);
  console.log(`\n${runs.length - failed} passed, ${failed} failed (${total} vectors, ${rerun})`);
  return failed > 0 || runs.length === 0 ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(`regress: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
