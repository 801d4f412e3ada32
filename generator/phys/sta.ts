// OpenSTA (Debian's `opensta`, 2019 build: /usr/bin/sta) on a mapped netlist with the library's NLDM timing:
// the critical path and Fmax of a design, and `report_power` for the energy cross-check.
// Constraints (stated in every report through describeEnvironment): one ideal clock on the clock port (a virtual
// clock for a combinational design), data inputs driven by a library register (CLK -> Q) with input delay 0,
// data outputs loaded with a register's D pin plus wire and constrained by its setup time, reset paths false
// (an asynchronous reset is static in operation), and every net loaded with the wire-load model (set_load).
// The minimum period is the clock period minus the worst slack; Fmax = 1 / minimum period.

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HarnessError } from '../sim/errors';
import { runInGroup } from '../sim/process-group';
import { findTool } from '../sim/tools';
import { DEFAULT_ENVIRONMENT, outputLoadPf, sinkSetupNs, wireCapPf, type Environment } from './environment';
import type { Library } from './liberty';
import { netGraph, type Netlist } from './netlist';

export class StaError extends HarnessError {}

export function requireSta(toolPath?: string): string {
  const sta = findTool('sta', toolPath !== undefined ? { path: toolPath } : {});
  if (!sta) throw new StaError('OpenSTA (sta) not found on PATH; install it with: apt-get update && apt-get install -y --no-install-recommends opensta');
  return sta;
}

export interface StaDesign {
  /** mapped Verilog netlist (plain identifiers: generator/sim/synth.ts renames every net) */
  readonly verilog: string;
  readonly netlist: Netlist;
  readonly lib: Library;
  /** clock port, or undefined for a combinational design (a virtual clock then) */
  readonly clock?: string;
  /** asynchronous reset port (its paths are false) */
  readonly reset?: string;
  readonly env?: Environment;
}

export interface TimingResult {
  /** minimum clock period = data arrival + setup / output delay of the worst path, ns */
  readonly criticalPathNs: number;
  readonly fmaxMhz: number;
  readonly startpoint: string;
  readonly endpoint: string;
  /** cells on the worst path */
  readonly pathCells: number;
  /** the clock period used for the run (the figures do not depend on it) */
  readonly periodNs: number;
  readonly slackNs: number;
  /** report_checks output */
  readonly report: string;
}

export interface PowerResult {
  readonly internalW: number;
  readonly switchingW: number;
  readonly leakageW: number;
  readonly totalW: number;
  readonly report: string;
}

const tclList = (names: readonly string[]): string => `{${names.join(' ')}}`;

/** The part of the Tcl script common to timing and power: read, link, clock, I/O, wire loads. */
export function staSetup(d: StaDesign, periodNs: number): string {
  const env = d.env ?? DEFAULT_ENVIRONMENT;
  const n = d.netlist;
  const g = netGraph(n);
  const L: string[] = [];
  L.push(`read_liberty {${d.lib.file}}`, `read_verilog {${d.verilog}}`, `link_design ${n.top}`);
  if (d.clock) L.push(`create_clock -name clk -period ${periodNs} [get_ports ${d.clock}]`);
  else L.push(`create_clock -name clk -period ${periodNs}`);
  L.push(`set_clock_transition ${env.clockSlewNs} [get_clocks clk]`);
  const dataIns = n.ports.filter((p) => p.direction === 'input' && p.name !== d.clock && p.name !== d.reset).map((p) => p.name);
  const outs = n.ports.filter((p) => p.direction === 'output').map((p) => p.name);
  if (dataIns.length) {
    L.push(`set data_inputs [get_ports ${tclList(dataIns)}]`);
    L.push(`set_driving_cell -lib_cell ${env.inputDriver.cell} -from_pin ${env.inputDriver.fromPin} -pin ${env.inputDriver.pin} $data_inputs`);
    L.push('set_input_delay 0 -clock clk $data_inputs');
  }
  if (d.reset) {
    L.push(`set_driving_cell -lib_cell ${env.inputDriver.cell} -from_pin ${env.inputDriver.fromPin} -pin ${env.inputDriver.pin} [get_ports ${d.reset}]`);
    L.push(`set_false_path -from [get_ports ${d.reset}]`);
  }
  if (outs.length) {
    L.push(`set_load ${outputLoadPf(d.lib, env).toFixed(6)} [get_ports ${tclList(outs)}]`);
    L.push(`set_output_delay ${sinkSetupNs(d.lib, env).toFixed(6)} -clock clk [get_ports ${tclList(outs)}]`);
  }
  // wire load of every net with sinks, grouped by value
  const byCap = new Map<string, string[]>();
  for (let net = 2; net < n.netCount; net++) {
    const f = g.sinks[net]!.length;
    if (f === 0) continue;
    const name = n.netNames.get(net);
    if (name === undefined) continue;
    const c = wireCapPf(env.wireLoad, f).toFixed(6);
    if (Number(c) === 0) continue;
    const l = byCap.get(c);
    if (l) l.push(name);
    else byCap.set(c, [name]);
  }
  for (const [c, names] of byCap) {
    for (let i = 0; i < names.length; i += 400) L.push(`set_load ${c} [get_nets ${tclList(names.slice(i, i + 400))}]`);
  }
  return L.join('\n');
}

async function runSta(script: string, dir: string, name: string, toolPath?: string): Promise<string> {
  const sta = requireSta(toolPath);
  await mkdir(dir, { recursive: true });
  const file = resolve(dir, `${name}.tcl`);
  await writeFile(file, script + '\nexit\n');
  const r = await runInGroup(sta, ['-no_splash', '-exit', file], { cwd: resolve(dir) });
  // a script OpenSTA cannot open gives no output at all
  if ((r.all ?? '') === '' && !existsSync(file)) throw new StaError(`OpenSTA script ${file} missing`);
  const out = r.all ?? '';
  await writeFile(join(dir, `${name}.log`), out);
  const err = /^Error: (.*)$/m.exec(out);
  if (r.exitCode !== 0 || err) throw new StaError(`OpenSTA (${name}) failed: ${err?.[1] ?? `exit code ${r.exitCode ?? r.signal}`} (log: ${join(dir, `${name}.log`)})`);
  return out;
}

/**
 * The netlist as OpenSTA 2019 can read it: Yosys' `write_verilog` may put a concatenation on an assign's left
 * side (`assign { a[3], b[0] } = ...`), which that reader rejects; such a netlist is rewritten once by Yosys
 * with `-simple-lhs` (one assign per wire) into the work folder. The cell instances are untouched.
 */
async function staVerilog(d: StaDesign, workDir: string): Promise<StaDesign> {
  const text = await readFile(d.verilog, 'utf8');
  if (!/^\s*assign\s*\{/m.test(text)) return d;
  const yosys = findTool('yosys');
  if (!yosys) throw new StaError('yosys not found on PATH; install it with: apt-get install -y yosys');
  await mkdir(workDir, { recursive: true });
  const out = resolve(workDir, 'sta-netlist.v');
  const r = await runInGroup(yosys, ['-q', '-p', `read_verilog "${resolve(d.verilog)}"; write_verilog -noattr -simple-lhs "${out}"`], { cwd: resolve(workDir) });
  if (r.exitCode !== 0) throw new StaError(`yosys could not rewrite ${d.verilog} for OpenSTA: ${(r.all ?? '').split('\n').find((l) => /ERROR/.test(l)) ?? `exit code ${r.exitCode ?? r.signal}`}`);
  return { ...d, verilog: out };
}

/** Worst setup path of the design (all path groups but the async one). */
export async function timing(d: StaDesign, workDir: string, o: { periodNs?: number; toolPath?: string } = {}): Promise<TimingResult> {
  if (!existsSync(d.verilog)) throw new StaError(`netlist ${d.verilog} does not exist`);
  d = await staVerilog(d, workDir);
  const periodNs = o.periodNs ?? 1000;
  const script = [staSetup(d, periodNs), 'report_checks -path_delay max -digits 4 -group_count 1 -path_group clk'].join('\n');
  const out = await runSta(script, workDir, 'timing', o.toolPath);
  const slack = /^\s*(-?[\d.]+)\s+slack \((MET|VIOLATED)\)/m.exec(out);
  if (!slack) {
    if (/No paths found/.test(out)) throw new StaError(`OpenSTA found no constrained path in ${d.netlist.top} (log: ${join(workDir, 'timing.log')})`);
    throw new StaError(`cannot read the slack from OpenSTA's report (log: ${join(workDir, 'timing.log')})`);
  }
  const slackNs = Number(slack[1]);
  const criticalPathNs = periodNs - slackNs;
  const pathCells = (out.split(/data arrival time/)[0]!.match(/^\s.*\/\S+ \([A-Z0-9]+\)\s*$/gm) ?? []).length;
  return {
    criticalPathNs,
    fmaxMhz: 1000 / criticalPathNs,
    startpoint: /Startpoint: (.*)$/m.exec(out)?.[1]?.trim() ?? '?',
    endpoint: /Endpoint: (.*)$/m.exec(out)?.[1]?.trim() ?? '?',
    pathCells,
    periodNs,
    slackNs,
    report: out,
  };
}

export interface PowerActivity {
  /** transitions per clock period of every data input port */
  readonly inputActivity?: number;
  /** transitions per clock period of every net whose activity is not otherwise known */
  readonly globalActivity?: number;
  /** probability of a 1 */
  readonly duty?: number;
}

/** OpenSTA's report_power at a clock period and vectorless activities (the 2019 build has no VCD/SAIF reader). */
export async function staPower(d: StaDesign, workDir: string, periodNs: number, a: PowerActivity, o: { toolPath?: string; name?: string } = {}): Promise<PowerResult> {
  const duty = a.duty ?? 0.5;
  d = await staVerilog(d, workDir);
  const L = [staSetup(d, periodNs)];
  if (a.globalActivity !== undefined) L.push(`set_power_activity -global -activity ${a.globalActivity} -duty ${duty}`);
  if (a.inputActivity !== undefined) L.push(`set_power_activity -input -activity ${a.inputActivity} -duty ${duty}`);
  L.push('report_power -digits 6');
  const out = await runSta(L.join('\n'), workDir, o.name ?? 'power', o.toolPath);
  const m = /^Total\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)/m.exec(out);
  if (!m) throw new StaError(`cannot read report_power's Total line (log: ${join(workDir, `${o.name ?? 'power'}.log`)})`);
  return { internalW: Number(m[1]), switchingW: Number(m[2]), leakageW: Number(m[3]), totalW: Number(m[4]), report: out };
}
