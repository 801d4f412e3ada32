// `make sim-gl` promises every reference top at gate level: the set it drives must name each top of
// configs/reference.json once, each with a unit the physical flow has vectors for (a schema unit name the flow
// did not know once dropped the tile re-quantizers from the run without failing it).
import { describe, expect, it } from 'vitest';
import { referenceConfigs, referencePhysConfigs } from '../../generator/rtl/configs';
import { supportsUnit } from '../../generator/phys/workloads';

describe('the reference set of the physical flow', () => {
  const names = (cs: ReturnType<typeof referenceConfigs>) => [...new Set(cs.map((c) => c.build().name))].sort();
  it('covers every reference top, each with a gate-level driver', () => {
    const phys = referencePhysConfigs();
    expect(names(phys)).toEqual(names(referenceConfigs()));
    expect(phys.filter((c) => !supportsUnit(c)).map((c) => c.unit)).toEqual([]);
    expect(phys.some((c) => c.unit === 'tile-requant')).toBe(true);
  });
});
