// `mxgen sim gemm --sim verilator` in-process for mxsf and the mixed pair (1x32/32x1 and 8x8 tiles, several
// chunks with the accumulator carried and a padded last chunk), bit for bit against `mxgen gemm`. Every other
// format runs under Verilator in the pe suite of `make sim` (the builds take 5-60 s each).

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ExpectStatic, beforeAll, describe, test } from 'vitest';
import { bufferIO } from '../../generator/cli/io';
import { main } from '../../generator/cli/main';
import { Prng } from '../../generator/util/prng';

let dir: string;

async function run(argv: string[]) {
  const io = bufferIO('', dir);
  const code = await main(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

function matrix(rows: number, cols: number, seed: number): string {
  const rng = new Prng(seed);
  const data = Array.from({ length: rows * cols }, () => (rng.chance(0.1) ? 0 : (rng.int(2001) - 1000) / 2 ** rng.range(0, 14)));
  return JSON.stringify({ rows, cols, data });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mxgen-sim-gemm-v-'));
  await writeFile(path.join(dir, 'a.json'), matrix(4, 40, 11));
  await writeFile(path.join(dir, 'b.json'), matrix(40, 3, 12));
  await writeFile(path.join(dir, 'c.json'), JSON.stringify({ rows: 4, cols: 3, data: [0, -0, 1, -1e-40, 'nan', 2.5, 1e38, -1e38, 3, 4, 5, 6] }));
  await writeFile(path.join(dir, 'a8.json'), matrix(9, 12, 13));
  await writeFile(path.join(dir, 'b8.json'), matrix(12, 10, 14));
});

async function agree(fa: string, fb: string, expect: ExpectStatic) {
  const fmt = ['--format', fa, ...(fa !== fb ? ['--format-b', fb] : [])];
  for (const files of [
    ['--a', 'a.json', '--b', 'b.json', '--c', 'c.json'],
    ['--a', 'a8.json', '--b', 'b8.json', '--block-a', '8x8', '--block-b', '8x8'],
  ]) {
    const golden = await run(['gemm', ...fmt, ...files]);
    const rtl = await run(['sim', 'gemm', ...fmt, ...files, '--sim', 'verilator']);
    expect(rtl.stderr).toBe('');
    expect(rtl.code).toBe(0);
    expect(rtl.stdout).toBe(golden.stdout);
  }
}

// concurrent: the Verilator builds of the two tests run side by side
describe('sim gemm agrees with gemm (Verilator)', () => {
  test.concurrent('mxsf x mxsf, 1x32 and 8x8', async ({ expect }) => agree('mxsf', 'mxsf', expect));
  test.concurrent('mxfp8-e4m3 x mxfp8-e5m2, 1x32 and 8x8', async ({ expect }) => agree('mxfp8-e4m3', 'mxfp8-e5m2', expect));
});
