// `make mutate`: every mutant of every module of the mutation units (units.ts) against its unit's tests;
// surviving mutants checked for equivalence (equiv.ts); reports/mutation.md and reports/mutation.json.
// Usage: tsx generator/mutate/main.ts [--quick] [--unit NAME[,NAME]] [--sample N] [--out FILE.md] [--json FILE]
//   --quick     the CI subset (fewer configurations, every --sample'th mutant; default sample 1, quick 7)
//   --sample N  run every N-th mutant of each module (the report says so)

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { scratchDir } from '../sim/paths';
import { checkEquivalences } from './equiv';
import { mutantsOf } from './operators';
import { mutationReport, type UnitScore } from './report';
import { type MutantResult, checkBaseline, containsModule, runMutant } from './run';
import { moduleOwners, mutationUnits } from './units';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      unit: { type: 'string' },
      sample: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'string' },
      'equiv-timeout': { type: 'string', default: '300' },
    },
  });
  const quick = values.quick ?? false;
  const sample = Number(values.sample ?? (quick ? 7 : 1));
  if (!Number.isInteger(sample) || sample < 1) throw new Error(`--sample must be a positive integer, not '${values.sample}'`);
  const units = mutationUnits({ quick });
  const only = values.unit?.split(',');
  for (const n of only ?? []) if (!units.some((u) => u.name === n)) throw new Error(`--unit: unknown unit '${n}' (units: ${units.map((u) => u.name).join(', ')})`);
  const owners = moduleOwners(units);
  const t0 = performance.now();
  const scores: UnitScore[] = [];
  const work = scratchDir('mutate-');
  const equivTimeout = Number(values['equiv-timeout']);
  for (const unit of units) {
    if (only && !only.includes(unit.name)) continue;
    const u0 = performance.now();
    const modules = [...owners.values()].filter((o) => o.unit === unit).map((o) => o.module);
    const results: MutantResult[] = [];
    const b0 = performance.now();
    await checkBaseline(unit.tops, { dir: path.join(work, 'run') });
    console.log(`${unit.name}: baseline (unmutated) passes every stage of ${unit.tops.length} tops (${((performance.now() - b0) / 1000).toFixed(0)} s)`);
    for (const mod of modules) {
      const all = mutantsOf(mod.ir);
      const picked = all.filter((_, i) => i % sample === 0);
      const m0 = performance.now();
      const survivors: { m: (typeof picked)[number]; r: MutantResult }[] = [];
      for (const m of picked) {
        const r = await runMutant(m, unit.tops, { dir: path.join(work, 'run') });
        if (r.status === 'survived') survivors.push({ m, r });
        results.push(r);
      }
      if (survivors.length) {
        const e0 = performance.now();
        const tops = unit.tops.map((t) => t.top).filter((t, i, a) => containsModule(t, mod.name) && a.findIndex((x) => x.name === t.name) === i);
        const eq = await checkEquivalences(survivors.map((s) => s.m), mod, tops, path.join(work, 'equiv'), equivTimeout);
        const share = (performance.now() - e0) / 1000 / survivors.length;
        for (const { m, r } of survivors) {
          const e = eq.get(m.id)!;
          if (e.equivalent) r.status = 'equivalent';
          r.detail = `${e.how}${e.equivalent ? '' : ` [passed: ${r.detail}]`}`;
          r.seconds += share;
          console.log(`   ${r.status.padEnd(10)} ${r.id} ${r.what} -- ${r.where} -- ${r.detail}`);
        }
      }
      const k = results.filter((r) => r.module === mod.name);
      console.log(
        `${unit.name}: ${mod.name}: ${picked.length}/${all.length} mutants, ${k.filter((r) => r.status === 'killed').length} killed, ` +
          `${k.filter((r) => r.status === 'equivalent').length} equivalent, ${k.filter((r) => r.status === 'survived').length} survived, ` +
          `${k.filter((r) => r.status === 'stillborn').length} stillborn (${((performance.now() - m0) / 1000).toFixed(0)} s)`,
      );
    }
    scores.push({ unit: unit.name, configs: unit.configs, modules: modules.map((m) => m.name), results, seconds: (performance.now() - u0) / 1000 });
  }
  rmSync(work, { recursive: true, force: true });
  const seconds = (performance.now() - t0) / 1000;
  const md = mutationReport(scores, { quick, sample, seconds, command: `tsx generator/mutate/main.ts ${process.argv.slice(2).join(' ')}`.trim() });
  const out = values.out ?? (quick ? 'sim/work/mutation-quick.md' : 'reports/mutation.md');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, md);
  if (values.json) writeFileSync(values.json, JSON.stringify(scores.map((s) => ({ ...s, results: s.results })), null, 1) + '\n');
  console.log(`\n${md.split('\n').filter((l) => l.startsWith('|')).slice(0, 2 + scores.length).join('\n')}`);
  console.log(`\nwrote ${out} (${seconds.toFixed(0)} s)`);
  const survived = scores.reduce((a, s) => a + s.results.filter((r) => r.status === 'survived' || r.status === 'stillborn').length, 0);
  return survived > 0 ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(`mutate: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
