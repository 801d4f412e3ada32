// `mxgen energy`: bad input is one clean line with a non-zero exit (no stack trace); a workload file runs end to
// end on a cache of labelled test-input figures (no measurement: the cache folder is a fixture written here).

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { cacheKey, designConfig, type OpEnergy } from '../../generator/energy/measure';
import { allModules, emitVerilog } from '../../generator/hdl/index';
import { createHash } from 'node:crypto';
import { ENERGY_CLOCK_MHZ } from '../../generator/energy/measure';
import { expectOneLine, put, runIn, tempDir } from '../cli/helpers';
import { TEST_FIGURES } from './fixture';

const FILE = {
  name: 'one-layer',
  training: false,
  gemms: [{ name: 'Y = X W', m: 16, k: 32, n: 8, a: 'X', b: 'W', out: 'Y', outQuantized: true }],
};

describe('errors', () => {
  const dir = tempDir('mxgen-energy-cli-');
  put(dir, 'w.json', FILE);
  put(dir, 'bad.json', { name: 'x', training: false, gemms: [{ m: 0, k: 1, n: 1 }] });
  put(dir, 'shape.json', { name: 'x', training: false, gemms: [{ m: 2, k: 3, n: 4, a: 'X' }, { m: 5, k: 3, n: 4, a: 'X' }] });
  put(dir, 'junk.json', '{"name": ');
  test.each([
    [['energy', '--workload', 'mlp'], /missing required option --array/, 2],
    [['energy', '--workload', 'mlp', '--array', '9x8'], /--array: '9x8' is not RxC with R and C from 1 to 8/, 2],
    [['energy', '--workload', 'mlp', '--array', '8x8', '--format', 'mxsf,fp9'], /--format: unknown format 'fp9'/, 2],
    [['energy', '--workload', 'mlp', '--array', '8x8', '--format', 'bf16,bf16'], /listed twice/, 2],
    [['energy', '--workload', 'mlp', '--array', '8x8', '--layout', '2d'], /--layout/, 2],
    [['energy', '--workload', 'nothere.json', '--array', '8x8'], /nothere.json: no such file/, 1],
    [['energy', '--workload', 'bad.json', '--array', '8x8'], /bad.json: gemms\[0\]\.m: 0 is not an integer from 1 to 8192/, 1],
    [['energy', '--workload', 'shape.json', '--array', '8x8'], /tensor 'X' is 2x3 in one GEMM and 5x3/, 1],
    [['energy', '--workload', 'junk.json', '--array', '8x8'], /junk.json: truncated or malformed JSON/, 1],
    [['energy', '--workload', 'mlp', '--array', `${'\u001b'}x`.repeat(50)], /--array: '.*\.\.\. \(\d+ characters\)' is not RxC/, 2],
  ] as const)('%j', async (argv, message, code) => {
    const r = await runIn(dir, argv);
    expect(r.code).toBe(code);
    expect(expectOneLine(r)).toMatch(message);
  });
});

/** A cache folder holding the test-input figures under the keys the real designs would have. */
function fixtureCache(dir: string, tile: number): void {
  mkdirSync(dir, { recursive: true });
  for (const f of TEST_FIGURES) {
    const module = designConfig(f.kind, f.format, tile).build();
    const h = createHash('sha256');
    for (const x of allModules(module).sort((a, b) => a.name.localeCompare(b.name))) h.update(emitVerilog(x));
    const key = cacheKey({ kind: f.kind, format: f.format, data: 'normal', tile }, module.name, h.digest('hex').slice(0, 16), ENERGY_CLOCK_MHZ);
    const fig: OpEnergy = { ...f, top: module.name };
    writeFileSync(path.join(dir, `${key}.json`), JSON.stringify(fig));
  }
}

test('a workload file end to end on a fixture cache: table and JSON', async () => {
  const dir = tempDir('mxgen-energy-run-');
  put(dir, 'w.json', FILE);
  fixtureCache(path.join(dir, 'cache'), 8);
  const r = await runIn(dir, ['energy', '--workload', 'w.json', '--array', '4x4', '--format', 'mxsf,bf16', '--cache', 'cache', '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const j = JSON.parse(r.stdout) as { workload: string; array: string; formats: Record<string, { total_pj: number; compute_pj: number; requant_pj: number; sram_pj: number; dram_pj: number; leakage_pj: number; cycles: number; pe_ops: number }>; vs_bf16: Record<string, number> }[];
  expect(j).toHaveLength(1);
  expect(j[0]!.workload).toBe('one-layer');
  expect(j[0]!.array).toBe('4x4');
  expect(Object.keys(j[0]!.formats).sort()).toEqual(['bf16', 'mxsf', 'mxsf-1x32']);
  for (const f of Object.values(j[0]!.formats)) for (const k of ['total_pj', 'compute_pj', 'requant_pj', 'sram_pj', 'dram_pj', 'leakage_pj', 'cycles']) expect(typeof (f as Record<string, number>)[k]).toBe('number');
  // 16 x 8 outputs = 2 x 1 tiles of 4 x 4 blocks = 2 x 2 x 1 blocks... in PE ops: blocks x 16 cells x 4 chunks
  expect(j[0]!.formats['mxsf']!.pe_ops).toBe(2 * 2 * 2 * 16 * 4);
  expect(j[0]!.formats['mxsf']!.compute_pj).toBe(j[0]!.formats['mxsf']!.pe_ops * 100); // the test-input 100 pJ/op
  expect(j[0]!.vs_bf16['mxsf']).toBeCloseTo(j[0]!.formats['mxsf']!.total_pj / j[0]!.formats['bf16']!.total_pj, 12);
  const t = await runIn(dir, ['energy', '--workload', 'w.json', '--array', '4x4', '--format', 'mxsf,bf16', '--layout', 'tile', '--cache', 'cache']);
  expect(t.code).toBe(0);
  expect(t.stdout).toMatch(/^one-layer on a 4x4 array/);
  expect(t.stdout).toMatch(/\nmxsf .* %\n/);
});
