// The CI subset of `make formal` (generator/formal/main.ts --quick): handshake properties of a quantizer, a
// single-buffered column-major tile and a PE; the k = 32 mxsf tree (algebraic proof) and a k = 2 tree (also by a
// SAT miter); a PE at depths 1 and 3 against depth 0. Everything must be proven (or bounded / reached).
import { describe, expect, it } from 'vitest';
import { failed, quickPlan, runFormal } from '../../generator/formal/main';

describe('make formal, CI subset', () => {
  it('proves every check of the quick plan', async () => {
    // two checks at a time, as make formal runs on two cores: the rows must still come in the plan's order
    const plan = quickPlan();
    const rows = await runFormal(plan, { jobs: 2 });
    const runs = (xs: readonly string[]) => xs.filter((x, i) => i === 0 || x !== xs[i - 1]);
    expect(runs(rows.map((r) => r.group))).toEqual(['handshake', 'tree', 'pipeline']);
    expect(runs(rows.filter((r) => r.group === 'handshake').map((r) => r.module))).toEqual(plan.handshake.map((d) => d.unit.build(d.params).name));
    expect(rows.length).toBeGreaterThan(30);
    expect(rows.filter(failed).map((r) => `${r.module}: ${r.property}: ${r.result}`)).toEqual([]);
    // the small scoreboards finish every frame: none may read as stopped by its time limit (bmc3 prints its
    // "TimeOut" parameter on every run, which once made every pass look like a limit hit)
    const bmc = rows.filter((r) => r.method === 'BMC (ABC bmc3)' && r.group === 'pipeline');
    expect(bmc.length).toBeGreaterThan(0);
    expect(bmc.filter((r) => r.result !== 'bounded' || /time limit/.test(r.note ?? '')).map((r) => `${r.module}: ${r.result} ${r.note ?? ''}`)).toEqual([]);
    const groups = new Set(rows.map((r) => r.group));
    expect(groups).toEqual(new Set(['handshake', 'tree', 'pipeline']));
    // the tile's transaction shape: 2 rows in, 4 column lines out
    expect(rows.some((r) => r.module.includes('tilequant_r2c4') && r.property === 'no-extra-output' && r.result === 'proven')).toBe(true);
  });
});
