// The pipeline stager (generator/hdl/lib/stager.ts), its planner and delay model (delay.ts), and the
// valid/ready stage control with the skid option (pipeline.ts stageControl): plans, stage tracking errors,
// and a small staged unit simulated under Icarus at every depth with random stalls, linted by Verilator.
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  DelayEstimator, type Module, ModuleBuilder, Stager, UNSTAGED, chooseBoundaries, lit, operatorDelay, pipelinedUnit, specSuffix,
  stageControl, stagedModule, type StageSpec,
} from '../../generator/hdl/index';
import { runSimulation } from '../../generator/sim/index';
import { Prng } from '../../generator/util/prng';
import { removeTempDirs, verilatorLint, writeVerilog, yosysSynth } from './tools';

afterAll(removeTempDirs);

/** A staged unit: y = ((a + b) * 3) ^ a, with a point after each step (a travels along). */
function chainModule(spec: StageSpec = UNSTAGED): Module {
  return stagedModule('chain', { doc: 'test unit', config: {} }, spec, (m, st) => {
    const a = m.input('a_i', 16);
    const b = m.input('b_i', 16);
    const p1 = st.point('sum', { s: a.add(b), a });
    const p2 = st.point('mul', { t: p1.s.mul(lit(3, 2)).trunc(18), a: p1.a });
    const p3 = st.point('mix', { u: p2.t.xor(p2.a.zext(18)) });
    m.assign(m.output('y_o', 18), st.finish({ y: p3.u }).y);
  });
}
const chainGolden = (a: number, b: number): number => (((a + b) * 3) & 0x3ffff) ^ a;

describe('planner', () => {
  test('minimises the longest stage; ties go to the balanced plan, then to fewer registered bits', () => {
    // candidates at 10, 20, 30, 40; total 50
    expect(chooseBoundaries([10, 20, 30, 40], [1, 1, 1, 1], 50, 1)).toEqual({ boundaries: [50], maxStage: 50 });
    expect(chooseBoundaries([10, 20, 30, 40], [1, 1, 1, 1], 50, 2)).toMatchObject({ maxStage: 30 });
    // 20 and 30 give the same longest stage and the same balance: the cheaper one wins
    expect(chooseBoundaries([10, 20, 30, 40], [1, 9, 1, 1], 50, 2).boundaries).toEqual([30, 50]);
    expect(chooseBoundaries([10, 20, 30, 40], [1, 1, 9, 1], 50, 2).boundaries).toEqual([20, 50]);
    // d = 3: longest stage 20 for {10, 30}, {20, 30}, {20, 40} (equally balanced); the bits decide
    expect(chooseBoundaries([10, 20, 30, 40], [9, 1, 9, 1], 50, 3)).toEqual({ boundaries: [20, 40, 50], maxStage: 20 });
    // balance before bits: {30} alone splits 60 into 30 + 30, {20, 40} at d = 3 into 20 + 20 + 20
    expect(chooseBoundaries([10, 20, 30, 40, 50], [1, 1, 1, 1, 1], 60, 3).boundaries).toEqual([20, 40, 60]);
    // more stages than candidates: extra registers where they cost least (at the output here)
    expect(chooseBoundaries([25], [100], 50, 4, 1000, 1)).toEqual({ boundaries: [25, 50, 50, 50], maxStage: 25 });
  });

  test('the delay model table (gate levels)', () => {
    expect(operatorDelay('and', [8, 8], [false, false], 8)).toBe(1);
    expect(operatorDelay('add', [32, 32], [false, false], 33)).toBeCloseTo(4 * Math.log2(33) - 2);
    expect(operatorDelay('add', [32, 1], [false, false], 33)).toBeCloseTo(2 * Math.log2(33));
    expect(operatorDelay('lt', [16, 16], [false, false], 1)).toBe(10);
    expect(operatorDelay('eq', [32, 32], [false, true], 1)).toBe(5);
    expect(operatorDelay('mul', [6, 6], [false, false], 12)).toBe(19);
    expect(operatorDelay('shrBy', [32, 5], [false, false], 32)).toBe(5);
  });

  test('plans of the chain unit: the output register always, cuts at the points, names carry the cuts', () => {
    const plans = [1, 2, 3, 4, 6].map((d) => pipelinedUnit({ name: `chain_d${d}`, depth: d, factory: chainModule }));
    for (const { plan } of plans) expect(plan.boundaries[plan.boundaries.length - 1]).toBe(plan.total);
    const max = plans.map((p) => p.plan.maxStage);
    for (let i = 1; i < max.length; i++) expect(max[i]).toBeLessThanOrEqual(max[i - 1]!);
    expect(max[1]).toBeLessThan(max[0]!);
    // the multiplier (no point inside) bounds every plan from d = 3 on
    expect(max[4]).toBe(max[2]);
    // the submodule of the 3-stage plan has two internal register stages, named by the points where they start
    const sub = plans[2]!.module.submodules[0]!;
    expect(sub.name).toMatch(/^chain_c\d_\d$/);
    expect(sub.inputShapes.get('en_i')?.width).toBe(2);
    expect(specSuffix({ points: [{ path: 'a', stage: 0 }, { path: 'b', stage: 1 }, { path: 'c', stage: 3 }] })).toBe('_c1_2_2');
  });

  test('the delay estimate of the pipelined design matches the plan', () => {
    for (const d of [2, 3]) {
      const { module, plan } = pipelinedUnit({ name: `chain_d${d}`, depth: d, factory: chainModule });
      const a = new DelayEstimator().evaluate(module);
      expect(a.regInputs).toBeGreaterThan(0);
      expect(a.regInputs).toBeLessThanOrEqual(plan.maxStage + 1 + 1e-9); // + the load-enable mux of the skid-free path
    }
  });
});

describe('stage tracking', () => {
  test('combining values of different stages is an error that names the point', () => {
    const spec: StageSpec = { points: [{ path: 'p', stage: 1 }, { path: 'out', stage: 1 }] };
    expect(() =>
      stagedModule('bad_mix', {}, spec, (m, st) => {
        const a = m.input('a_i', 8);
        const p = st.point('p', { x: a.add(1) });
        m.assign(m.output('y_o', 9), st.finish({ y: p.x.add(a).trunc(9) }).y);
      }),
    ).toThrow(/combines values of pipeline stages 1 and 0/);
  });

  test('a point name used twice is an error', () => {
    const m = new ModuleBuilder('twice');
    const st = new Stager(m, UNSTAGED, { load: () => lit(1, 1) });
    const a = m.input('a_i', 4);
    st.point('p', { a });
    expect(() => st.point('p', { a })).toThrow(/used twice/);
  });

  test('a skid buffer needs a register stage', () => {
    const m = new ModuleBuilder('skid0');
    const hs = m.stream();
    expect(() => stageControl(m, { name: 'st', depth: 0, inValid: hs.inValid, outReady: hs.outReady, skid: true })).toThrow(/skid buffer needs pipeline depth >= 1/);
  });
});

describe('staged unit under Icarus: every depth, skid on/off, random stalls', () => {
  const rng = new Prng(11);
  const cases = Array.from({ length: 400 }, () => [rng.int(1 << 16), rng.int(1 << 16)] as const);
  const inputs = cases.map(([a, b]) => BigInt(a) | (BigInt(b) << 16n));
  const expected = cases.map(([a, b]) => BigInt(chainGolden(a, b)));
  for (const depth of [0, 1, 2, 3, 4, 6]) {
    for (const skid of depth > 0 ? [false, true] : [false]) {
      test(`depth ${depth}${skid ? ' skid' : ''}`, async () => {
        const { module } = pipelinedUnit({ name: `chain_d${depth}${skid ? '_skid' : ''}`, depth, skid, factory: chainModule });
        const ready = module.combPaths.get('in_ready_o') ?? new Set<string>();
        // in_ready_o depends on out_ready_i combinationally exactly without the skid buffer
        expect(ready.has('out_ready_i')).toBe(!skid);
        if (depth > 0) for (const p of ['y_o', 'out_valid_o']) expect([...(module.combPaths.get(p) ?? [])]).toEqual([]);
        const { dir, files } = writeVerilog(module, `chain${depth}${skid ? 's' : ''}`);
        for (const stall of [0, 40]) {
          const r = await runSimulation({ sim: 'icarus', iface: module.interface(), rtlFiles: files, vectors: inputs, seed: depth * 7 + stall, stallPercent: stall });
          expect(r.outputs).toEqual(expected);
          // full throughput without stalls: one beat per cycle after the latency
          if (stall === 0) expect(r.cycles).toBeLessThanOrEqual(inputs.length + depth + 2);
        }
        if (depth === 3) {
          const names = files.map((f) => path.basename(f));
          const vl = await verilatorLint(names, module.name, dir);
          expect(vl.output, 'verilator --lint-only -Wall').toBe('');
          const ys = await yosysSynth(names, module.name, dir);
          expect(ys.output, 'yosys').toBe('');
        }
      });
    }
  }
});
