// Emits a set of configurations into one directory: every module's Verilog (deduplicated by name across
// configurations; a shared name must mean identical text), its ts-morph bindings, and manifest.json.
// Files of earlier runs that the generator no longer produces are removed, so rtl-out/ is exactly the output.

import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { allModules, emitBindings, emitDesign } from '../hdl';
import type { ParamValue, RtlConfig } from './config';

export interface ManifestEntry {
  readonly top: string;
  readonly unit: string;
  readonly format: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Verilog files of the hierarchy, submodules first (relative to the output directory). */
  readonly files: readonly string[];
  readonly bindings: string;
}

export interface Manifest {
  readonly generator: string;
  readonly contract: string;
  readonly configurations: readonly ManifestEntry[];
}

export interface GeneratedDesign {
  readonly manifest: Manifest;
  /** file name -> content */
  readonly files: ReadonlyMap<string, string>;
}

export function generateDesigns(configs: readonly RtlConfig[], outDir: string): GeneratedDesign {
  const files = new Map<string, string>();
  const entries: ManifestEntry[] = [];
  const add = (name: string, text: string, owner: string): void => {
    const old = files.get(name);
    if (old !== undefined && old !== text) {
      throw new Error(`two configurations emit different '${name}' (the second from ${owner}); module names must carry every parameter`);
    }
    files.set(name, text);
  };
  for (const cfg of configs) {
    const top = cfg.build();
    const verilog = [...emitDesign(top)].map(([name, text]) => {
      add(`${name}.v`, text, top.name);
      return `${name}.v`;
    });
    let topBindings = '';
    for (const m of allModules(top)) {
      const b = emitBindings(m, outDir);
      add(b.fileName, b.text, top.name);
      if (m.name === top.name) topBindings = b.fileName;
    }
    entries.push({ top: top.name, unit: cfg.unit, format: cfg.format, params: cfg.params, files: verilog, bindings: topBindings });
  }
  const manifest: Manifest = {
    generator: 'mxgen generate',
    contract: '../shared/spec/formats.md',
    configurations: entries,
  };
  files.set('manifest.json', JSON.stringify(manifest, null, 2) + '\n');
  return { manifest, files };
}

/** Writes a generated design, removing generated files (.v, .bindings.ts, manifest.json) it no longer produces. */
export function writeGenerated(design: GeneratedDesign, outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) {
    if ((f.endsWith('.v') || f.endsWith('.bindings.ts') || f === 'manifest.json') && !design.files.has(f)) {
      rmSync(path.join(outDir, f));
    }
  }
  for (const [name, text] of design.files) writeFileSync(path.join(outDir, name), text);
}
