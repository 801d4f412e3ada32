// `make synth`: Yosys synthesis of every synthesis configuration (generator/rtl/configs.ts synthConfigs()),
// two Yosys processes at a time (SYNTH_JOBS=N to change), results cached per RTL text by generator/sim.
// Writes reports/synth.json (one record per configuration) and reports/synth.md (tables per unit and k with
// ratios to mxfp8-e4m3 and bf16, what dominates each design, cell types, the MXSF optimisation log).
// Fails on any latch or synthesis error.
//
// Figures: cells = Yosys generic cells after `synth -flatten` (flops included); transistors = `stat -tech
// cmos` after `abc -g cmos` with every flop mapped to a plain DFF (16 T; async reset and enables as gates),
// i.e. logic + flops; depth = `ltp -noff` on the generic netlist (gates on the longest path).
// "What dominates": every submodule of a design is also synthesized on its own and charged
// instances x its transistors; the rest is the top's own logic (glue, flags, pipeline registers).

import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { allModules, type Module } from '../hdl/index';
import { synthesize, SYNTH_FLOWS, type SynthFlow, type SynthResult } from '../sim';
import { synthConfigs } from '../rtl/configs';
import type { RtlConfig, SynthRecord } from '../rtl/config';
import { emitConfigs, type EmittedTop } from './emit-configs';
import { PE_OPTIMISATION_LOG, UNIT_NOTES } from '../rtl/pe/synth-notes';
import { tileSavingSection } from '../rtl/tile/report';

const REPORT_DIR = path.resolve('reports');

/** One part of a design's transistor estimate. */
interface BreakdownPart {
  readonly name: string;
  readonly count: number;
  /** per instance */
  readonly transistors: number;
  readonly cells: number;
}

interface Job {
  readonly files: readonly string[];
  readonly top: string;
}

/** Runs jobs with at most `n` in flight. */
async function pool<T, R>(items: readonly T[], n: number, f: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** Direct children only (a child's own children are inside its figure). */
function directChildren(top: Module): Map<string, number> {
  const out = new Map<string, number>();
  for (const st of top.ir.stmts) if (st.k === 'instance') out.set(st.module, (out.get(st.module) ?? 0) + 1);
  return out;
}

function chunkLength(cfg: RtlConfig): number {
  const p = cfg.params;
  if (typeof p.k === 'number') return p.k;
  if (typeof p.blockSize === 'number') return p.blockSize;
  if (typeof p.rows === 'number' && typeof p.cols === 'number') return p.rows * p.cols;
  return 0;
}

async function main(): Promise<number> {
  const configs = synthConfigs();
  if (configs.length === 0) throw new Error('no synthesis configuration (generator/rtl/configs.ts synthConfigs())');
  const dir = path.resolve('sim/work/synth');
  const tops = emitConfigs(configs, dir);
  const built = configs.map((c) => c.build());
  const jobsN = Math.max(1, Number(process.env.SYNTH_JOBS ?? 2));
  const flow = (process.env.SYNTH_FLOW ?? 'bounded-sat') as SynthFlow;
  if (!SYNTH_FLOWS.includes(flow)) throw new Error(`SYNTH_FLOW=${flow} is not a synthesis flow; use one of: ${SYNTH_FLOWS.join(', ')}`);

  // Every top and every distinct submodule, synthesized once (file lists: the submodule's own hierarchy).
  const jobs = new Map<string, Job>();
  tops.forEach((t, i) => {
    jobs.set(t.top, { files: t.files, top: t.top });
    for (const sub of allModules(built[i]!)) {
      if (sub.name === t.top || jobs.has(sub.name)) continue;
      jobs.set(sub.name, { files: allModules(sub).map((m) => path.join(dir, `${m.name}.v`)), top: sub.name });
    }
  });
  // largest designs first (RTL bytes, a proxy for ABC time), so the Yosys processes finish close together
  const bytes = new Map([...jobs.values()].map((j) => [j.top, j.files.reduce((s, f) => s + statSync(f).size, 0)]));
  const order = [...jobs.values()].sort((a, b) => bytes.get(b.top)! - bytes.get(a.top)! || a.top.localeCompare(b.top));
  const t0 = performance.now();
  let done = 0;
  const failures: string[] = [];
  const results = new Map<string, SynthResult>();
  await pool(order, jobsN, async (job) => {
    try {
      const r = await synthesize(job.files, job.top, { flow });
      results.set(job.top, r);
      done++;
      console.log(
        `synth ${job.top.padEnd(44)} ${String(r.cells).padStart(7)} cells ${String(r.transistors).padStart(8)} T depth ${String(r.depth).padStart(4)}` +
          `  ${r.cached ? 'cached' : `${r.seconds.toFixed(1)} s`}  (${done}/${order.length})`,
      );
    } catch (e) {
      failures.push(`${job.top}: ${e instanceof Error ? e.message : String(e)}`);
      console.log(`synth ${job.top.padEnd(44)} FAILED: ${e instanceof Error ? e.message : String(e)}`);
    }
  });

  const records: SynthRecord[] = [];
  const breakdowns = new Map<string, BreakdownPart[]>();
  const seen = new Set<string>();
  tops.forEach((t: EmittedTop, i) => {
    if (seen.has(t.top)) return;
    seen.add(t.top);
    const r = results.get(t.top);
    if (!r) return;
    const cfg = t.config;
    records.push({
      unit: cfg.unit,
      format: cfg.format,
      k: chunkLength(cfg),
      cells: r.cells,
      transistors: r.transistors,
      depth: r.depth,
      top: t.top,
      params: cfg.params,
      flow,
      flops: r.flops,
      logicTransistors: r.logicTransistors,
      transistorsExact: r.transistorsExact,
      cellsByType: r.cellsByType,
    });
    const parts: BreakdownPart[] = [];
    let rest = r.logicTransistors;
    for (const [name, count] of directChildren(built[i]!)) {
      const s = results.get(name);
      if (!s) continue;
      parts.push({ name, count, transistors: s.transistors, cells: s.cells });
      rest -= count * s.logicTransistors;
    }
    parts.sort((a, b) => b.count * b.transistors - a.count * a.transistors);
    parts.push({ name: '(own logic: glue, flags, exponent)', count: 1, transistors: rest, cells: 0 });
    parts.push({ name: `(flip-flops, ${r.flops} bits)`, count: 1, transistors: r.transistors - r.logicTransistors, cells: r.flops });
    breakdowns.set(t.top, parts);
  });

  mkdirSync(REPORT_DIR, { recursive: true });
  writeFileSync(path.join(REPORT_DIR, 'synth.json'), `[\n${records.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n]\n`);
  writeFileSync(path.join(REPORT_DIR, 'synth.md'), renderSynthReport(records, breakdowns, failures, flow));
  console.log(`\n${records.length} designs (${order.length} synthesis runs, ${((performance.now() - t0) / 1000).toFixed(0)} s): reports/synth.json, reports/synth.md`);
  if (failures.length) {
    console.log(`\n${failures.length} synthesis run(s) FAILED (listed in reports/synth.md):\n${failures.join('\n')}`);
    return 1;
  }
  return 0;
}

// ---- report ----

const fmt = (n: number): string => n.toLocaleString('en-US');
const ratio = (x: number, base: number | undefined): string => (base ? (x / base).toFixed(2) : '-');

function groups(records: readonly SynthRecord[]): Map<string, SynthRecord[]> {
  const g = new Map<string, SynthRecord[]>();
  for (const r of records) {
    const key = `${r.unit}\u0000${r.k}`;
    g.set(key, [...(g.get(key) ?? []), r]);
  }
  // units in first-seen order, k descending
  const units = [...new Set(records.map((r) => r.unit))];
  return new Map(
    [...g].sort(([a], [b]) => {
      const [ua, ka] = a.split('\u0000');
      const [ub, kb] = b.split('\u0000');
      return units.indexOf(ua!) - units.indexOf(ub!) || Number(kb) - Number(ka);
    }),
  );
}

function renderSynthReport(records: readonly SynthRecord[], breakdowns: ReadonlyMap<string, BreakdownPart[]>, failures: readonly string[], flow: SynthFlow): string {
  const L: string[] = [];
  L.push('# Synthesis figures', '');
  if (failures.length) L.push('**Synthesis FAILED for:**', '', ...failures.map((f) => `- ${f}`), '');
  L.push(`Generated by \`make synth\` (generator/verify/synth-all.ts); do not edit. Yosys 0.23, flow \`${flow}\` of generator/sim/synth.ts:`);
  L.push('');
  if (flow === 'bounded-sat') {
    L.push('- **flow**: `synth -flatten -noshare`, then ABC\'s default gate-mapping script with its SAT sweep (`&fraig -x`) bounded');
    L.push('  to 1,000 conflicts per node. Yosys\' defaults did not finish on the larger designs (`share` runs SAT on every pair of');
    L.push('  shifters: ~40 min on the bf16 PE, nothing shared; the unbounded SAT sweep ran over an hour on the 32 multipliers of the');
    L.push('  mxint8 PE). `SYNTH_FLOW=yosys-default` selects the unmodified flow;');
  }
  L.push('- **cells**: Yosys generic cells after `synth -flatten` (simple gates, muxes and flip-flops);');
  L.push('- **transistors**: CMOS estimate, `abc -g cmos` to simple gates then `stat -tech cmos`, **flip-flops included** (each');
  L.push('  flop mapped to a plain DFF of 16 T; asynchronous resets and load enables become gates);');
  L.push('- **depth**: `ltp -noff`, gates on the longest combinational path (flip-flops cut the paths);');
  L.push('- ratios are transistors relative to `mxfp8-e4m3` and to `bf16` of the same unit and k (`-` when absent).');
  L.push('');
  for (const [key, rs] of groups(records)) {
    const [unit, k] = key.split('\u0000');
    const e4m3 = rs.find((r) => r.format === 'mxfp8-e4m3')?.transistors;
    const bf16 = rs.find((r) => r.format === 'bf16')?.transistors;
    L.push(`## ${unit}, k = ${k}`, '');
    L.push('| format | top | cells | transistors | x mxfp8-e4m3 | x bf16 | depth | flop bits |');
    L.push('|---|---|---:|---:|---:|---:|---:|---:|');
    for (const r of [...rs].sort((a, b) => a.transistors - b.transistors)) {
      L.push(`| ${r.format} | \`${String(r.top)}\` | ${fmt(r.cells)} | ${fmt(r.transistors)} | ${ratio(r.transistors, e4m3)} | ${ratio(r.transistors, bf16)} | ${r.depth} | ${String(r.flops)} |`);
    }
    L.push('');
    L.push('What dominates (each submodule synthesized on its own, instances x its transistors; the rest is the top\'s own logic):', '');
    for (const r of rs) {
      const parts = breakdowns.get(String(r.top)) ?? [];
      const total = r.transistors;
      const text = parts
        .filter((p) => p.count * p.transistors !== 0)
        .map((p) => `${p.count > 1 ? `${p.count} x ` : ''}${p.name} ${fmt(p.count * p.transistors)} T (${((100 * p.count * p.transistors) / total).toFixed(0)} %)`)
        .join('; ');
      L.push(`- **${r.format}** (\`${String(r.top)}\`): ${text}.`);
    }
    L.push('');
    const note = UNIT_NOTES[unit!];
    if (note) L.push(note(rs.map((r) => ({ ...r, parts: breakdowns.get(String(r.top)) ?? [] }))), '');
  }
  L.push('## Cell types', '');
  const types = [...new Set(records.flatMap((r) => Object.keys(r.cellsByType as Record<string, number>)))].sort();
  L.push(`| top | ${types.map((t) => `\`${t}\``).join(' | ')} |`);
  L.push(`|---|${types.map(() => '---:').join('|')}|`);
  for (const r of records) {
    const c = r.cellsByType as Record<string, number>;
    L.push(`| \`${String(r.top)}\` | ${types.map((t) => (c[t] ? fmt(c[t]) : '')).join(' | ')} |`);
  }
  L.push('');
  L.push(...PE_OPTIMISATION_LOG);
  // issue 5: the 8x8 tile re-quantizer against the 1-D unit that yields both orientations
  L.push('', tileSavingSection(records));
  return L.join('\n') + '\n';
}

main().then(
  (c) => (process.exitCode = c),
  (e: unknown) => {
    console.error(`synth: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
