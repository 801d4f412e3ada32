// No partial output when a write fails half-way: the cases the fuzzing found (generate leaving the files written
// before the failing one, and a temporary file) and their neighbours, each checked to leave the folder as it was.

import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { MAX_PREFIX } from '../../generator/ip/params';
import { Sandbox, expectCleanFailure, run, snapshot } from './run';

let box: Sandbox;
beforeAll(() => {
  box = new Sandbox('mxgen-partial-');
});
afterAll(() => box.dispose());

test.each([
  ['generate into a folder whose manifest.json is a folder (fails on the last file)', ['generate', 'decoder', '--format', 'mxsf', '--out', 'o', '--force'], (d: string) => mkdirSync(path.join(d, 'o', 'mxsf_decode', 'manifest.json'), { recursive: true })],
  ['generate into a folder whose Verilog file is a folder (fails on the first file)', ['generate', 'decoder', '--format', 'mxsf', '--out', 'o', '--force'], (d: string) => mkdirSync(path.join(d, 'o', 'mxsf_decode', 'mxsf_decode.v'), { recursive: true })],
  ['generate a config whose second design cannot be written', ['generate', '--config', 'c.json', '--out', 'o', '--force'], (d: string) => {
    writeFileSync(path.join(d, 'c.json'), JSON.stringify({ designs: [{ unit: 'decoder', format: 'mxint8' }, { unit: 'decoder', format: 'mxsf' }] }));
    mkdirSync(path.join(d, 'o', 'mxsf_decode', 'mxsf_decode.core'), { recursive: true });
  }],
  [`generate with a prefix of ${MAX_PREFIX + 1} characters (names beyond what a file system takes)`, ['generate', 'decoder', '--format', 'mxsf', '--out', 'o', '--prefix', 'p'.repeat(MAX_PREFIX + 1)], () => {}],
  ['generate with an --out under a file', ['generate', 'decoder', '--format', 'mxsf', '--out', 'new/in.json/o'], (d: string) => {
    mkdirSync(path.join(d, 'new'));
    writeFileSync(path.join(d, 'new', 'in.json'), '{}');
  }],
  ['quantize --output into a missing folder', ['quantize', '--format', 'mxsf', '--input', 'in.json', '--output', 'no/such/out.json'], () => {}],
  ['quantize --output onto a folder', ['quantize', '--format', 'mxsf', '--input', 'in.json', '--output', 'd'], (d: string) => mkdirSync(path.join(d, 'd'))],
  ['quantize --output with a name too long', ['quantize', '--format', 'mxsf', '--input', 'in.json', '--output', `${'n'.repeat(300)}.json`], () => {}],
])('%s', async (_what, argv, prepare) => {
  const dir = box.fresh();
  writeFileSync(path.join(dir, 'in.json'), JSON.stringify({ rows: 1, cols: 2, data: [1, 2] }));
  writeFileSync(path.join(dir, 'mine.txt'), 'mine\n');
  prepare(dir);
  const before = snapshot(dir);
  const r = await run(dir, argv);
  expectCleanFailure(r, argv.join(' '));
  expect(snapshot(dir)).toBe(before);
  expect(readdirSync(dir).filter((n) => n.includes('.tmp'))).toEqual([]);
});

test('the same generate succeeds once the way is clear, and the prefix limit is exact', async () => {
  const dir = box.fresh();
  const r = await run(dir, ['generate', 'decoder', '--format', 'mxsf', '--out', 'o', '--prefix', 'p'.repeat(MAX_PREFIX)]);
  expect(r.code, r.stderr).toBe(0);
  expect(readdirSync(path.join(dir, 'o')).sort()).toEqual(['mxgen-index.json', `${'p'.repeat(MAX_PREFIX)}mxsf_decode`]);
});
