// How much the zero-delay toggle counts leave out: one timed gate-level run of a mapped netlist in Icarus with the
// library's Verilog models (osu018_stdcells.v, specify blocks) back-annotated with OpenSTA's SDF (cell delays at the
// stated wire load), a VCD of every net of the design, and from it (a) every transition (glitches included) and
// (b) the transitions between the values sampled before each clock edge (what a zero-delay simulation counts).
// The energy of both from computeEnergy gives the glitch factor of that design and stream.

import { mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { HarnessError } from '../sim/errors';
import { dataPorts, toHex } from '../sim/pack';
import { requireTool } from '../sim/tools';
import { DEFAULT_ENVIRONMENT } from './environment';
import { computeEnergy, type EnergyResult } from './energy';
import type { ToggleCounts } from './gatesim';
import { OSU018_VERILOG } from './liberty';
import type { MappedDesign } from './measure';
import { requireSta, staSetup } from './sta';
import { runInGroup } from '../sim/process-group';

export interface GlitchResult {
  readonly cycles: number;
  /** transitions between the values before consecutive clock edges (the zero-delay count) */
  readonly functionalToggles: number;
  /** every transition of the timed run */
  readonly allToggles: number;
  readonly functional: EnergyResult;
  readonly all: EnergyResult;
  /** input delay after the clock edge at which the testbench changes the inputs, ns */
  readonly inputDelayNs: number;
  readonly periodNs: number;
}

/** Runs `vectors` (a full-throughput stream; the unit must accept one per cycle) through the timed netlist. */
export async function glitchRun(d: MappedDesign, vectors: readonly bigint[], o: { dir: string; clockMhz: number; warmupCycles?: number; opsPerTransaction?: number }): Promise<GlitchResult> {
  const iface = d.module.interface();
  const hs = iface.handshake;
  if (!hs) throw new HarnessError(`glitchRun(${d.module.name}): only streaming units`);
  const dir = resolve(o.dir);
  await mkdir(dir, { recursive: true });
  const periodNs = 100; // long enough for every design to settle; the energy uses o.clockMhz
  const inputDelayNs = 0.3; // about a DFFPOSX1 CLK -> Q
  const design = { verilog: d.synth.mapped!.verilog, netlist: d.netlist, lib: d.lib, clock: hs.clock, reset: hs.reset };
  // SDF of the mapped netlist in the stated environment
  const tcl = `${staSetup(design, periodNs)}\nwrite_sdf -digits 4 {${join(dir, 'design.sdf')}}\nexit\n`;
  await writeFile(join(dir, 'sdf.tcl'), tcl);
  const sr = await runInGroup(requireSta(), ['-no_splash', '-exit', join(dir, 'sdf.tcl')], { cwd: dir });
  if (sr.exitCode !== 0 || /^Error/m.test(sr.all ?? '')) throw new HarnessError(`OpenSTA write_sdf failed: ${sr.all}`);
  const ins = dataPorts(iface, 'input');
  const outs = dataPorts(iface, 'output');
  const iw = ins.reduce((s, p) => s + p.width, 0);
  const ow = outs.reduce((s, p) => s + p.width, 0);
  await writeFile(join(dir, 'vec.hex'), vectors.map((v) => toHex(v, iw)).join('\n') + '\n');
  const N = vectors.length;
  const tb = [
    '`timescale 1ns/1ps',
    'module tb_glitch;',
    `  reg clk, rst_n; reg [${iw - 1}:0] in_word; wire [${ow - 1}:0] out_word; wire in_ready, out_valid;`,
    `  reg [${iw - 1}:0] mem [0:${N - 1}]; integer i;`,
    `  ${d.module.name} dut (.${hs.clock}(clk), .${hs.reset}(rst_n), .${hs.inValid}(1'b1), .${hs.inReady}(in_ready), .${hs.outValid}(out_valid), .${hs.outReady}(1'b1),`,
    ...[...ins.map((p) => `in_word[${p.lsb + p.width - 1}:${p.lsb}]`), ...outs.map((p) => `out_word[${p.lsb + p.width - 1}:${p.lsb}]`)].map(
      (s, j, all) => `    .${[...ins, ...outs][j]!.name}(${s})${j === all.length - 1 ? '' : ','}`,
    ),
    '  );',
    `  always #${periodNs / 2} clk = ~clk;`,
    '  initial begin',
    `    $sdf_annotate("${join(dir, 'design.sdf')}", dut);`,
    `    $readmemh("${join(dir, 'vec.hex')}", mem);`,
    `    $dumpfile("${join(dir, 'timed.vcd')}"); $dumpvars(1, dut);`,
    `    clk = 0; rst_n = 0; in_word = 0; i = 0; #${2 * periodNs + periodNs / 4} rst_n = 1;`,
    '  end',
    '  always @(posedge clk) if (rst_n) begin',
    `    if (i < ${N}) in_word <= #${inputDelayNs} mem[i];`,
    `    i = i + 1; if (i > ${N + 4}) $finish;`,
    '  end',
    'endmodule',
  ].join('\n');
  await writeFile(join(dir, 'tb.v'), tb + '\n');
  const iverilog = requireTool('iverilog');
  const b = await execa(iverilog, ['-g2005', '-gspecify', '-o', join(dir, 'tb.vvp'), join(dir, 'tb.v'), d.synth.mapped!.verilog, OSU018_VERILOG], { reject: false, all: true });
  if (b.exitCode !== 0) throw new HarnessError(`iverilog (timed run) failed: ${(b.all ?? '').split('\n').find((l) => /error/i.test(l)) ?? b.exitCode}`);
  const r = await runInGroup(requireTool('vvp'), ['-n', join(dir, 'tb.vvp')], { cwd: dir });
  if (r.exitCode !== 0) throw new HarnessError(`vvp (timed run) failed: ${r.all}`);
  // VCD: every transition, and the transitions of the values just before each clock edge
  const text = readFileSync(join(dir, 'timed.vcd'), 'utf8');
  const n = d.netlist;
  const netByName = new Map<string, number>();
  for (const [net, name] of n.netNames) netByName.set(name, net);
  const idNets = new Map<string, number[]>();
  const lines = text.split('\n');
  let k = 0;
  for (; k < lines.length; k++) {
    const l = lines[k]!.trim();
    if (l.startsWith('$var')) {
      const p = l.split(/\s+/);
      const width = Number(p[2]);
      const name = p[4]!;
      const nets: number[] = [];
      for (let bit = 0; bit < width; bit++) nets.push(netByName.get(width > 1 ? `${name}[${bit}]` : name) ?? -1);
      idNets.set(p[3]!, nets);
    } else if (l.startsWith('$enddefinitions')) break;
  }
  const clockNet = n.ports.find((p) => p.name === hs.clock)!.bits[0]!;
  const cur = new Int8Array(n.netCount).fill(-1);
  const sampled = new Int8Array(n.netCount).fill(-1);
  const rises = new Float64Array(n.netCount);
  const falls = new Float64Array(n.netCount);
  const fr = new Float64Array(n.netCount);
  const ff = new Float64Array(n.netCount);
  const ps = (ns: number): number => Math.round(ns * 1000);
  const firstEdge = ps(periodNs / 2);
  const warm = o.warmupCycles ?? 4;
  const from = ps(2 * periodNs + periodNs / 4) + ps(periodNs) * warm; // after the reset release and a warm-up
  let nextEdge = firstEdge;
  let cycles = 0;
  const sampleEdge = (): void => {
    for (let net = 2; net < n.netCount; net++) {
      const v = cur[net]!;
      if (v < 0) continue;
      const s = sampled[net]!;
      if (nextEdge > from && s >= 0 && s !== v) (v ? fr : ff)[net]!++;
      sampled[net] = v;
    }
    if (nextEdge > from) cycles++;
  };
  let time = 0;
  for (k++; k < lines.length; k++) {
    const l = lines[k]!.trim();
    if (l === '' || l[0] === '$') continue;
    if (l[0] === '#') {
      const t = Number(l.slice(1));
      time = t;
      // a change at an edge's own time belongs to after the edge
      while (t >= nextEdge) {
        sampleEdge();
        nextEdge += ps(periodNs);
      }
      continue;
    }
    let id: string;
    let val: string;
    if (l[0] === 'b') {
      const sp = l.indexOf(' ');
      val = l.slice(1, sp);
      id = l.slice(sp + 1);
    } else {
      val = l[0]!;
      id = l.slice(1);
    }
    const nets = idNets.get(id);
    if (!nets) continue;
    for (let bit = 0; bit < nets.length; bit++) {
      const net = nets[bit]!;
      if (net < 2 || net === clockNet) continue;
      const c = val[val.length - 1 - bit] ?? '0';
      const v = c === '1' ? 1 : c === '0' ? 0 : -1;
      const old = cur[net]!;
      if (v >= 0 && old >= 0 && v !== old && time > from) (v ? rises : falls)[net]!++;
      cur[net] = v;
    }
  }
  const lanes = 1;
  const mk = (r: Float64Array, f: Float64Array): ToggleCounts => ({ rises: r, falls: f, cycles, lanes, acceptedInWindow: cycles });
  const ops = cycles * (o.opsPerTransaction ?? 1);
  const e = (t: ToggleCounts) => computeEnergy({ lib: d.lib, netlist: n, toggles: t, ops, clockMhz: o.clockMhz, env: DEFAULT_ENVIRONMENT, clockPort: hs.clock });
  const sum = (a: Float64Array, b: Float64Array): number => a.reduce((s, x) => s + x, 0) + b.reduce((s, x) => s + x, 0);
  return { cycles, functionalToggles: sum(fr, ff), allToggles: sum(rises, falls), functional: e(mk(fr, ff)), all: e(mk(rises, falls)), inputDelayNs, periodNs };
}
