// Verilog models of the library cells generated from the liberty `function` and `ff` groups, for Verilator
// (the library's own osu018_stdcells.v uses UDPs and specify blocks, which Verilator does not simulate).
// Zero-delay: combinational cells are continuous assignments, flip-flops edge-triggered always blocks with
// their asynchronous clear/preset. test/phys/cellmodels.test.ts checks every model against osu018_stdcells.v
// under Icarus on every input combination (and flop sequence).
// Toggle coverage is switched off inside the models: the counts come from the nets of the design.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_DIR } from '../sim/paths';
import { boolToVerilog, parseBoolExpr, type BoolExpr } from './boolexpr';
import { LibertyError, type LibCell, type Library } from './liberty';

/** Cells a model cannot be generated for (tristate, latch, no function): not used by the flow. */
export function modelSkipReason(c: LibCell): string | undefined {
  if (c.latch) return 'latch';
  const outs = [...c.pins.values()].filter((p) => p.direction !== 'input');
  if (outs.length === 0) return 'no output pin';
  if (outs.some((p) => p.threeState !== undefined)) return 'tristate output';
  if (outs.some((p) => p.function === undefined)) return 'output without a function';
  return undefined;
}

/** An asynchronous control ("(!R)" or "S"): the pin and its active level. */
function asyncControl(expr: string, cell: string, what: string): { pin: string; activeLow: boolean } {
  const e = parseBoolExpr(expr);
  if (e.op === 'var') return { pin: e.name, activeLow: false };
  if (e.op === 'not' && e.a.op === 'var') return { pin: e.a.name, activeLow: true };
  throw new LibertyError(`${cell}: ${what} "${expr}" is not a single pin or its inverse; no model`);
}

function clockEdge(expr: string, cell: string): { pin: string; edge: 'posedge' | 'negedge' } {
  const c = asyncControl(expr, cell, 'clocked_on');
  return { pin: c.pin, edge: c.activeLow ? 'negedge' : 'posedge' };
}

/** Verilog model of one cell; `name` renames the module (tests compare it with the library's own model). */
export function cellModel(c: LibCell, name = c.name): string {
  const skip = modelSkipReason(c);
  if (skip) throw new LibertyError(`no model for cell ${c.name}: ${skip}`);
  const pins = [...c.pins.values()];
  const L: string[] = [];
  L.push(`module ${name} (${pins.map((p) => p.name).join(', ')});`);
  for (const p of pins) L.push(`  ${p.direction === 'input' ? 'input' : 'output'} ${p.name};`);
  const ff = c.ff;
  const rename = (v: string): string => (ff && v === ff.iq ? 'IQ' : ff && v === ff.iqn ? '(~IQ)' : v);
  if (ff) {
    const clk = clockEdge(ff.clockedOn, c.name);
    const clear = ff.clear ? asyncControl(ff.clear, c.name, 'clear') : undefined;
    const preset = ff.preset ? asyncControl(ff.preset, c.name, 'preset') : undefined;
    const sens = [`${clk.edge} ${clk.pin}`];
    const act = (x: { pin: string; activeLow: boolean }): string => (x.activeLow ? `!${x.pin}` : x.pin);
    if (clear) sens.push(`${clear.activeLow ? 'negedge' : 'posedge'} ${clear.pin}`);
    if (preset) sens.push(`${preset.activeLow ? 'negedge' : 'posedge'} ${preset.pin}`);
    // both active: clear_preset_var1 L (clear wins) or H (preset wins); anything else is not modelled
    const both = ff.clearPresetVar1 ?? 'L';
    if (clear && preset && both !== 'L' && both !== 'H') throw new LibertyError(`${c.name}: clear_preset_var1 ${both} is not modelled`);
    const branches: string[] = [];
    const first = clear && preset && both === 'H' ? [['preset', preset], ['clear', clear]] : [['clear', clear], ['preset', preset]];
    for (const [kind, x] of first as [string, { pin: string; activeLow: boolean } | undefined][]) {
      if (x) branches.push(`if (${act(x)}) IQ <= 1'b${kind === 'clear' ? 0 : 1};`);
    }
    const next = boolToVerilog(parseBoolExpr(ff.nextState), rename);
    L.push('  reg IQ;');
    L.push(`  always @(${sens.join(' or ')})`);
    if (branches.length === 0) L.push(`    IQ <= ${next};`);
    else L.push(`    ${branches.join(' else ')} else IQ <= ${next};`);
  }
  for (const p of pins.filter((x) => x.direction !== 'input')) {
    const e: BoolExpr = parseBoolExpr(p.function!);
    L.push(`  assign ${p.name} = ${boolToVerilog(e, rename)};`);
  }
  L.push('endmodule');
  return L.join('\n');
}

/** One Verilog file with a model of every cell that can be modelled (the others are listed in a comment). */
export function cellLibraryVerilog(lib: Library): string {
  const skipped = [...lib.cells.values()].filter((c) => modelSkipReason(c) !== undefined);
  const models = [...lib.cells.values()].filter((c) => modelSkipReason(c) === undefined).map((c) => cellModel(c));
  return [
    `// Zero-delay models of the ${lib.name} cells, generated from ${lib.file} (liberty function / ff groups)`,
    `// by generator/phys/cellmodels.ts. Not modelled: ${skipped.map((c) => `${c.name} (${modelSkipReason(c)})`).join(', ') || 'none'}.`,
    '/* verilator lint_off DECLFILENAME */',
    '/* verilator lint_off MULTITOP */',
    '/* verilator coverage_off */',
    ...models,
    '/* verilator coverage_on */',
    '',
  ].join('\n');
}

/** Writes the generated models of `lib` under sim/build/phys/ (rewritten only when the text changes); returns the path. */
export function writeCellLibrary(lib: Library, dir = join(BUILD_DIR, 'phys')): string {
  const text = cellLibraryVerilog(lib);
  const file = join(dir, `${lib.name}_cells.v`);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  }
  return file;
}
