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
