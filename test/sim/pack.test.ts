import { describe, expect, it } from 'vitest';
import { dataPorts, packPorts, toHex, unpackPorts } from '../../generator/sim/pack.js';
import { ADD2_PIPE, WIDE_COMB } from './fixtures.js';

describe('packing', () => {
  it('excludes clock/reset/handshake ports and places the first data port in the LSBs', () => {
    const ins = dataPorts(ADD2_PIPE, 'input');
    expect(ins.map((p) => [p.name, p.lsb, p.width])).toEqual([['a_i', 0, 8], ['b_i', 8, 8]]);
    expect(packPorts(ins, { a_i: 0x12n, b_i: 0x34n })).toBe(0x3412n);
    expect(unpackPorts(ins, 0x3412n)).toEqual({ a_i: 0x12n, b_i: 0x34n });
  });

  it('round-trips words wider than 64 bits', () => {
    const ins = dataPorts(WIDE_COMB, 'input');
    const v = { a_i: 0xfedcba9876n, b_i: 0x0123456789n };
    expect(unpackPorts(ins, packPorts(ins, v))).toEqual(v);
  });

  it('rejects values that do not fit and missing ports', () => {
    const ins = dataPorts(ADD2_PIPE, 'input');
    expect(() => packPorts(ins, { a_i: 0x100n, b_i: 0n })).toThrow(/does not fit port a_i\[7:0\]/);
    expect(() => packPorts(ins, { a_i: 1n })).toThrow(/missing value for port b_i/);
  });

  it('formats hex zero-padded to the word width', () => {
    expect(toHex(0x1n, 9)).toBe('001');
  });
});
