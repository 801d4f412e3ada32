import { describe, expect, it } from 'vitest';
import { LintError } from '../../generator/sim/errors.js';
import { lintVerilog } from '../../generator/sim/lint.js';
import { fixture } from './fixtures.js';

describe('lintVerilog', () => {
  it.each(['add2_pipe', 'add_passthru', 'wide_comb'])('passes -Wall on %s', async (name) => {
    const r = await lintVerilog([fixture(name)], name);
    expect(r.messages).toEqual([]);
  });

  it('rejects a width bug with the warning code, file and line', async () => {
    const err = await lintVerilog([fixture('width_bug')], 'width_bug').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LintError);
    const lint = err as LintError;
    expect(lint.messages).toHaveLength(1);
    expect(lint.messages[0]).toMatchObject({ severity: 'warning', code: 'WIDTH', line: 7 });
    expect(lint.message).toMatch(/^verilator lint of width_bug: 1 message\(s\)\n  warning WIDTH .*width_bug\.v:7: .*expects 8 bits/);
  });

  it('also flags the latch fixture', async () => {
    await expect(lintVerilog([fixture('latch_bug')], 'latch_bug')).rejects.toThrow(/LATCH/);
  });
});
