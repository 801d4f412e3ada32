// `make energy`: reports/energy.{json,md,svg} for the MLP and transformer workloads (training step and inference),
// 4x4 and 8x8 arrays, every format, tile and 1-D layouts. Per-op energies come from sim/work/energy-cache (measured
// on a miss, minutes per design); the whole-array gate-level check (validate.ts) is read from its cache file
// when present (make energy runs it first).
// Usage: tsx generator/energy/main.ts [--out DIR] [--cache DIR]

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CACHE_DIR } from './measure';
import { ALL_FORMATS } from './model';
import { energyJson, energyMarkdown, energySvg, type Validation } from './report';
import { energyStudy } from './run';
import { mlpWorkload, transformerWorkload } from './workloads';
import { VALIDATION_FILE, VALIDATION_FILE_2X2 } from './validate-file';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { out: { type: 'string', default: 'reports' }, cache: { type: 'string' } } });
  const outDir = path.resolve(values.out!);
  const cacheDir = values.cache ? path.resolve(values.cache) : DEFAULT_CACHE_DIR;
  const t0 = performance.now();
  const records = await energyStudy({
    workloads: [mlpWorkload(true), mlpWorkload(false), transformerWorkload(true), transformerWorkload(false)],
    arrays: [
      { rows: 4, cols: 4, tile: 8, depth: 1 },
      { rows: 8, cols: 8, tile: 8, depth: 1 },
    ],
    formats: ALL_FORMATS,
    layouts: ['tile', '1x32'],
    cacheDir,
    log: (l) => console.log(l),
  });
  // the whole-array checks (validate.ts): the per-part one and the 2x2 flat one
  const validation = [VALIDATION_FILE, VALIDATION_FILE_2X2]
    .map((f) => path.join(cacheDir, f))
    .filter((f) => existsSync(f))
    .map((f) => JSON.parse(readFileSync(f, 'utf8')) as Validation);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'energy.json'), energyJson(records));
  writeFileSync(path.join(outDir, 'energy.md'), energyMarkdown(records, validation, 'make energy'));
  writeFileSync(path.join(outDir, 'energy.svg'), energySvg(records));
  for (const r of records) console.log(`${r.workload.padEnd(18)} ${r.array}  ${Object.entries(r.vs_bf16).map(([k, v]) => `${k} ${(100 * (v - 1)).toFixed(1)} %`).join('  ')}`);
  console.log(`energy: ${records.length} records (${((performance.now() - t0) / 1000).toFixed(0)} s): ${path.relative('.', outDir)}/energy.{json,md,svg}`);
  return 0;
}

main().then(
  (c) => (process.exitCode = c),
  (e: unknown) => {
    console.error(`energy: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
