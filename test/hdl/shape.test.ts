// Width/sign rule table: each row builds an expression and checks the shape shape.ts assigns it.
import { describe, expect, test } from 'vitest';
import { type Expr, ModuleBuilder, concat, lit, mux, pack, showShape, signed, slit } from '../../generator/hdl/index';

const m = new ModuleBuilder('shapes');
const u8 = m.input('u8_i', 8);
const u4 = m.input('u4_i', 4);
const s8 = m.input('s8_i', signed(8));
const s4 = m.input('s4_i', signed(4));
const u1 = m.input('u1_i', 1);
const u3 = m.input('u3_i', 3);

const rows: [string, () => Expr, string][] = [
  ['u8 + u8', () => u8.add(u8), 'u9'],
  ['u8 + u4', () => u8.add(u4), 'u9'],
  ['s8 + s4', () => s8.add(s4), 's9'],
  ['u8 + s4 (u8 -> s9)', () => u8.add(s4), 's10'],
  ['u4 + s8', () => u4.add(s8), 's9'],
  ['u8 + 1 (constant takes u8)', () => u8.add(1), 'u9'],
  ['u8 - u8 is signed', () => u8.sub(u8), 's9'],
  ['s8 - s8', () => s8.sub(s8), 's9'],
  ['u8 - s8', () => u8.sub(s8), 's10'],
  ['u8 * u4', () => u8.mul(u4), 'u12'],
  ['s8 * s4', () => s8.mul(s4), 's12'],
  ['u8 * s4', () => u8.mul(s4), 's13'],
  ['-u8', () => u8.neg(), 's9'],
  ['-s8', () => s8.neg(), 's9'],
  ['u8 & u8', () => u8.and(u8), 'u8'],
  ['s8 ^ s8', () => s8.xor(s8), 's8'],
  ['s8 | u8 bits', () => s8.or(u8), 'u8'],
  ['~s4', () => s4.not(), 's4'],
  ['u8 << 3', () => u8.shl(3), 'u11'],
  ['s8 >> 3', () => s8.shr(3), 's5'],
  ['u8 <<< u3', () => u8.shlBy(u3), 'u8'],
  ['s8 >>> u3', () => s8.shrBy(u3), 's8'],
  ['u8 == u4', () => u8.eq(u4), 'u1'],
  ['s8 < u8', () => s8.lt(u8), 'u1'],
  ['reduce-or', () => s8.reduceOr(), 'u1'],
  ['slice [6:2] of signed', () => s8.slice(6, 2), 'u5'],
  ['bit', () => u8.bit(7), 'u1'],
  ['concat', () => concat(u8, u4, u1), 'u13'],
  ['pack', () => pack([u4, u4, u4]), 'u12'],
  ['repeat', () => u3.repeat(4), 'u12'],
  ['zext of signed', () => s4.zext(8), 'u8'],
  ['sext of unsigned', () => u4.sext(8), 's8'],
  ['extend keeps sign', () => s4.extend(8), 's8'],
  ['trunc keeps sign', () => s8.trunc(4), 's4'],
  ['asSigned', () => u8.asSigned(), 's8'],
  ['asUnsigned', () => s8.asUnsigned(), 'u8'],
  ['toSigned', () => u8.toSigned(), 's9'],
  ['mux', () => mux(u1, u8, 3), 'u8'],
  ['lit', () => lit(5, 3), 'u3'],
  ['slit', () => slit(-4, 3), 's3'],
];

describe('width rules', () => {
  test.each(rows)('%s -> %s', (_name, build, expected) => {
    expect(showShape(build().shape)).toBe(expected);
  });
});

describe('illegal shapes are rejected at construction', () => {
  const bad: [string, () => unknown, RegExp][] = [
    ['and of different widths', () => u8.and(u4), /and needs equal widths, got u8 and u4/],
    ['constant does not fit', () => u4.eq(16), /constant 16 does not fit .* u4/],
    ['negative constant for unsigned', () => u8.add(-1), /constant -1 does not fit/],
    ['zext narrows', () => u8.zext(4), /zext\(4\) of u8 would narrow/],
    ['trunc widens', () => u4.trunc(8), /trunc\(8\) of u4 would widen/],
    ['slice out of range', () => u8.slice(8, 0), /slice \[8:0\] out of range for u8/],
    ['mux select width', () => mux(u3, u8, u8), /mux select must be 1 bit/],
    ['mux arm shapes', () => mux(u1, u8, s8), /mux arms differ: u8 vs s8/],
    ['signed shift amount', () => u8.shrBy(s4), /shrBy amount must be unsigned/],
    ['shr consumes all bits', () => u4.shr(4), /leaves no bits/],
    ['lit too wide', () => lit(256, 8), /constant 256 does not fit u8/],
  ];
  test.each(bad)('%s', (_name, f, msg) => {
    expect(f).toThrow(msg);
  });

  test('shape errors name the call site in this file', () => {
    expect(() => u8.and(u4)).toThrow(/test\/hdl\/shape\.test\.ts:\d+/);
  });
});
