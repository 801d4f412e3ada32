// A real per-op measurement on a small design (the mx PE at k = 2, N(0,1) data, 320 transactions): the figure is
// positive and checked bit for bit at gate level, and a second request is served from the cache unchanged.

import { readdirSync } from 'node:fs';
import { expect, test } from 'vitest';
import { cachedOpEnergy, ENERGY_CLOCK_MHZ, opEnergy } from '../../generator/energy/measure';
import { tempDir } from '../cli/helpers';

test('mx PE k = 2: measured once, then cached', async () => {
  const cacheDir = tempDir('mxgen-energy-cache-');
  const req = { kind: 'pe' as const, format: 'mxsf' as const, data: 'normal' as const, tile: 2, transactions: 320, cacheDir };
  expect(cachedOpEnergy(req, ENERGY_CLOCK_MHZ)).toBeUndefined();
  const a = await opEnergy(req);
  expect(a.top).toBe('mxsf_pe_k2_d1');
  expect(a.gate_level_mismatches).toBe(0);
  expect(a.gate_level_outputs_checked).toBeGreaterThan(0);
  expect(a.dynamic_pj).toBeGreaterThan(0);
  expect(a.clock_pj_per_cycle).toBeGreaterThan(0);
  expect(a.clock_pj_per_cycle).toBeLessThan(a.dynamic_pj);
  expect(a.source).toMatch(/^measured/);
  expect(readdirSync(cacheDir)).toHaveLength(1);
  expect(cachedOpEnergy(req, ENERGY_CLOCK_MHZ)).toEqual(a);
  expect(await opEnergy(req)).toEqual(a);
  // another data set is another entry
  expect(cachedOpEnergy({ ...req, data: 'zero' }, ENERGY_CLOCK_MHZ)).toBeUndefined();
}, 300_000);
