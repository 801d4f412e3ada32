// `make synth`: Yosys synthesis of every synthesis configuration (generator/rtl/configs.ts synthConfigs()),
// mapped to the OSU 0.18 um standard-cell library, with OpenSTA timing; two Yosys processes at a time
// (SYNTH_JOBS=N to change), results cached per RTL text by generator/sim.
// Writes reports/synth.json (one record per configuration) and reports/synth.md (tables per unit and k with
// ratios to mxfp8-e4m3 and bf16, what dominates each design, cell types, the MXSF optimisation log).
// Fails on any latch or synthesis error. SYNTH_ONLY=regex restricts the run to matching tops (a partial report).
//
// Figures: cells = Yosys generic cells after `synth -flatten` (flops included); transistors = `stat -tech
// cmos` after `abc -g cmos` with every flop mapped to a plain DFF (16 T; async reset and enables as gates),
// i.e. logic + flops; depth = `ltp -noff` on the generic netlist (gates on the longest path);
// area_um2 / lib_cells / flop_bits = the netlist mapped to the library (dfflibmap + abc -liberty, `stat -liberty`);
// critical_path_ns / fmax_mhz = OpenSTA on that netlist (generator/phys/sta.ts, environment stated in the report).
// "What dominates": the flat netlist's coarse cells are tagged with the direct submodule they came from and
// each part is then mapped on its own (generator/phys/partition.ts), so every share is measured, none negative.
// Arrays (generator/rtl/array/configs.ts): synthesized hierarchically with the RAMs as black boxes and their memory
// bits apart (generator/rtl/array/synth.ts), after the units, one at a time; records with unit 'array'.
// SYNTH_ONLY=array runs just the arrays and merges their records and section into the existing reports/synth.{json,md}
// (every unit record kept); any other SYNTH_ONLY writes a partial report under sim/work/synth-partial.

import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { synthesize, SYNTH_FLOWS, type PartResult, type SynthFlow, type SynthResult } from '../sim/synth';
import { synthConfigs } from '../rtl/configs';
import type { RtlConfig, SynthRecord } from '../rtl/config';
import { emitConfigs, type EmittedTop } from './emit-configs';
import { PE_OPTIMISATION_LOG, UNIT_NOTES, type NotePart } from '../rtl/pe/synth-notes';
import { tileSavingSection } from '../rtl/tile/report';
import { partSpecs } from '../phys/partition';
import { OSU018_LIBERTY, readLiberty } from '../phys/liberty';
import { readNetlistJson } from '../phys/netlist';
import { timing, type TimingResult } from '../phys/sta';
import { DEFAULT_ENVIRONMENT, describeEnvironment } from '../phys/environment';
import { arraySynthArrayConfigs } from '../rtl/array/configs';
import { arrayName } from '../rtl/array/config';
import { arrayArea, checkStitched } from '../rtl/array/synth';
import { pool } from '../util/pool';

const REPORT_DIR = path.resolve('reports');

function chunkLength(cfg: RtlConfig): number {
  const p = cfg.params;
  if (typeof p.k === 'number') return p.k;
  if (typeof p.blockSize === 'number') return p.blockSize;
  if (typeof p.rows === 'number' && typeof p.cols === 'number') return p.rows * p.cols;
  return 0;
}

const round = (x: number, d: number): number => Number(x.toFixed(d));

async function main(): Promise<number> {
  const only = process.env.SYNTH_ONLY ? new RegExp(process.env.SYNTH_ONLY) : undefined;
  const configs = synthConfigs();
  if (configs.length === 0) throw new Error('no synthesis configuration (generator/rtl/configs.ts synthConfigs())');
  const dir = path.resolve('sim/work/synth');
  const lib = readLiberty(OSU018_LIBERTY);
  const tops = emitConfigs(configs, dir).filter((t) => !only || only.test(t.top));
  const arrays = arraySynthArrayConfigs().filter((c) => !only || only.test(arrayName(c)));
  if (tops.length === 0 && arrays.length === 0) throw new Error(`SYNTH_ONLY=${process.env.SYNTH_ONLY} matches no synthesis top`);
  const built = new Map(tops.map((t) => [t.top, t.config.build()]));
  const jobsN = Math.max(1, Number(process.env.SYNTH_JOBS ?? 2));
  const flow = (process.env.SYNTH_FLOW ?? 'bounded-sat') as SynthFlow;
  if (!SYNTH_FLOWS.includes(flow)) throw new Error(`SYNTH_FLOW=${flow} is not a synthesis flow; use one of: ${SYNTH_FLOWS.join(', ')}`);

  const unique = [...new Map(tops.map((t) => [t.top, t])).values()];
  // largest designs first (RTL bytes, a proxy for ABC time), so the Yosys processes finish close together
  const bytes = new Map(unique.map((t) => [t.top, t.files.reduce((s, f) => s + statSync(f).size, 0)]));
  const order = [...unique].sort((a, b) => bytes.get(b.top)! - bytes.get(a.top)! || a.top.localeCompare(b.top));
  const t0 = performance.now();
  let done = 0;
  const failures: string[] = [];
  const results = new Map<string, SynthResult>();
  const timings = new Map<string, TimingResult>();
  await pool(order, jobsN, async (t) => {
    try {
      const m = built.get(t.top)!;
      const r = await synthesize(t.files, t.top, { flow, liberty: OSU018_LIBERTY, parts: partSpecs(m) });
      results.set(t.top, r);
      const hs = m.interface().handshake;
      const netlist = readNetlistJson(r.mapped!.json, lib, t.top);
      const tm = await timing(
        { verilog: r.mapped!.verilog, netlist, lib, ...(hs ? { clock: hs.clock, reset: hs.reset } : {}) },
        path.resolve('sim/work/synth-sta', t.top),
      );
      timings.set(t.top, tm);
      done++;
      console.log(
        `synth ${t.top.padEnd(44)} ${String(r.cells).padStart(7)} cells ${String(r.transistors).padStart(8)} T ${String(Math.round(r.mapped!.areaUm2)).padStart(9)} um2 ` +
          `${tm.criticalPathNs.toFixed(2).padStart(7)} ns  ${r.cached ? 'cached' : `${r.seconds.toFixed(1)} s`}  (${done}/${order.length})`,
      );
    } catch (e) {
      failures.push(`${t.top}: ${e instanceof Error ? e.message : String(e)}`);
      console.log(`synth ${t.top.padEnd(44)} FAILED: ${e instanceof Error ? e.message : String(e)}`);
    }
  });

  const records: SynthRecord[] = [];
  const breakdowns = new Map<string, PartResult[]>();
  const seen = new Set<string>();
  tops.forEach((t: EmittedTop) => {
    if (seen.has(t.top)) return;
    seen.add(t.top);
    const r = results.get(t.top);
    const tm = timings.get(t.top);
    if (!r || !tm || !r.mapped) return;
    const cfg = t.config;
    records.push({
      unit: cfg.unit,
      format: cfg.format,
      k: chunkLength(cfg),
      cells: r.cells,
      transistors: r.transistors,
      depth: r.depth,
      area_um2: r.mapped.areaUm2,
      fmax_mhz: round(tm.fmaxMhz, 3),
      critical_path_ns: round(tm.criticalPathNs, 4),
      lib_cells: r.mapped.cells,
      flop_bits: r.mapped.flopBits,
      top: t.top,
      params: cfg.params,
      flow,
      library: path.basename(OSU018_LIBERTY),
      flops: r.flops,
      logicTransistors: r.logicTransistors,
      transistorsExact: r.transistorsExact,
      critical_path: { startpoint: tm.startpoint, endpoint: tm.endpoint, cells: tm.pathCells },
      abc_delay_ns: round(r.mapped.abcDelayNs, 4),
      ...(r.partition ? { partitioned_area_um2: r.partition.areaUm2, partitioned_transistors: r.partition.transistors } : {}),
      ...(r.partitionError ? { partition_error: r.partitionError } : {}),
      cellsByType: r.cellsByType,
      lib_cells_by_type: r.mapped.cellsByType,
    });
    breakdowns.set(t.top, r.partition ? [...r.partition.parts] : []);
  });

  // the arrays, one at a time (each block is one Yosys run; the glue and the stitched check one more each)
  const arrayRecords: SynthRecord[] = [];
  for (const c of arrays) {
    const name = arrayName(c);
    try {
      const t1 = performance.now();
      const work = path.resolve('sim/work/array-synth', name);
      const a = await arrayArea(c, work, { flow, liberty: OSU018_LIBERTY });
      const st = await checkStitched(a, work);
      const rec = arrayRecord(a, st.areaUm2, flow);
      if (!a.latchFree) throw new Error('the design (RAMs included) has a latch or fails `check -assert`');
      for (const r of a.rams) {
        if (r.yosysBits !== r.width * r.depth || r.yosysFlops !== 0) throw new Error(`${r.module}: Yosys counts ${r.yosysBits} memory bits and ${r.yosysFlops} flip-flops, expected ${r.width * r.depth} and 0`);
      }
      // the hierarchical sum must be the area of the stitched flat netlist (stat -liberty prints 0.01 um2 steps)
      if (Math.abs(st.areaUm2 - a.totals.areaUm2) > 0.01 * (1 + a.blocks.reduce((s2, b) => s2 + b.instances, 0)))
        throw new Error(`hierarchical area ${a.totals.areaUm2} um2 differs from the stitched flat netlist's ${st.areaUm2} um2`);
      arrayRecords.push(rec);
      console.log(
        `synth ${name.padEnd(44)} ${String(a.totals.cells).padStart(7)} cells ${String(a.totals.transistors).padStart(8)} T ${String(Math.round(a.totals.areaUm2)).padStart(9)} um2 ` +
          `${a.totals.criticalPathNs.toFixed(2).padStart(7)} ns  ${a.memoryBits} memory bits  ${((performance.now() - t1) / 1000).toFixed(0)} s`,
      );
    } catch (e) {
      failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      console.log(`synth ${name.padEnd(44)} FAILED: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  mkdirSync(REPORT_DIR, { recursive: true });
  const environment = describeEnvironment(lib, DEFAULT_ENVIRONMENT);
  if (only !== undefined && tops.length === 0) {
    // arrays only: merged into the reports of the last full run
    const where = mergeArrays(arrayRecords, failures, environment);
    console.log(`\n${arrayRecords.length} arrays (${((performance.now() - t0) / 1000).toFixed(0)} s): ${where}`);
    if (failures.length) {
      console.log(`\n${failures.length} synthesis run(s) FAILED:\n${failures.join('\n')}`);
      return 1;
    }
    return 0;
  }
  records.push(...arrayRecords);
  const partial = only !== undefined;
  const base = partial ? path.resolve('sim/work/synth-partial') : REPORT_DIR;
  mkdirSync(base, { recursive: true });
  writeFileSync(path.join(base, 'synth.json'), `[\n${records.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n]\n`);
  writeFileSync(path.join(base, 'synth.md'), renderSynthReport(records, breakdowns, failures, flow, environment));
  const where = partial ? `${path.relative('.', base)}/synth.{json,md} (SYNTH_ONLY: reports/ left as they are)` : 'reports/synth.json, reports/synth.md';
  console.log(`\n${records.length} designs (${order.length} synthesis runs, ${((performance.now() - t0) / 1000).toFixed(0)} s): ${where}`);
  if (failures.length) {
    console.log(`\n${failures.length} synthesis run(s) FAILED (listed in the report):\n${failures.join('\n')}`);
    return 1;
  }
  return 0;
}

// ---- report ----

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const ratio = (x: number, base: number | undefined): string => (base ? (x / base).toFixed(2) : '-');
const num = (r: SynthRecord, k: string): number => Number(r[k]);

/** The pipeline depth parameter of a record (0 for combinational units without one). */
function pipelineDepth(r: SynthRecord): number {
  const d = (r.params as Record<string, unknown> | undefined)?.['depth'];
  return typeof d === 'number' ? d : 0;
}

function groups(records: readonly SynthRecord[]): Map<string, SynthRecord[]> {
  const g = new Map<string, SynthRecord[]>();
  for (const r of records) {
    const key = `${r.unit}\u0000${r.k}\u0000${pipelineDepth(r)}`;
    g.set(key, [...(g.get(key) ?? []), r]);
  }
  // units in first-seen order, k descending, pipeline depth ascending
  const units = [...new Set(records.map((r) => r.unit))];
  return new Map(
    [...g].sort(([a], [b]) => {
      const [ua, ka, da] = a.split('\u0000');
      const [ub, kb, db] = b.split('\u0000');
      return units.indexOf(ua!) - units.indexOf(ub!) || Number(kb) - Number(ka) || Number(da) - Number(db);
    }),
  );
}

/** The parts as the PE notes read them: transistors per instance, from the per-part mapping. */
function noteParts(parts: readonly PartResult[]): NotePart[] {
  return parts.map((p) => ({ name: p.name, count: p.count, transistors: p.transistors / p.count }));
}

function renderSynthReport(
  allRecords: readonly SynthRecord[],
  breakdowns: ReadonlyMap<string, readonly PartResult[]>,
  failures: readonly string[],
  flow: SynthFlow,
  environment: string,
): string {
  const records = allRecords.filter((r) => r.unit !== 'array');
  const L: string[] = [];
  L.push('# Synthesis figures', '');
  if (failures.length) L.push('**Synthesis FAILED for:**', '', ...failures.map((f) => `- ${f}`), '');
  L.push(`Generated by \`make synth\` (generator/verify/synth-all.ts); do not edit. Yosys 0.23, flow \`${flow}\` of generator/sim/synth.ts,`);
  L.push('library **OSU 0.18 um** (`osu018_stdcells.lib` of Debian\'s qflow-tech-osu018: typical corner, 1.8 V, 25 C), timing by');
  L.push('**OpenSTA** (Debian\'s opensta, `/usr/bin/sta`) on the mapped netlist:');
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
  L.push('- **area um2 / lib cells / flop bits**: the same generic netlist mapped to the library: `dfflibmap` (load enables and');
  L.push('  synchronous resets become muxes before DFFPOSX1, asynchronous resets DFFSR), `abc -liberty` with the same bounded script');
  L.push('  followed by ABC\'s gate sizing (`buffer; upsize; dnsize`), area = `stat -liberty` (sum of the cells\' liberty areas, no');
  L.push('  placement utilisation); flop bits = library flip-flop cells;');
  L.push(`- **critical path ns / Fmax MHz**: OpenSTA \`report_checks\` (setup, worst path) on the mapped netlist with the library's`);
  L.push(`  NLDM tables; critical path = minimum clock period (clock period minus worst slack), Fmax = 1 / critical path. Environment: ${environment};`);
  L.push('- ratios are transistors relative to `mxfp8-e4m3` and to `bf16` of the same unit and k (`-` when absent); `um2 x e4m3` the');
  L.push('  same for the library area.');
  L.push('');
  for (const [key, rs] of groups(records)) {
    const [unit, k, depth] = key.split('\u0000');
    const e4m3 = rs.find((r) => r.format === 'mxfp8-e4m3');
    const bf16 = rs.find((r) => r.format === 'bf16');
    L.push(`## ${unit}, k = ${k}${Number(depth) > 0 ? `, pipeline depth ${depth}` : ''}`, '');
    L.push('| format | top | cells | transistors | x mxfp8-e4m3 | x bf16 | area um2 | um2 x e4m3 | um2 x bf16 | lib cells | flop bits | critical path ns | Fmax MHz | depth |');
    L.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of [...rs].sort((a, b) => a.transistors - b.transistors)) {
      L.push(
        `| ${r.format} | \`${String(r.top)}\` | ${fmt(r.cells)} | ${fmt(r.transistors)} | ${ratio(r.transistors, e4m3?.transistors)} | ${ratio(r.transistors, bf16?.transistors)} | ` +
          `${fmt(num(r, 'area_um2'))} | ${ratio(num(r, 'area_um2'), e4m3 ? num(e4m3, 'area_um2') : undefined)} | ${ratio(num(r, 'area_um2'), bf16 ? num(bf16, 'area_um2') : undefined)} | ` +
          `${fmt(num(r, 'lib_cells'))} | ${fmt(num(r, 'flop_bits'))} | ${num(r, 'critical_path_ns').toFixed(2)} | ${num(r, 'fmax_mhz').toFixed(1)} | ${r.depth} |`,
      );
    }
    L.push('');
    L.push(
      'What dominates (measured per part: the flat netlist\'s cells tagged with their direct submodule after the flat coarse optimisation, each part then mapped on its own; ' +
        'shares of that per-part mapping, whose total is given against the flat figure):',
      '',
    );
    for (const r of rs) {
      const parts = [...(breakdowns.get(String(r.top)) ?? [])].sort((a, b) => b.areaUm2 - a.areaUm2);
      const areaTotal = parts.reduce((s, p) => s + p.areaUm2, 0);
      const tTotal = parts.reduce((s, p) => s + p.transistors, 0);
      if (parts.length === 0 || areaTotal === 0) {
        const why = (r as { partition_error?: string }).partition_error;
        L.push(`- **${r.format}** (\`${String(r.top)}\`): no per-part figures${why ? ` (${why.split(' (log:')[0]})` : ''}.`);
        continue;
      }
      const text = parts
        .filter((p) => p.areaUm2 > 0 || p.transistors > 0)
        .map((p) => `${p.count > 1 ? `${p.count} x ` : ''}${p.name} ${fmt(p.areaUm2)} um2 (${((100 * p.areaUm2) / areaTotal).toFixed(0)} %), ${fmt(p.transistors)} T (${((100 * p.transistors) / tTotal).toFixed(0)} %)`)
        .join('; ');
      L.push(
        `- **${r.format}** (\`${String(r.top)}\`): ${text}. Per-part totals ${fmt(areaTotal)} um2 (${ratio(areaTotal, num(r, 'area_um2'))} x flat) and ${fmt(tTotal)} T (${ratio(tTotal, r.transistors)} x flat).`,
      );
    }
    L.push('');
    const note = UNIT_NOTES[unit!];
    if (note) L.push(note(rs.map((r) => ({ ...r, parts: noteParts(breakdowns.get(String(r.top)) ?? []) }))), '');
  }
  L.push(...renderArraySection(allRecords.filter((r) => r.unit === 'array')));
  L.push('## Critical paths', '');
  L.push('| top | critical path ns | startpoint | endpoint | cells on the path | ABC delay estimate ns |');
  L.push('|---|---:|---|---|---:|---:|');
  for (const r of records) {
    const cp = r.critical_path as { startpoint: string; endpoint: string; cells: number };
    L.push(`| \`${String(r.top)}\` | ${num(r, 'critical_path_ns').toFixed(2)} | ${cp.startpoint} | ${cp.endpoint} | ${cp.cells} | ${num(r, 'abc_delay_ns').toFixed(2)} |`);
  }
  L.push('', 'ABC\'s estimate (`stime -p` after sizing) has no wire load and ideal I/O; OpenSTA adds the wire-load model, the input drivers and the output loads.', '');
  L.push('## Cell types', '');
  const types = [...new Set(records.flatMap((r) => Object.keys(r.cellsByType as Record<string, number>)))].sort();
  L.push(`| top | ${types.map((t) => `\`${t}\``).join(' | ')} |`);
  L.push(`|---|${types.map(() => '---:').join('|')}|`);
  for (const r of records) {
    const c = r.cellsByType as Record<string, number>;
    L.push(`| \`${String(r.top)}\` | ${types.map((t) => (c[t] ? fmt(c[t]) : '')).join(' | ')} |`);
  }
  L.push('');
  L.push('## Library cells (OSU 0.18 um)', '');
  const ltypes = [...new Set(records.flatMap((r) => Object.keys(r.lib_cells_by_type as Record<string, number>)))].sort();
  L.push(`| top | ${ltypes.map((t) => `\`${t}\``).join(' | ')} |`);
  L.push(`|---|${ltypes.map(() => '---:').join('|')}|`);
  for (const r of records) {
    const c = r.lib_cells_by_type as Record<string, number>;
    L.push(`| \`${String(r.top)}\` | ${ltypes.map((t) => (c[t] ? fmt(c[t]) : '')).join(' | ')} |`);
  }
  L.push('');
  L.push(...PE_OPTIMISATION_LOG);
  // issue 5: the 8x8 tile re-quantizer against the 1-D unit that yields both orientations
  L.push('', tileSavingSection(records));
  return L.join('\n') + '\n';
}

// ---- arrays

type ArrayAreaResult = Awaited<ReturnType<typeof arrayArea>>;

function arrayRecord(a: ArrayAreaResult, stitchedUm2: number, flow: SynthFlow): SynthRecord {
  const c = a.config;
  const t = a.totals;
  const piece = (r: SynthResult, tm: TimingResult) => ({
    area_um2: r.mapped!.areaUm2,
    lib_cells: r.mapped!.cells,
    flop_bits: r.mapped!.flopBits,
    cells: r.cells,
    transistors: r.transistors,
    depth: r.depth,
    critical_path_ns: round(tm.criticalPathNs, 4),
    critical_path: { startpoint: tm.startpoint, endpoint: tm.endpoint, cells: tm.pathCells },
  });
  const boxes = new Set([...a.rams.map((r) => r.module), ...a.blocks.map((b) => b.module)]);
  return {
    unit: 'array',
    format: c.format,
    k: c.tile,
    cells: t.cells,
    transistors: t.transistors,
    depth: t.depth,
    area_um2: round(t.areaUm2, 2),
    fmax_mhz: round(t.fmaxMhz, 3),
    critical_path_ns: round(t.criticalPathNs, 4),
    lib_cells: t.libCells,
    flop_bits: t.flopBits,
    memory_bits: a.memoryBits,
    top: a.top,
    params: { rows: c.rows, cols: c.cols, tile: c.tile, scaleMode: c.scaleMode, depth: c.depth, bufferTiles: c.bufferTiles, reduction: c.reduction ?? 'csa' },
    flow,
    library: path.basename(OSU018_LIBERTY),
    synthesis: 'hierarchical: each block once, glue with blocks and RAMs as black boxes; RAMs excluded from every logic figure',
    rams: a.rams.map((r) => ({ module: r.module, instances: r.instances, width: r.width, depth: r.depth, memory_bits: r.instances * r.width * r.depth })),
    latch_free: a.latchFree,
    stitched_area_um2: stitchedUm2,
    glue: { ...piece(a.glue, a.glueTiming), cells: a.glue.cells - Object.entries(a.glue.cellsByType).filter(([k]) => boxes.has(k)).reduce((s, [, n]) => s + n, 0) },
    blocks: a.blocks.map((b) => ({ module: b.module, instances: b.instances, ...piece(b.synth, b.timing) })),
    critical_path: { piece: t.critical.piece, startpoint: t.critical.startpoint, endpoint: t.critical.endpoint, cells: t.critical.pathCells },
  };
}

interface ArrayPiece {
  area_um2: number;
  lib_cells: number;
  flop_bits: number;
  critical_path_ns: number;
}

function renderArraySection(records: readonly SynthRecord[], failures: readonly string[] = []): string[] {
  if (records.length === 0 && failures.length === 0) return [];
  const L: string[] = ['## Arrays (issue 13): logic apart from memory', ''];
  if (failures.length) L.push('**Array synthesis FAILED for:**', '', ...failures.map((f) => `- ${f}`), '');
  const p0 = (records[0]?.params ?? {}) as Record<string, unknown>;
  L.push(
    `The accelerator (generator/rtl/array) with the defaults of \`mxgen generate array\`: T = ${String(p0['tile'] ?? 8)} (8 x 8 tiles, T-lane PE cells), PE-cell depth ${String(p0['depth'] ?? 1)},`,
    `${String(p0['bufferTiles'] ?? 256)} tiles per operand buffer (and as many FP32 tiles), scale mode ${String(p0['scaleMode'] ?? 'floor')}, ${String(p0['reduction'] ?? 'csa')} reduction.`,
    'Synthesized **hierarchically** (generator/rtl/array/synth.ts), same flow and library as above:',
    '',
    '- **memories** (every buffer is a RAM module, `ram_w<W>_d<D>`) are checked to be inferred by Yosys as memory (after `proc; opt`',
    '  `stat` counts W x D memory bits; after `memory -nomap` one `$mem_v2` and no flip-flop) and stay **black boxes**, where SRAM',
    '  macros would go: **memory bits** are W x D x instances, and **no um2, cell, flop or transistor figure includes them**;',
    '- **blocks** (each clocked direct submodule: the PE cell, the tile re-quantizer) are synthesized and mapped once each, flat inside;',
    '  the **glue** (the top\'s own logic: command registers, sequencer, operand registers and line select, init registers, drain chain,',
    '  tile assembly control; the combinational bf16 rounders flattened into it) is synthesized with blocks and RAMs as black boxes.',
    '  Every figure = glue + sum of instances x block; nothing is optimised across a block boundary. **Check**: the mapped netlists',
    '  stitched and flattened by Yosys give the same `stat -liberty` area (column "stitched");',
    '- **timing**: OpenSTA on each block alone (inputs driven by a DFFPOSX1, outputs into one, as for the units above: the PE cell\'s',
    '  operands come from the array\'s operand registers, its outputs are registers) and on the glue with every black box replaced by',
    '  DFFPOSX1 boundaries (each input pin into a D, each output pin from a Q: a RAM read is registered, so its Q is the launch; an',
    '  ideal SRAM macro with a flip-flop\'s CLK -> Q and setup). **Critical path = the slowest piece**, named in the table; a path through',
    '  glue gates into a block (e.g. `cmd_acc_q` gating `init_i`) is timed as its two pieces, so the figure can be optimistic by the',
    '  glue part of such a path (see "glue path" in the breakdown);',
    '- transistors = the CMOS estimate of the logic (flip-flops included, RAMs not); cells = Yosys generic cells; depth = the deepest piece.',
    '',
    '| format | array | top | logic um2 | um2 x e4m3 | um2 x bf16 | lib cells | flop bits | memory bits | transistors | cells | critical path ns | Fmax MHz | slowest piece |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  );
  const shape = (r: SynthRecord): string => {
    const p = r.params as Record<string, number>;
    return `${p['rows']}x${p['cols']}`;
  };
  const sorted = [...records].sort((a, b) => shape(a).localeCompare(shape(b), 'en', { numeric: true }) || num(a, 'area_um2') - num(b, 'area_um2'));
  for (const r of sorted) {
    const same = records.filter((x) => shape(x) === shape(r));
    const e4 = same.find((x) => x.format === 'mxfp8-e4m3');
    const bf = same.find((x) => x.format === 'bf16');
    const cp = r.critical_path as { piece: string };
    L.push(
      `| ${r.format} | ${shape(r)} | \`${String(r.top)}\` | ${fmt(num(r, 'area_um2'))} | ${ratio(num(r, 'area_um2'), e4 ? num(e4, 'area_um2') : undefined)} | ${ratio(num(r, 'area_um2'), bf ? num(bf, 'area_um2') : undefined)} | ` +
        `${fmt(num(r, 'lib_cells'))} | ${fmt(num(r, 'flop_bits'))} | ${fmt(num(r, 'memory_bits'))} | ${fmt(r.transistors)} | ${fmt(r.cells)} | ${num(r, 'critical_path_ns').toFixed(2)} | ${num(r, 'fmax_mhz').toFixed(1)} | ${cp.piece === 'glue' ? 'glue' : `\`${cp.piece}\``} |`,
    );
  }
  L.push('', 'Breakdown (um2 / library flip-flops / critical path of each piece; the RAMs as instances x words x bits):', '');
  L.push('| top | glue um2 | glue flops | glue path ns | blocks: instances x (um2, flops, path ns) | stitched um2 | RAMs | latch-free |');
  L.push('|---|---:|---:|---:|---|---:|---|---|');
  for (const r of sorted) {
    const g = r.glue as ArrayPiece;
    const blocks = (r.blocks as (ArrayPiece & { module: string; instances: number })[]).map((b) => `${b.instances} x \`${b.module}\` (${fmt(b.area_um2)}, ${fmt(b.flop_bits)}, ${b.critical_path_ns.toFixed(2)})`).join('; ');
    const rams = (r.rams as { instances: number; width: number; depth: number }[]).map((x) => `${x.instances}x${x.depth}x${x.width}`).join(', ');
    L.push(`| \`${String(r.top)}\` | ${fmt(g.area_um2)} | ${fmt(g.flop_bits)} | ${g.critical_path_ns.toFixed(2)} | ${blocks} | ${fmt(num(r, 'stitched_area_um2'))} | ${rams} | ${r.latch_free ? 'yes' : 'NO'} |`);
  }
  L.push('', 'Critical path of each array (its slowest piece; flip-flop names are the renamed mapped netlist\'s):', '');
  L.push('| top | piece | startpoint | endpoint | cells on the path |');
  L.push('|---|---|---|---|---:|');
  for (const r of sorted) {
    const cp = r.critical_path as { piece: string; startpoint: string; endpoint: string; cells: number };
    L.push(`| \`${String(r.top)}\` | ${cp.piece} | ${cp.startpoint} | ${cp.endpoint} | ${cp.cells} |`);
  }
  L.push('', 'Only the arrays: `SYNTH_ONLY=array make synth` (merges this section and the array records into the reports).', '');
  return L;
}

/** Arrays only: their records and section replace those of reports/synth.{json,md}; every other record stays. */
function mergeArrays(arrayRecords: readonly SynthRecord[], failures: readonly string[], environment: string): string {
  const jsonFile = path.join(REPORT_DIR, 'synth.json');
  const mdFile = path.join(REPORT_DIR, 'synth.md');
  const old: SynthRecord[] = existsSync(jsonFile) ? (JSON.parse(readFileSync(jsonFile, 'utf8')) as SynthRecord[]) : [];
  const fresh = new Set(arrayRecords.map((r) => r.top));
  const kept = old.filter((r) => !fresh.has(r.top));
  // array records first-seen order: configs order
  const all = [...kept.filter((r) => r.unit !== 'array'), ...kept.filter((r) => r.unit === 'array'), ...arrayRecords];
  const arraysAll = [...kept.filter((r) => r.unit === 'array'), ...arrayRecords];
  writeFileSync(jsonFile, `[\n${all.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n]\n`);
  const section = renderArraySection(arraysAll, failures).join('\n');
  let md = existsSync(mdFile) ? readFileSync(mdFile, 'utf8') : `# Synthesis figures\n\nGenerated by \`make synth\` (generator/verify/synth-all.ts); do not edit. Environment: ${environment}.\n\n`;
  const start = md.indexOf('\n## Arrays');
  if (start >= 0) {
    const next = md.indexOf('\n## ', start + 1);
    md = md.slice(0, start + 1) + (next >= 0 ? md.slice(next + 1) : '');
  }
  const at = md.indexOf('\n## Critical paths');
  md = at >= 0 ? `${md.slice(0, at + 1)}${section}${md.slice(at + 1)}` : `${md.replace(/\n*$/, '\n\n')}${section}`;
  writeFileSync(mdFile, md);
  return 'reports/synth.json, reports/synth.md (array records and section merged; the unit records kept)';
}

main().then(
  (c) => (process.exitCode = c),
  (e: unknown) => {
    console.error(`synth: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
