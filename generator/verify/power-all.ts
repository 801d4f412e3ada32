// `make power`: energy per operation of the PEs (k = 32 and k = 8, every synthesized format and bf16), the block
// quantizers and the tile re-quantizers on the OSU 0.18 um library, from gate-level toggle counts on real operand
// streams (generator/phys). Writes reports/power.{json,md,svg}; `--set ci` measures a small sample into
// sim/work/power-ci/ (make test). Mapping results are shared with `make synth` (same cache).
// Usage: tsx generator/verify/power-all.ts [--set full|ci] [--out DIR] [--clock MHZ] [--only REGEX]

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RtlConfig } from '../rtl/config';
import { FORMAT_NAMES } from '../golden/index';
import { bf16PeConfig, MIXED_PAIRS, mxPeConfig, PE_REFERENCE_DEPTH } from '../rtl/pe/configs';
import { quantizerConfig, quantizerSynthConfigs } from '../rtl/quantizer/configs';
import { TILE_UNIT, tileConfigs } from '../rtl/tile/configs';
import { DEFAULT_ENVIRONMENT, POWER_CLOCK_MHZ, describeEnvironment } from '../phys/environment';
import { computeEnergy } from '../phys/energy';
import type { ToggleCounts } from '../phys/gatesim';
import { mapDesign, measureEnergy, type MappedDesign, type MeasureEnergyResult } from '../phys/measure';
import { staPower, timing } from '../phys/sta';
import { glitchRun, type GlitchResult } from '../phys/glitch';
import { DATA_SETS, dataSet, dataStream, SPARSE_ZEROS, type DataSet, type DataSetId } from '../phys/workloads';


export interface PowerRecord {
  readonly unit: string;
  readonly format: string;
  readonly k: number;
  readonly depth: number;
  readonly data: DataSetId;
  readonly pj_per_op: number;
  readonly dynamic_pj: number;
  readonly leakage_pj: number;
  readonly toggles_per_op: number;
  readonly [extra: string]: unknown;
}

function configs(set: 'full' | 'ci'): RtlConfig[] {
  if (set === 'ci') return [mxPeConfig('mxsf', 'mxsf', 2, 1), bf16PeConfig(2, 1), quantizerConfig({ format: 'mxsf', k: 4, scaleMode: 'floor', input: 'fp32', depth: 1 })];
  // every PE format (and the mixed pair) at k = 32 and k = 8, bf16; the quantizers and tile re-quantizers of make synth
  const pes = [32, 8].flatMap((k) => [
    ...FORMAT_NAMES.map((f) => mxPeConfig(f, f, k, PE_REFERENCE_DEPTH)),
    ...MIXED_PAIRS.map(([a, b]) => mxPeConfig(a, b, k, PE_REFERENCE_DEPTH)),
    bf16PeConfig(k, PE_REFERENCE_DEPTH),
  ]);
  return [...pes, ...quantizerSynthConfigs(), ...tileConfigs()];
}

/** Transactions per design and data set: 100 per lane of the 32-lane toggle simulator (quantizer blocks: 50). */
function transactions(cfg: RtlConfig, set: 'full' | 'ci'): number {
  const base = cfg.unit === 'quantizer' ? 1600 : 3200;
  return set === 'ci' ? base / 4 : base;
}

const r4 = (x: number): number => Number(x.toPrecision(6));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      set: { type: 'string', default: 'full' },
      out: { type: 'string' },
      clock: { type: 'string', default: String(POWER_CLOCK_MHZ) },
      only: { type: 'string' },
      seed: { type: 'string', default: process.env.SEED ?? '1' },
    },
  });
  const set = values.set === 'ci' ? 'ci' : values.set === 'full' ? 'full' : undefined;
  if (!set) throw new Error(`--set must be full or ci, not '${values.set}'`);
  const clockMhz = Number(values.clock);
  if (!(clockMhz > 0)) throw new Error(`--clock must be a positive number of MHz, not '${values.clock}'`);
  const seed = Number(values.seed);
  const only = values.only ? new RegExp(values.only) : undefined;
  const outDir = path.resolve(values.out ?? (set === 'ci' ? 'sim/work/power-ci' : only ? 'sim/work/power-partial' : 'reports'));
  const dataIds: readonly DataSetId[] = set === 'ci' ? ['normal', 'sparse'] : DATA_SETS;
  const t0 = performance.now();
  const data = new Map<DataSetId, DataSet>(dataIds.map((id) => [id, dataSet(id, seed)]));
  console.log(`power: data sets ready (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const records: PowerRecord[] = [];
  const breakdowns = new Map<string, MeasureEnergyResult>();
  const mappedByTop = new Map<string, MappedDesign>();
  const failures: string[] = [];
  for (const cfg of configs(set)) {
    const module = cfg.build();
    if (only && !only.test(module.name)) continue;
    try {
      const mapped = await mapDesign(module);
      mappedByTop.set(module.name, mapped);
      const hs = module.interface().handshake;
      const tm = await timing({ verilog: mapped.synth.mapped!.verilog, netlist: mapped.netlist, lib: mapped.lib, ...(hs ? { clock: hs.clock, reset: hs.reset } : {}) }, path.resolve('sim/work/power-sta', module.name));
      for (const id of dataIds) {
        const s = dataStream(cfg, module, data.get(id)!, transactions(cfg, set), seed * 1009 + id.length);
        const r = await measureEnergy({ module, mapped, vectors: s.vectors, expected: s.expected, clockMhz, opsPerTransaction: s.opsPerTransaction, outputsPerInput: s.outputsPerInput, group: s.group });
        if (r.mismatches) failures.push(`${module.name} ${id}: ${r.mismatches} gate-level outputs differ from the golden model (${r.firstMismatch})`);
        const k = cfg.unit === TILE_UNIT ? Number(cfg.params.rows) * Number(cfg.params.cols) : Number(cfg.params.k);
        records.push({
          unit: cfg.unit,
          format: cfg.format,
          k,
          depth: Number(cfg.params.depth ?? 1),
          data: id,
          pj_per_op: r4(r.pjPerOp),
          dynamic_pj: r4(r.dynamicPj),
          leakage_pj: r4(r.leakagePj),
          toggles_per_op: r4(r.togglesPerOp),
          top: module.name,
          op: s.opName,
          ops: r.ops,
          clock_mhz: clockMhz,
          internal_pj: r4(r.energy.internalPj / r.ops),
          switching_pj: r4(r.energy.switchingPj / r.ops),
          clock_pj: r4(r.energy.clockPj / r.ops),
          wire_switching_pj: r4(r.energy.wireSwitchingPj / r.ops),
          ...(cfg.unit === 'pe' ? { pj_per_mac: r4(r.pjPerOp / k) } : {}),
          ...(r.partitionedPjPerOp !== undefined ? { partitioned_pj_per_op: r4(r.partitionedPjPerOp) } : {}),
          breakdown: r.breakdown.map((b) => ({ part: b.part, pj_per_op: r4(b.pjPerOp), share: r4(b.share) })),
          area_um2: mapped.synth.mapped!.areaUm2,
          fmax_mhz: r4(tm.fmaxMhz),
          critical_path_ns: r4(tm.criticalPathNs),
          lib_cells: mapped.synth.mapped!.cells,
          flop_bits: mapped.synth.mapped!.flopBits,
          gate_level_outputs_checked: r.outputs,
          gate_level_mismatches: r.mismatches,
        });
        breakdowns.set(`${module.name}\u0000${id}`, r);
        console.log(`power ${module.name.padEnd(40)} ${id.padEnd(8)} ${r.pjPerOp.toFixed(3).padStart(10)} pJ/${s.opName}  toggles/op ${r.togglesPerOp.toFixed(0).padStart(6)}  checked ${r.outputs} outputs, ${r.mismatches} bad  ${r.simSeconds.toFixed(1)} s`);
      }
    } catch (e) {
      failures.push(`${module.name}: ${e instanceof Error ? e.message : String(e)}`);
      console.log(`power ${module.name.padEnd(40)} FAILED: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (records.length === 0) throw new Error('no design measured');
  // OpenSTA cross-check on one design
  const crossTop = set === 'ci' ? 'mxsf_pe_k2_d1' : 'mxsf_pe_k8_d1';
  const crossData: DataSetId = set === 'ci' ? 'normal' : 'mlp-fwd';
  let cross: CrossCheck | undefined;
  const cm = mappedByTop.get(crossTop);
  const cr = breakdowns.get(`${crossTop}\u0000${crossData}`);
  if (cm && cr) cross = await crossCheck(cm, cr, crossData, clockMhz, path.resolve('sim/work/power-sta', crossTop));
  // timed run (Icarus + SDF) on the same design and data: what the zero-delay counts leave out
  let glitch: GlitchSummary | undefined;
  if (cm && set === 'full') {
    const cfg = configs(set).find((c) => c.build().name === crossTop)!;
    const s = dataStream(cfg, cm.module, data.get(crossData)!, 200, seed * 1009 + crossData.length);
    const g = await glitchRun(cm, s.vectors, { dir: path.resolve('sim/work/power-glitch', crossTop), clockMhz, opsPerTransaction: s.opsPerTransaction });
    glitch = { top: crossTop, data: crossData, ...g };
    console.log(`glitch run ${crossTop} ${crossData}: ${g.cycles} cycles, transitions x ${(g.allToggles / g.functionalToggles).toFixed(2)}, energy ${g.functional.pjPerOp.toFixed(2)} -> ${g.all.pjPerOp.toFixed(2)} pJ/op`);
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'power.json'), `[\n${records.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n]\n`);
  const lib = [...mappedByTop.values()][0]!.lib;
  writeFileSync(path.join(outDir, 'power.md'), renderReport(records, data, cross, glitch, clockMhz, describeEnvironment(lib, DEFAULT_ENVIRONMENT), failures, lib.nomVoltage));
  writeFileSync(path.join(outDir, 'power.svg'), chart(records, clockMhz));
  console.log(`\n${records.length} records (${((performance.now() - t0) / 1000).toFixed(0)} s): ${path.relative('.', outDir)}/power.{json,md,svg}`);
  if (cross) console.log(crossText(cross).join('\n'));
  if (failures.length) {
    console.log(`\n${failures.length} FAILED:\n${failures.join('\n')}`);
    return 1;
  }
  return 0;
}

// ---- OpenSTA cross-check ----

interface GlitchSummary extends GlitchResult {
  readonly top: string;
  readonly data: DataSetId;
}

interface CrossCheck {
  readonly top: string;
  readonly data: DataSetId;
  readonly measuredPj: number;
  /** mean transitions per cycle of a data input bit / of every net (the measured run) */
  readonly inputActivity: number;
  readonly netActivity: number;
  readonly staInputPj: number;
  readonly staGlobalPj: number;
  /** our calculator with every net at the uniform activity OpenSTA gets with -global */
  readonly oursUniformPj: number;
  /** the same with OpenSTA's internal-power model (per related-input transition, summed over the arcs) */
  readonly oursUniformInputModelPj: number;
  readonly oursUniformInputModelInternal: number;
  readonly staGlobal: { internal: number; switching: number; leakage: number };
  readonly oursUniform: { internal: number; switching: number; clock: number; leakage: number };
}

async function crossCheck(d: MappedDesign, r: MeasureEnergyResult, data: DataSetId, clockMhz: number, dir: string): Promise<CrossCheck> {
  const n = d.netlist;
  const iface = d.module.interface();
  const hs = iface.handshake;
  const periodNs = 1000 / clockMhz;
  const laneCycles = r.toggles.cycles * r.toggles.lanes;
  const opsPerCycle = r.ops / laneCycles;
  const control = new Set(hs ? [hs.clock, hs.reset, hs.inValid, hs.outReady] : []);
  const dataIn = n.ports.filter((p) => p.direction === 'input' && !control.has(p.name)).flatMap((p) => p.bits);
  const clockNet = hs ? n.ports.find((p) => p.name === hs.clock)!.bits[0] : -1;
  const tg = r.toggles;
  const nets = new Set<number>();
  for (const c of n.cells) for (const b of c.outputs.values()) nets.add(b);
  for (const p of n.ports) if (p.direction === 'input') for (const b of p.bits) nets.add(b);
  nets.delete(clockNet);
  nets.delete(0);
  nets.delete(1);
  let toggles = 0;
  for (const b of nets) toggles += tg.rises[b]! + tg.falls[b]!;
  let inputToggles = 0;
  for (const b of dataIn) inputToggles += tg.rises[b]! + tg.falls[b]!;
  const netActivity = toggles / nets.size / laneCycles;
  const inputActivity = inputToggles / dataIn.length / laneCycles;
  const design = { verilog: d.synth.mapped!.verilog, netlist: n, lib: d.lib, ...(hs ? { clock: hs.clock, reset: hs.reset } : {}) };
  const perOp = (w: number): number => (w * periodNs * 1e3) / opsPerCycle; // W x ns = nJ -> pJ
  const a = await staPower(design, dir, periodNs, { inputActivity }, { name: 'power-input' });
  const g = await staPower(design, dir, periodNs, { globalActivity: netActivity }, { name: 'power-global' });
  // our arithmetic on the same uniform activity: every net netActivity/2 rises and falls per cycle
  const rises = new Float64Array(n.netCount);
  const falls = new Float64Array(n.netCount);
  for (const b of nets) {
    rises[b] = (netActivity / 2) * laneCycles;
    falls[b] = (netActivity / 2) * laneCycles;
  }
  const uniform: ToggleCounts = { rises, falls, cycles: r.toggles.cycles, lanes: r.toggles.lanes, acceptedInWindow: r.ops };
  const u = computeEnergy({ lib: d.lib, netlist: n, toggles: uniform, ops: r.ops, clockMhz, ...(hs ? { clockPort: hs.clock } : {}) });
  const ui = computeEnergy({ lib: d.lib, netlist: n, toggles: uniform, ops: r.ops, clockMhz, internalModel: 'input', ...(hs ? { clockPort: hs.clock } : {}) });
  return {
    top: d.module.name,
    data,
    measuredPj: r.pjPerOp,
    inputActivity,
    netActivity,
    staInputPj: perOp(a.totalW),
    staGlobalPj: perOp(g.totalW),
    oursUniformPj: u.pjPerOp,
    oursUniformInputModelPj: ui.pjPerOp,
    oursUniformInputModelInternal: ui.internalPj / ui.ops,
    staGlobal: { internal: perOp(g.internalW), switching: perOp(g.switchingW), leakage: perOp(g.leakageW) },
    oursUniform: { internal: u.internalPj / u.ops, switching: u.switchingPj / u.ops, clock: u.clockPj / u.ops, leakage: u.leakagePjPerOp },
  };
}

const pct = (a: number, b: number): string => `${a >= b ? '+' : ''}${((100 * (a - b)) / b).toFixed(1)} %`;

function crossText(c: CrossCheck): string[] {
  return [
    `OpenSTA cross-check on ${c.top}, data ${c.data}: measured (per-net toggles) ${c.measuredPj.toFixed(2)} pJ/op; mean activity ${c.inputActivity.toFixed(3)} per data-input bit and ${c.netActivity.toFixed(3)} per net per cycle.`,
    `  OpenSTA report_power, -input ${c.inputActivity.toFixed(3)} (propagated by OpenSTA): ${c.staInputPj.toFixed(2)} pJ/op (${pct(c.staInputPj, c.measuredPj)} vs measured)`,
    `  OpenSTA report_power, -global ${c.netActivity.toFixed(3)}: ${c.staGlobalPj.toFixed(2)} pJ/op (${pct(c.staGlobalPj, c.measuredPj)} vs measured)`,
    `  this calculator with every net at ${c.netActivity.toFixed(3)}: ${c.oursUniformPj.toFixed(2)} pJ/op (${pct(c.oursUniformPj, c.staGlobalPj)} vs OpenSTA -global)`,
    `  the same with OpenSTA's internal-power model (per transition of each arc's input pin, summed over the arcs): ${c.oursUniformInputModelPj.toFixed(2)} pJ/op (${pct(c.oursUniformInputModelPj, c.staGlobalPj)} vs OpenSTA -global: the arithmetic)`,
  ];
}

// ---- report ----

const f2 = (x: number): string => (x >= 100 ? x.toFixed(1) : x >= 10 ? x.toFixed(2) : x.toFixed(3));

function renderReport(
  records: readonly PowerRecord[],
  data: ReadonlyMap<DataSetId, DataSet>,
  cross: CrossCheck | undefined,
  glitch: GlitchSummary | undefined,
  clockMhz: number,
  environment: string,
  failures: readonly string[],
  voltage: number,
): string {
  const L: string[] = ['# Energy per operation', ''];
  const maxLeak = Math.max(...records.map((r) => r.leakage_pj / r.pj_per_op));
  const slowest = records.reduce((a, r) => (Number(r.fmax_mhz) < Number(a.fmax_mhz) ? r : a), records[0]!);
  const meets = Number.isFinite(Number(slowest.fmax_mhz))
    ? `the slowest, \`${String(slowest.top)}\`, closes at ${Number(slowest.fmax_mhz).toFixed(1)} MHz${Number(slowest.fmax_mhz) < clockMhz ? ' **which is below this clock**' : ''}`
    : 'Fmax not measured';
  if (failures.length) L.push('**FAILED:**', '', ...failures.map((f) => `- ${f}`), '');
  L.push(
    'Generated by `make power` (generator/verify/power-all.ts, engine generator/phys); do not edit.',
    '',
    `- **library**: OSU 0.18 um (\`osu018_stdcells.lib\`, Debian qflow-tech-osu018), typical corner, **${voltage} V** (the library's nominal voltage), 25 C;`,
    '- **flow**: generator/sim/synth.ts (flow `bounded-sat`, `dfflibmap` + `abc -liberty` with gate sizing), the same netlists as reports/synth.md;',
    `- **clock**: ${clockMhz} MHz for the leakage time (every design here meets it: ${meets}); leakage is at most ${(100 * maxLeak).toFixed(2)} % of a figure`,
    '  (all-zero data included), so the energy per operation holds at any clock up to Fmax; every flip-flop is clocked every cycle',
    '  (no clock gating);',
    '- **activity**: zero-delay gate-level simulation of the mapped netlist (generator/phys/gatesim.ts, 32 independent streams per',
    '  run, the counted window is the steady stream after a warm-up), rising and falling transitions counted per net between settled',
    '  cycles: **glitches are not counted** (a zero-delay figure; it underestimates the dynamic energy of deep arithmetic);',
    '  every simulated output is compared with the golden model (column `gate_level_mismatches` of power.json: all 0);',
    '- **energy** = internal (the liberty `internal_power` tables per output transition, averaged over the related input pins, indexed',
    '  by the output net\'s capacitance and the input transition of the related pin\'s net; input-pin tables per transition of their net)',
    '  + switching (1/2 C V^2 per net transition, C = sink pin capacitances + wire + output load) + clock (an ideal clock net:',
    '  C V^2 per cycle, and the flip-flops\' CLK-pin tables per edge) + leakage (`cell_leakage_power` over the counted time);',
    '  net transitions (slews) from the driving cell\'s transition tables at the net\'s load with 0.1 ns input transition;',
    `- **environment**: ${environment}; primary-input nets are charged to the design;`,
    '- **op**: PE = one chunk dot product of k products (plus the FP32 accumulation; pJ/MAC = pJ/op / k); quantizer and tile',
    '  re-quantizer = one quantized element (a block of k, a tile row of C elements per transaction);',
    '- absolute figures are 0.18 um / 1.8 V; compare **ratios** (published 45 nm anchors, e.g. Horowitz ISSCC 2014: FP16 mult 1.1 pJ,',
    '  FP16 add 0.4 pJ, FP32 add 0.9 pJ at 0.9 V, are roughly 10-30x below 0.18 um figures).',
    '',
    '**Data sets** (every MX operand quantized by the golden model, 1x32 blocks along K, floor scale; bf16 by round-to-nearest-even;',
    'PE transactions walk the chunks of an output element along K with the FP32 accumulator carried from chunk to chunk):',
    '',
    ...[...data.values()].map((d) => `- \`${d.id}\`: ${d.text}.`),
    '',
  );
  const ids = [...data.keys()];
  const groups = new Map<string, PowerRecord[]>();
  for (const r of records) groups.set(`${r.unit}\u0000${r.k}`, [...(groups.get(`${r.unit}\u0000${r.k}`) ?? []), r]);
  for (const [key, rs] of groups) {
    const [unit, k] = key.split('\u0000');
    const op = String(rs[0]!.op);
    L.push(`## ${unit}, k = ${k}: pJ per ${op}`, '');
    const formats = [...new Set(rs.map((r) => r.format))];
    const get = (f: string, id: string): PowerRecord | undefined => rs.find((r) => r.format === f && r.data === id);
    const refE4 = (id: string) => get('mxfp8-e4m3', id)?.pj_per_op;
    const refBf = (id: string) => get('bf16', id)?.pj_per_op;
    L.push('Each cell: pJ per op (x mxfp8-e4m3, x bf16 of the same data; `-` where absent).', '');
    L.push(`| format | top | ${ids.join(' | ')} | toggles/op (${ids[0]}) |`);
    L.push(`|---|---|${ids.map(() => '---:').join('|')}|---:|`);
    const sorted = formats.sort((a, b) => (get(a, ids[0]!)?.pj_per_op ?? 0) - (get(b, ids[0]!)?.pj_per_op ?? 0));
    const ratio = (x: number | undefined, b: number | undefined) => (x !== undefined && b ? (x / b).toFixed(2) : '-');
    for (const f of sorted) {
      const r0 = get(f, ids[0]!);
      const cell = (id: string) => {
        const r = get(f, id);
        return r ? `${f2(r.pj_per_op)} (${ratio(r.pj_per_op, refE4(id))}, ${ratio(r.pj_per_op, refBf(id))})` : '-';
      };
      L.push(`| ${f} | \`${String(r0?.top ?? '')}\` | ${ids.map(cell).join(' | ')} | ${r0 ? Math.round(r0.toggles_per_op).toLocaleString('en-US') : '-'} |`);
    }
    L.push('');
    if (unit === 'pe') {
      L.push(`pJ per MAC (pJ/op / ${k}):`, '');
      L.push(`| format | ${ids.join(' | ')} |`);
      L.push(`|---|${ids.map(() => '---:').join('|')}|`);
      for (const f of sorted) L.push(`| ${f} | ${ids.map((id) => (get(f, id) ? f2(get(f, id)!.pj_per_op / Number(k)) : '-')).join(' | ')} |`);
      L.push('');
    }
    L.push(`Components and what dominates (data \`${ids[0]}\`; components of the flat netlist, per op; parts measured on the per-part netlist of reports/synth.md, shares of its total):`, '');
    for (const f of sorted) {
      const r = get(f, ids[0]!);
      if (!r) continue;
      const parts = (r.breakdown as { part: string; share: number }[]).filter((p) => p.share >= 0.005).map((p) => `${p.part} ${(100 * p.share).toFixed(0)} %`);
      L.push(
        `- **${f}**: internal ${f2(Number(r.internal_pj))}, switching ${f2(Number(r.switching_pj))} (wire ${f2(Number(r.wire_switching_pj))}), clock ${f2(Number(r.clock_pj))}, leakage ${Number(r.leakage_pj).toExponential(1)} pJ` +
          `${parts.length ? `; ${parts.join(', ')} (per-part total ${f2(Number(r.partitioned_pj_per_op ?? NaN))} pJ)` : ''}.`,
      );
    }
    L.push('');
  }
  if (cross) {
    L.push('## Cross-check with OpenSTA report_power', '');
    L.push(
      'Debian\'s OpenSTA (2019) has no VCD/SAIF reader and its per-pin activity command is broken (`set_power_activity -pins` loops over an',
      'undefined variable), so it gets the measured **average** activity: on the data inputs (`-input`, OpenSTA propagates it through',
      'the logic by its own probabilistic model) or on every net (`-global`). The last line runs this calculator with every net at that',
      'same uniform activity, which isolates the arithmetic (tables, capacitances, wire load) from the activity model:',
      '',
      ...crossText(cross).map((l) => `    ${l.trim()}`),
      '',
      `Components at the uniform activity, pJ/op: OpenSTA internal ${f2(cross.staGlobal.internal)} / switching ${f2(cross.staGlobal.switching)} / leakage ${cross.staGlobal.leakage.toExponential(1)};`,
      `this calculator internal ${f2(cross.oursUniform.internal)} / switching ${f2(cross.oursUniform.switching)} / clock ${f2(cross.oursUniform.clock)} / leakage ${cross.oursUniform.leakage.toExponential(1)}`,
      `(internal with OpenSTA's model ${f2(cross.oursUniformInputModelInternal)}). OpenSTA 2019 charges every internal-power arc at the activity of its`,
      'input pin, i.e. as if every input transition switched the output; the tables give the energy of an *output* transition caused by',
      'that input, which is how this calculator uses them (per measured output transition, the arcs averaged). OpenSTA\'s internal',
      'figure is therefore higher by about the mean number of inputs per cell.',
      '',
    );
  }
  if (glitch) {
    L.push(
      '## Glitches: a timed run',
      '',
      `The figures above count zero-delay transitions. One timed run bounds what that leaves out: \`${glitch.top}\` on \`${glitch.data}\`,`,
      `${glitch.cycles} cycles in Icarus with osu018_stdcells.v back-annotated by OpenSTA's SDF (write_sdf, the same environment), inputs`,
      `changing ${glitch.inputDelayNs} ns after the edge, every net of the design dumped; transitions counted as they occur, and between the values`,
      'just before consecutive edges (what a zero-delay simulation counts):',
      '',
      `| count | transitions / cycle | pJ/op | internal | switching |`,
      '|---|---:|---:|---:|---:|',
      `| between edges (zero-delay equivalent) | ${(glitch.functionalToggles / glitch.cycles).toFixed(0)} | ${f2(glitch.functional.pjPerOp)} | ${f2(glitch.functional.internalPj / glitch.functional.ops)} | ${f2(glitch.functional.switchingPj / glitch.functional.ops)} |`,
      `| every transition | ${(glitch.allToggles / glitch.cycles).toFixed(0)} | ${f2(glitch.all.pjPerOp)} | ${f2(glitch.all.internalPj / glitch.all.ops)} | ${f2(glitch.all.switchingPj / glitch.all.ops)} |`,
      '',
      `Every transition is x ${(glitch.allToggles / glitch.functionalToggles).toFixed(2)} the zero-delay count (energy x ${(glitch.all.pjPerOp / glitch.functional.pjPerOp).toFixed(2)}). This is an upper`,
      'bound, not a figure: Icarus applies specify-path delays without pulse rejection (pulses of 60 ps pass cells whose delay is',
      'longer, seen in the VCD), so glitches propagate further than through real gates, and every transition is charged a full',
      'internal-power table entry and a full 1/2 C V^2. The energy of the design lies between the two rows; the zero-delay figures',
      'of this report are the lower bound, and their ratios between formats are what the report is for.',
      '',
    );
  }
  L.push(
    '## Assumptions and limits',
    '',
    `- sparse = ${SPARSE_ZEROS * 100} % zeros drawn independently per element; zero = every operand element zero;`,
    '- the wire load is a model (the library has no wire_load group; see the environment line), not extracted from a layout;',
    '- zero-delay activity: glitch power is not included; an ideal clock net without a tree; no clock gating;',
    '- the per-part breakdown is measured on the per-part mapping (each part mapped on its own), whose total differs from the flat',
    '  netlist by the cross-part optimisation (given per design).',
    '',
  );
  return L.join('\n') + '\n';
}

// ---- chart: pJ per MAC of the PEs, per format, one bar per data set ----

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function chart(records: readonly PowerRecord[], clockMhz: number): string {
  const pes = records.filter((r) => r.unit === 'pe');
  const ks = [...new Set(pes.map((r) => r.k))].sort((a, b) => b - a);
  const ids = [...new Set(pes.map((r) => r.data))];
  const cats = ks.flatMap((k) => [...new Set(pes.filter((r) => r.k === k).map((r) => r.format))].map((f) => ({ k, f })));
  const W = Math.max(760, 60 + cats.length * (ids.length * 9 + 14) + 150);
  const H = 460;
  const m = { l: 60, r: 150, t: 40, b: 110 };
  const ph = H - m.t - m.b;
  const val = (k: number, f: string, id: string) => pes.find((r) => r.k === k && r.format === f && r.data === id)?.pj_per_op;
  const ys = pes.map((r) => r.pj_per_op / r.k);
  const yMax = Math.max(1e-9, ...ys) * 1.08;
  const step = 10 ** Math.floor(Math.log10(yMax / 5));
  const tick = [1, 2, 5, 10].map((x) => x * step).find((s) => yMax / s <= 8) ?? 10 * step;
  const y = (v: number) => m.t + ph - (v / yMax) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="11">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">PE energy per MAC, OSU 0.18 um, 1.8 V, ${clockMhz} MHz (zero-delay activity)</text>`);
  for (let v = 0; v <= yMax; v += tick) {
    out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`);
    out.push(`<text x="${m.l - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Number(v.toPrecision(6))}</text>`);
  }
  out.push(`<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">pJ per MAC (pJ per chunk dot product / k)</text>`);
  const gw = ids.length * 9 + 14;
  cats.forEach((c, ci) => {
    const x0 = m.l + 10 + ci * gw;
    ids.forEach((id, i) => {
      const v = val(c.k, c.f, id);
      if (v === undefined) return;
      const h = (v / c.k / yMax) * ph;
      out.push(`<rect x="${x0 + i * 9}" y="${(m.t + ph - h).toFixed(1)}" width="8" height="${h.toFixed(1)}" fill="${COLORS[i % COLORS.length]}"><title>${esc(`${c.f} k=${c.k} ${id}: ${(v / c.k).toFixed(3)} pJ/MAC`)}</title></rect>`);
    });
    out.push(`<text transform="translate(${x0 + (ids.length * 9) / 2} ${m.t + ph + 8}) rotate(60)" text-anchor="start">${esc(`${c.f} k=${c.k}`)}</text>`);
  });
  out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${m.t + ph}" y2="${m.t + ph}" stroke="black"/>`);
  ids.forEach((id, i) => {
    out.push(`<rect x="${W - m.r + 16}" y="${m.t + i * 18}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`);
    out.push(`<text x="${W - m.r + 34}" y="${m.t + i * 18 + 10}">${esc(id)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

main().then(
  (c) => (process.exitCode = c),
  (e: unknown) => {
    console.error(`power: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
