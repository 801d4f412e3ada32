// The accelerator (generator/rtl/array): the generated Verilog lints clean and has no latches, Yosys keeps its
// buffers as memories; random GEMM commands under Icarus for MX formats and bf16 (ops, padding, accumulation,
// FP32 and re-quantized outputs, host-port stalls) are bit-exact and take exactly the modelled cycles; the CLI
// (generate array errors, gemm --op-a/--op-b, sim gemm --array, sim train-step). Verilator: array-verilator.test.ts
// and the array suite of `make sim`.

import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, test } from 'vitest';
import { bufferIO } from '../../generator/cli/io';
import { main } from '../../generator/cli/main';
import { writeDesign } from '../../generator/hdl/index';
import { arrayModule } from '../../generator/rtl/array/array';
import { randomCases, runGemmCases, type GemmCase } from '../../generator/rtl/array/check';
import type { ArrayConfig } from '../../generator/rtl/array/config';
import { commandCycles } from '../../generator/rtl/array/cycles';
import { ArraySimulator } from '../../generator/rtl/array/sim';
import { lintVerilog } from '../../generator/sim/index';
import { Prng } from '../../generator/util/prng';

const cfg = (over: Partial<ArrayConfig>): ArrayConfig => ({ format: 'mxsf', rows: 2, cols: 3, tile: 4, scaleMode: 'floor', depth: 1, bufferTiles: 64, ...over });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mxgen-array-'));
});

async function run(argv: string[]) {
  const io = bufferIO('', dir);
  const code = await main(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe('cycle model', () => {
  test('one block: setup, S steps, the cell latency, the drain of R rows, done', () => {
    // 1 tile, 1 block: t0 = 2, S = 1, L = 2, R = 2: 2 + 1 + 2 + 2 + 3
    expect(commandCycles(cfg({}), { m: 2, k: 4, n: 3, acc: false, outMx: false }).cycles).toBe(10);
    // accumulating: t0 = max(2, R) = 4 with R = 4
    expect(commandCycles(cfg({ rows: 4 }), { m: 4, k: 4, n: 3, acc: true, outMx: false }).cycles).toBe(4 + 1 + 2 + 4 + 3);
    // re-quantized output: + 2T + 2 (bf16 rounding: + T + 2)
    expect(commandCycles(cfg({}), { m: 2, k: 4, n: 3, acc: false, outMx: true }).cycles).toBe(10 + 10);
    expect(commandCycles(cfg({ format: 'bf16' }), { m: 2, k: 4, n: 3, acc: false, outMx: true }).cycles).toBe(10 + 6);
  });
  test('slots of max(S, R) cycles; blocks beyond M and N skipped; utilisation below 1', () => {
    const a = commandCycles(cfg({ rows: 4, cols: 4, tile: 8 }), { m: 64, k: 256, n: 64, acc: false, outMx: false });
    expect(a.steps).toBe(32);
    expect(a.slot).toBe(32);
    expect(a.blocks).toBe(16 * 16);
    expect(a.cycles).toBe(2 + 255 * 32 + 32 + 2 + 4 + 3);
    expect(a.utilisation).toBeGreaterThan(0.99);
    expect(a.utilisation).toBeLessThan(1);
    // M = 5 with T = 4, R = 2: the second tile row band has one block row, not two
    expect(commandCycles(cfg({}), { m: 5, k: 4, n: 3, acc: false, outMx: false }).blocks).toBe(3);
    // small K: the drain sets the pace
    expect(commandCycles(cfg({ rows: 4, tile: 4 }), { m: 16, k: 4, n: 3, acc: false, outMx: false }).slot).toBe(4);
  });
});

describe('generated RTL', () => {
  for (const c of [cfg({}), cfg({ format: 'bf16', rows: 1, cols: 1, tile: 2, depth: 0 }), cfg({ format: 'mxfp8-e5m2', rows: 4, cols: 4, tile: 8, depth: 2 })]) {
    test(`${c.format} ${c.rows}x${c.cols} T${c.tile} d${c.depth}: verilator -Wall clean, no latches, buffers inferred as memories`, async () => {
      const m = arrayModule(c);
      const out = path.join(dir, m.name);
      const files = writeDesign(m, out, { bindings: false });
      await lintVerilog(files, m.name);
      const names = files.map((f) => path.basename(f));
      const script = [`read_verilog ${names.join(' ')}`, `hierarchy -check -top ${m.name}`, 'proc', 'opt', 'select -assert-none t:$dlatch t:$adlatch t:$_DLATCH_*', 'check -assert', 'tee -q -o stat.json stat -json'];
      const r = await execa('yosys', ['-q', '-p', script.join('; ')], { cwd: out, reject: false, all: true });
      expect(r.exitCode, r.all).toBe(0);
      // Yosys 0.23 prints the design hierarchy as plain text inside `stat -json` output when there is a top: drop it
      const statText = readFileSync(path.join(out, 'stat.json'), 'utf8').split('\n').filter((l) => !/^\s*[^\s"{}[\]]/.test(l)).join('\n');
      const stat = JSON.parse(statText) as { modules: Record<string, { num_memory_bits: number }> };
      const bits = Object.entries(stat.modules).filter(([k]) => k.startsWith('\\ram_w')).map(([, v]) => v.num_memory_bits);
      expect(bits.length).toBeGreaterThanOrEqual(c.format === 'bf16' ? 3 : 4);
      expect(bits.every((b) => b > 0)).toBe(true);
    }, 120_000);
  }
});

async function cases(c: ArrayConfig, list: readonly GemmCase[], stall: number) {
  const sim = new ArraySimulator(c);
  try {
    const r = await runGemmCases(sim, list, { sim: 'icarus', seed: 3, stallPercent: stall });
    for (const x of r.results) expect(x.ok, `${x.label}: ${x.detail.join('; ')}`).toBe(true);
    return r.results;
  } finally {
    sim.dispose();
  }
}

describe('GEMMs under Icarus: bit-exact, cycle counts equal the model', () => {
  test('mxsf 2x3 T4: 24 random commands (ops, padding, C, FP32 / re-quantized / both), 25 % host stalls', async () => {
    const c = cfg({});
    const r = await cases(c, randomCases(c, 24, 11, 13), 25);
    expect(r.reduce((s, x) => s + x.compared, 0)).toBeGreaterThan(1000);
  }, 300_000);
  test('mxfp8-e5m2 (Inf codes) 3x2 T4 depth 0, rceil: raw codes with NaN/Inf and NaN scales', async () => {
    const c = cfg({ format: 'mxfp8-e5m2', rows: 3, cols: 2, depth: 0, scaleMode: 'rceil' });
    await cases(c, randomCases(c, 16, 12, 11).map((g) => ({ ...g, data: 'codes' as const })), 10);
  }, 300_000);
  test('bf16 1x1 T2 depth 2: the baseline array', async () => {
    const c = cfg({ format: 'bf16', rows: 1, cols: 1, tile: 2, depth: 2 });
    await cases(c, randomCases(c, 16, 13, 7), 30);
  }, 300_000);
  test("mxsf 2x3 T4, reduction 'adders' (negating lanes, word-level adder tree): as bit-exact as the default csa cells", async () => {
    const c = cfg({ reduction: 'adders' });
    const r = await cases(c, [...randomCases(c, 12, 11, 21), ...randomCases(c, 6, 11, 22).map((g) => ({ ...g, data: 'codes' as const }))], 20);
    expect(r.reduce((s, x) => s + x.compared, 0)).toBeGreaterThan(500);
  }, 300_000);
  test('a K that needs several steps per block, an output of one element, and an exact K = T', async () => {
    const c = cfg({ format: 'mxint8' });
    const base = { acc: true, outFp32: true, outMx: true, data: 'normal' as const };
    await cases(c, [
      { ...base, m: 1, k: 37, n: 1, opA: 't', opB: 'n', seed: 1 },
      { ...base, m: 4, k: 4, n: 4, opA: 'n', opB: 't', seed: 2 },
      { ...base, m: 9, k: 8, n: 7, opA: 't', opB: 't', seed: 3, acc: false },
    ], 0);
  }, 300_000);
});

function matrixJson(rows: number, cols: number, seed: number): string {
  const rng = new Prng(seed);
  return JSON.stringify({ rows, cols, data: Array.from({ length: rows * cols }, () => (rng.chance(0.1) ? 0 : rng.normal() * 2 ** rng.range(-8, 8))) });
}

describe('CLI', () => {
  beforeAll(async () => {
    await writeFile(path.join(dir, 'a.json'), matrixJson(9, 13, 1)); // stored A^T for op t (K = 9, M = 13)
    await writeFile(path.join(dir, 'b.json'), matrixJson(9, 6, 2));
    await writeFile(path.join(dir, 'c.json'), matrixJson(13, 6, 3));
  });

  test('generate array: a non-square tile, R > T and a tile that is not a power of two are one line each', async () => {
    for (const [args, msg] of [
      [['--tile', '3x5'], /^mxgen: --tile: array tiles must be square \(got 3x5\)/],
      [['--tile', '8', '--rows', '9'], /^mxgen: --rows: 9 rows are more than the tile edge 8/],
      [['--tile', '6'], /^mxgen: --tile: the tile edge must be a power of two/],
    ] as const) {
      const r = await run(['generate', 'array', '--format', 'mxsf', ...args, '--out', path.join(dir, 'g')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  test('sim gemm --array agrees with gemm, with op t and C', async () => {
    const common = ['--format', 'mxsf', '--block-a', '4x4', '--block-b', '4x4', '--op-a', 't', '--a', 'a.json', '--b', 'b.json', '--c', 'c.json'];
    const golden = await run(['gemm', ...common]);
    expect(golden.code).toBe(0);
    const rtl = await run(['sim', 'gemm', '--array', '2x3', ...common, '--sim', 'icarus']);
    expect(rtl.code, rtl.stderr).toBe(0);
    expect(rtl.stdout).toBe(golden.stdout);
    expect(rtl.stderr).toMatch(/cycles \(cycle model \d+\)/);
  }, 300_000);

  test('op t of a 1x32-blocked operand is an error that says why; --array needs square blocks', async () => {
    const g = await run(['gemm', '--format', 'mxsf', '--op-a', 't', '--a', 'a.json', '--b', 'b.json']);
    expect(g.code).toBe(2);
    expect(g.stderr).toMatch(/--op-a t needs square tiles: the 1x32-blocked stored A transposed has 32x1 blocks/);
    const s = await run(['sim', 'gemm', '--array', '2x2', '--format', 'mxsf', '--a', 'a.json', '--b', 'b.json']);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/--array needs square tiles/);
  });

  test('sim train-step under Icarus: three GEMMs from one stored copy each, bit-exact', async () => {
    const r = await run(['sim', 'train-step', '--format', 'mxfp6-e2m3', '--array', '2x2', '--tile', '4', '--m', '6', '--k', '9', '--n', '5', '--sim', 'icarus', '--json', '--stall', '20']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { ok: boolean; gemms: { name: string; cycles: number; modelCycles: number; fp32Mismatches: number }[] };
    expect(j.ok).toBe(true);
    expect(j.gemms.map((g) => g.name)).toEqual(['Y', 'dX', 'dW']);
    for (const g of j.gemms) expect(g.cycles).toBe(g.modelCycles);
  }, 300_000);
});
