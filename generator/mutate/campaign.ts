// A mutation campaign: every (or every n-th) mutant of every module of the mutation units (units.ts) against
// its unit's tests, surviving mutants checked for equivalence (equiv.ts). main.ts is the command line.

import { rmSync } from 'node:fs';
import path from 'node:path';
import { scratchDir } from '../sim/paths';
import { checkEquivalences } from './equiv';
import { mutantsOf } from './operators';
import type { UnitScore } from './report';
import { type MutantResult, checkBaseline, containsModule, runMutant } from './run';
import { moduleOwners, mutationUnits } from './units';

export interface CampaignOptions {
  /** the CI subset: fewer configurations, no shared arithmetic modules (scale, rounding, adder, tree) */
  readonly quick?: boolean;
  /** run every n-th mutant of each module */
  readonly sample?: number;
  readonly units?: readonly string[];
  readonly equivSeconds?: number;
  readonly log?: (line: string) => void;
}

/** Modules the CI subset leaves to the full run (each has hundreds of mutants). */
const QUICK_SKIP = /_scale_|fp32_round|fp32_add|pe_tree|bf16_mul/;

export async function runCampaign(o: CampaignOptions = {}): Promise<UnitScore[]> {
  const quick = o.quick ?? false;
  const sample = o.sample ?? 1;
  if (!Number.isInteger(sample) || sample < 1) throw new Error(`sample must be a positive integer, not ${sample}`);
  const log = o.log ?? (() => {});
  const units = mutationUnits({ quick });
  for (const n of o.units ?? []) if (!units.some((u) => u.name === n)) throw new Error(`unknown unit '${n}' (units: ${units.map((u) => u.name).join(', ')})`);
  const owners = moduleOwners(units);
  const scores: UnitScore[] = [];
  const work = scratchDir('mutate-');
  try {
    for (const unit of units) {
      if (o.units && !o.units.includes(unit.name)) continue;
      const u0 = performance.now();
      const modules = [...owners.values()].filter((x) => x.unit === unit && !(quick && QUICK_SKIP.test(x.module.name))).map((x) => x.module);
      const results: MutantResult[] = [];
      const b0 = performance.now();
      await checkBaseline(unit.tops, { dir: path.join(work, 'run') });
      log(`${unit.name}: baseline (unmutated) passes every stage of ${unit.tops.length} tops (${((performance.now() - b0) / 1000).toFixed(0)} s)`);
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
          const eq = await checkEquivalences(survivors.map((s) => s.m), mod, tops, path.join(work, 'equiv'), o.equivSeconds ?? 300);
          const share = (performance.now() - e0) / 1000 / survivors.length;
          for (const { m, r } of survivors) {
            const e = eq.get(m.id)!;
            if (e.equivalent) r.status = 'equivalent';
            r.detail = `${e.how}${e.equivalent ? '' : ` [passed: ${r.detail}]`}`;
            r.seconds += share;
            log(`   ${r.status.padEnd(10)} ${r.id} ${r.what} -- ${r.where} -- ${r.detail}`);
          }
        }
        const k = results.filter((r) => r.module === mod.name);
        const n = (s: MutantResult['status']) => k.filter((r) => r.status === s).length;
        log(
          `${unit.name}: ${mod.name}: ${picked.length}/${all.length} mutants, ${n('killed')} killed, ${n('equivalent')} equivalent, ` +
            `${n('survived')} survived, ${n('stillborn')} stillborn (${((performance.now() - m0) / 1000).toFixed(0)} s)`,
        );
      }
      scores.push({ unit: unit.name, configs: unit.configs, modules: modules.map((m) => m.name), results, seconds: (performance.now() - u0) / 1000 });
    }
    return scores;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
