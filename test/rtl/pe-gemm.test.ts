// `mxgen sim gemm` in-process: every format, the mixed pair and bf16 through the generated PE for 1x32/32x1
// and 8x8/8x8 operands under Icarus, each compared bit for bit with `mxgen gemm`; and the command's input
// errors. Verilator: pe-gemm-verilator.test.ts (a subset; its builds take 5-60 s each) and the pe suite of
// `make sim`, which runs the same GEMMs for every format under both simulators.

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { bufferIO } from '../../generator/cli/io';
import { main } from '../../generator/cli/main';
import { FORMAT_NAMES } from '../../generator/golden/index';
import { Prng } from '../../generator/util/prng';

let dir: string;

async function run(argv: string[]) {
  const io = bufferIO('', dir);
  const code = await main(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

/** A matrix JSON of Gaussian-ish values with some zeros, a wide exponent spread and ties. */
function matrix(rows: number, cols: number, seed: number, extra: (i: number) => unknown = () => undefined) {
  const rng = new Prng(seed);
  const data = Array.from({ length: rows * cols }, (_, i) => {
    const x = extra(i);
    if (x !== undefined) return x;
    if (rng.chance(0.08)) return 0;
    const u = (rng.u32() + 1) / 4294967297;
    const v = (rng.u32() + 1) / 4294967297;
    const g = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return g * 2 ** rng.range(-12, 6);
  });
  return JSON.stringify({ rows, cols, data });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mxgen-sim-gemm-'));
  // 1x32: K = 40 is a full chunk and a padded one; C given
  await writeFile(path.join(dir, 'a32.json'), matrix(3, 40, 1, (i) => (i === 5 ? -1e-40 : i === 7 ? 3.4e38 : undefined)));
  await writeFile(path.join(dir, 'b32.json'), matrix(40, 2, 2));
  await writeFile(path.join(dir, 'c32.json'), JSON.stringify({ rows: 3, cols: 2, data: [0, -0, 'inf', 1e-42, -3, 1e30] }));
  // 8x8 tiles: K = 12 (a full chunk and a padded one), M and N not multiples of 8
  await writeFile(path.join(dir, 'a8.json'), matrix(9, 12, 3));
  await writeFile(path.join(dir, 'b8.json'), matrix(12, 10, 4));
  await writeFile(path.join(dir, 'nan.json'), matrix(2, 32, 5, (i) => (i === 3 ? 'nan' : undefined)));
});

const PAIRS: [string, string][] = [...FORMAT_NAMES.map((f) => [f, f] as [string, string]), ['mxfp8-e4m3', 'mxfp8-e5m2'], ['bf16', 'bf16']];

async function agree(sim: string, fa: string, fb: string, shape: '1x32' | '8x8') {
  const files = shape === '1x32' ? ['--a', 'a32.json', '--b', 'b32.json', '--c', 'c32.json'] : ['--a', 'a8.json', '--b', 'b8.json', '--block-a', '8x8', '--block-b', '8x8'];
  const fmt = ['--format', fa, ...(fa !== fb ? ['--format-b', fb] : [])];
  const golden = await run(['gemm', ...fmt, ...files]);
  expect(golden.code).toBe(0);
  const rtl = await run(['sim', 'gemm', ...fmt, ...files, '--sim', sim]);
  expect(rtl.stderr).toBe('');
  expect(rtl.code).toBe(0);
  expect(rtl.stdout).toBe(golden.stdout);
  const bits = (JSON.parse(golden.stdout) as { bits: number[] }).bits;
  // a real product, not zeros (the 1x32 case has 6 outputs, one row overflowing and an Inf in C)
  expect(new Set(bits).size).toBeGreaterThanOrEqual(4);
}

describe('sim gemm agrees with gemm (Icarus)', () => {
  test.each(PAIRS)('%s x %s, 1x32 and 8x8', async (fa, fb) => {
    await agree('icarus', fa, fb, '1x32');
    await agree('icarus', fa, fb, '8x8');
  });
});

describe('sim gemm specials and errors', () => {
  test('a NaN input gives a NaN scale: its row of C is NaN, like gemm', async () => {
    const args = ['--format', 'mxfp8-e4m3', '--a', 'nan.json', '--b', 'b32.json'];
    await writeFile(path.join(dir, 'b32s.json'), matrix(32, 2, 6));
    args[args.length - 1] = 'b32s.json';
    const rtl = await run(['sim', 'gemm', ...args, '--sim', 'icarus']);
    expect(rtl.code).toBe(0);
    expect(rtl.stdout).toBe((await run(['gemm', ...args])).stdout);
    expect((JSON.parse(rtl.stdout) as { bits: number[] }).bits.slice(0, 2)).toEqual([0x7fc00000, 0x7fc00000]);
  });

  test('--no-check still prints the result; gemmDiff names the differing elements', async () => {
    const args = ['--format', 'mxfp4-e2m1', '--a', 'a8.json', '--b', 'b8.json', '--block-a', '8x8', '--block-b', '8x8', '--sim', 'icarus'];
    const r = await run(['sim', 'gemm', ...args, '--no-check']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 9, cols: 10 });
    const { gemmDiff } = await import('../../generator/rtl/pe/gemm');
    const { makeMatrix } = await import('../../generator/golden/index');
    const x = makeMatrix(2, 2, new Uint32Array([1, 2, 3, 4]));
    expect(gemmDiff(x, x, 'same')).toBeUndefined();
    const y = makeMatrix(2, 2, new Uint32Array([1, 2, 3, 5]));
    expect(gemmDiff(x, y, 'pe')).toMatch(/1 of 4 elements of C differ\n  C\[1,1\]: expected 0x00000004 actual 0x00000005/);
  });

  test('help names the operand quantization', async () => {
    const r = await run(['sim', 'gemm', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/quantization: the GOLDEN MODEL quantizes A and B/i);
    expect(r.stdout).toContain('--sim');
  });

  test.each([
    [['--format', 'bf16', '--format-b', 'mxsf'], 2, /cannot be mixed/],
    [['--format', 'mxsf', '--block-a', '8x8'], 2, /edges along K differ/],
    [['--format', 'mxsf', '--block-a', '1x128', '--block-b', '128x1'], 2, /above 64/],
    [['--format', 'mxsf', '--sim', 'vcs'], 2, /must be one of verilator, icarus/],
    [['--format', 'nope'], 2, /unknown format 'nope'/],
  ])('%j exits %i', async (extra, code, msg) => {
    await writeFile(path.join(dir, 'big.json'), matrix(2, 128, 7));
    await writeFile(path.join(dir, 'bigb.json'), matrix(128, 2, 8));
    const files = extra.includes('1x128') ? ['--a', 'big.json', '--b', 'bigb.json'] : ['--a', 'a32.json', '--b', 'b32.json'];
    const r = await run(['sim', 'gemm', ...extra, ...files]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(msg);
  });

  test('shape errors name the files', async () => {
    const r = await run(['sim', 'gemm', '--format', 'mxsf', '--a', 'a32.json', '--b', 'b8.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/a32\.json is 3x40 and b8\.json is 12x10/);
    const m = await run(['sim', 'gemm', '--format', 'mxsf', '--a', 'missing.json', '--b', 'b8.json']);
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/missing\.json: no such file/);
  });
});
