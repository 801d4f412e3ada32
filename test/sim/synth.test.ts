import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SynthError } from '../../generator/sim/errors.js';
import { synthesize } from '../../generator/sim/synth.js';
import { fixture } from './fixtures.js';

describe('synthesize', () => {
  it('reports cells, transistors and depth of the pipeline', async () => {
    const r = await synthesize([fixture('add2_pipe')], 'add2_pipe');
    // 2 x 8-bit operand + 9-bit sum + 2 valid bits = 27 flops.
    expect(r.flops).toBe(27);
    expect(r.cells).toBeGreaterThan(r.flops);
    expect(r.latches).toBe(0);
    expect(r.transistorsExact).toBe(true);
    expect(r.logicTransistors).toBeGreaterThan(0);
    // Every flop costs at least a plain DFF (16 T) on top of the logic.
    expect(r.transistors).toBeGreaterThanOrEqual(r.logicTransistors + 16 * r.flops);
    // An 8-bit ripple add needs several gate levels.
    expect(r.depth).toBeGreaterThanOrEqual(8);
    expect(r.depth).toBeLessThan(40);
  });

  it('maps to the OSU 0.18 um library: area from the liberty, flop bits, a netlist of library cells', async () => {
    const r = await synthesize([fixture('add2_pipe')], 'add2_pipe');
    const m = r.mapped!;
    expect(m.liberty).toMatch(/osu018_stdcells\.lib$/);
    expect(m.flopBits).toBe(27);
    // 27 flops with an asynchronous reset: DFFSR, 176 um2 each, plus the adder and the enables
    expect(m.cellsByType['DFFSR']).toBe(27);
    expect(m.areaUm2).toBeGreaterThan(27 * 176);
    expect(m.cells).toBe(Object.values(m.cellsByType).reduce((a, b) => a + b, 0));
    expect(m.abcDelayNs).toBeGreaterThan(0);
    expect(existsSync(m.verilog) && existsSync(m.json)).toBe(true);
    expect(readFileSync(m.verilog, 'utf8')).toMatch(/DFFSR g\d+ \(/);
    const plain = await synthesize([fixture('add2_pipe')], 'add2_pipe', { liberty: null });
    expect(plain.mapped).toBeUndefined();
    expect(plain.transistors).toBe(r.transistors);
  });

  it('names a missing liberty file and how to get the default one', async () => {
    await expect(synthesize([fixture('add2_pipe')], 'add2_pipe', { liberty: '/nonexistent/x.lib' })).rejects.toThrow(/cannot read liberty file \/nonexistent\/x\.lib/);
  });

  it('reports a purely combinational module without flops', async () => {
    const r = await synthesize([fixture('wide_comb')], 'wide_comb');
    expect(r.flops).toBe(0);
    expect(r.transistors).toBe(r.logicTransistors);
    expect(r.depth).toBeGreaterThan(8);
  });

  it('fails on a latch and names the signal', async () => {
    const err = await synthesize([fixture('latch_bug')], 'latch_bug').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SynthError);
    expect((err as Error).message).toMatch(/^latch_bug: 4 latch cell\(s\) inferred for latch_bug\.q_o \(log: .*\.build\.log\)$/);
  });
});
