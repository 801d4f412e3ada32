// The timed (Icarus + SDF) run behind make power's glitch row and make glitch: on a small PE, its zero-delay count
// (values sampled before each edge) must agree with the toggle simulator's energy on the same stream, and the
// count of every transition can only add to it.
import { describe, expect, it } from 'vitest';
import { mxPeConfig } from '../../generator/rtl/pe/configs';
import { glitchRun } from '../../generator/phys/glitch';
import { mapDesign, measureEnergy } from '../../generator/phys/measure';
import { POWER_CLOCK_MHZ } from '../../generator/phys/environment';
import { dataSet, dataStream } from '../../generator/phys/workloads';
import { scratchDir } from '../../generator/sim/paths';

describe('glitchRun', () => {
  it('counts at least the zero-delay transitions, whose energy matches the toggle simulator', async () => {
    const cfg = mxPeConfig('mxsf', 'mxsf', 2, 1);
    const d = await mapDesign(cfg.build());
    const s = dataStream(cfg, d.module, dataSet('normal', 1), 64, 5);
    const g = await glitchRun(d, s.vectors, { dir: scratchDir('glitch-test-'), clockMhz: POWER_CLOCK_MHZ, opsPerTransaction: s.opsPerTransaction });
    expect(g.cycles).toBeGreaterThan(40);
    expect(g.allToggles).toBeGreaterThanOrEqual(g.functionalToggles);
    expect(g.all.pjPerOp).toBeGreaterThanOrEqual(g.functional.pjPerOp);
    // one lane of the same stream in the toggle simulator: the same activity model, so within a few per cent
    // (the warm-up windows differ)
    const z = await measureEnergy({ module: d.module, mapped: d, vectors: s.vectors, clockMhz: POWER_CLOCK_MHZ, lanes: 1, opsPerTransaction: s.opsPerTransaction });
    expect(Math.abs(g.functional.pjPerOp / z.pjPerOp - 1)).toBeLessThan(0.1);
  }, 120_000);
});
