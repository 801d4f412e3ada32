// Area of an array with its memories apart from its logic. Every buffer is its own RAM module (ram.ts): each RAM
// module is checked to be inferred by Yosys as a memory (after `proc; opt`, `stat` counts depth x width memory
// bits; after `memory -nomap` it is one $mem_v2 cell and no flip-flop), the memory bits are summed over the RAM
// instances, and the logic is synthesized with the RAMs as black boxes (where an SRAM macro would go) by the
// project's synthesis flow (generator/sim/synth.ts). The whole design, RAMs included, is also checked for latches.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { type Module, writeDesign } from '../../hdl/index';
import { requireTool } from '../../sim/tools';
import { synthesize, type SynthResult } from '../../sim/synth';
import { arrayModule } from './array';
import type { ArrayConfig } from './config';

export interface RamUse {
  readonly module: string;
  readonly instances: number;
  readonly width: number;
  readonly depth: number;
  /** memory bits of one instance as Yosys counts them (must equal width * depth) */
  readonly yosysBits: number;
  /** flip-flop bits Yosys leaves after `memory -nomap` (must be 0: the read register is in the read port) */
  readonly yosysFlops: number;
}

export interface ArrayArea {
  readonly top: string;
  readonly rams: readonly RamUse[];
  readonly memoryBits: number;
  /** the logic with the RAMs as black boxes */
  readonly logic: SynthResult;
  /** proc + latch check of the whole design, RAMs included */
  readonly latchFree: boolean;
}

const LATCHES = 't:$dlatch t:$adlatch t:$dlatchsr t:$sr t:$_DLATCH_* t:$_SR_*';

/** RAM modules instantiated by `top`, with their instance counts. */
function ramUses(top: Module): Map<Module, number> {
  const out = new Map<Module, number>();
  for (const st of top.ir.stmts) {
    if (st.k !== 'instance' || !st.module.startsWith('ram_w')) continue;
    const m = top.submodules.find((s) => s.name === st.module)!;
    out.set(m, (out.get(m) ?? 0) + 1);
  }
  return out;
}

/** A black-box stand-in with the module's ports (where an SRAM macro would be instantiated). */
function blackbox(m: Module): string {
  const ports = m.ir.ports.map((p) => `  ${p.dir} wire ${p.w > 1 ? `[${p.w - 1}:0] ` : ''}${p.name}`);
  return `(* blackbox *)\nmodule ${m.name} (\n${ports.join(',\n')}\n);\nendmodule\n`;
}

async function yosysJson(yosys: string, script: string[], cwd: string, out: string): Promise<Record<string, unknown>> {
  const r = await execa(yosys, ['-q', '-p', script.join('; ')], { cwd, reject: false, all: true });
  if (r.exitCode !== 0) throw new Error(`yosys failed in ${cwd}: ${(r.all ?? '').split('\n').find((l) => /error/i.test(l)) ?? `exit ${r.exitCode}`}`);
  return JSON.parse(readFileSync(path.join(cwd, out), 'utf8')) as Record<string, unknown>;
}

export async function arrayArea(c: ArrayConfig, dir: string): Promise<ArrayArea> {
  const yosys = requireTool('yosys');
  const top = arrayModule(c);
  const files = writeDesign(top, dir, { bindings: false });
  const uses = ramUses(top);
  const ramFiles = new Set([...uses.keys()].map((m) => path.join(dir, `${m.name}.v`)));
  const rams: RamUse[] = [];
  for (const [m, n] of uses) {
    const f = `${m.name}.v`;
    type Stat = { modules: Record<string, { num_memory_bits: number; num_cells_by_type: Record<string, number> }> };
    const before = (await yosysJson(yosys, [`read_verilog ${f}`, `hierarchy -top ${m.name}`, 'proc', 'opt', `tee -q -o ${m.name}.mem.json stat -json`], dir, `${m.name}.mem.json`)) as Stat;
    const after = (await yosysJson(yosys, [`read_verilog ${f}`, `hierarchy -top ${m.name}`, 'proc', 'opt', 'memory -nomap', 'opt', 'simplemap', `tee -q -o ${m.name}.map.json stat -json`], dir, `${m.name}.map.json`)) as Stat;
    const cells = after.modules[`\\${m.name}`]!.num_cells_by_type;
    const flops = Object.entries(cells).filter(([t]) => /DFF/i.test(t)).reduce((s, [, k]) => s + k, 0);
    if ((cells['$mem_v2'] ?? 0) !== 1) throw new Error(`${m.name}: Yosys did not infer one memory (cells: ${JSON.stringify(cells)})`);
    rams.push({ module: m.name, instances: n, width: Number(m.ir.config['width']), depth: Number(m.ir.config['depth']), yosysBits: before.modules[`\\${m.name}`]!.num_memory_bits, yosysFlops: flops });
  }
  const names = files.map((f) => path.basename(f));
  const latch = await execa(yosys, ['-q', '-p', [`read_verilog ${names.join(' ')}`, `hierarchy -check -top ${top.name}`, 'proc', 'opt_clean', `select -assert-none ${LATCHES}`, 'check -assert'].join('; ')], { cwd: dir, reject: false, all: true });
  const stub = path.join(dir, 'rams_blackbox.vh');
  writeFileSync(stub, [...uses.keys()].map(blackbox).join('\n'));
  const logic = await synthesize([...files.filter((f) => !ramFiles.has(f)), stub], top.name);
  return { top: top.name, rams, memoryBits: rams.reduce((s, r) => s + r.instances * r.width * r.depth, 0), logic, latchFree: latch.exitCode === 0 };
}
