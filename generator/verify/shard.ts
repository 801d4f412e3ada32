// Sharded regression (`mxgen regress --shard I/N`, `mxgen regress merge`): the chosen suites are split into their
// independent work items (a configuration on one simulator, see Suite.items), item i goes to shard (i mod N) + 1,
// and each shard writes its runs to a JSON file; merge checks that the files are the N shards of one run (same
// suite level, units, simulators, seed and item list, each shard once) and reports like `make sim`.
// An item's vectors depend on the seed and the item only, so the merged shards are exactly the unsharded run.

import type { SimulatorName } from '../sim';
import { SUITES } from './suites';
import type { RegressLevel, Suite, SuiteContext, SuiteRun, WorkItem } from './suite';

export const SHARD_SCHEMA = 'mxgen-regress-shard/1';

/** Shard `index` of `count`, 1-based (as GNU parallel's {#} and `sbatch --array=1-N`). */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

export interface ShardRun extends SuiteRun {
  /** index of the work item in the unsharded item list */
  readonly item: number;
  readonly suite: string;
  readonly key: string;
}

/** The JSON shard file. */
export interface ShardResult {
  readonly schema: typeof SHARD_SCHEMA;
  /** the suite level */
  readonly suite: RegressLevel;
  /** the units (--only), or null for all */
  readonly only: readonly string[] | null;
  readonly seed: number;
  readonly sims: readonly SimulatorName[];
  readonly shard: ShardSpec;
  /** total: work items of the unsharded run; run: the ones this shard ran */
  readonly items: { readonly total: number; readonly run: readonly number[] };
  readonly runs: readonly ShardRun[];
  readonly vectors: number;
  readonly mismatches: number;
}

export interface RegressSelection {
  readonly level: RegressLevel;
  readonly sims: readonly SimulatorName[];
  readonly seed: number;
  /** unit names (suite names); undefined for every suite */
  readonly only?: readonly string[];
}

/** The suites of `only` in SUITES order; an unknown name is an error naming the known ones. */
export function selectSuites(only?: readonly string[]): Suite[] {
  const unknown = only?.filter((n) => !SUITES.some((s) => s.name === n)) ?? [];
  if (unknown.length) throw new Error(`unknown unit '${unknown[0]}' (known: ${SUITES.map((s) => s.name).join(', ')})`);
  return SUITES.filter((s) => !only || only.includes(s.name));
}

export interface IndexedItem {
  readonly suite: Suite;
  readonly item: WorkItem;
}

/** Every work item of the selection, in the order of the unsharded run. */
export function workItems(suites: readonly Suite[], ctx: SuiteContext): IndexedItem[] {
  return suites.flatMap((suite) =>
    (suite.items ? suite.items(ctx) : [{ key: 'all', run: (c: SuiteContext) => suite.run(c) }]).map((item) => ({ suite, item })),
  );
}

/** The item indices of a shard: i with i mod count = index - 1. */
export function shardItems(total: number, shard: ShardSpec): number[] {
  const out: number[] = [];
  for (let i = shard.index - 1; i < total; i += shard.count) out.push(i);
  return out;
}

/** Runs one shard of the selection. */
export async function runShard(
  sel: RegressSelection,
  shard: ShardSpec,
  opts: { readonly waves?: boolean; log(line: string): void },
): Promise<ShardResult> {
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index) || shard.index < 1 || shard.index > shard.count) {
    throw new Error(`shard ${shard.index}/${shard.count} does not exist (I/N with 1 <= I <= N)`);
  }
  const suites = selectSuites(sel.only);
  const ctx: SuiteContext = { sims: sel.sims, seed: sel.seed, level: sel.level, waves: opts.waves ?? false, log: opts.log };
  const items = workItems(suites, ctx);
  const mine = shardItems(items.length, shard);
  const runs: ShardRun[] = [];
  for (const i of mine) {
    const { suite, item } = items[i]!;
    opts.log(`== ${suite.name} ${item.key} (item ${i + 1} of ${items.length}, shard ${shard.index}/${shard.count}, seed ${sel.seed})`);
    const log = (l: string): void => opts.log(`   ${l}`);
    for (const r of await item.run({ ...ctx, log })) runs.push({ item: i, suite: suite.name, key: item.key, ...r });
  }
  return {
    schema: SHARD_SCHEMA,
    suite: sel.level,
    only: sel.only ? [...sel.only] : null,
    seed: sel.seed,
    sims: [...sel.sims],
    shard: { index: shard.index, count: shard.count },
    items: { total: items.length, run: mine },
    runs,
    vectors: runs.reduce((a, r) => a + r.vectors, 0),
    mismatches: runs.reduce((a, r) => a + r.mismatches, 0),
  };
}

/** A run fails on any mismatch and on zero vectors. */
export const runFailed = (r: SuiteRun): boolean => r.mismatches > 0 || r.vectors === 0;

/** The table of `make sim` (and the first-mismatch reports after it); `failed` counts the failing runs. */
export function runTable(runs: readonly SuiteRun[]): { text: string; failed: number } {
  const lines = ['', 'unit / check                                          sim        vectors  mismatches  seconds'];
  let failed = 0;
  for (const r of runs) {
    const bad = runFailed(r);
    if (bad) failed++;
    lines.push(
      `${r.label.padEnd(52)}  ${r.sim.padEnd(9)}  ${String(r.vectors).padStart(8)}  ${String(r.mismatches).padStart(10)}  ${r.seconds.toFixed(1).padStart(7)}${bad ? '  FAIL' : ''}`,
    );
  }
  for (const r of runs) if (r.report) lines.push('', r.report);
  return { text: lines.join('\n'), failed };
}

// ---- reading shard files ----

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** A parsed shard file checked field by field; throws an Error with one line naming the file and the field. */
export function checkShardJson(v: unknown, where: string): ShardResult {
  const bad = (what: string): Error => new Error(`${where}: ${what}`);
  if (!isObj(v) || v.schema !== SHARD_SCHEMA) throw bad(`not a regress shard file (no "schema": "${SHARD_SCHEMA}")`);
  if (v.suite !== 'ci' && v.suite !== 'long') throw bad('"suite" must be "ci" or "long"');
  if (v.only !== null && !(Array.isArray(v.only) && v.only.every((x) => typeof x === 'string'))) throw bad('"only" must be null or a list of unit names');
  if (typeof v.seed !== 'number' || !Number.isSafeInteger(v.seed)) throw bad('"seed" must be an integer');
  if (!Array.isArray(v.sims) || v.sims.length === 0 || !v.sims.every((s) => s === 'icarus' || s === 'verilator')) throw bad('"sims" must list icarus and/or verilator');
  const sh = v.shard;
  if (!isObj(sh) || !isCount(sh.index) || !isCount(sh.count) || sh.index < 1 || sh.index > sh.count) throw bad('"shard" must be {"index": I, "count": N} with 1 <= I <= N');
  const it = v.items;
  if (!isObj(it) || !isCount(it.total) || !Array.isArray(it.run) || !it.run.every((i) => isCount(i) && i < (it.total as number))) {
    throw bad('"items" must be {"total": T, "run": [item indices below T]}');
  }
  if (!Array.isArray(v.runs)) throw bad('"runs" must be a list');
  v.runs.forEach((r: unknown, n) => {
    const ok =
      isObj(r) && isCount(r.item) && typeof r.suite === 'string' && typeof r.key === 'string' && typeof r.label === 'string' &&
      (r.sim === 'icarus' || r.sim === 'verilator') && isCount(r.vectors) && isCount(r.mismatches) &&
      typeof r.seconds === 'number' && Number.isFinite(r.seconds) && (r.report === undefined || typeof r.report === 'string');
    if (!ok) throw bad(`runs[${n}] must have item, suite, key, label, sim, vectors, mismatches, seconds`);
    if (!(it.run as number[]).includes(r.item as number)) throw bad(`runs[${n}] is of item ${String(r.item)}, which this shard did not run`);
  });
  const runs = v.runs as ShardRun[];
  if (v.vectors !== runs.reduce((a, r) => a + r.vectors, 0)) throw bad('"vectors" is not the sum of the runs\' vectors');
  if (v.mismatches !== runs.reduce((a, r) => a + r.mismatches, 0)) throw bad('"mismatches" is not the sum of the runs\' mismatches');
  return v as unknown as ShardResult;
}

// ---- merging ----

export interface MergeResult {
  /** the runs of every shard in unsharded order */
  readonly runs: readonly ShardRun[];
  readonly vectors: number;
  readonly mismatches: number;
  readonly seed: number;
  readonly level: RegressLevel;
  readonly shards: number;
}

/**
 * Merges shard files (name and contents); throws an Error of one line when they are not the N shards of one
 * run: a shard missing or given twice, shards of different suites, units, simulators, seeds, N or item lists,
 * a shard that did not run its share of the items.
 */
export function mergeShards(files: readonly { readonly name: string; readonly data: ShardResult }[]): MergeResult {
  if (files.length === 0) throw new Error('no shard files given');
  const first = files[0]!;
  const same: [string, (d: ShardResult) => string][] = [
    ['suite', (d) => d.suite],
    ['units (--only)', (d) => (d.only ? d.only.join(',') : 'all')],
    ['sims', (d) => d.sims.join(',')],
    ['seed', (d) => String(d.seed)],
    ['shard count N', (d) => String(d.shard.count)],
    ['work item count', (d) => String(d.items.total)],
  ];
  for (const f of files.slice(1)) {
    for (const [what, get] of same) {
      if (get(f.data) !== get(first.data)) {
        throw new Error(`shards of different runs: ${first.name} has ${what} ${get(first.data)}, ${f.name} has ${get(f.data)}`);
      }
    }
  }
  const count = first.data.shard.count;
  const total = first.data.items.total;
  const byIndex = new Map<number, string>();
  for (const f of files) {
    const i = f.data.shard.index;
    const seen = byIndex.get(i);
    if (seen !== undefined) throw new Error(`shard ${i}/${count} given twice (${seen} and ${f.name})`);
    byIndex.set(i, f.name);
    const want = shardItems(total, f.data.shard);
    if (want.join(',') !== f.data.items.run.join(',')) throw new Error(`${f.name}: shard ${i}/${count} did not run its share of the ${total} work items`);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length) throw new Error(`missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} (got ${files.length} of ${count})`);
  const runs = files.flatMap((f) => f.data.runs).sort((a, b) => a.item - b.item); // stable: a run keeps its place in its item
  return {
    runs,
    vectors: runs.reduce((a, r) => a + r.vectors, 0),
    mismatches: runs.reduce((a, r) => a + r.mismatches, 0),
    seed: first.data.seed,
    level: first.data.suite,
    shards: count,
  };
}
