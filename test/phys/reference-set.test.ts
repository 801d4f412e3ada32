// `make sim-gl` promises every reference top at gate level: the set it drives must hold each top of
// configs/reference.json once, as the same module, each with vectors from the physical flow (the schema's unit
// name and parameters once dropped the tile re-quantizers and broke the PEs' vector generator).
import { describe, expect, it } from 'vitest';
import { allModules, emitVerilog } from '../../generator/hdl/index';
import { referenceConfigs, referencePhysConfigs } from '../../generator/rtl/configs';
import { supportsUnit, verificationStream } from '../../generator/phys/workloads';

describe('the reference set of the physical flow', () => {
  const text = (m: ReturnType<ReturnType<typeof referenceConfigs>[number]['build']>) => allModules(m).map((x) => emitVerilog(x)).join('\n');
  it('holds every reference top as the same module, each with a gate-level driver and vectors', () => {
    const ref = new Map(referenceConfigs().map((c) => { const m = c.build(); return [m.name, text(m)]; }));
    const phys = referencePhysConfigs();
    const built = phys.map((c) => ({ c, m: c.build() }));
    expect([...new Set(built.map((x) => x.m.name))].sort()).toEqual([...ref.keys()].sort());
    for (const { c, m } of built) {
      expect(text(m), m.name).toBe(ref.get(m.name));
      expect(supportsUnit(c), m.name).toBe(true);
      const s = verificationStream(c, m, 4, 1);
      expect(s.vectors.length, m.name).toBeGreaterThan(0);
      expect(s.expected.length, m.name).toBeGreaterThan(0);
    }
  });
});
