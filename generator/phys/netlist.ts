// Reader of a mapped netlist written by Yosys `write_json` (one flat module of library cells): ports, cell
// instances with their pin connections, and the net graph the gate-level simulator, the energy calculator and
// the breakdowns use. Nets are Yosys bit numbers (>= 2); constant connections are CONST0 / CONST1.

import { readFileSync } from 'node:fs';
import { HarnessError } from '../sim/errors';
import type { LibCell, Library } from './liberty';

export const CONST0 = 0;
export const CONST1 = 1;

export class NetlistError extends HarnessError {}

export interface NetPort {
  readonly name: string;
  readonly direction: 'input' | 'output';
  /** net of each bit, LSB first */
  readonly bits: readonly number[];
}

export interface NetCell {
  readonly name: string;
  readonly type: string;
  /** partition tag (`mxpart` attribute) when the netlist is partitioned, else undefined */
  readonly part?: string;
  readonly inputs: ReadonlyMap<string, number>;
  readonly outputs: ReadonlyMap<string, number>;
}

export interface Netlist {
  readonly top: string;
  readonly ports: readonly NetPort[];
  readonly cells: readonly NetCell[];
  /** largest net number + 1 (arrays indexed by net have this length) */
  readonly netCount: number;
  /** a readable name of some nets (Yosys netnames) */
  readonly netNames: ReadonlyMap<number, string>;
}

interface YosysJson {
  modules: Record<
    string,
    {
      attributes?: Record<string, string>;
      ports: Record<string, { direction: string; bits: (number | string)[] }>;
      cells: Record<string, { type: string; attributes?: Record<string, string>; port_directions?: Record<string, string>; connections: Record<string, (number | string)[]> }>;
      netnames: Record<string, { bits: (number | string)[]; hide_name?: number }>;
    }
  >;
}

function bitOf(b: number | string, where: string): number {
  if (typeof b === 'number') return b;
  if (b === '0') return CONST0;
  if (b === '1') return CONST1;
  throw new NetlistError(`${where}: undriven/unknown constant '${b}' in the mapped netlist`);
}

/** Yosys JSON attributes are strings (or binary strings for numbers); `mxpart` is written as a string. */
function attrString(v: string | undefined): string | undefined {
  return v === undefined ? undefined : String(v);
}

export function readNetlistJson(file: string, lib: Library, top?: string): Netlist {
  let json: YosysJson;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as YosysJson;
  } catch (e) {
    throw new NetlistError(`cannot read netlist ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return netlistFromJson(json, lib, top, file);
}

export function netlistFromJson(json: YosysJson, lib: Library, top?: string, file = 'netlist'): Netlist {
  const names = Object.keys(json.modules);
  const name = top ?? (names.length === 1 ? names[0]! : undefined);
  if (name === undefined || !json.modules[name]) throw new NetlistError(`${file}: module ${top ?? '(top)'} not found (have ${names.join(', ')})`);
  const m = json.modules[name]!;
  let maxNet = 1;
  const note = (n: number): number => {
    if (n > maxNet) maxNet = n;
    return n;
  };
  const ports: NetPort[] = Object.entries(m.ports).map(([pn, p]) => {
    if (p.direction !== 'input' && p.direction !== 'output') throw new NetlistError(`${file}: port ${pn} is ${p.direction}; only input/output ports are supported`);
    return { name: pn, direction: p.direction, bits: p.bits.map((b) => note(bitOf(b, `${file}: port ${pn}`))) };
  });
  const cells: NetCell[] = Object.entries(m.cells).map(([cn, c]) => {
    const lc: LibCell | undefined = lib.cells.get(c.type);
    if (!lc) throw new NetlistError(`${file}: cell ${cn} has type ${c.type}, which is not in ${lib.name} (was the netlist mapped to this library?)`);
    const inputs = new Map<string, number>();
    const outputs = new Map<string, number>();
    for (const [pin, bits] of Object.entries(c.connections)) {
      const lp = lc.pins.get(pin);
      if (!lp) throw new NetlistError(`${file}: cell ${cn} (${c.type}) connects pin ${pin}, which the library cell lacks`);
      if (bits.length !== 1) throw new NetlistError(`${file}: pin ${cn}.${pin} has ${bits.length} bits`);
      const b = note(bitOf(bits[0]!, `${file}: ${cn}.${pin}`));
      (lp.direction === 'input' ? inputs : outputs).set(pin, b);
    }
    for (const lp of lc.pins.values()) {
      if (lp.direction === 'input' && !inputs.has(lp.name)) throw new NetlistError(`${file}: input pin ${cn}.${lp.name} (${c.type}) is unconnected`);
    }
    const part = attrString(c.attributes?.['mxpart']);
    return { name: cn, type: c.type, ...(part !== undefined ? { part } : {}), inputs, outputs };
  });
  const netNames = new Map<number, string>();
  for (const [nn, n] of Object.entries(m.netnames)) {
    n.bits.forEach((b, i) => {
      if (typeof b === 'number' && !netNames.has(b)) netNames.set(b, n.bits.length > 1 ? `${nn}[${i}]` : nn);
    });
  }
  return { top: name, ports, cells, netCount: maxNet + 1, netNames };
}

/** Sinks and driver of every net. */
export interface NetGraph {
  /** for each net: the cell index driving it, -1 for a primary input or constant, -2 when undriven */
  readonly driver: Int32Array;
  /** for each net: the sink cell pins [cell, pin name] */
  readonly sinks: readonly (readonly (readonly [number, string])[])[];
  /** for each net: how many output-port bits it drives */
  readonly portLoads: Int32Array;
  readonly inputNets: ReadonlySet<number>;
}

export function netGraph(n: Netlist): NetGraph {
  const driver = new Int32Array(n.netCount).fill(-2);
  driver[CONST0] = -1;
  driver[CONST1] = -1;
  const inputNets = new Set<number>();
  for (const p of n.ports) {
    if (p.direction === 'input') {
      for (const b of p.bits) {
        driver[b] = -1;
        inputNets.add(b);
      }
    }
  }
  n.cells.forEach((c, i) => {
    for (const [pin, b] of c.outputs) {
      if (b <= CONST1) continue;
      if (driver[b] !== -2) throw new NetlistError(`net ${n.netNames.get(b) ?? b} has two drivers (${c.name}.${pin} and another)`);
      driver[b] = i;
    }
  });
  const sinks: [number, string][][] = Array.from({ length: n.netCount }, () => []);
  n.cells.forEach((c, i) => {
    for (const [pin, b] of c.inputs) sinks[b]!.push([i, pin]);
  });
  const portLoads = new Int32Array(n.netCount);
  for (const p of n.ports) if (p.direction === 'output') for (const b of p.bits) portLoads[b]!++;
  return { driver, sinks, portLoads, inputNets };
}

/** Area (um^2) and cell count per library cell type, and in total. */
export function netlistArea(n: Netlist, lib: Library): { areaUm2: number; cells: number; byType: Record<string, number>; flopBits: number } {
  const byType: Record<string, number> = {};
  let area = 0;
  let flopBits = 0;
  for (const c of n.cells) {
    const lc = lib.cells.get(c.type)!;
    byType[c.type] = (byType[c.type] ?? 0) + 1;
    area += lc.area;
    if (lc.ff) flopBits++;
  }
  return { areaUm2: area, cells: n.cells.length, byType, flopBits };
}
