// The stream testbench's resets in the middle of a stream and its X checks, on the hand-written fixtures:
// the reset bookkeeping (lost beats, where the stream resumes, which output belongs to which beat), designs with
// a reset bug or an X on their outputs rejected, and Verilator's random X initialisation really randomising.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertNoMismatch } from '../../generator/sim/compare.js';
import { expectedAfterResets, runSimulation, type ResetEvent, type SimOptions } from '../../generator/sim/harness.js';
import { WORK_DIR } from '../../generator/sim/paths.js';
import { ADD2_PIPE, ADD_PASSTHRU, STALE_PIPE, WIDE_COMB, XIDLE_PIPE, XINIT_PIPE, adderModel, adderVectors, fixture } from './fixtures.js';

const SIMS = ['icarus', 'verilator'] as const;

/** A run expected to fail: its kept work directory is removed afterwards. */
async function failing(opts: Omit<SimOptions, 'workDir'>, tag: string): Promise<Error> {
  const workDir = join(WORK_DIR, `test-${tag}-${opts.sim}-${process.pid}`);
  try {
    return await runSimulation({ ...opts, workDir }).then(
      () => new Error('the run passed'),
      (e: Error) => e,
    );
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

describe.each(SIMS)('%s', (sim) => {
  it('bookkeeping of one reset without stalls: the two beats in flight in a 2-stage pipeline are lost', async () => {
    const vectors = adderVectors(ADD2_PIPE, 40, 5);
    const r = await runSimulation({ sim, iface: ADD2_PIPE, rtlFiles: [fixture('add2_pipe')], vectors, seed: 1, resets: [{ afterAccepted: 10, delay: 0, cycles: 3 }] });
    // beat 9 was accepted in the cycle of the decision, beat 8 is in stage 2; beat 10 (on offer) is offered again
    expect(r.resets).toEqual([{ cycle: 11, accepted: 10, delivered: 8, lost: 2, skipped: 0, resume: 10 }]);
    expect(r.outputIndex).toEqual([...Array(8).keys(), ...Array.from({ length: 30 }, (_, i) => 10 + i)]);
    const expected = expectedAfterResets(vectors.map((v) => adderModel(ADD2_PIPE, v)), r);
    assertNoMismatch({ expected, actual: r.outputs, iface: ADD2_PIPE, inputs: [], seed: 1 });
  });

  describe.each([ADD2_PIPE, ADD_PASSTHRU])('$name', (iface) => {
    it.each([1, 2, 3])('resets under 30 percent stalls, seed %i: outputs after each reset are those of the beats sent after it', async (seed) => {
      const vectors = adderVectors(iface, 600, seed);
      const resets: ResetEvent[] = [
        { afterAccepted: 50, delay: 0, cycles: 2 },
        { afterAccepted: 120, delay: 3, cycles: 5 },
        { afterAccepted: 121, delay: 0, cycles: 2 }, // right after the previous one
        { afterAccepted: 400, delay: 7, cycles: 4 },
      ];
      const r = await runSimulation({ sim, iface, rtlFiles: [fixture(iface.name)], vectors, seed, stallPercent: 30, resets, xCheck: 'sticky' });
      expect(r.resets).toHaveLength(resets.length);
      const expected = expectedAfterResets(vectors.map((v) => adderModel(iface, v)), r);
      assertNoMismatch({ expected, actual: r.outputs, iface, inputs: [], seed, describe: `${sim} resets` });
      for (const [j, x] of r.resets.entries()) {
        // what was lost plus what came out adds up to what was accepted; the output right after the reset is the resume beat's
        const prev = j === 0 ? { accepted: 0, delivered: 0, resume: 0 } : r.resets[j - 1]!;
        expect(x.accepted - prev.accepted).toBe(x.delivered - prev.delivered + x.lost);
        expect(x.resume).toBe(prev.resume + (x.accepted - prev.accepted) + x.skipped);
        if (x.delivered < r.outputs.length) expect(r.outputIndex![x.delivered]).toBe(x.resume);
      }
      // the pipelined adder answers one cycle later at the earliest: the reset right after an acceptance loses a beat
      if (iface === ADD2_PIPE) expect(r.resets[0]!.lost).toBeGreaterThan(0);
      expect(r.outputs.length).toBe(vectors.length - r.resets.reduce((a, x) => a + x.lost, 0));
    });
  });

  it('a reset after the last beat was accepted drops the outputs still in flight and ends the run', async () => {
    const vectors = adderVectors(ADD2_PIPE, 30, 2);
    const r = await runSimulation({ sim, iface: ADD2_PIPE, rtlFiles: [fixture('add2_pipe')], vectors, seed: 4, resets: [{ afterAccepted: 30, delay: 0, cycles: 2 }] });
    expect(r.resets).toEqual([{ cycle: 31, accepted: 30, delivered: 28, lost: 2, skipped: 0, resume: 30 }]);
    expect(r.outputs).toHaveLength(28);
  });

  it('rejects a pipeline whose valid bit survives a reset (a stale beat comes out afterwards)', async () => {
    const vectors = adderVectors(STALE_PIPE, 300, 3);
    // no reset: the pipeline works
    const ok = await runSimulation({ sim, iface: STALE_PIPE, rtlFiles: [fixture('stale_pipe')], vectors, seed: 3, stallPercent: 30 });
    assertNoMismatch({ expected: vectors.map((v) => adderModel(STALE_PIPE, v)), actual: ok.outputs, iface: STALE_PIPE, inputs: vectors, seed: 3 });
    const resets = [20, 60, 100, 140, 180].map((afterAccepted) => ({ afterAccepted, delay: 0, cycles: 2 }));
    const e = await failing({ sim, iface: STALE_PIPE, rtlFiles: [fixture('stale_pipe')], vectors, seed: 3, stallPercent: 30, resets }, 'stale');
    expect(e.message).toMatch(/stale or spurious output|captured \d+ outputs, expected \d+ after/);
  });

  it('checks the reset options', async () => {
    const base = { sim, iface: ADD2_PIPE, rtlFiles: [fixture('add2_pipe')], vectors: adderVectors(ADD2_PIPE, 5, 1), seed: 1 } as const;
    await expect(runSimulation({ ...base, resets: [{ afterAccepted: 1, delay: 0, cycles: 1 }] })).rejects.toThrow(/resets\[0\]\.cycles must be an integer >= 2, got 1/);
    await expect(runSimulation({ ...base, group: { inputs: 2, outputs: 1 }, resets: [{ afterAccepted: 1, delay: 0, cycles: 2 }] })).rejects.toThrow(
      /resets need whole transactions: 5 vectors is not a multiple of 2/,
    );
    await expect(runSimulation({ ...base, expectedOutputs: 5, resets: [{ afterAccepted: 1, delay: 0, cycles: 2 }] })).rejects.toThrow(/resets need SimOptions\.group/);
    await expect(
      runSimulation({ sim, iface: WIDE_COMB, rtlFiles: [fixture('wide_comb')], vectors: [1n], seed: 1, resets: [{ afterAccepted: 1, delay: 0, cycles: 2 }] }),
    ).rejects.toThrow(/resets need a streaming module; wide_comb has no handshake/);
  });
});

describe('X checks', () => {
  it('Icarus: an output bit from a register that is never reset fails the run (X while out_valid)', async () => {
    const vectors = adderVectors(XINIT_PIPE, 50, 1);
    const e = await failing({ sim: 'icarus', iface: XINIT_PIPE, rtlFiles: [fixture('xinit_pipe')], vectors, seed: 1, stallPercent: 20 }, 'xinit');
    expect(e.message).toMatch(/X on output data while out_valid/);
  });

  it('Icarus: X on an output while out_valid is 0 passes the default check and fails the sticky one', async () => {
    const vectors = adderVectors(XIDLE_PIPE, 200, 1);
    const opts = { sim: 'icarus', iface: XIDLE_PIPE, rtlFiles: [fixture('xidle_pipe')], vectors, seed: 1, stallPercent: 40 } as const;
    const r = await runSimulation(opts);
    assertNoMismatch({ expected: vectors.map((v) => adderModel(XIDLE_PIPE, v)), actual: r.outputs, iface: XIDLE_PIPE, inputs: vectors, seed: 1 });
    const e = await failing({ ...opts, xCheck: 'sticky' }, 'xidle');
    expect(e.message).toMatch(/X on output data after the first valid output/);
  });

  it('Verilator: --x-initial unique with +verilator+rand+reset+2 gives the unreset register a value per seed', async () => {
    const vectors = adderVectors(XINIT_PIPE, 50, 1);
    const expected = vectors.map((v) => adderModel(XINIT_PIPE, v));
    const opts = { sim: 'verilator', iface: XINIT_PIPE, rtlFiles: [fixture('xinit_pipe')], vectors, seed: 1 } as const;
    const flips: boolean[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const r = await runSimulation({ ...opts, verilatorX: { seed } });
      // the register is one bit: the whole run is either exact or off in bit 0 of every output
      const off = r.outputs.map((o, i) => o ^ expected[i]!);
      expect(new Set(off).size, `seed ${seed}`).toBe(1);
      flips.push(off[0] === 1n);
    }
    expect(flips).toContain(true);
    expect(flips).toContain(false);
    // the same seed draws the same values; X initial 0 is plain zero
    const again = await runSimulation({ ...opts, verilatorX: { seed: flips.indexOf(true) + 1 } });
    expect(again.outputs[0]! ^ expected[0]!).toBe(1n);
    const zero = await runSimulation({ ...opts, verilatorX: { seed: 1, initial: '0', assign: '0' } });
    assertNoMismatch({ expected, actual: zero.outputs, iface: XINIT_PIPE, inputs: vectors, seed: 1 });
  });

  it('random X needs Verilator', async () => {
    await expect(
      runSimulation({ sim: 'icarus', iface: ADD2_PIPE, rtlFiles: [fixture('add2_pipe')], vectors: [1n], seed: 1, verilatorX: { seed: 1 } }),
    ).rejects.toThrow(/verilatorX needs --sim verilator/);
  });
});
