// The energy engine's entry points: map a module to the library (cached Yosys run), simulate a stream on the
// mapped netlist with toggle counting, check the outputs against golden ones, and turn the toggles into energy.
//
//   const r = await measureEnergy({ module, vectors, expected, clockMhz: 25 });
//   r.pjPerOp, r.dynamicPj, r.leakagePj, r.togglesPerOp, r.breakdown   (per operation)
//
// The next issue's accelerator-energy work calls this for whole arrays; every figure names the library,
// the flow (generator/sim/synth.ts), the clock and the environment (environment.ts).

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeDesign, allModules, type Module } from '../hdl/index';
import { synthesize, type SynthFlow, type SynthResult } from '../sim/synth';
import { WORK_DIR } from '../sim/paths';
import { HarnessError } from '../sim/errors';
import { DEFAULT_ENVIRONMENT, type Environment } from './environment';
import { computeEnergy, type EnergyPart, type EnergyResult } from './energy';
import { CompiledNetlist, runStream, type StreamRunResult, type ToggleCounts } from './gatesim';
import { OSU018_LIBERTY, readLiberty, type Library } from './liberty';
import { readNetlistJson, type Netlist } from './netlist';
import { partSpecs } from './partition';

export interface MappedDesign {
  readonly module: Module;
  readonly synth: SynthResult;
  readonly lib: Library;
  /** the flat mapped netlist: the design's figures */
  readonly netlist: Netlist;
  /** the per-part mapped netlist (cells tagged with their part), when the design has submodules */
  readonly partNetlist?: Netlist;
  /** part id -> shown name */
  readonly partNames: ReadonlyMap<string, string>;
}

export interface MapOptions {
  readonly liberty?: string;
  readonly flow?: SynthFlow;
  /** also map per part (default true) */
  readonly parts?: boolean;
  /** where the RTL is written (default sim/work/phys/<top>) */
  readonly workDir?: string;
}

/** Writes the module's RTL and maps it to the library (cached by RTL content). */
export async function mapDesign(module: Module, o: MapOptions = {}): Promise<MappedDesign> {
  const dir = o.workDir ?? path.join(WORK_DIR, 'phys', module.name);
  mkdirSync(dir, { recursive: true });
  writeDesign(module, dir, { bindings: false });
  const files = allModules(module).map((m) => path.join(dir, `${m.name}.v`));
  const specs = o.parts === false ? [] : partSpecs(module);
  const synth = await synthesize(files, module.name, { liberty: o.liberty ?? OSU018_LIBERTY, ...(o.flow ? { flow: o.flow } : {}), parts: specs });
  const lib = readLiberty(o.liberty ?? OSU018_LIBERTY);
  if (!synth.mapped) throw new HarnessError(`${module.name}: synthesis did not map to the library`);
  const netlist = readNetlistJson(synth.mapped.json, lib, module.name);
  const partNetlist = synth.partition ? readNetlistJson(synth.partition.json, lib, module.name) : undefined;
  const partNames = new Map((synth.partition?.parts ?? []).map((p) => [p.id, p.count > 1 ? `${p.count} x ${p.name}` : p.name]));
  return { module, synth, lib, netlist, ...(partNetlist ? { partNetlist } : {}), partNames };
}

export interface MeasureEnergyOptions extends MapOptions {
  readonly module: Module;
  /** packed input words (generator/sim/pack.ts layout) */
  readonly vectors: readonly bigint[];
  /** golden output words; when given, every simulated output is compared bit for bit */
  readonly expected?: readonly bigint[];
  readonly clockMhz: number;
  /** operations per input transaction (default 1) */
  readonly opsPerTransaction?: number;
  readonly outputsPerInput?: number;
  readonly env?: Environment;
  /** parallel streams of the toggle simulator (default 32) */
  readonly lanes?: number;
  /** a lane gets a multiple of this many vectors (a tile's rows; default 1) */
  readonly group?: number;
  /** a mapped design from mapDesign (skips the mapping) */
  readonly mapped?: MappedDesign;
}

export interface EnergyPartPerOp {
  readonly part: string;
  readonly pjPerOp: number;
  readonly share: number;
  readonly internalPj: number;
  readonly switchingPj: number;
  readonly clockPj: number;
  readonly leakagePj: number;
}

export interface MeasureEnergyResult {
  readonly top: string;
  /** per operation, on the flat netlist */
  readonly pjPerOp: number;
  readonly dynamicPj: number;
  readonly leakagePj: number;
  readonly togglesPerOp: number;
  readonly ops: number;
  /** the whole flat-netlist result (components over the window) */
  readonly energy: EnergyResult;
  /** per part, per operation, measured on the per-part netlist (its own total: partitionedPjPerOp) */
  readonly breakdown: readonly EnergyPartPerOp[];
  readonly partitionedPjPerOp?: number;
  /** outputs that differ from `expected` (0 when not given) */
  readonly mismatches: number;
  readonly firstMismatch?: string;
  /** the flat run's per-net transition counts */
  readonly toggles: ToggleCounts;
  readonly outputs: number;
  readonly simSeconds: number;
  readonly mapped: MappedDesign;
}

export class GateLevelMismatchError extends HarnessError {}

function compare(expected: readonly bigint[] | undefined, r: StreamRunResult): { mismatches: number; first?: string } {
  if (!expected) return { mismatches: 0 };
  let mismatches = 0;
  let first: string | undefined;
  const n = Math.min(expected.length, r.outputs.length);
  for (let i = 0; i < n; i++) {
    if (expected[i] !== r.outputs[i]) {
      mismatches++;
      first ??= `output #${i}: expected 0x${expected[i]!.toString(16)}, gate level 0x${r.outputs[i]!.toString(16)}`;
    }
  }
  return { mismatches, ...(first ? { first } : {}) };
}

export async function measureEnergy(o: MeasureEnergyOptions): Promise<MeasureEnergyResult> {
  const mapped = o.mapped ?? (await mapDesign(o.module, o));
  const iface = o.module.interface();
  const env = o.env ?? DEFAULT_ENVIRONMENT;
  const opsPer = o.opsPerTransaction ?? 1;
  const lanes = o.lanes ?? 32;
  // the expected outputs cover the whole stream only for a whole number of vectors per lane
  const group = o.group ?? 1;
  const usable = Math.floor(o.vectors.length / lanes / group) * group * lanes;
  if (usable === 0) throw new HarnessError(`measureEnergy(${o.module.name}): ${o.vectors.length} vectors for ${lanes} lanes of ${group}`);
  const vectors = o.vectors.slice(0, usable);
  const run = (n: Netlist) =>
    runStream(new CompiledNetlist(n, mapped.lib), iface, { vectors, lanes, group, ...(o.outputsPerInput ? { outputsPerInput: o.outputsPerInput } : {}) });
  const clockPort = iface.handshake?.clock;
  const t0 = performance.now();
  const flat = run(mapped.netlist);
  const cmp = compare(o.expected?.slice(0, usable * (o.outputsPerInput ?? 1)), flat);
  const energy = computeEnergy({ lib: mapped.lib, netlist: mapped.netlist, toggles: flat.toggles, ops: flat.toggles.acceptedInWindow * opsPer, clockMhz: o.clockMhz, env, ...(clockPort ? { clockPort } : {}) });
  let breakdown: EnergyPartPerOp[] = [];
  let partitionedPjPerOp: number | undefined;
  if (mapped.partNetlist) {
    const pr = run(mapped.partNetlist);
    // the per-part netlist must agree wherever the flat one does (else the partitioning broke the function)
    const pc = cmp.mismatches ? { mismatches: 0 } : compare(o.expected?.slice(0, usable * (o.outputsPerInput ?? 1)), pr);
    if (pc.mismatches) throw new GateLevelMismatchError(`${o.module.name}: the per-part netlist disagrees with the golden model: ${pc.first}`);
    const pe = computeEnergy({ lib: mapped.lib, netlist: mapped.partNetlist, toggles: pr.toggles, ops: pr.toggles.acceptedInWindow * opsPer, clockMhz: o.clockMhz, env, ...(clockPort ? { clockPort } : {}) });
    partitionedPjPerOp = pe.pjPerOp;
    breakdown = pe.byPart.map((p: EnergyPart) => ({
      part: mapped.partNames.get(p.part) ?? p.part,
      pjPerOp: p.totalPj / pe.ops,
      share: p.totalPj / pe.totalPj,
      internalPj: p.internalPj / pe.ops,
      switchingPj: p.switchingPj / pe.ops,
      clockPj: p.clockPj / pe.ops,
      leakagePj: p.leakagePj / pe.ops,
    }));
  }
  return {
    top: o.module.name,
    pjPerOp: energy.pjPerOp,
    dynamicPj: energy.dynamicPjPerOp,
    leakagePj: energy.leakagePjPerOp,
    togglesPerOp: energy.togglesPerOp,
    ops: energy.ops,
    energy,
    breakdown,
    ...(partitionedPjPerOp !== undefined ? { partitionedPjPerOp } : {}),
    mismatches: cmp.mismatches,
    toggles: flat.toggles,
    ...(cmp.first ? { firstMismatch: cmp.first } : {}),
    outputs: flat.outputs.length,
    simSeconds: (performance.now() - t0) / 1000,
    mapped,
  };
}
