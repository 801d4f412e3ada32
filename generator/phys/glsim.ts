// Gate-level simulation of a mapped netlist with the project's testbenches (generator/sim/harness.ts):
// Verilator with the cell models generated from the liberty (cellmodels.ts), or Icarus with the library's own
// Verilog models (osu018_stdcells.v), against golden outputs; and the TypeScript toggle simulator (gatesim.ts)
// on the same vectors, whose outputs must agree too. Random valid/ready stalls exercise the handshake.

import { compareOutputs, runSimulation, type SimulatorName } from '../sim/index';
import { HarnessError } from '../sim/errors';
import { writeCellLibrary } from './cellmodels';
import { CompiledNetlist, runStream, WARMUP_CYCLES } from './gatesim';
import { OSU018_VERILOG } from './liberty';
import type { MappedDesign } from './measure';

export type GateSim = SimulatorName | 'gatesim';

export interface GateLevelRun {
  readonly sim: GateSim;
  readonly vectors: number;
  readonly mismatches: number;
  readonly seconds: number;
  readonly buildSeconds: number;
  readonly report?: string;
}

export interface GateLevelOptions {
  readonly sim: GateSim;
  readonly vectors: readonly bigint[];
  readonly expected: readonly bigint[];
  readonly seed: number;
  /** valid/ready stall probability of the testbench (Icarus / Verilator), percent */
  readonly stallPercent?: number;
  readonly outputsPerInput?: number;
  /** a lane of the toggle simulator gets a multiple of this many vectors (a tile's rows) */
  readonly group?: number;
  /** the library's Verilog cell models for Icarus (default: osu018_stdcells.v) */
  readonly cellVerilog?: string;
}

/** One gate-level run of `d`'s flat mapped netlist; never throws on a mismatch (it is counted and reported). */
export async function simulateGateLevel(d: MappedDesign, o: GateLevelOptions): Promise<GateLevelRun> {
  const iface = d.module.interface();
  const t0 = performance.now();
  if (!d.synth.mapped) throw new HarnessError(`${d.module.name}: not mapped`);
  if (o.sim === 'gatesim') {
    const group = o.group ?? 1;
    // lanes short enough to outlast the warm-up (a 16-code decoder is 2 lanes of 8); a stream too short for even
    // one lane is checked whole, with no warm-up (this run checks outputs; its toggle counts are not used)
    const laneMin = group * (WARMUP_CYCLES + 2);
    const lanes = Math.max(1, Math.min(32, Math.floor(o.vectors.length / laneMin)));
    const warmupCycles = o.vectors.length < laneMin ? 0 : WARMUP_CYCLES;
    const r = runStream(new CompiledNetlist(d.netlist, d.lib), iface, { vectors: o.vectors, lanes, group, warmupCycles, ...(o.outputsPerInput ? { outputsPerInput: o.outputsPerInput } : {}) });
    const perLane = Math.floor(o.vectors.length / lanes / group) * group;
    // lane l ran vectors [l * perLane, (l + 1) * perLane)
    const expected: bigint[] = [];
    const opi = o.outputsPerInput ?? 1;
    for (let l = 0; l < lanes; l++) expected.push(...o.expected.slice(l * perLane * opi, (l + 1) * perLane * opi));
    const used = expected.length;
    const cmp = compareOutputs({ expected: expected.slice(0, used), actual: r.outputs, iface, inputs: [], seed: o.seed, describe: `gatesim ${d.module.name}`, maxShown: 3 });
    return { sim: o.sim, vectors: cmp.vectors, mismatches: cmp.mismatches, seconds: (performance.now() - t0) / 1000, buildSeconds: 0, ...(cmp.ok ? {} : { report: cmp.text }) };
  }
  const cells = o.sim === 'verilator' ? writeCellLibrary(d.lib) : (o.cellVerilog ?? OSU018_VERILOG);
  const r = await runSimulation({
    sim: o.sim,
    iface,
    rtlFiles: [d.synth.mapped.verilog, cells],
    vectors: o.vectors,
    seed: o.seed,
    stallPercent: o.stallPercent ?? 0,
    compileFast: true,
    ...(o.outputsPerInput ? { expectedOutputs: o.vectors.length * o.outputsPerInput } : {}),
  });
  const cmp = compareOutputs({
    expected: o.expected,
    actual: r.outputs,
    iface,
    inputs: o.outputsPerInput && o.outputsPerInput !== 1 ? [] : o.vectors,
    seed: o.seed,
    describe: `${o.sim} gate level ${d.module.name}`,
    maxShown: 3,
  });
  return { sim: o.sim, vectors: cmp.vectors, mismatches: cmp.mismatches, seconds: r.seconds, buildSeconds: r.buildSeconds, ...(cmp.ok ? {} : { report: cmp.text }) };
}
