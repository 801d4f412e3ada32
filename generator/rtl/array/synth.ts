// Synthesis of an array with its memories apart from its logic, hierarchically (a flat 8x8 array of T = 8 PE
// cells is far too slow in ABC).
//
// - Memories: every buffer is its own RAM module (ram.ts); each RAM module is checked to be inferred by Yosys as a
//   memory (after `proc; opt`, `stat` counts depth x width memory bits; after `memory -nomap` it is one $mem_v2
//   cell and no flip-flop), and the memory bits are summed over the RAM instances. The RAMs stay black boxes
//   (where an SRAM macro would go): no figure below includes them.
// - Logic, one synthesis per unique module: every direct submodule of the top with a clock (the PE cell, the tile
//   re-quantizer) is a *block*, synthesized once by the project flow (generator/sim/synth.ts: flat inside the
//   block, mapped to the library); the top's own logic (the *glue*: command registers, sequencer, feed, drain,
//   combinational submodules such as the bf16 rounders, flattened into it) is synthesized with every block and
//   RAM as a black box. Every figure = glue + sum over blocks of instances x block figure; no optimisation
//   crosses a block boundary (the flat flow's cross-boundary constant folding is measured in the tests).
// - Exact check: the mapped netlists are stitched (glue + each block's netlist, RAMs black boxes), flattened, and
//   Yosys' `stat -liberty` of that flat netlist must equal the sum (checkStitched).
// - Timing (OpenSTA, generator/phys/sta.ts): each block alone, its inputs driven by a library register and its
//   outputs loaded by one (the PE cell's operands come from the array's operand registers, its outputs are its
//   own registers); and the glue with every black box (block or RAM) replaced by a boundary of DFFPOSX1: each
//   input pin into a D, each output pin from a Q (a RAM's read is registered, so that is its launch; a block's
//   pins are timed as register boundaries). The array's critical path = the slowest of those pieces; a path that
//   runs through glue gates into a block is timed as its two pieces (glue to the pin, pin to the block's register).
//   Optionally the whole stitched netlist (RAMs as the boundary) is timed flat (`flatTiming`, small arrays).

import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { allModules, type Module, writeDesign } from '../../hdl/index';
import { requireTool } from '../../sim/tools';
import { RENAME, synthesize, type SynthFlow, type SynthResult } from '../../sim/synth';
import { OSU018_LIBERTY, readLiberty, type Library } from '../../phys/liberty';
import { readNetlistJson } from '../../phys/netlist';
import { timing, type TimingResult } from '../../phys/sta';
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

/** A block: a direct submodule with a clock, synthesized and timed once. */
export interface BlockUse {
  readonly module: string;
  readonly instances: number;
  readonly synth: SynthResult;
  readonly timing: TimingResult;
}

/** A timed piece of the array. */
export interface TimedPiece {
  /** 'glue' or the block's module name */
  readonly piece: string;
  readonly criticalPathNs: number;
  readonly startpoint: string;
  readonly endpoint: string;
  readonly pathCells: number;
}

/** Figures of the whole array's logic (RAMs excluded), glue + sum of instances x block. */
export interface ArrayTotals {
  readonly areaUm2: number;
  readonly libCells: number;
  readonly flopBits: number;
  /** Yosys generic cells (the RAM and block instances of the glue not counted) */
  readonly cells: number;
  readonly transistors: number;
  /** ABC's logic-depth estimate: the deepest piece (`ltp -noff` per piece) */
  readonly depth: number;
  readonly criticalPathNs: number;
  readonly fmaxMhz: number;
  /** the slowest piece */
  readonly critical: TimedPiece;
}

export interface ArrayArea {
  readonly top: string;
  readonly config: ArrayConfig;
  readonly rams: readonly RamUse[];
  readonly memoryBits: number;
  /** the top's own logic with blocks and RAMs as black boxes */
  readonly glue: SynthResult;
  readonly glueTiming: TimingResult;
  readonly blocks: readonly BlockUse[];
  readonly pieces: readonly TimedPiece[];
  readonly totals: ArrayTotals;
  /** proc + latch check of the whole design, RAMs included */
  readonly latchFree: boolean;
}

export interface ArrayAreaOptions {
  readonly flow?: SynthFlow;
  readonly liberty?: string;
}

const LATCHES = 't:$dlatch t:$adlatch t:$dlatchsr t:$sr t:$_DLATCH_* t:$_SR_*';
const CLOCK = 'clk_i';
const RESET = 'rst_ni';

const isRam = (m: Module): boolean => m.name.startsWith('ram_w');
const hasPort = (m: Module, name: string): boolean => m.ir.ports.some((p) => p.name === name);

/** Direct submodules of `top` with their instance counts, in first-instance order. */
function directUses(top: Module): Map<Module, number> {
  const out = new Map<Module, number>();
  for (const st of top.ir.stmts) {
    if (st.k !== 'instance') continue;
    const m = top.submodules.find((s) => s.name === st.module)!;
    out.set(m, (out.get(m) ?? 0) + 1);
  }
  return out;
}

/** A black-box stand-in with the module's ports (where an SRAM macro / a separately mapped block goes). */
function blackbox(m: Module): string {
  const ports = m.ir.ports.map((p) => `  ${p.dir} wire ${p.w > 1 ? `[${p.w - 1}:0] ` : ''}${p.name}`);
  return `(* blackbox *)\nmodule ${m.name} (\n${ports.join(',\n')}\n);\nendmodule\n`;
}

/**
 * The timing boundary of a black box, in library cells: every input bit into the D of a DFFPOSX1 (its setup is
 * the path's end), every output bit from the Q of one (its CLK -> Q the path's start); the reset is not timed.
 */
function boundary(m: Module): string {
  const L: string[] = [`module ${m.name} (${m.ir.ports.map((p) => p.name).join(', ')});`];
  for (const p of m.ir.ports) L.push(`  ${p.dir} ${p.w > 1 ? `[${p.w - 1}:0] ` : ''}${p.name};`);
  for (const p of m.ir.ports) {
    if (p.name === CLOCK || p.name === RESET) continue;
    for (let i = 0; i < p.w; i++) {
      const bit = p.w > 1 ? `${p.name}[${i}]` : p.name;
      const pins = p.dir === 'input' ? `.D(${bit}), .CLK(${CLOCK}), .Q()` : `.D(1'b0), .CLK(${CLOCK}), .Q(${bit})`;
      L.push(`  (* keep, mxboundary *) DFFPOSX1 bnd_${p.name}_${i} (${pins});`);
    }
  }
  L.push('endmodule', '');
  return L.join('\n');
}

async function yosys(script: string[], cwd: string, what: string): Promise<void> {
  const r = await execa(requireTool('yosys'), ['-q', '-p', script.join('; ')], { cwd, reject: false, all: true });
  if (r.exitCode !== 0) throw new Error(`yosys ${what} failed in ${cwd}: ${(r.all ?? '').split('\n').find((l) => /error/i.test(l)) ?? `exit ${r.exitCode}`}`);
}

async function yosysJson(script: string[], cwd: string, out: string): Promise<Record<string, unknown>> {
  await yosys(script, cwd, out);
  return JSON.parse(readFileSync(path.join(cwd, out), 'utf8')) as Record<string, unknown>;
}

function chipArea(file: string): number {
  const text = readFileSync(file, 'utf8');
  const m = /Chip area for top module .*: ([\d.]+)/.exec(text) ?? /Chip area for module .*: ([\d.]+)/.exec(text);
  if (!m) throw new Error(`no chip area in ${file}`);
  return Number(m[1]);
}

/**
 * Stitches mapped netlists (`files`: Verilog of the library cells' modules, stand-ins) under `top`, flattens,
 * renames to plain identifiers (boundary cells keep their names), writes `<name>.v`/`.json` and the library
 * statistic `<name>.stat.txt` in `dir`.
 */
async function stitch(dir: string, name: string, top: string, files: readonly string[], liberty: string, write = true): Promise<{ verilog: string; json: string; areaUm2: number }> {
  await mkdir(dir, { recursive: true });
  await yosys(
    [
      `read_liberty -lib "${liberty}"`,
      ...files.map((f) => `read_verilog "${path.resolve(f)}"`),
      `hierarchy -check -top ${top}`,
      'flatten',
      `tee -q -o ${name}.stat.txt stat -liberty "${liberty}"`,
      ...(write ? [] : ['design -reset']),
      // RENAME of generator/sim/synth.ts; cell names of the flattened blocks are public (u_pe_r0c0.g12): hidden too
      ...(write ? [...RENAME.slice(0, 2), 'rename -hide c:* a:mxboundary %d', ...RENAME.slice(2), `write_verilog -noattr ${name}.v`, `write_json ${name}.json`] : []),
    ],
    dir,
    `stitching of ${name}`,
  );
  return { verilog: path.join(dir, `${name}.v`), json: path.join(dir, `${name}.json`), areaUm2: chipArea(path.join(dir, `${name}.stat.txt`)) };
}

async function timeNetlist(verilog: string, json: string, top: string, lib: Library, workDir: string, clocked: boolean): Promise<TimingResult> {
  const netlist = readNetlistJson(json, lib, top);
  const hasReset = netlist.ports.some((p) => p.name === RESET);
  return timing({ verilog, netlist, lib, ...(clocked ? { clock: CLOCK } : {}), ...(hasReset ? { reset: RESET } : {}) }, workDir);
}

const piece = (name: string, t: TimingResult): TimedPiece => ({ piece: name, criticalPathNs: t.criticalPathNs, startpoint: t.startpoint, endpoint: t.endpoint, pathCells: t.pathCells });

export async function arrayArea(c: ArrayConfig, workDir: string, o: ArrayAreaOptions = {}): Promise<ArrayArea> {
  const dir = path.resolve(workDir);
  const liberty = path.resolve(o.liberty ?? OSU018_LIBERTY);
  const lib = readLiberty(liberty);
  const flow = o.flow ?? 'bounded-sat';
  const top = arrayModule(c);
  const files = writeDesign(top, dir, { bindings: false });
  const fileOf = (m: Module): string => path.join(dir, `${m.name}.v`);
  const uses = directUses(top);

  // ---- memories
  const rams: RamUse[] = [];
  for (const [m, n] of uses) {
    if (!isRam(m)) continue;
    const f = `${m.name}.v`;
    type Stat = { modules: Record<string, { num_memory_bits: number; num_cells_by_type: Record<string, number> }> };
    const before = (await yosysJson([`read_verilog ${f}`, `hierarchy -top ${m.name}`, 'proc', 'opt', `tee -q -o ${m.name}.mem.json stat -json`], dir, `${m.name}.mem.json`)) as Stat;
    const after = (await yosysJson([`read_verilog ${f}`, `hierarchy -top ${m.name}`, 'proc', 'opt', 'memory -nomap', 'opt', 'simplemap', `tee -q -o ${m.name}.map.json stat -json`], dir, `${m.name}.map.json`)) as Stat;
    const cells = after.modules[`\\${m.name}`]!.num_cells_by_type;
    const flops = Object.entries(cells).filter(([t]) => /DFF/i.test(t)).reduce((s, [, k]) => s + k, 0);
    if ((cells['$mem_v2'] ?? 0) !== 1) throw new Error(`${m.name}: Yosys did not infer one memory (cells: ${JSON.stringify(cells)})`);
    rams.push({ module: m.name, instances: n, width: Number(m.ir.config['width']), depth: Number(m.ir.config['depth']), yosysBits: before.modules[`\\${m.name}`]!.num_memory_bits, yosysFlops: flops });
  }
  const names = files.map((f) => path.basename(f));
  const latch = await execa(requireTool('yosys'), ['-q', '-p', [`read_verilog ${names.join(' ')}`, `hierarchy -check -top ${top.name}`, 'proc', 'opt_clean', `select -assert-none ${LATCHES}`, 'check -assert'].join('; ')], {
    cwd: dir,
    reject: false,
    all: true,
  });

  // ---- blocks, each synthesized once (flat inside) and timed alone
  const blockMods = [...uses].filter(([m]) => !isRam(m) && hasPort(m, CLOCK));
  const blocks: BlockUse[] = [];
  for (const [m, n] of blockMods) {
    const r = await synthesize(allModules(m).map(fileOf), m.name, { flow, liberty, bufferInputs: true });
    const t = await timeNetlist(r.mapped!.verilog, r.mapped!.json, m.name, lib, path.join(dir, 'sta', m.name), true);
    blocks.push({ module: m.name, instances: n, synth: r, timing: t });
  }

  // ---- glue: the top with blocks and RAMs as black boxes; combinational submodules flattened into it
  const boxes = [...uses.keys()].filter((m) => isRam(m) || blockMods.some(([b]) => b === m));
  const stub = path.join(dir, 'blackboxes.vh');
  writeFileSync(stub, boxes.map(blackbox).join('\n'));
  const boxNames = new Set(boxes.map((m) => m.name));
  const glueMods = new Map<string, Module>([[top.name, top]]);
  for (const m of uses.keys()) if (!boxNames.has(m.name)) for (const s of allModules(m)) glueMods.set(s.name, s);
  const glueFiles = [...glueMods.values()].map(fileOf);
  const glue = await synthesize([...glueFiles, stub], top.name, { flow, liberty, blackboxes: [...boxNames], bufferInputs: true });
  const bnd = path.join(dir, 'boundaries.v');
  writeFileSync(bnd, boxes.map(boundary).join('\n'));
  const glueSta = await stitch(path.join(dir, 'glue-sta'), 'glue', top.name, [glue.mapped!.verilog, bnd], liberty);
  const glueTiming = await timeNetlist(glueSta.verilog, glueSta.json, top.name, lib, path.join(dir, 'sta', 'glue'), true);

  // ---- totals
  const boxCells = Object.entries(glue.cellsByType).filter(([t]) => boxNames.has(t)).reduce((s, [, k]) => s + k, 0);
  const sum = (f: (r: SynthResult) => number): number => f(glue) + blocks.reduce((s, b) => s + b.instances * f(b.synth), 0);
  const pieces = [piece('glue', glueTiming), ...blocks.map((b) => piece(b.module, b.timing))];
  const critical = pieces.reduce((a, b) => (b.criticalPathNs > a.criticalPathNs ? b : a));
  const totals: ArrayTotals = {
    areaUm2: sum((r) => r.mapped!.areaUm2),
    libCells: sum((r) => r.mapped!.cells),
    flopBits: sum((r) => r.mapped!.flopBits),
    cells: sum((r) => r.cells) - boxCells,
    transistors: sum((r) => r.transistors),
    depth: Math.max(glue.depth, ...blocks.map((b) => b.synth.depth)),
    criticalPathNs: critical.criticalPathNs,
    fmaxMhz: 1000 / critical.criticalPathNs,
    critical,
  };
  return {
    top: top.name,
    config: c,
    rams,
    memoryBits: rams.reduce((s, r) => s + r.instances * r.width * r.depth, 0),
    glue,
    glueTiming,
    blocks,
    pieces,
    totals,
    latchFree: latch.exitCode === 0,
  };
}

/** The stitched flat netlist of an array's logic (glue + every block's mapped netlist; RAMs black boxes). */
export interface StitchedArray {
  /** `stat -liberty` of the flattened netlist, um^2 */
  readonly areaUm2: number;
  /** the flat netlist (written with `flatTiming` only) */
  readonly verilog: string;
  readonly json: string;
  /** OpenSTA on the whole flat netlist, the RAMs as DFF boundaries (when asked) */
  readonly timing?: TimingResult;
}

/**
 * The exact check of the hierarchical sum: the glue's and the blocks' mapped netlists stitched under the top and
 * flattened by Yosys; its library area must equal `totals.areaUm2`. With `flatTiming` the flat netlist (RAMs
 * replaced by their DFF boundaries) is also timed as one design.
 */
export async function checkStitched(a: ArrayArea, workDir: string, o: { flatTiming?: boolean; liberty?: string } = {}): Promise<StitchedArray> {
  const dir = path.resolve(workDir);
  const liberty = path.resolve(o.liberty ?? OSU018_LIBERTY);
  const top = arrayModule(a.config);
  const ramMods = [...directUses(top).keys()].filter(isRam);
  const area = path.join(dir, 'rams_blackbox.vh');
  writeFileSync(area, ramMods.map(blackbox).join('\n'));
  const netlists = [a.glue.mapped!.verilog, ...a.blocks.map((b) => b.synth.mapped!.verilog)];
  // the netlist itself is written only to be timed (a flat 8x8 bf16 array is ~1 M cells)
  const flat = await stitch(path.join(dir, 'stitched'), 'stitched', top.name, [...netlists, area], liberty, o.flatTiming === true);
  if (!o.flatTiming) return flat;
  const bnd = path.join(dir, 'ram_boundaries.v');
  writeFileSync(bnd, ramMods.map(boundary).join('\n'));
  const timed = await stitch(path.join(dir, 'stitched-sta'), 'stitched_sta', top.name, [...netlists, bnd], liberty);
  return { ...flat, timing: await timeNetlist(timed.verilog, timed.json, top.name, readLiberty(liberty), path.join(dir, 'sta', 'stitched'), true) };
}
