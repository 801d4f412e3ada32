// Corner tables for block quantization. Every expectation below is worked out by hand from the contract
// (shared/spec/formats.md) and the worked vectors in shared/research/mx-anchors.md; each case is checked
// against the golden model and, as a check on the hand arithmetic, against the slow reference.
// Values are the dequantized results X * P; `scale` is the E8M0 code (127 means X = 1).

import { describe, expect, test } from 'vitest';
import {
  FORMAT_NAMES, FORMAT_TABLE, bitsToFloat, classifyCode, decodeCode, dequantizeElement, floatToBits, maxMagCode, maxNormal,
  quantize, dequantize, makeMatrix, quantizeBlock, type FormatName, type ScaleMode,
} from '../../generator/golden/index';
import { dequantizeRef, quantizeBlockRef, refFormat } from '../reference/index';

/** An input given as raw FP32 bits instead of a number. */
const bits = (b: number) => ({ bits: b >>> 0 });
type In = number | { bits: number };
const toBits = (x: In) => (typeof x === 'number' ? floatToBits(x) : x.bits);

interface Case {
  readonly why: string;
  readonly format: FormatName;
  readonly mode?: ScaleMode;
  readonly input: readonly In[];
  readonly scale: number;
  /** dequantized values; NaN means the canonical NaN, -0 means the -0 bit pattern. */
  readonly values: readonly number[];
}

function check(c: Case): void {
  const mode = c.mode ?? 'floor';
  const inBits = c.input.map(toBits);
  const g = quantizeBlock(c.format, inBits, mode);
  const got = Array.from(g.codes, (code) => dequantizeElement(c.format, g.scale, code));
  const want = c.values.map((v) => floatToBits(v));
  const label = `${c.why} [${c.format} ${mode}]`;
  expect({ scale: g.scale, values: got.map((b) => bitsToFloat(b)) }, label).toEqual({ scale: c.scale, values: want.map(bitsToFloat) });
  expect(got, `${label}: bit patterns`).toEqual(want);
  // the same case through the slow reference
  const r = quantizeBlockRef(refFormat(c.format), inBits, mode);
  expect({ scale: r.scale, codes: r.codes }, `${label}: reference`).toEqual({ scale: g.scale, codes: Array.from(g.codes) });
  expect(r.codes.map((code) => dequantizeRef(refFormat(c.format), r.scale, code)), `${label}: reference values`).toEqual(want);
}

const runTable = (cases: readonly Case[]) => test.each(cases.map((c) => [c.why, c] as const))('%s', (_, c) => check(c));

describe('public cases (the issue)', () => {
  runTable([
    {
      // amax 485: floor(log2 485) = 8 = emax -> X = 1. 475/32 = 14.8 -> 15 -> 480 saturates to 448;
      // 400/32 = 12.5 is a tie -> 12 (even) -> 384 (ties away would give 416); 450/32 = 14.06 -> 448.
      why: 'MXFP8 E4M3 microxcaling test_fp8_e4m3_fix vector',
      format: 'mxfp8-e4m3',
      input: [485, 475, 400, -485, -475, -450, 2 ** -6, -(2 ** -6)],
      scale: 127,
      values: [448, 448, 384, -448, -448, -448, 2 ** -6, -(2 ** -6)],
    },
    // floor: floor(log2 7) = 2 = emax -> X = 1, 7 > 6 saturates to 6.
    { why: 'MXFP4 [7, 1] under floor', format: 'mxfp4-e2m1', input: [7, 1], scale: 127, values: [6, 1] },
    // rceil: 7 <= 6 * 2^1 -> X = 2; 7/2 = 3.5 is a tie between 3 (code 5) and 4 (code 6) -> 4 -> 8.
    { why: 'MXFP4 [7, 1] under rceil', format: 'mxfp4-e2m1', mode: 'rceil', input: [7, 1], scale: 128, values: [8, 1] },
  ]);
});

describe('ties to even in every kind of binade (hand table)', () => {
  runTable([
    // E2M1, X = 1 (6 in the block); every midpoint (ROCm/aiter #2247 rounded these away from zero).
    {
      why: 'E2M1 midpoints 0.25 0.75 1.25 1.75 2.5 3.5 5 -> 0 1 1 2 2 4 4',
      format: 'mxfp4-e2m1',
      input: [6, 0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5, -2.5, -0.25],
      scale: 127,
      values: [6, 0, 1, 1, 2, 2, 4, 4, -2, -0],
    },
    // E4M3, X = 1 (448 in the block): subnormal ties 2^-10 -> 0, 1.5*2^-9 -> 2^-8, 2.5*2^-9 -> 2^-8;
    // 7.5*2^-9 between the top subnormal (code 7) and 2^-6 (code 8) -> 2^-6; normal binades:
    // 1.0625 -> 1 (mantissa 000), 1.1875 -> 1.25 (010), 232 -> 224 (110), 248 -> 256 (carry into 2^8).
    {
      why: 'E4M3 ties: subnormal, subnormal/normal boundary, normal, carry into the next binade',
      format: 'mxfp8-e4m3',
      input: [448, 2 ** -10, 1.5 * 2 ** -9, 2.5 * 2 ** -9, 7.5 * 2 ** -9, 1.0625, 1.1875, 232, 248],
      scale: 127,
      values: [448, 0, 2 ** -8, 2 ** -8, 2 ** -6, 1, 1.25, 224, 256],
    },
    // E5M2, X = 1 (57344 in the block): 2^-17 -> 0; 3*2^-17 -> 2^-15; 1.125 -> 1; 1.375 -> 1.5;
    // 1.875 -> 2 (carry); 53248 between 49152 (mantissa 10) and 57344 (11) -> 49152.
    {
      why: 'E5M2 ties: subnormal, normal, carry, top binade',
      format: 'mxfp8-e5m2',
      input: [57344, 2 ** -17, 3 * 2 ** -17, 1.125, 1.375, 1.875, 53248],
      scale: 127,
      values: [57344, 0, 2 ** -15, 1, 1.5, 2, 49152],
    },
    // MXSF, X = 1 (7.875 in the block). Across the mode boundary: 0.9375 lies between 0.875 (FP5 max,
    // code 31) and 1.0 (first E2M5 code, 32) -> 1.0. Wide mode: 1+1/64 -> 1, 1+3/64 -> 1+1/16.
    // FP5 mode: 0.8125 between 0.75 (code 30) and 0.875 (31) -> 0.75; 0.5625 -> 0.5 (code 28).
    // FP5 subnormals: 2^-10 -> 0, 1.5*2^-9 -> 2^-8 (code 2), 3.5*2^-9 -> 2^-7 (code 4, first FP5 normal).
    {
      why: 'MXSF ties in both modes and across both mode boundaries',
      format: 'mxsf',
      input: [7.875, 0.9375, 1 + 1 / 64, 1 + 3 / 64, 0.8125, 0.5625, 2 ** -10, 1.5 * 2 ** -9, 3.5 * 2 ** -9, -0.9375],
      scale: 127,
      values: [7.875, 1, 1, 1 + 1 / 16, 0.75, 0.5, 0, 2 ** -8, 2 ** -7, -1],
    },
    // Plain E2M5 (linear subnormals, quantum 2^-5): 2^-6 -> 0, 3*2^-6 -> 2^-4.
    { why: 'E2M5 linear subnormal ties', format: 'mxfp8-e2m5', input: [7.875, 2 ** -6, 3 * 2 ** -6], scale: 127, values: [7.875, 0, 2 ** -4] },
    // MXINT8 anchor: 1.99609375*64 = 127.75 -> 128 -> clamp 127; -1.9921875*64 = -127.5 -> -128 (even) -> -127;
    // 0.0078125*64 = 0.5 -> 0; 0.01171875*64 = 0.75 -> 1. One zero: -0.0078125 gives +0.
    {
      why: 'MXINT8 ties to even and the symmetric clamp',
      format: 'mxint8',
      input: [1.99609375, -1.9921875, 0.0078125, -0.0078125, 0.01171875],
      scale: 127,
      values: [1.984375, -1.984375, 0, 0, 0.015625],
    },
  ]);
});

describe('ties to even in every binade of every format (generated from the grid)', () => {
  // For each pair of neighbouring positive values (lo, hi) the midpoint goes to the one with the even
  // code, and a value just off the midpoint goes to the nearer one. X = 1 via max normal in the block.
  test.each(FORMAT_NAMES)('%s', (name) => {
    const f = FORMAT_TABLE[name];
    const max = floatToBits(maxNormal(f));
    const top = maxMagCode(f);
    for (let lo = 0; lo < top; lo++) {
      const a = decodeCode(f, lo);
      const b = decodeCode(f, lo + 1);
      const mid = (a + b) / 2;
      const eps = (b - a) / 1024; // exact: a few more bits than the format has
      const cases: [number, number][] = [[mid, lo % 2 === 0 ? lo : lo + 1], [mid - eps, lo], [mid + eps, lo + 1]];
      for (const [x, want] of cases) {
        const q = quantizeBlock(name, [max, floatToBits(x)]);
        expect(q.scale).toBe(127);
        expect(q.codes[1], `${name}: ${x} between ${a} and ${b}`).toBe(want);
      }
    }
  });
});

describe('saturation: finite inputs never give Inf or NaN codes', () => {
  runTable([
    // E4M3: 465/32 = 14.5 -> 15 would be 480 (the NaN code's neighbour) -> saturates to 448.
    { why: 'E4M3 465 and -500 saturate to +-448', format: 'mxfp8-e4m3', input: [465, -500], scale: 127, values: [448, -448] },
    // E5M2: 61440 is halfway from 57344 to 65536 (not finite in E5M2): saturates, not Inf.
    { why: 'E5M2 61440 and 65000 saturate to 57344', format: 'mxfp8-e5m2', input: [61440, -65000], scale: 127, values: [57344, -57344] },
    { why: 'E2M1 5.5 -> 6, 7.9 -> 6', format: 'mxfp4-e2m1', input: [5.5, 7.9], scale: 127, values: [6, 6] },
    // E3M2 max 28: 31 -> 28; E2M3 max 7.5: 7.9 -> 7.5
    { why: 'E3M2 31 -> 28', format: 'mxfp6-e3m2', input: [31, -30], scale: 127, values: [28, -28] },
    { why: 'E2M3 7.9 -> 7.5', format: 'mxfp6-e2m3', input: [7.9], scale: 127, values: [7.5] },
    // MXSF: 7.99 rounds to 8.0 in the top binade, above max -> 7.875
    { why: 'MXSF 7.99 -> 7.875', format: 'mxsf', input: [7.99, -7.99], scale: 127, values: [7.875, -7.875] },
  ]);
});

describe('block-max clamp: floor saturates the block maximum, rceil does not', () => {
  runTable([
    // floor: X = 1 and 485 -> 448. rceil: 485 <= 448 * 2 -> X = 2; 242.5/16 = 15.2 -> 15 -> 240 -> 480.
    { why: 'E4M3 485 floor', format: 'mxfp8-e4m3', input: [485, 1], scale: 127, values: [448, 1] },
    { why: 'E4M3 485 rceil', format: 'mxfp8-e4m3', mode: 'rceil', input: [485, 1], scale: 128, values: [480, 1] },
    // rceil at the boundary: 448 <= 448 * 2^0 keeps X = 1; 449 needs X = 2 (449/2 = 224.5 -> 224 -> 448).
    { why: 'E4M3 rceil amax exactly max normal', format: 'mxfp8-e4m3', mode: 'rceil', input: [448], scale: 127, values: [448] },
    { why: 'E4M3 rceil amax just above max normal', format: 'mxfp8-e4m3', mode: 'rceil', input: [449], scale: 128, values: [448] },
    // microxcaling issue #4: 32 values with max 960 -> floor(log2 960) - 8 = 1: 957/2 = 478.5 -> 448 -> 896;
    // 902.4/2 = 451.2 -> 448 -> 896; 832/2 = 416 exact.
    { why: 'E4M3 max 960 (microxcaling #4)', format: 'mxfp8-e4m3', input: [960, 957, 902.4, 832], scale: 128, values: [896, 896, 896, 832] },
    // MXSF rceil: 7.99 <= 7.875 * 2 -> X = 2, 3.995 -> 4 (carry) -> 8.
    { why: 'MXSF 7.99 rceil', format: 'mxsf', mode: 'rceil', input: [7.99], scale: 128, values: [8] },
    // MXINT8 rceil: 1.99 <= 127/64 * 2^1 -> X = 2, 0.995*64 = 63.7 -> 64 -> 2.0 (floor would give 127/64).
    { why: 'MXINT8 1.99 rceil', format: 'mxint8', mode: 'rceil', input: [1.99], scale: 128, values: [2] },
  ]);
});

describe('block maxima just below a power of two (exponent from the bits, never a float log2)', () => {
  // 0x42FFFFFF = 127.99999237: floor(log2) = 6, a float32 log2 says 7.0 (torchao #436).
  // E5M2 floor: 6 - 15 = -9 -> code 118, X = 2^-9. i*512 rounds in E5M2: 9 -> 8, 11 -> 12, 13 -> 12, 15 -> 16,
  // 18 -> 16, 22 -> 24, 26 -> 24, 30 -> 32, 31 -> 32 (ties to even; binade [16,32) has step 4);
  // 127.99*512 = 65535.996 > 57344 -> 57344 * 2^-9 = 112.
  const ramp = Array.from({ length: 31 }, (_, i) => i + 1);
  const rampOut = [1, 2, 3, 4, 5, 6, 7, 8, 8, 10, 12, 12, 12, 14, 16, 16, 16, 16, 20, 20, 20, 24, 24, 24, 24, 24, 28, 28, 28, 32, 32];
  runTable([
    { why: 'E5M2 [1..31, 0x42FFFFFF] floor (torchao #436)', format: 'mxfp8-e5m2', input: [...ramp, bits(0x42ffffff)], scale: 118, values: [...rampOut, 112] },
    // rceil: 127.99 <= 57344 * 2^-8 = 224 -> X = 2^-8; 127.99*256 rounds up to 32768 -> 128.
    { why: 'E5M2 [1..31, 0x42FFFFFF] rceil', format: 'mxfp8-e5m2', mode: 'rceil', input: [...ramp, bits(0x42ffffff)], scale: 119, values: [...rampOut, 128] },
    // E4M3 floor: 6 - 8 = -2 -> X = 1/4, 511.99 -> 448 -> 112. rceil: 127.99 <= 448/2 -> X = 1/2, 255.99 -> 256 -> 128.
    { why: 'E4M3 0x42FFFFFF floor', format: 'mxfp8-e4m3', input: [bits(0x42ffffff)], scale: 125, values: [112] },
    { why: 'E4M3 0x42FFFFFF rceil', format: 'mxfp8-e4m3', mode: 'rceil', input: [bits(0x42ffffff)], scale: 126, values: [128] },
    // 0x437FFFFF = 255.99998 -> floor(log2) = 7 -> X = 1/2 -> 448 -> 224; exactly 256 -> X = 1 -> 256.
    { why: 'E4M3 0x437FFFFF and 256', format: 'mxfp8-e4m3', input: [bits(0x437fffff)], scale: 126, values: [224] },
    { why: 'E4M3 256 exactly', format: 'mxfp8-e4m3', input: [256], scale: 127, values: [256] },
    // 0x3F7FFFFF = 0.99999994: MXSF floor(log2) = -1 -> X = 2^-3, 7.9999995 -> 7.875 -> 0.984375.
    { why: 'MXSF 0x3F7FFFFF', format: 'mxsf', input: [bits(0x3f7fffff)], scale: 124, values: [0.984375] },
  ]);
});

describe('FP32 subnormal inputs are exact inputs (no flushing)', () => {
  runTable([
    // amax 2^-130: floor -130 - 8 = -138 clamps to -127 (code 0, X = 2^-127): q = 2^-3, 2^-8 (an E4M3
    // subnormal), 2^-22 (-> 0), -2^-6. Dequantized: 2^-130, 2^-135, +0, -2^-133 (FP32 subnormals).
    {
      why: 'E4M3 block of FP32 subnormals, scale clamped to 2^-127',
      format: 'mxfp8-e4m3',
      input: [bits(0x00080000), bits(0x00004000), bits(0x00000001), bits(0x80010000)],
      scale: 0,
      values: [2 ** -130, 2 ** -135, 0, -(2 ** -133)],
    },
    // MXINT8 amax 2^-127 (0x00400000): floor -127 - 0 = -127, no clamp needed: 1 -> code 64; 2^-149 -> 0.
    { why: 'MXINT8 amax 2^-127', format: 'mxint8', input: [bits(0x00400000), bits(0x00000001)], scale: 0, values: [2 ** -127, 0] },
    // MXSF: 2^-128 * 2^127 = 0.5 (FP5 mode, exact); 2^-140 -> 2^-13 -> 0.
    { why: 'MXSF FP32 subnormals', format: 'mxsf', input: [bits(0x00200000), bits(0x00000200)], scale: 0, values: [2 ** -128, 0] },
    // A block of only tiny subnormals is not an all-zero block: scale 0 by the clamp, codes round to zero.
    { why: 'MXSF block that rounds entirely to zero', format: 'mxsf', input: [bits(0x00000200), bits(0x80000001)], scale: 0, values: [0, -0] },
  ]);
});

describe('all-zero, NaN/Inf and signed-zero blocks', () => {
  runTable([
    // All zero: scale 0x00 and zero codes with their signs (mxint8 has one zero).
    { why: 'E4M3 all zero keeps signs', format: 'mxfp8-e4m3', input: [0, -0, 0], scale: 0, values: [0, -0, 0] },
    { why: 'MXSF all zero keeps signs', format: 'mxsf', input: [-0, 0], scale: 0, values: [-0, 0] },
    { why: 'MXINT8 all zero has one zero', format: 'mxint8', input: [-0, 0], scale: 0, values: [0, 0] },
    // Any NaN or Inf: scale 0xFF, every code +0, so every value dequantizes to NaN.
    { why: 'E4M3 block with a NaN', format: 'mxfp8-e4m3', input: [1, NaN, 2], scale: 255, values: [NaN, NaN, NaN] },
    { why: 'E4M3 block with +Inf', format: 'mxfp8-e4m3', input: [Infinity, 1], scale: 255, values: [NaN, NaN] },
    { why: 'E5M2 block with -Inf (no Inf code is produced)', format: 'mxfp8-e5m2', input: [-Infinity, -1], scale: 255, values: [NaN, NaN] },
    { why: 'MXINT8 block with a NaN payload', format: 'mxint8', input: [bits(0xffc00123), 0], scale: 255, values: [NaN, NaN] },
    // Signed zeros: X = 2^-6 (amax 4); -2^-20 scales to -2^-14, rounds to zero and keeps its sign.
    { why: 'E4M3 -0 and negative underflow give -0', format: 'mxfp8-e4m3', input: [4, -0, -(2 ** -20), 2 ** -20], scale: 121, values: [4, -0, -0, 0] },
    { why: 'MXSF negative underflow gives -0', format: 'mxsf', input: [7, -(2 ** -11)], scale: 127, values: [7, -0] },
    { why: 'MXINT8 negative underflow gives 0', format: 'mxint8', input: [4, -0, -(2 ** -20)], scale: 129, values: [4, 0, 0] },
  ]);

  test('a NaN block does not touch its neighbours', () => {
    const m = makeMatrix(1, 4, Uint32Array.from([1, NaN, 3, 5].map(floatToBits)));
    const q = quantize(m, 'mxfp8-e4m3', { rows: 1, cols: 2 });
    expect(Array.from(q.scales)).toEqual([255, 127 + 2 - 8]);
    expect(Array.from(dequantize(q), bitsToFloat)).toEqual([NaN, NaN, 3, 5]);
  });

  test('no finite input produces an Inf or NaN element code', () => {
    for (const name of FORMAT_NAMES) {
      const q = quantizeBlock(name, [0x7f7fffff, 0xff7fffff, 0x42ffffff, 0x00000001]);
      for (const c of q.codes) expect(classifyCode(FORMAT_TABLE[name], c)).toBe('finite');
    }
  });
});

describe('blocks that do not divide the matrix', () => {
  // 3x5 matrix; every block's maximum is a distinct power of two so each E4M3 floor scale is
  // 127 + log2(amax) - 8. The values are all exact in E4M3, so dequantization gives them back.
  const M = [
    [1, 2, 4, 8, 16],
    [1, 1, 1, 1, 1],
    [64, 1, 1, 128, 1],
  ];
  const m = makeMatrix(3, 5, Uint32Array.from(M.flat().map(floatToBits)));
  const s = (amax: number) => 127 + Math.log2(amax) - 8;

  test.each([
    // 2x2 tiles: grid 2x3; the last row and column of tiles are cut at the matrix edge.
    ['2x2', { rows: 2, cols: 2 }, [2, 8, 16, 64, 128, 1]],
    // 1x32 along rows: one block per row, never straddling into the next row (DeepWok/mase #321).
    ['1x32', { rows: 1, cols: 32 }, [16, 1, 128]],
    // 32x1 along columns: one block per column.
    ['32x1', { rows: 32, cols: 1 }, [64, 2, 4, 128, 16]],
    // 2x3 tiles: grid 2x2.
    ['2x3', { rows: 2, cols: 3 }, [4, 16, 64, 128]],
  ] as const)('%s', (_, block, amaxes) => {
    const q = quantize(m, 'mxfp8-e4m3', block);
    expect(Array.from(q.scales)).toEqual(amaxes.map(s));
    expect(Array.from(dequantize(q), bitsToFloat)).toEqual(M.flat());
  });
});
