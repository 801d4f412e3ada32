// Exhaustive checks over every code of every format (tt-metal #51971: encoders that fail decode -> encode
// on subnormals, odd mantissas and sticky bits): golden decode against the reference's bit-field decode,
// decode -> encode round trips (directly and through a whole block quantization), monotonicity.

import { describe, expect, test } from 'vitest';
import {
  FORMAT_NAMES, FORMAT_TABLE, classifyCode, codeBits, decodeCode, encodeValue, floatToBits, maxMagCode, maxNormal,
  quantizeBlock,
} from '../../generator/golden/index';
import { refFormat, toNumber } from '../reference/index';

const codesOf = (bits: number) => Array.from({ length: 1 << bits }, (_, c) => c);

describe.each(FORMAT_NAMES)('%s: every code', (name) => {
  const f = FORMAT_TABLE[name];
  const bits = codeBits(f);
  const signBit = 1 << (bits - 1);
  const ref = refFormat(name);

  test('golden decode equals the reference decode from the bit fields', () => {
    for (const c of codesOf(bits)) {
      const r = ref.values[c];
      const want = r.kind === 'nan' ? NaN : r.kind === 'inf' ? (r.neg ? -Infinity : Infinity) : toNumber(r.v);
      // Object.is tells -0 from +0 and NaN from everything else
      expect(Object.is(decodeCode(f, c), want), `code 0x${c.toString(16)}: ${decodeCode(f, c)} vs ${want}`).toBe(true);
    }
  });

  test('decode then encode gives the code back (-0 keeps its sign; mxint8 -2.0 is the one exception)', () => {
    for (const c of codesOf(bits)) {
      if (classifyCode(f, c) !== 'finite') continue;
      const v = decodeCode(f, c);
      const back = encodeValue(f, v);
      if (f.kind === 'int' && c === signBit) {
        expect(v).toBe(-2); // 0x80 decodes to -2.0 but is never produced: it saturates to -127/64
        expect(back).toBe(signBit + 1);
      } else {
        expect(back, `code 0x${c.toString(16)} (${v})`).toBe(c);
      }
    }
    if (f.kind === 'float') expect(encodeValue(f, -0)).toBe(signBit);
    else expect(encodeValue(f, -0)).toBe(0); // one zero
  });

  test('decode then quantize in a block whose maximum is the max normal (scale 127) gives the code back', () => {
    const max = floatToBits(maxNormal(f));
    for (const c of codesOf(bits)) {
      if (classifyCode(f, c) !== 'finite' || (f.kind === 'int' && c === signBit)) continue;
      const q = quantizeBlock(name, [max, floatToBits(decodeCode(f, c))], 'floor');
      expect(q.scale).toBe(127);
      expect(q.codes[1], `code 0x${c.toString(16)}`).toBe(c);
    }
  });

  test('codes are monotonic in magnitude within a sign, and the two signs mirror', () => {
    const maxMag = maxMagCode(f);
    for (let c = 1; c <= maxMag; c++) expect(decodeCode(f, c)).toBeGreaterThan(decodeCode(f, c - 1));
    for (let c = 1; c <= maxMag; c++) {
      const neg = f.kind === 'int' ? (1 << bits) - c : signBit | c;
      expect(decodeCode(f, neg)).toBe(-decodeCode(f, c));
    }
    // codes above the largest finite one are exactly the Inf/NaN codes of the contract
    const specials = codesOf(bits).filter((c) => classifyCode(f, c) !== 'finite');
    const expected = { ieee: 8, 'nan-at-max': 2, none: 0 }[f.kind === 'int' ? 'none' : f.specials];
    expect(specials.length).toBe(expected);
  });
});

test('mxint8 never produces 0x80: every multiple of 2^-7 in [-2.5, 2.5] alone and in a block', () => {
  const f = FORMAT_TABLE.mxint8;
  for (let n = -320; n <= 320; n++) {
    expect(encodeValue(f, n / 128)).not.toBe(0x80);
    const q = quantizeBlock('mxint8', [floatToBits(n / 128), floatToBits(1.5)]);
    expect(q.codes[0]).not.toBe(0x80);
  }
  // a block whose maximum is just below 2: scale 2^0 and q = -1.99999988 rounds to -128/64, clamped to -127/64
  const q = quantizeBlock('mxint8', [0xbfffffff]);
  expect(q.scale).toBe(127);
  expect(q.codes[0]).toBe(0x81);
});
