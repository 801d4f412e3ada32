// Write a design to disk: one `<module>.v` per module (file named like the module, as Verilator's
// DECLFILENAME wants) and, optionally, one `<module>.bindings.ts` per module.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Module } from './dsl';
import { emitBindings } from './emit-bindings';
import { type EmitOptions, emitDesign } from './emit-verilog';

export interface WriteOptions extends EmitOptions {
  /** Also write the top's ts-morph bindings next to the Verilog (default true). */
  readonly bindings?: boolean;
}

/** Returns the written paths, Verilog files first, in hierarchy order (submodules first). */
export function writeDesign(top: Module, outDir: string, options: WriteOptions = {}): string[] {
  mkdirSync(outDir, { recursive: true });
  const files = new Map<string, string>();
  for (const [name, text] of emitDesign(top, options)) files.set(`${name}.v`, text);
  if (options.bindings ?? true) {
    const b = emitBindings(top, options);
    files.set(b.fileName, b.text);
  }
  return [...files].map(([file, text]) => {
    const p = path.join(outDir, file);
    writeFileSync(p, text);
    return p;
  });
}

/** The hierarchy under `top`, submodules first, one entry per module name. */
export function allModules(top: Module): Module[] {
  const seen = new Map<string, Module>();
  const visit = (m: Module): void => {
    for (const s of m.submodules) visit(s);
    if (!seen.has(m.name)) seen.set(m.name, m);
  };
  visit(top);
  return [...seen.values()];
}
