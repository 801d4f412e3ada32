// Measured "what dominates": every word-level cell of the flattened, coarse-optimised netlist (Yosys `synth -run
// :fine`, before techmap) is tagged with the direct submodule it came from; Yosys `submod` then makes each part a
// module again, so the fine synthesis and the mapping run per part and each part's area / transistors / energy is
// measured in context (constants and merges of the flat netlist included) instead of "top minus submodules
// synthesized alone" (which went negative when the flat optimisation removed more than the top's own logic).
// Flattening keeps the `src` attribute as a chain "top.v:<instance>|child.v:<line>|..."; one file per module
// (generator/hdl/write-design.ts) makes the second file of the chain the direct submodule. Cells without `src`
// (created by constant folding) take the part of the cells they feed (else of the cells that feed them);
// flip-flops and memories are a part of their own; the rest is the top's own logic (left untagged).

import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { allModules, type Module } from '../hdl/index';

/** A part of a design: a direct submodule (all instances of it together) and the modules below it. */
export interface PartSpec {
  /** shown name: the submodule's module name */
  readonly name: string;
  /** number of instances in the top */
  readonly count: number;
  /** this module and every module in its hierarchy */
  readonly modules: readonly string[];
}

/** Part ids (the `submod` attribute, later `mxpart` on the mapped cells); the top's own logic stays untagged. */
export const PART_TOP = 'top';
export const PART_FF = 'ff';
export const partId = (i: number): string => `p${i}`;

export interface PartTagging {
  /** part id -> generic cells tagged with it */
  readonly cells: Record<string, number>;
  /** cells whose part came from a neighbour (no src attribute) */
  readonly inferred: number;
}

const STORAGE = /^\$(dff|dffe|adff|adffe|sdff|sdffe|sdffce|aldff|aldffe|dffsr|dffsre|dlatch|adlatch|dlatchsr|sr|mem|mem_v2|memrd|memrd_v2|memwr|memwr_v2|meminit|meminit_v2)$|^\$_(DFF|DFFE|SDFF|SDFFE|SDFFCE|ALDFF|ALDFFE|DFFSR|DFFSRE|DLATCH|SR)_/;

interface JsonCell {
  type: string;
  attributes?: Record<string, string>;
  port_directions?: Record<string, string>;
  connections: Record<string, (number | string)[]>;
}

/**
 * Reads the coarse netlist `inFile` (Yosys write_json after `synth -flatten -run :fine`), tags every cell of
 * `top` outside its own logic with `submod` = part id, writes `outFile`. Returns the cell count per part.
 */
export function tagPartitions(inFile: string, outFile: string, top: string, parts: readonly PartSpec[]): PartTagging {
  const json = JSON.parse(readFileSync(inFile, 'utf8')) as { modules: Record<string, { cells: Record<string, JsonCell> }> };
  const mod = json.modules[top];
  if (!mod) throw new Error(`tagPartitions: module ${top} not in ${inFile}`);
  // a direct submodule is its own part even where it also sits inside another part's hierarchy
  const direct = new Map(parts.map((p, i) => [p.name, partId(i)]));
  const owner = new Map<string, string>(direct);
  parts.forEach((p, i) => {
    for (const m of p.modules) if (!owner.has(m) && m !== top) owner.set(m, partId(i));
  });
  const names = Object.keys(mod.cells);
  const cells = names.map((n) => mod.cells[n]!);
  const tag: (string | undefined)[] = cells.map((c) => {
    if (STORAGE.test(c.type)) return PART_FF;
    const src = c.attributes?.['src'];
    if (!src) return undefined;
    // the chain's design files (techmap's own file is not one); the first is the top, the second the submodule
    const chain = String(src)
      .split('|')
      .map((e) => basename(e.replace(/:[\d.\-]+$/, '')).replace(/\.v$/, ''))
      .filter((m) => m === top || owner.has(m));
    if (chain.length === 0) return undefined;
    if (chain.length === 1) return chain[0] === top ? PART_TOP : owner.get(chain[0]!);
    return direct.get(chain[1]!) ?? owner.get(chain[1]!) ?? PART_TOP;
  });
  // neighbours: net -> driving cells / reading cells
  const drivers = new Map<number, number[]>();
  const readers = new Map<number, number[]>();
  cells.forEach((c, i) => {
    for (const [pin, bits] of Object.entries(c.connections)) {
      const out = c.port_directions?.[pin] === 'output';
      for (const b of bits) {
        if (typeof b !== 'number') continue;
        const m = out ? drivers : readers;
        const l = m.get(b);
        if (l) l.push(i);
        else m.set(b, [i]);
      }
    }
  });
  const outNets = (c: JsonCell): number[] =>
    Object.entries(c.connections).flatMap(([pin, bits]) => (c.port_directions?.[pin] === 'output' ? bits.filter((b): b is number => typeof b === 'number') : []));
  const inNets = (c: JsonCell): number[] =>
    Object.entries(c.connections).flatMap(([pin, bits]) => (c.port_directions?.[pin] === 'output' ? [] : bits.filter((b): b is number => typeof b === 'number')));
  let inferred = 0;
  // fan-out first (a folded gate belongs to the logic it feeds), then fan-in, until nothing changes
  for (const dir of ['out', 'in'] as const) {
    for (let changed = true; changed; ) {
      changed = false;
      cells.forEach((c, i) => {
        if (tag[i] !== undefined) return;
        const nets = dir === 'out' ? outNets(c) : inNets(c);
        const via = dir === 'out' ? readers : drivers;
        for (const n of nets) {
          for (const j of via.get(n) ?? []) {
            const t = tag[j];
            if (t !== undefined && t !== PART_FF) {
              tag[i] = t;
              inferred++;
              changed = true;
              return;
            }
          }
        }
      });
    }
  }
  const counts: Record<string, number> = {};
  cells.forEach((c, i) => {
    const t = tag[i] ?? PART_TOP;
    if (t !== PART_TOP) c.attributes = { ...(c.attributes ?? {}), submod: t };
    counts[t] = (counts[t] ?? 0) + 1;
  });
  writeFileSync(outFile, JSON.stringify(json));
  return { cells: counts, inferred };
}

/** The parts of a design: its direct submodules (one part per module name, all instances together). */
export function partSpecs(top: Module): PartSpec[] {
  const counts = new Map<string, number>();
  for (const st of top.ir.stmts) if (st.k === 'instance') counts.set(st.module, (counts.get(st.module) ?? 0) + 1);
  const byName = new Map(top.submodules.map((m) => [m.name, m]));
  return [...counts].map(([name, count]) => {
    const m = byName.get(name);
    if (!m) throw new Error(`partSpecs(${top.name}): instance of ${name}, which is not a submodule`);
    return { name, count, modules: allModules(m).map((x) => x.name) };
  });
}
