// `make formal`: handshake properties of every streaming top of the reference set, every reduction tree of the
// reference MX PEs against the behavioural sum, and every pipelined depth of every reference PE against depth 0;
// writes reports/formal.md (and --json). Exit code 1 when anything fails or errors.
// Usage: tsx generator/formal/main.ts [--quick] [--group handshake,tree,pipeline] [--only TEXT] [--jobs N] [--fresh] [--out FILE] [--json FILE]
//   --quick  the CI subset (small configurations, a few minutes; test/formal/quick.test.ts runs it)
//   --jobs   design checks at a time, across the groups (default 1); the report keeps the plan's order
//   --only   only designs whose top name contains TEXT
//   --fresh  ignore the result cache (cache.ts, sim/build/formal-results/): by default a stopped run resumes

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pool } from '../util/pool';
import { referenceDesigns } from '../rtl/configs';
import { findUnit } from '../ip/units';
import type { UnitParams } from '../ip/unit';
import { type FormalCache, cachedRows, formalCache, formalKey } from './cache';
import { type Design, findTrees, handshakeRows, pipelineRows, transactionShape, treeAlgebraRows, treeSatRow } from './checks';
import type { FormalRow } from './handshake';
import { formalReport } from './report';

export type Group = 'handshake' | 'tree' | 'pipeline';
export const GROUPS: readonly Group[] = ['handshake', 'tree', 'pipeline'];

export interface FormalPlan {
  readonly handshake: readonly Design[];
  /** PEs whose trees are proven (at their own k) */
  readonly trees: readonly Design[];
  /** k of the whole-tree SAT miters, per PE of `trees`, and the seconds each may take */
  readonly treeSatKs: readonly number[];
  readonly treeSatSeconds: number;
  /** one longer whole-tree SAT attempt (documents where SAT stops) */
  readonly treeSatProbe?: { readonly design: Design; readonly k: number; readonly seconds: number };
  readonly pipeline: readonly Design[];
  /** depths of the datapath check (at the design's own k) */
  readonly depths: readonly number[];
  /** the scoreboard (timing) check at this k and these depths (checks.ts PipelineOptions) */
  readonly timingK?: number;
  readonly timingDepths?: readonly number[];
  readonly bmcExtra: number;
  /** time limit of each scoreboard BMC; a depth that reaches it ends the deeper depths of that PE */
  readonly bmcSeconds: number;
}

const design = (unit: string, params: Record<string, unknown>): Design => {
  const u = findUnit(unit)!;
  return { unit: u, params: u.schema.parse(params) as UnitParams };
};

export function fullPlan(): FormalPlan {
  const ref = referenceDesigns();
  const pes = ref.filter((d) => d.unit.name === 'pe');
  return {
    handshake: ref.filter((d) => d.unit.build(d.params).isStream),
    trees: pes.filter((d) => d.params['format'] !== 'bf16'),
    treeSatKs: [2, 4],
    treeSatSeconds: 600,
    treeSatProbe: { design: design('pe', { format: 'mxsf', k: 8, depth: 1 }), k: 8, seconds: 900 },
    pipeline: pes,
    // the datapath at the reference k for every depth up to 8 (mxsf: models of depths 1-4 in 45 s, ~11 s a proof);
    // the staging at k = 4 up to depth 6: the scoreboard's bmc3 grows ~4x per depth there (mxsf: depth 6 60 s,
    // depth 7 232 s, depth 8 unfinished after 9 min), and at k = 32 it needed more than 30 min at depth 3
    depths: [1, 2, 3, 4, 5, 6, 7, 8],
    timingK: 4,
    timingDepths: [1, 2, 3, 4, 5, 6],
    bmcExtra: 6,
    // mxfp8-e5m2 at k = 4: depths 1-4 in 8, 17, 32, 131 s, depth 5 more than 10 min (k = 2: more than 6 min)
    bmcSeconds: 300,
  };
}

export function quickPlan(): FormalPlan {
  return {
    handshake: [
      design('quantizer', { format: 'mxsf', k: 4, depth: 2 }),
      design('tile', { format: 'mxfp4-e2m1', tile: '2x4', order: 'col', buffers: 1 }),
      design('pe', { format: 'mxint8', k: 2, depth: 3 }),
    ],
    trees: [design('pe', { format: 'mxsf', k: 32, depth: 1 })],
    treeSatKs: [2],
    treeSatSeconds: 120,
    pipeline: [design('pe', { format: 'mxint8', k: 2, depth: 1 })],
    depths: [1, 3],
    // the full plan's split (datapath at the design's k, timing rebuilt at timingK), at k = 2 both
    timingK: 2,
    timingDepths: [1, 3],
    bmcExtra: 4,
    bmcSeconds: 1800,
  };
}

export interface RunOptions {
  readonly groups?: readonly Group[];
  readonly only?: string;
  /** results of earlier runs (cache.ts); unset: every check runs */
  readonly cache?: FormalCache;
  /** design checks run at a time, across the groups (each runs one tool process at a time); rows keep the plan's order */
  readonly jobs?: number;
  readonly log?: (line: string) => void;
}

export async function runFormal(plan: FormalPlan, o: RunOptions = {}): Promise<FormalRow[]> {
  const groups = o.groups ?? GROUPS;
  const log = o.log ?? (() => {});
  const keep = (d: Design) => !o.only || d.unit.build(d.params).name.includes(o.only);
  const cache = o.cache;
  const tree = (t: ReturnType<typeof findTrees>[number], satSeconds?: number) =>
    cachedRows(cache, () => formalKey('tree', { k: t.k, satSeconds }, [t.module]), failed, async () => [
      ...(await treeAlgebraRows(t, log)),
      ...(satSeconds === undefined ? [] : [await treeSatRow(t, satSeconds, log)]),
    ]);
  // each design's check in each group is one task; `jobs` of them run at a time across the groups (a long
  // pipeline check beside short ones), and the rows come in the plan's order
  const tasks: (() => Promise<FormalRow[]>)[] = [];
  if (groups.includes('handshake'))
    tasks.push(
      ...plan.handshake.filter(keep).map((d) => () => {
        const ho = { bmcDepth: 40, pdrSeconds: 300 };
        const m = d.unit.build(d.params);
        return cachedRows(cache, () => formalKey('handshake', { ...ho, shape: transactionShape(d) }, [m]), failed, () => handshakeRows(d, { ...ho, log }));
      }),
    );
  if (groups.includes('tree')) {
    const seen = new Set<string>();
    for (const d of plan.trees.filter(keep)) {
      const k = Number(d.params['k']);
      for (const t of findTrees(d.unit.build(d.params))) {
        if (seen.has(t.module.name)) continue;
        seen.add(t.module.name);
        tasks.push(() => tree(t));
      }
      for (const sk of plan.treeSatKs) {
        if (sk === k) continue;
        for (const t of findTrees(d.unit.build({ ...d.params, k: sk }))) {
          if (seen.has(t.module.name)) continue;
          seen.add(t.module.name);
          tasks.push(() => tree(t, plan.treeSatSeconds));
        }
      }
    }
    if (plan.treeSatProbe && (!o.only || 'probe'.includes(o.only))) {
      const p = plan.treeSatProbe;
      for (const t of findTrees(p.design.unit.build(p.design.params)))
        tasks.push(() => cachedRows(cache, () => formalKey('tree-probe', { seconds: p.seconds }, [t.module]), failed, async () => [await treeSatRow(t, p.seconds, log)]));
    }
  }
  if (groups.includes('pipeline'))
    tasks.push(
      ...plan.pipeline.filter(keep).map((d) => () => {
        const po = { depths: plan.depths, ...(plan.timingK ? { timingK: plan.timingK, timingDepths: plan.timingDepths ?? plan.depths } : {}), bmcExtra: plan.bmcExtra, bmcSeconds: plan.bmcSeconds, freeBits: 4 };
        // the key reads every design the check builds: the PE at depth 0 and at each depth, at its k and the timing k
        const builds = () => {
          const at = (k: UnitParams[string], depths: readonly number[]) => [0, ...depths].map((depth) => d.unit.build({ ...d.params, k, depth }));
          return 'k' in d.params && po.timingK !== undefined ? [...at(d.params['k'], po.depths), ...at(po.timingK, po.timingDepths ?? po.depths)] : [0, ...po.depths].map((depth) => d.unit.build({ ...d.params, depth }));
        };
        return cachedRows(cache, () => formalKey('pipeline', po, builds()), failed, () => pipelineRows(d, { ...po, log }));
      }),
    );
  return (await pool(tasks, o.jobs ?? 1, (t) => t())).flat();
}

export const failed = (r: FormalRow): boolean => /FAILED|error|timeout/.test(r.result) && !(r.group === 'tree' && /timeout/.test(r.result) && /SAT/.test(r.method));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false }, group: { type: 'string' }, only: { type: 'string' }, out: { type: 'string' }, json: { type: 'string' },
      fresh: { type: 'boolean', default: false }, jobs: { type: 'string', default: '1' },
    },
  });
  const jobs = Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs: '${values.jobs}' is not a positive integer (e.g. --jobs 2)`);
  const groups = values.group ? (values.group.split(',') as Group[]) : undefined;
  for (const g of groups ?? []) if (!GROUPS.includes(g)) throw new Error(`--group: unknown group '${g}' (groups: ${GROUPS.join(', ')})`);
  const plan = values.quick ? quickPlan() : fullPlan();
  const t0 = performance.now();
  const cache = values.fresh ? undefined : formalCache();
  const rows = await runFormal(plan, { ...(groups ? { groups } : {}), ...(values.only ? { only: values.only } : {}), ...(cache ? { cache } : {}), jobs, log: (l) => console.log(l) });
  const seconds = (performance.now() - t0) / 1000;
  // a part of the plan (--group / --only) never replaces the full report unless asked to
  const out = values.out ?? (values.quick ? 'sim/work/formal-quick.md' : groups || values.only ? 'sim/work/formal-partial.md' : 'reports/formal.md');
  mkdirSync(path.dirname(out), { recursive: true });
  const cmd = `tsx generator/formal/main.ts ${process.argv.slice(2).join(' ')}`.trim();
  writeFileSync(out, formalReport(rows, { command: cmd, seconds, quick: values.quick ?? false, cachedCalls: cache?.hits ?? 0 }));
  if (values.json) writeFileSync(values.json, JSON.stringify(rows, null, 1) + '\n');
  const bad = rows.filter(failed);
  console.log(`\n${rows.length} checks, ${bad.length} failed or unfinished (${(seconds / 60).toFixed(1)} min); wrote ${out}`);
  for (const r of bad) console.log(`  ${r.module}: ${r.property}: ${r.result}`);
  return bad.length || rows.length === 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]).endsWith(path.join('formal', 'main.ts'))) {
  main().then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      console.error(`formal: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
