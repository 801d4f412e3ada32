// Test blocks for the block quantizer and their golden results (generator/golden quantizeBlock).
// Blocks are arrays of k input bit patterns (FP32, or BF16 in the low 16 bits); BF16 inputs are quantized by
// the golden model as the FP32 values they stand for (bits << 16).
//   cornerBlocks(): the contract's public cases, ties at every code midpoint of the format (every binade,
//     across the MXSF mode boundary, into saturation) at several shared exponents, maxima just below powers of
//     two, the E8M0 clamps, FP32/BF16 subnormals, all-zero and signed-zero blocks, NaN/Inf blocks.
//   randomBlocks(): seeded, from a mix of distributions (random bit patterns, wide dynamic range, values near
//     binade edges and near code midpoints, Gaussian-like values).

import { Prng } from '../../util/prng';
import {
  decodeValue,
  emaxElem,
  floatToBits,
  FORMAT_TABLE,
  maxMagCode,
  maxNormal,
  pow2,
  quantizeBlock,
  type FormatName,
} from '../../golden';
import type { ScaleMode } from '../../golden/scale';
import { inputFloat, type QuantInput } from './common';

/** One block of input bit patterns. */
export type Block = readonly number[];

export interface QuantResult {
  readonly scale: number;
  readonly codes: Uint8Array;
}

/** FP32 bits of a BF16 pattern, or the FP32 pattern itself. */
export const toFp32Bits = (input: QuantInput, bits: number): number => (input === 'bf16' ? (bits << 16) >>> 0 : bits >>> 0);

/** The golden result of one block. */
export function goldenBlock(format: FormatName, scaleMode: ScaleMode, input: QuantInput, block: Block): QuantResult {
  const b32 = input === 'bf16' ? block.map((v) => toFp32Bits(input, v)) : block;
  return quantizeBlock(format, b32, scaleMode);
}

/** x_i of a block: element i at bits [i*W + W-1 : i*W]. Built through hex text (fast for wide words). */
export function packBlock(input: QuantInput, block: Block): bigint {
  const digits = inputFloat(input).width / 4;
  let hex = '';
  for (let i = block.length - 1; i >= 0; i--) hex += (block[i]! >>> 0).toString(16).padStart(digits, '0');
  return BigInt('0x' + hex);
}

/** codes_o of a result: code i at bits [i*B + B-1 : i*B]. */
export function packCodes(codes: ArrayLike<number>, bits: number): bigint {
  let acc = 0n;
  const B = BigInt(bits);
  for (let i = codes.length - 1; i >= 0; i--) acc = (acc << B) | BigInt(codes[i]!);
  return acc;
}

/** Splits codes_o into k codes. */
export function unpackCodes(word: bigint, k: number, bits: number): number[] {
  const mask = (1n << BigInt(bits)) - 1n;
  return Array.from({ length: k }, (_, i) => Number((word >> BigInt(i * bits)) & mask));
}

// ---- random numbers ----


// ---- building values ----

const FP32_EXP_MASK = 0x7f800000;

/** Input bit pattern of an exactly representable (or FP32-rounded, then BF16-truncated) number. */
function valueBits(input: QuantInput, v: number): number {
  const b = floatToBits(v);
  return input === 'bf16' ? b >>> 16 : b;
}

/** Is v exactly representable in the input format? */
function exact(input: QuantInput, v: number): boolean {
  const b = floatToBits(v);
  if ((b & FP32_EXP_MASK) === FP32_EXP_MASK) return false;
  const back = input === 'bf16' ? ((b >>> 16) << 16) >>> 0 : b;
  const f32 = new Float32Array(new Uint32Array([back]).buffer)[0]!;
  return f32 === v;
}

/** Adjacent input bit patterns of a value (one ulp down and up, same sign), when finite. */
function neighbours(input: QuantInput, bits: number): number[] {
  const W = inputFloat(input).width;
  const magMask = 2 ** (W - 1) - 1;
  const expMask = input === 'bf16' ? FP32_EXP_MASK >>> 16 : FP32_EXP_MASK;
  const sign = bits - (bits & magMask);
  const mag = bits & magMask;
  const out: number[] = [];
  if (mag > 0) out.push(sign + mag - 1);
  if (mag + 1 < expMask) out.push(sign + mag + 1);
  return out;
}

/** The finite non-negative element values of a format, ascending (one per magnitude code). */
function gridValues(format: FormatName): number[] {
  const f = FORMAT_TABLE[format];
  const vals: number[] = [];
  for (let c = 0; c <= maxMagCode(f); c++) vals.push(Math.abs(decodeValue(f, c)));
  return vals;
}

/** Pads or cuts a list of bit patterns to blocks of exactly k (padding with +0 or the given filler). */
function chunk(values: readonly number[], k: number, lead: readonly number[] = []): number[][] {
  const per = k - lead.length;
  if (per < 1) return [lead.slice(0, k)];
  const out: number[][] = [];
  for (let i = 0; i < values.length; i += per) {
    const b = [...lead, ...values.slice(i, i + per)];
    while (b.length < k) b.push(0);
    out.push(b);
  }
  return out;
}

/** A value fixing the floor shared exponent to se (amax = 2^(se + emax)), when representable. */
function anchorFor(format: FormatName, scaleMode: ScaleMode, se: number): number | undefined {
  const f = FORMAT_TABLE[format];
  // floor: amax = 2^(se + emax) gives se; rceil: amax = max_normal * 2^se gives se
  const v = scaleMode === 'floor' ? pow2(se + emaxElem(f)) : maxNormal(f) * pow2(se);
  return v > 0 && Number.isFinite(v) ? v : undefined;
}

// ---- corner blocks ----

export function cornerBlocks(format: FormatName, k: number, scaleMode: ScaleMode, input: QuantInput): Block[] {
  const blocks: number[][] = [];
  const add = (vals: readonly number[]): void => {
    for (const b of chunk(vals, k)) blocks.push(b);
  };
  const bitsOf = (vals: readonly number[]): number[] => vals.map((v) => valueBits(input, v));
  const W = inputFloat(input).width;
  const signBit = 2 ** (W - 1);
  const expMask = input === 'bf16' ? FP32_EXP_MASK >>> 16 : FP32_EXP_MASK;
  const manBits = inputFloat(input).manBits;

  // the contract's public cases
  add(bitsOf([485, 475, 400, -485, -475, -450, 2 ** -6, -(2 ** -6)]));
  add(bitsOf([448, 448, 384, -448, 240, -0.5, 2 ** -9, -(2 ** -10)]));
  add(bitsOf([7, 1]));
  add(bitsOf([6, -6, 5, 3.5, 0.25, -0.75]));

  // zeros and specials
  blocks.push(new Array<number>(k).fill(0));
  blocks.push(Array.from({ length: k }, (_, i) => (i % 3 === 1 ? signBit : 0)));
  blocks.push(new Array<number>(k).fill(signBit));
  const nan = expMask + 1;
  const inf = expMask;
  for (const special of [nan, inf, signBit + inf, signBit + expMask + 2 ** (manBits - 1)]) {
    for (const pos of [0, k - 1, k >> 1]) {
      const b = Array.from({ length: k }, (_, i) => valueBits(input, (i % 2 ? -1 : 1) * (1 + i / 8) * 2 ** (i - 5)));
      b[pos] = special;
      blocks.push(b);
    }
    blocks.push(new Array<number>(k).fill(special));
    const z = new Array<number>(k).fill(signBit);
    z[k - 1] = special;
    blocks.push(z);
  }

  // ties: every midpoint between adjacent element values (and one ulp either side), scaled by 2^se,
  // in blocks whose maximum fixes se; positive and negative
  const grid = gridValues(format);
  const mids: number[] = [];
  for (let i = 0; i + 1 < grid.length; i++) mids.push((grid[i]! + grid[i + 1]!) / 2);
  const top = grid[grid.length - 1]!;
  // into saturation: the midpoint above max normal (next binade step), and beyond
  mids.push(top + (top - grid[grid.length - 2]!) / 2, top * 1.0625, top * 1.5, top * 2 - 2 ** -20);
  const seList = [0, -1, 1, 3, -5, 20, -20, -100, -118, -120, -126, -127, 100, 120, 126];
  for (const se of seList) {
    const anchor = anchorFor(format, scaleMode, se);
    if (anchor === undefined || !exact(input, anchor)) continue;
    const vals: number[] = [];
    for (const mid of mids) {
      const v = mid * pow2(se);
      if (!exact(input, v) || v === 0) continue;
      const b = valueBits(input, v);
      vals.push(b, b + signBit, ...neighbours(input, b));
    }
    for (const b of chunk(vals, k, [valueBits(input, anchor)])) blocks.push(b);
  }

  // maxima just below (and at) powers of two, with a spread of smaller values
  const manMask = 2 ** manBits - 1;
  for (const e of [1, 2, 60, 100, 126, 127, 128, 129, 130, 131, 133, 140, 200, 250, 253, 254]) {
    for (const man of [manMask, manMask - 1, 0, 1, 2 ** (manBits - 1)]) {
      const amax = e * 2 ** manBits + man;
      blocks.push(Array.from({ length: k }, (_, i) => (i === 0 ? amax : Math.max(0, amax - (i * 2 ** manBits) / 2 - i) + (i % 2 ? signBit : 0))));
    }
  }
  if (input === 'fp32') blocks.push([0x42ffffff, 0x42fe0000, 0xc2ffffff, 0x3f800000, 0x00000001].concat(new Array(Math.max(0, k - 5)).fill(0)).slice(0, k));

  // the E8M0 clamps: tiny blocks (se clamps to -127), the largest finite inputs (rceil may clamp to +127)
  blocks.push(Array.from({ length: k }, (_, i) => i + 1)); // subnormals 1..k ulp
  blocks.push(Array.from({ length: k }, (_, i) => (i % 2 ? signBit : 0) + (manMask - i * 3))); // large subnormals
  blocks.push(Array.from({ length: k }, (_, i) => (i === 0 ? 2 ** manBits : i))); // min normal + subnormals
  blocks.push(Array.from({ length: k }, (_, i) => Math.max(0, expMask - 1 - i * 977))); // FP32/BF16 max and below
  blocks.push(Array.from({ length: k }, (_, i) => (i % 2 ? signBit : 0) + expMask - 1 - (i % 4) * (2 ** manBits))); // top binades
  blocks.push(Array.from({ length: k }, (_, i) => (i === 0 ? expMask - 1 : 1 + i))); // huge max + subnormals

  // the encoder's leading-zero count of a subnormal input's fraction, one block per leading-one position j:
  // all elements subnormal, so se clamps to -127 and x * 2^127 = frac * 2^(-bias - manBits + 1 + 127), which
  // is large enough for a nonzero code once j is near the top. A wrong count at any node of the LZC tree moves p
  // (and the region) while the shift stays right, so only inputs whose leading one sits exactly at j, with the
  // bits below it zero (an exact power), half set or all set, show it (random fractions reach j < 16 with
  // probability 2^-7 or less; the mutation campaign found lzc bits 13 and 15 untested: reports/mutation.md).
  for (let j = manBits - 1; j >= 0; j--) {
    const one = 2 ** j;
    const pats = [one, one + (j > 0 ? 2 ** (j - 1) : 0), 2 * one - 1, signBit + one, one + (j > 1 ? 1 : 0), signBit + 2 * one - 1];
    blocks.push(Array.from({ length: k }, (_, i) => pats[i % pats.length]!));
  }

  return blocks.map((b) => b.slice(0, k));
}

// ---- random blocks ----

export type Distribution = 'bits' | 'wide' | 'edges' | 'grid' | 'gauss' | 'subnormal';
export const DISTRIBUTIONS: readonly Distribution[] = ['bits', 'wide', 'edges', 'grid', 'gauss', 'subnormal'];

/**
 * count random blocks drawn from a rotation of distributions. Specials (NaN/Inf) appear in a small share of
 * blocks only (~2 %), so most blocks test the numerics.
 */
export function randomBlocks(format: FormatName, k: number, input: QuantInput, count: number, seed: number): Block[] {
  const rng = new Prng(seed);
  const inp = inputFloat(input);
  const W = inp.width;
  const manBits = inp.manBits;
  const manMask = 2 ** manBits - 1;
  const signBit = 2 ** (W - 1);
  const expMax = 2 ** inp.expBits - 1; // 255 = NaN/Inf field
  const grid = gridValues(format);
  const blocks: Block[] = new Array<Block>(count);
  const pattern = (e: number, man: number, neg: boolean): number => (neg ? signBit : 0) + e * 2 ** manBits + man;
  for (let n = 0; n < count; n++) {
    const dist = DISTRIBUTIONS[n % DISTRIBUTIONS.length]!;
    const b = new Array<number>(k);
    const center = rng.range(1, expMax - 1);
    const spread = [2, 8, 24, 64, 255][rng.int(5)]!;
    const se = rng.range(-127, 127);
    for (let i = 0; i < k; i++) {
      const neg = rng.chance(0.5);
      let v: number;
      switch (dist) {
        case 'bits':
          v = rng.u32() % 2 ** W;
          if (((v >>> manBits) & expMax) === expMax) v -= 2 ** manBits; // keep it finite
          break;
        case 'wide': {
          const e = Math.max(0, Math.min(expMax - 1, center - rng.int(spread)));
          v = pattern(e, rng.int(manMask + 1), neg);
          break;
        }
        case 'edges': {
          const e = Math.max(0, Math.min(expMax - 1, center - rng.int(4)));
          const r = rng.int(4);
          const man = r === 0 ? rng.int(4) : r === 1 ? manMask - rng.int(4) : r === 2 ? 2 ** (manBits - 1) + rng.range(-2, 2) : rng.int(manMask + 1);
          v = pattern(e, Math.max(0, Math.min(manMask, man)), neg);
          break;
        }
        case 'grid': {
          // element values and midpoints at a random shared exponent, exact or one ulp off
          const g = rng.int(grid.length);
          const a = grid[g]!;
          const c = g + 1 < grid.length ? grid[g + 1]! : a * 2;
          const val = (rng.chance(0.5) ? a : (a + c) / 2) * pow2(se);
          const bits = valueBits(input, val);
          const nb = neighbours(input, bits);
          v = rng.chance(0.6) || nb.length === 0 ? bits : nb[rng.int(nb.length)]!;
          if (((v >>> manBits) & expMax) === expMax) v = 0;
          if (neg) v = (v + signBit) % 2 ** W;
          break;
        }
        case 'gauss': {
          const val = rng.normal() * pow2(center - 127);
          v = valueBits(input, val);
          if (((v >>> manBits) & expMax) === expMax) v = 0;
          break;
        }
        case 'subnormal':
          v = rng.chance(0.8) ? pattern(0, rng.int(manMask + 1), neg) : pattern(rng.range(0, 3), rng.int(manMask + 1), neg);
          break;
      }
      b[i] = v >>> 0;
    }
    if (rng.chance(0.02)) b[rng.int(k)] = (rng.chance(0.5) ? signBit : 0) + expMax * 2 ** manBits + (rng.chance(0.5) ? 0 : 1 + rng.int(manMask));
    else if (rng.chance(0.01)) b.fill(rng.chance(0.5) ? signBit : 0);
    blocks[n] = b;
  }
  return blocks;
}
