// A mutation campaign: every (or every n-th) mutant of every module of the mutation units (units.ts) against
// its unit's tests, surviving mutants checked for equivalence (equiv.ts). main.ts is the command line.
// The full campaign is hours of Icarus and ABC, so mutants run `jobs` at a time and every final result is kept
// in a cache (sim/build/mutate-results/) keyed by the mutated Verilog, the Verilog of every test top it runs in
// and the equivalence time limit. What else a result depends on is stored with it and checked on reading:
//   killed      the digest of the stage that killed it (its vectors, expected outputs, stalls, seed, budget):
//               valid while that stage is still among the tests. Adding a stage (a corner vector that kills a
//               survivor) so keeps every kill, and changing a stage re-runs only the mutants it killed;
//   survived    the digest of every stage of every top: any change to the tests runs it again;
//   equivalent  nothing more (a proof about the Verilog; no vector can kill it), as stillborn (it does not build).
// A stopped campaign started again resumes where it was; a change to the design misses the cache.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { emitVerilog } from '../hdl/index';
import { BUILD_DIR, scratchDir } from '../sim/paths';
import { pool } from '../util/pool';
import { checkEquivalences } from './equiv';
import { mutantsOf } from './operators';
import type { UnitScore } from './report';
import type { Mutant } from './operators';
import { type MutantResult, buildsOf, checkBaseline, containsModule, designTexts, dropNewBuilds, runMutant } from './run';
import { type TestStage, type TestTop, moduleOwners, mutationUnits } from './units';

export interface CampaignOptions {
  /** the CI subset: fewer configurations, no shared arithmetic modules (scale, rounding, adder, tree) */
  readonly quick?: boolean;
  /** run every n-th mutant of each module */
  readonly sample?: number;
  readonly units?: readonly string[];
  /** only these mutants (ids such as `fp32_round_m26_e10#204`): re-checking survivors after a new test */
  readonly mutants?: readonly string[];
  readonly equivSeconds?: number;
  /** mutants simulated at once (default 1) */
  readonly jobs?: number;
  /** the result cache; false: run every mutant afresh (default: sim/build/mutate-results) */
  readonly cache?: string | false;
  readonly log?: (line: string) => void;
}

/** Bump when a change to the campaign changes what a result means. */
const RESULT_VERSION = 2;

/** sha256 of one test stage of top `t` (vectors, expected outputs, stall rate, seed, cycle budget). */
const stageDigests = new WeakMap<TestStage, string>();
export function stageDigest(t: TestTop, s: TestStage): string {
  let d = stageDigests.get(s);
  if (d === undefined) {
    const h = createHash('sha256');
    h.update(`${t.label}|${s.label}|${s.stall}|${s.seed}|${s.maxCycles ?? ''}|`);
    for (const v of s.vectors) h.update(`${v.toString(16)},`);
    h.update('|');
    for (const v of s.expected) h.update(`${v.toString(16)},`);
    stageDigests.set(s, (d = h.digest('hex').slice(0, 32)));
  }
  return d;
}

/** The tests a mutant of `module` runs: every stage of every top containing it, by `<top> / <stage>` label. */
export function testsOf(module: string, tops: readonly TestTop[]): { byLabel: Map<string, string>; all: string } {
  const byLabel = new Map<string, string>();
  const h = createHash('sha256');
  for (const t of tops.filter((x) => containsModule(x.top, module))) {
    for (const s of t.stages()) byLabel.set(`${t.label} / ${s.label}`, stageDigest(t, s));
    // a survivor is checked again when a context that could prove it is added or changed
    for (const c of t.contexts ?? []) if (c.module === module) h.update(`|context ${t.label}|${c.wrapper('', 'ctx')}|${c.parts.map((p) => emitVerilog(p.ir)).join('')}`);
  }
  h.update([...byLabel.values()].join(','));
  return { byLabel, all: h.digest('hex').slice(0, 32) };
}

/** The cache key of a mutant's result: the design it runs in (the tests are checked on reading, CachedResult). */
export function resultKey(m: Mutant, tops: readonly TestTop[], equivSeconds: number): string {
  const h = createHash('sha256');
  h.update(`${RESULT_VERSION}|${m.module}|${m.id}|${equivSeconds}|`);
  h.update(emitVerilog(m.ir));
  for (const t of tops.filter((x) => containsModule(x.top, m.module))) {
    h.update(`|top ${t.label}|`);
    for (const [name, text] of [...designTexts(t.top)].sort(([a], [b]) => (a < b ? -1 : 1))) h.update(`${name}\n${text}`);
  }
  return h.digest('hex').slice(0, 32);
}

interface CachedResult {
  readonly result: MutantResult;
  /** killed: the digest of the stage that killed it */
  readonly stage?: string;
  /** survived: the digest of all its tests */
  readonly tests?: string;
}

export function readCached(dir: string, key: string, tests: ReturnType<typeof testsOf>): MutantResult | undefined {
  const f = path.join(dir, `${key}.json`);
  if (!existsSync(f)) return undefined;
  let c: CachedResult;
  try {
    c = JSON.parse(readFileSync(f, 'utf8')) as CachedResult;
  } catch {
    return undefined; // a torn write of a killed run: run the mutant again
  }
  const r = c.result;
  if (r?.status === 'killed') return c.stage !== undefined && [...tests.byLabel.values()].includes(c.stage) ? r : undefined;
  if (r?.status === 'survived') return c.tests === tests.all ? r : undefined;
  return r?.status === 'equivalent' || r?.status === 'stillborn' ? r : undefined;
}

export function writeCached(dir: string, key: string, r: MutantResult, tests: ReturnType<typeof testsOf>): void {
  let c: CachedResult = { result: r };
  if (r.status === 'killed') {
    const at = [...tests.byLabel].find(([label]) => r.detail.startsWith(`${label}:`));
    if (!at) return; // cannot tell which stage killed it: not cached (run again next time)
    c = { result: r, stage: at[1] };
  } else if (r.status === 'survived') c = { result: r, tests: tests.all };
  mkdirSync(dir, { recursive: true });
  const f = path.join(dir, `${key}.json`);
  writeFileSync(`${f}.tmp`, JSON.stringify(c));
  renameSync(`${f}.tmp`, f);
}

/** Modules the CI subset leaves to the full run (each has hundreds of mutants). */
const QUICK_SKIP = /_scale_|fp32_round|fp32_add|pe_tree|bf16_mul/;

export async function runCampaign(o: CampaignOptions = {}): Promise<UnitScore[]> {
  const quick = o.quick ?? false;
  const sample = o.sample ?? 1;
  if (!Number.isInteger(sample) || sample < 1) throw new Error(`sample must be a positive integer, not ${sample}`);
  const log = o.log ?? (() => {});
  const jobs = o.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`jobs must be a positive integer, not ${jobs}`);
  const equivSeconds = o.equivSeconds ?? 300;
  const cache = o.cache === false ? undefined : (o.cache ?? path.join(BUILD_DIR, 'mutate-results'));
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
      let unitReused = 0;
      const b0 = performance.now();
      await checkBaseline(unit.tops, { dir: path.join(work, 'run') });
      log(`${unit.name}: baseline (unmutated) passes every stage of ${unit.tops.length} tops (${((performance.now() - b0) / 1000).toFixed(0)} s)`);
      for (const mod of modules) {
        const all = mutantsOf(mod.ir);
        const picked = all.filter((m, i) => i % sample === 0 && (!o.mutants || o.mutants.includes(m.id)));
        if (o.mutants && picked.length === 0) continue;
        const m0 = performance.now();
        const keys = picked.map((m) => (cache ? resultKey(m, unit.tops, equivSeconds) : ''));
        const tests = testsOf(mod.name, unit.tops);
        const mine: MutantResult[] = new Array(picked.length);
        let reused = 0;
        const survivors: { m: (typeof picked)[number]; r: MutantResult; i: number }[] = [];
        const topNames = [...new Set(unit.tops.map((t) => t.top.name))];
        const before = new Map(topNames.map((t) => [t, buildsOf(t)]));
        const free = Array.from({ length: jobs }, (_, w) => path.join(work, `run${w}`));
        await pool(picked, jobs, async (m, i) => {
          const hit = cache ? readCached(cache, keys[i]!, tests) : undefined;
          if (hit) {
            reused++;
            mine[i] = hit;
            return;
          }
          const dir = free.pop()!;
          const r = await runMutant(m, unit.tops, { dir, dropBuilds: jobs === 1 }).finally(() => free.push(dir));
          mine[i] = r;
          if (r.status === 'survived') survivors.push({ m, r, i });
          else if (cache) writeCached(cache, keys[i]!, r, tests);
        });
        if (jobs > 1) for (const t of topNames) dropNewBuilds(t, before.get(t)!);
        if (survivors.length) {
          survivors.sort((a, b) => a.i - b.i);
          const e0 = performance.now();
          const tops = unit.tops.map((t) => t.top).filter((t, i, a) => containsModule(t, mod.name) && a.findIndex((x) => x.name === t.name) === i);
          const contexts = new Map(unit.tops.filter((t) => t.contexts?.length).map((t) => [t.top.name, t.contexts!]));
          const eq = await checkEquivalences(survivors.map((s) => s.m), mod, tops, path.join(work, 'equiv'), equivSeconds, jobs, contexts);
          const share = (performance.now() - e0) / 1000 / survivors.length;
          for (const { m, r, i } of survivors) {
            const e = eq.get(m.id)!;
            if (e.equivalent) r.status = 'equivalent';
            r.detail = `${e.how}${e.equivalent ? '' : ` [passed: ${r.detail}]`}`;
            r.seconds += share;
            if (cache) writeCached(cache, keys[i]!, r, tests);
            log(`   ${r.status.padEnd(10)} ${r.id} ${r.what} -- ${r.where} -- ${r.detail}`);
          }
        }
        results.push(...mine);
        unitReused += reused;
        const k = results.filter((r) => r.module === mod.name);
        const n = (s: MutantResult['status']) => k.filter((r) => r.status === s).length;
        log(
          `${unit.name}: ${mod.name}: ${picked.length}/${all.length} mutants, ${n('killed')} killed, ${n('equivalent')} equivalent, ` +
            `${n('survived')} survived, ${n('stillborn')} stillborn (${((performance.now() - m0) / 1000).toFixed(0)} s${reused ? `, ${reused} from the cache` : ''})`,
        );
      }
      scores.push({ unit: unit.name, configs: unit.configs, modules: modules.map((m) => m.name).filter((m) => !o.mutants || results.some((r) => r.module === m)), results, seconds: (performance.now() - u0) / 1000, reused: unitReused });
    }
    return scores;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
