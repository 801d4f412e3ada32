// measureEnergy end to end on a small generated unit (adder + leading-zero counter submodule + a register stage):
// library mapping with the measured per-part figures, gate-level outputs against the reference model, energy.
import { describe, expect, it } from 'vitest';
import { adderPipe } from '../../generator/hdl/examples/adder-pipe';
import { mapDesign, measureEnergy } from '../../generator/phys/measure';
import { dataPorts, packPorts } from '../../generator/sim/pack';
import { Prng } from '../../generator/util/prng';
import path from 'node:path';
import { allModules } from '../../generator/hdl/index';
import { readNetlistJson } from '../../generator/phys/netlist';
import { WORK_DIR } from '../../generator/sim/paths';
import { mapByModule } from '../../generator/sim/synth';

describe('measureEnergy', async () => {
  const module = adderPipe({ width: 8, depth: 1 });
  const mapped = await mapDesign(module);
  const iface = module.interface();
  const ins = dataPorts(iface, 'input');
  const outs = dataPorts(iface, 'output');
  const model = (a: number, b: number): bigint => {
    const s = a + b;
    const lz = s === 0 ? 9 : 9 - (32 - Math.clz32(s));
    return packPorts(outs, { sum_o: BigInt(s), lz_o: BigInt(lz) });
  };
  const stream = (n: number, f: () => [number, number]) => {
    const p = Array.from({ length: n }, f);
    return { vectors: p.map(([a, b]) => packPorts(ins, { a_i: BigInt(a), b_i: BigInt(b) })), expected: p.map(([a, b]) => model(a, b)) };
  };

  it('maps per part: every share measured and non-negative, the parts adding up to the per-part total', () => {
    const p = mapped.synth.partition!;
    expect(p.parts.map((x) => x.name).sort()).toEqual(['(flip-flops)', '(own logic)', mapped.module.submodules[0]!.name].sort());
    for (const x of p.parts) {
      expect(x.areaUm2).toBeGreaterThanOrEqual(0);
      expect(x.transistors).toBeGreaterThanOrEqual(0);
    }
    expect(p.parts.reduce((s, x) => s + x.areaUm2, 0)).toBeCloseTo(p.areaUm2, 6);
    expect(p.parts.find((x) => x.name === '(flip-flops)')!.areaUm2).toBeGreaterThan(0);
    expect(mapped.synth.mapped!.flopBits).toBe(mapped.synth.flops);
  });

  it('simulates the mapped netlist bit-exactly and splits the energy into non-negative parts', async () => {
    const rng = new Prng(9);
    const s = stream(3200, () => [rng.int(256), rng.int(256)]);
    const r = await measureEnergy({ module, mapped, ...s, clockMhz: 20 });
    expect(r.mismatches).toBe(0);
    expect(r.outputs).toBe(3200);
    expect(r.ops).toBeGreaterThan(3000);
    expect(r.pjPerOp).toBeGreaterThan(0);
    expect(r.pjPerOp).toBeCloseTo(r.dynamicPj + r.leakagePj, 9);
    expect(r.breakdown.every((b) => b.share >= 0 && b.pjPerOp >= 0)).toBe(true);
    expect(r.breakdown.reduce((a, b) => a + b.share, 0)).toBeCloseTo(1, 9);
    // zero operands: no data net moves; what is left is the clock (every flop clocked each cycle) and leakage
    const z = await measureEnergy({ module, mapped, ...stream(3200, () => [0, 0]), clockMhz: 20 });
    expect(z.mismatches).toBe(0);
    expect(z.togglesPerOp).toBe(0);
    expect(z.energy.internalPj + z.energy.switchingPj).toBe(0);
    expect(z.pjPerOp).toBeCloseTo(z.energy.clockPj / z.ops + z.leakagePj, 9);
    expect(z.pjPerOp).toBeLessThan(r.pjPerOp / 2);
  }, 60_000);

  it('reports a wrong golden output instead of hiding it', async () => {
    const rng = new Prng(10);
    const s = stream(64, () => [rng.int(256), rng.int(256)]);
    const bad = [...s.expected];
    bad[5] = bad[5]! ^ 1n;
    const r = await measureEnergy({ module, mapped, vectors: s.vectors, expected: bad, clockMhz: 20, lanes: 2 });
    expect(r.mismatches).toBe(1);
    expect(r.firstMismatch).toMatch(/^output #5: expected 0x[0-9a-f]+, gate level 0x[0-9a-f]+$/);
  });
});

// the attributable netlist where Yosys' per-part mapping asserts (the energy check's 2x2 array): every cell
// tagged with the top's direct submodule it came from, or the top; the same function (checked by simulation in
// validate.ts), an area within a few per cent of the flat mapping (no optimisation across the boundary)
describe('mapByModule', async () => {
  const module = adderPipe({ width: 8, depth: 1 });
  const mapped = await mapDesign(module);
  const sub = module.submodules[0]!.name;
  const files = allModules(module).map((m) => path.join(WORK_DIR, 'phys', module.name, `${m.name}.v`));
  const mm = await mapByModule(files, module.name, [sub]);
  it('tags every cell with its part, flip-flops included', () => {
    const net = readNetlistJson(mm.json, mapped.lib, module.name);
    const parts = new Set(net.cells.map((c) => c.part));
    expect(parts).toEqual(new Set([module.name, sub]));
    expect(net.cells.filter((c) => mapped.lib.cells.get(c.type)!.ff).every((c) => c.part === module.name)).toBe(true);
    expect(mm.areaUm2 / mapped.synth.mapped!.areaUm2).toBeGreaterThan(0.85);
    expect(mm.areaUm2 / mapped.synth.mapped!.areaUm2).toBeLessThan(1.3);
  });
});
