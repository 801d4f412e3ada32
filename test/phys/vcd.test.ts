import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vcdToggles } from '../../generator/phys/vcd';

describe('VCD transitions', () => {
  it('counts rises and falls of settled values per time step, per bit, from a start time, ignoring X', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxgen-vcd-'));
    try {
      const f = join(dir, 'w.vcd');
      writeFileSync(
        f,
        [
          '$timescale 1ps $end', '$scope module tb $end', '$scope module dut $end',
          '$var wire 1 ! a $end', '$var wire 2 " b [1:0] $end', '$upscope $end', '$upscope $end', '$enddefinitions $end',
          '#0', 'x!', 'b00 "',
          '#10', '1!', 'b01 "', // x -> 1 is no transition; b[0] rises
          '#20', '0!', '1!', 'b10 "', // a: 0 then 1 in one step = settled 1, no transition; b[0] falls, b[1] rises
          '#30', '0!', 'b0 "', // a falls; b[1] falls (short vector padded with 0)
          '',
        ].join('\n'),
      );
      const all = vcdToggles(f);
      expect(all.toggles.get('tb.dut.a')).toEqual([0, 1]);
      expect(all.toggles.get('tb.dut.b[0]')).toEqual([1, 1]);
      expect(all.toggles.get('tb.dut.b[1]')).toEqual([1, 1]);
      expect(all.endTime).toBe(30);
      const late = vcdToggles(f, { from: 25 });
      expect(late.toggles.get('tb.dut.b[0]')).toBeUndefined();
      expect(late.toggles.get('tb.dut.b[1]')).toEqual([0, 1]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
