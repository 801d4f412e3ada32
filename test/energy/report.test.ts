// The report writer on a study of labelled test-input figures: the JSON list shape of reports/energy.json, the
// markdown's headline and sensitivity arithmetic, the SVG's stacked bars.

import { expect, test } from 'vitest';
import { energyJson, energyMarkdown, energySvg, multiplierFor, scaledRatio } from '../../generator/energy/report';
import { energyStudy } from '../../generator/energy/run';
import { TEST_FIGURES, tinyWorkload } from './fixture';

async function study() {
  return energyStudy({ workloads: [tinyWorkload()], arrays: [{ rows: 2, cols: 2, tile: 8, depth: 1 }], formats: ['mxsf', 'bf16'], layouts: ['tile', '1x32'], figures: TEST_FIGURES });
}

test('reports/energy.json: a list, one record per workload and array, the issue\'s keys', async () => {
  const recs = JSON.parse(energyJson(await study())) as Record<string, unknown>[];
  expect(Array.isArray(recs)).toBe(true);
  expect(recs).toHaveLength(1);
  const r = recs[0]!;
  for (const k of ['workload', 'array', 'assumptions', 'formats', 'vs_bf16']) expect(r).toHaveProperty(k);
  const f = (r['formats'] as Record<string, Record<string, unknown>>)['mxsf']!;
  for (const k of ['total_pj', 'compute_pj', 'requant_pj', 'sram_pj', 'dram_pj', 'leakage_pj', 'cycles']) expect(typeof f[k]).toBe('number');
  expect(Object.keys(r['vs_bf16'] as object).sort()).toEqual(['mxsf', 'mxsf-1x32']);
  expect(JSON.stringify(r['assumptions'])).toMatch(/Horowitz/);
});

test('sensitivity: scaling a part moves the ratio as the arithmetic says, and the solved multiplier reaches the target', async () => {
  const [r] = await study();
  const m = r!.formats['mxsf']!;
  const b = r!.formats['bf16']!;
  expect(scaledRatio(m, b, 'dram_pj', 1)).toBeCloseTo(m.total_pj / b.total_pj, 12);
  expect(scaledRatio(m, b, 'dram_pj', 2)).toBeCloseTo((m.total_pj + m.dram_pj) / (b.total_pj + b.dram_pj), 12);
  const k = multiplierFor(m, b, 'dram_pj', 0.6);
  if (k !== undefined) expect(scaledRatio(m, b, 'dram_pj', k)).toBeCloseTo(0.6, 9);
});

test('markdown and SVG', async () => {
  const recs = await study();
  const md = energyMarkdown(recs, [], 'test');
  expect(md).toMatch(/^# Energy of a training step/);
  expect(md).toContain('tiny-train');
  expect(md).toContain('-24.9 %');
  expect(md).toMatch(/\| mxsf-1x32 \|/);
  const svg = energySvg(recs);
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  // 3 formats x 5 parts
  expect((svg.match(/<rect x="\d+(\.\d+)?" y="[\d.]+" width="14"/g) ?? []).length).toBe(15);
});
