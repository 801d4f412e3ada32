// Runs the FP32 units against their golden models through the simulation harness: emits the Verilog,
// packs the cases into port words, simulates, and compares bit for bit. Shared by the unit tests and
// the `make sim` suite.
import { join } from 'node:path';
import { type Expr, type Module, ModuleBuilder, type StagedFactory, UNSTAGED, pipelinedUnit, writeDesign } from '../../hdl/index';
import { type SimulatorName, compareOutputs, dataPorts, packPorts, runSimulation } from '../../sim/index';
import { WORK_DIR } from '../../sim/paths';
import { type AddCase, type MulCase, type RoundCase, addGolden, bf16MulGolden, roundGolden } from './vectors';

/** Writes the module (and its submodules) as Verilog under sim/work/fp32/<name>/; returns the files. */
export function emitUnit(m: Module): string[] {
  return writeDesign(m, join(WORK_DIR, 'fp32', m.name), { bindings: false });
}

/** One bit-exact check of a combinational FP32 unit: packed inputs and the golden outputs. */
export interface UnitVectors {
  readonly inputs: bigint[];
  readonly expected: bigint[];
}

export function roundVectors(m: Module, cases: readonly RoundCase[]): UnitVectors {
  const ins = dataPorts(m.interface(), 'input');
  const expWidth = m.inputShapes.get('exp_i')!.width;
  const expMask = (1n << BigInt(expWidth)) - 1n;
  return {
    inputs: cases.map((c) => packPorts(ins, { sign_i: BigInt(c.sign), mag_i: c.mag, exp_i: BigInt(c.exp) & expMask })),
    expected: cases.map((c) => BigInt(roundGolden(c))),
  };
}

export function addVectors(m: Module, cases: readonly AddCase[]): UnitVectors {
  const ins = dataPorts(m.interface(), 'input');
  return {
    inputs: cases.map((c) => packPorts(ins, { a_i: BigInt(c.a), b_i: BigInt(c.b) })),
    expected: cases.map((c) => BigInt(addGolden(c))),
  };
}

export function mulVectors(m: Module, cases: readonly MulCase[]): UnitVectors {
  const ins = dataPorts(m.interface(), 'input');
  return {
    inputs: cases.map((c) => packPorts(ins, { a_i: BigInt(c.a), b_i: BigInt(c.b) })),
    expected: cases.map((c) => BigInt(bf16MulGolden(c))),
  };
}

export interface CheckResult {
  readonly vectors: number;
  readonly mismatches: number;
  /** simulation wall time (excluding the model build) */
  readonly seconds: number;
  readonly buildSeconds: number;
  /** the compare report (first mismatches with inputs and seed) */
  readonly text: string;
}

/** Simulates `v.inputs` on `sim` and compares with `v.expected`. `seed` is the vector seed, for the report. */
export async function simulateUnit(
  sim: SimulatorName,
  m: Module,
  files: readonly string[],
  v: UnitVectors,
  seed: number,
  describe: string,
  /** random input stalls and output back-pressure (pipelined units) */
  stallPercent = 0,
): Promise<CheckResult> {
  const iface = m.interface();
  const r = await runSimulation({ sim, iface, rtlFiles: files, vectors: v.inputs, seed: seed | 0, stallPercent });
  const rep = compareOutputs({ expected: v.expected, actual: r.outputs, iface, inputs: v.inputs, seed, describe: `${sim} ${describe}` });
  return { vectors: v.inputs.length, mismatches: rep.mismatches, seconds: r.seconds, buildSeconds: r.buildSeconds, text: rep.text };
}

/**
 * A unit pipelined to `depth` register stages by the planner (hdl/lib/stager.ts), inside a stream wrapper:
 * `<unit>_pipe_d<depth>[_skid]`, the unit's data ports plus the valid/ready handshake.
 */
export function pipelinedFp32Unit(factory: StagedFactory, depth: number, skid = false): Module {
  const name = factory(UNSTAGED).name;
  return pipelinedUnit({ name: `${name}_pipe_d${depth}${skid ? '_skid' : ''}`, depth, skid, factory }).module;
}

/**
 * A test harness top that instantiates several combinational units side by side, so one simulator
 * build covers them all (a Verilator build costs seconds; the unit tests would otherwise pay it per
 * configuration). Port `<unit>_<port>` drives or reads port `<port>` of instance `u_<unit>`.
 */
export function bundleModule(name: string, units: readonly Module[]): Module {
  const m = new ModuleBuilder(name, { doc: `Test harness: ${units.map((u) => u.name).join(', ')} side by side.`, config: {} });
  for (const u of units) {
    const conns: Record<string, Expr> = {};
    for (const p of u.dataPorts('input')) conns[p.name] = m.input(`${u.name}_${p.name}`, u.inputShapes.get(p.name)!, `${u.name}.${p.name}`);
    const inst = m.instance(u, `u_${u.name}`, conns);
    for (const p of u.dataPorts('output')) m.assign(m.output(`${u.name}_${p.name}`, p.width, `${u.name}.${p.name}`), inst.out(p.name));
  }
  return m.build();
}

/**
 * Packs per-unit vectors into the bundle's words: transaction i feeds case (i mod n_k) to unit k, so the
 * run is as long as the longest list and every case of every unit is checked.
 */
export function bundleVectors(units: readonly Module[], vectors: readonly UnitVectors[]): UnitVectors {
  const n = Math.max(...vectors.map((v) => v.inputs.length));
  const inWidths = units.map((u) => u.dataPorts('input').reduce((s, p) => s + p.width, 0));
  const outWidths = units.map((u) => u.dataPorts('output').reduce((s, p) => s + p.width, 0));
  const inputs: bigint[] = [];
  const expected: bigint[] = [];
  for (let i = 0; i < n; i++) {
    let inWord = 0n;
    let outWord = 0n;
    let inOff = 0n;
    let outOff = 0n;
    vectors.forEach((v, k) => {
      const j = i % v.inputs.length;
      inWord |= v.inputs[j]! << inOff;
      outWord |= v.expected[j]! << outOff;
      inOff += BigInt(inWidths[k]!);
      outOff += BigInt(outWidths[k]!);
    });
    inputs.push(inWord);
    expected.push(outWord);
  }
  return { inputs, expected };
}
