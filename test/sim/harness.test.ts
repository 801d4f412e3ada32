import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertNoMismatch, compareOutputs } from '../../generator/sim/compare.js';
import { runSimulation } from '../../generator/sim/harness.js';
import { WORK_DIR } from '../../generator/sim/paths.js';
import { ADD2_PIPE, ADD_PASSTHRU, DROP_PIPE, WIDE_COMB, adderModel, adderVectors, fixture, rng, wideModel } from './fixtures.js';

const SIMS = ['icarus', 'verilator'] as const;
const N = 2000;

describe.each(SIMS)('%s', (sim) => {
  describe.each([ADD2_PIPE, ADD_PASSTHRU])('$name', (iface) => {
    it.each([0, 30])('matches the TS model with %i%% stalls', async (stallPercent) => {
      const vectors = adderVectors(iface, N, 11);
      const seed = 1234;
      const r = await runSimulation({ sim, iface, rtlFiles: [fixture(iface.name)], vectors, seed, stallPercent });
      assertNoMismatch({ expected: vectors.map((v) => adderModel(iface, v)), actual: r.outputs, iface, inputs: vectors, seed, describe: `${sim} stall ${stallPercent}%` });
      // Stalls and back-pressure must really happen (and not at 0%).
      if (stallPercent === 0) expect(r.cycles).toBeLessThanOrEqual(N + 3);
      else expect(r.cycles).toBeGreaterThan(N * 1.2);
    });
  });

  it('runs a combinational module wider than 64 bits', async () => {
    const r64 = rng(5);
    const vectors = Array.from({ length: 500 }, () => r64(80));
    const r = await runSimulation({ sim, iface: WIDE_COMB, rtlFiles: [fixture('wide_comb')], vectors, seed: 1 });
    assertNoMismatch({ expected: vectors.map(wideModel), actual: r.outputs, iface: WIDE_COMB, inputs: vectors, seed: 1 });
  });

  it('reports a wrong expected value with its inputs and the seed', async () => {
    const vectors = adderVectors(ADD2_PIPE, 50, 3);
    const seed = 777;
    const r = await runSimulation({ sim, iface: ADD2_PIPE, rtlFiles: [fixture('add2_pipe')], vectors, seed, stallPercent: 30 });
    const expected = vectors.map((v) => adderModel(ADD2_PIPE, v));
    expected[7] = expected[7]! ^ 0x100n;
    const report = compareOutputs({ expected, actual: r.outputs, iface: ADD2_PIPE, inputs: vectors, seed });
    expect(report.ok).toBe(false);
    expect(report.mismatches).toBe(1);
    expect(report.shown[0]!.index).toBe(7);
    const a = Number(vectors[7]! & 0xffn);
    const b = Number(vectors[7]! >> 8n);
    const hex2 = (x: number) => '0x' + x.toString(16).padStart(2, '0');
    const hex3 = (x: number) => '0x' + x.toString(16).padStart(3, '0');
    expect(report.text).toContain(`#7 inputs a_i=${hex2(a)} b_i=${hex2(b)}`);
    expect(report.text).toContain(`sum_o expected ${hex3((a + b) ^ 0x100)} actual ${hex3(a + b)}  <-- differs`);
    expect(report.text).toContain('seed 777');
    expect(() => assertNoMismatch({ expected, actual: r.outputs, iface: ADD2_PIPE, inputs: vectors, seed })).toThrow(/1 of 50 outputs mismatch \(seed 777\)/);
  });

  it('fails with a timeout marker when outputs never come', async () => {
    const vectors = adderVectors(ADD2_PIPE, 10, 3);
    // A failed run keeps its work directory for debugging; this one is expected, so clean it up.
    const workDir = join(WORK_DIR, `test-timeout-${sim}-${process.pid}`);
    try {
      await expect(
        runSimulation({ sim, iface: ADD2_PIPE, rtlFiles: [fixture('add2_pipe')], vectors, seed: 1, expectedOutputs: 11, timeoutCycles: 50, workDir }),
      ).rejects.toThrow(/timeout: no handshake progress sent=10 accepted=10 outputs=10 .*\(log: .*run\.log\)$/);
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  });

  it('rejects a DUT that drops outputs under back-pressure', async () => {
    const vectors = adderVectors(DROP_PIPE, 200, 3);
    const workDir = join(WORK_DIR, `test-protocol-${sim}-${process.pid}`);
    try {
      await expect(runSimulation({ sim, iface: DROP_PIPE, rtlFiles: [fixture('drop_pipe')], vectors, seed: 9, stallPercent: 30, workDir })).rejects.toThrow(
        /protocol: output dropped or changed while out_valid && !out_ready/,
      );
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  });

  it('different seeds give different stall patterns, the same seed the same one', async () => {
    const vectors = adderVectors(ADD2_PIPE, 300, 3);
    const run = (seed: number) => runSimulation({ sim, iface: ADD2_PIPE, rtlFiles: [fixture('add2_pipe')], vectors, seed, stallPercent: 30 });
    const [a, b, c] = await Promise.all([run(1), run(2), run(1)]);
    expect(a.cycles).toBe(c.cycles);
    expect(a.cycles).not.toBe(b.cycles);
    expect(b.outputs).toEqual(a.outputs);
  });

  it('reports an RTL compile error as one line naming the build log', async () => {
    const dir = join(WORK_DIR, `test-syntax-${sim}-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'add2_pipe.v');
    writeFileSync(file, readFileSync(fixture('add2_pipe'), 'utf8').replace('assign sum_o', 'assign sum_o ='));
    try {
      const err = await runSimulation({ sim, iface: ADD2_PIPE, rtlFiles: [file], vectors: [1n], seed: 1 }).catch((e: Error) => e);
      expect((err as Error).message).toMatch(new RegExp(`^${sim === 'icarus' ? 'iverilog' : 'verilator'} build of tb_add2_pipe failed: .*add2_pipe\\.v.* \\(log: .*\\.build\\.log\\)$`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('dumps waves on request', async () => {
    const vectors = adderVectors(ADD2_PIPE, 20, 3);
    const r = await runSimulation({ sim, iface: ADD2_PIPE, rtlFiles: [fixture('add2_pipe')], vectors, seed: 1, waves: true });
    expect(r.wavesFile && existsSync(r.wavesFile)).toBeTruthy();
    expect(readFileSync(r.wavesFile!, 'utf8')).toContain('$enddefinitions');
    rmSync(r.workDir, { recursive: true, force: true });
  });
});

describe('cross-simulator', () => {
  it('the same seed gives the same stall pattern (cycle count) under Icarus and Verilator', async () => {
    const vectors = adderVectors(ADD2_PIPE, 500, 4);
    const run = (sim: 'icarus' | 'verilator') => runSimulation({ sim, iface: ADD2_PIPE, rtlFiles: [fixture('add2_pipe')], vectors, seed: 42, stallPercent: 30 });
    const [i, v] = await Promise.all([run('icarus'), run('verilator')]);
    expect(v.cycles).toBe(i.cycles);
    expect(v.outputs).toEqual(i.outputs);
  });
});

describe('zero vectors', () => {
  it('a run without vectors is an error', async () => {
    await expect(runSimulation({ sim: 'icarus', iface: ADD2_PIPE, rtlFiles: [fixture('add2_pipe')], vectors: [], seed: 1 })).rejects.toThrow(/zero input vectors/);
  });

  it('a comparison without vectors fails', () => {
    const args = { expected: [], actual: [], iface: ADD2_PIPE, inputs: [], seed: 1 };
    expect(compareOutputs(args).ok).toBe(false);
    expect(() => assertNoMismatch(args)).toThrow(/zero vectors compared/);
  });
});

describe('argument checks', () => {
  it('rejects vectors wider than the packed input word', async () => {
    await expect(runSimulation({ sim: 'icarus', iface: ADD2_PIPE, rtlFiles: [fixture('add2_pipe')], vectors: [1n << 16n], seed: 1 })).rejects.toThrow(
      /vector #0 = 0x10000 does not fit the 16-bit packed input word/,
    );
  });

  it('rejects a stall probability that would never let data through', async () => {
    await expect(runSimulation({ sim: 'icarus', iface: ADD2_PIPE, rtlFiles: [fixture('add2_pipe')], vectors: [1n], seed: 1, stallPercent: 100 })).rejects.toThrow(
      /stallPercent must be an integer in 0\.\.99/,
    );
  });
});
