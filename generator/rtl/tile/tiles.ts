// Random and corner-case tiles for the tile re-quantizer regression. A tile is R*C raw input patterns
// (FP32 bits, or BF16 bits for BF16 input: the upper half of an FP32 pattern).
//
// Kinds (every stream cycles through all of them, so every run covers every corner):
//  - wide:       sign, exponent and mantissa uniformly random (every binade, NaN/Inf included rarely)
//  - clustered:  exponents within a few binades of a random tile exponent (the usual data)
//  - short:      few significant mantissa bits, exponents close together: many exact ties in rounding
//  - maxima:     all-ones mantissas (0x42FFFFFF-like amax): the block maximum rounds up / saturates
//  - zero:       all-zero tile with random signs (scale 0x00, signed-zero codes)
//  - special:    a NaN (random payload) or +-Inf somewhere in a normal tile (scale 0xFF, all codes +0)
//  - subnormal:  FP32 subnormals (alone, and mixed with tiny normals): the scale clamps at 2^-127
//  - extreme:    amax near FP32 max (0x7F7FFFFF) or near the minimum normal: the other clamp and ranges
//  - outlier:    small values plus one large one (most elements underflow to zero or subnormal codes)
//  - sparse:     mostly +-0 with a few values

import { Prng } from '../../util/prng';
import type { TileInput } from './tilequant';

export type TileKind = 'wide' | 'clustered' | 'short' | 'maxima' | 'zero' | 'special' | 'subnormal' | 'extreme' | 'outlier' | 'sparse';

/** Order of kinds in a stream: common data dominates, every corner appears every 16 tiles. */
const SCHEDULE: readonly TileKind[] = [
  'clustered', 'short', 'wide', 'maxima', 'clustered', 'zero', 'short', 'special',
  'clustered', 'subnormal', 'outlier', 'extreme', 'short', 'sparse', 'clustered', 'maxima',
];


const fp32 = (sign: number, exp: number, man: number): number => ((sign << 31) | (exp << 23) | man) >>> 0;
const clampExp = (e: number): number => Math.max(1, Math.min(254, e));

function fill(kind: TileKind, rng: Prng, t: Uint32Array): void {
  const n = t.length;
  const sign = (): number => rng.int(2);
  switch (kind) {
    case 'wide':
      for (let k = 0; k < n; k++) {
        let v = rng.u32();
        // keep NaN/Inf rare (they decide the whole tile): re-draw once
        if (((v >>> 23) & 0xff) === 0xff) v = rng.u32();
        t[k] = v;
      }
      return;
    case 'clustered': {
      const e0 = rng.range(1, 254);
      const spread = rng.range(0, 12);
      for (let k = 0; k < n; k++) t[k] = fp32(sign(), clampExp(e0 - rng.range(0, spread)), rng.u32() & 0x7fffff);
      return;
    }
    case 'short': {
      const e0 = rng.range(20, 234);
      const bits = rng.range(0, 8); // significant mantissa bits kept
      const mask = bits === 0 ? 0 : ((0x7fffff >>> (23 - bits)) << (23 - bits)) & 0x7fffff;
      for (let k = 0; k < n; k++) t[k] = fp32(sign(), e0 - rng.range(0, 10), rng.u32() & mask);
      return;
    }
    case 'maxima': {
      const e0 = rng.range(1, 254);
      for (let k = 0; k < n; k++) {
        const top = rng.int(3) === 0;
        const man = top ? 0x7fffff : (0x7fffff >>> rng.range(0, 23)) << rng.range(0, 4);
        t[k] = fp32(sign(), clampExp(e0 - (top ? 0 : rng.range(0, 9))), man & 0x7fffff);
      }
      return;
    }
    case 'zero':
      for (let k = 0; k < n; k++) t[k] = fp32(sign(), 0, 0);
      return;
    case 'special': {
      fill('clustered', rng, t);
      const hits = rng.range(1, 3);
      for (let h = 0; h < hits; h++) {
        const what = rng.int(3);
        t[rng.int(n)] = what === 0 ? fp32(sign(), 0xff, 0) : fp32(sign(), 0xff, rng.range(1, 0x7fffff));
      }
      return;
    }
    case 'subnormal': {
      const mixed = rng.int(2) === 1;
      for (let k = 0; k < n; k++) {
        const sub = !mixed || rng.int(2) === 0;
        t[k] = sub ? fp32(sign(), 0, rng.u32() >>> rng.range(9, 31)) : fp32(sign(), rng.range(1, 3), rng.u32() & 0x7fffff);
      }
      return;
    }
    case 'extreme': {
      const high = rng.int(2) === 0;
      for (let k = 0; k < n; k++) {
        const e = high ? 254 - rng.range(0, 3) : rng.range(1, 4);
        t[k] = fp32(sign(), e, rng.int(4) === 0 ? 0x7fffff : rng.u32() & 0x7fffff);
      }
      return;
    }
    case 'outlier': {
      const e0 = rng.range(30, 254);
      for (let k = 0; k < n; k++) t[k] = fp32(sign(), clampExp(e0 - rng.range(6, 30)), rng.u32() & 0x7fffff);
      t[rng.int(n)] = fp32(sign(), e0, rng.u32() & 0x7fffff);
      return;
    }
    case 'sparse': {
      const e0 = rng.range(1, 254);
      for (let k = 0; k < n; k++) t[k] = rng.int(4) === 0 ? fp32(sign(), clampExp(e0 - rng.range(0, 6)), rng.u32() & 0x7fffff) : fp32(sign(), 0, 0);
      return;
    }
  }
}

/** One tile of `kind`. */
export function makeTile(kind: TileKind, rng: Prng, rows: number, cols: number, input: TileInput): Uint32Array {
  const t = new Uint32Array(rows * cols);
  fill(kind, rng, t);
  if (input === 'bf16') for (let k = 0; k < t.length; k++) t[k] = t[k]! >>> 16; // BF16 = the upper half
  return t;
}

/** `count` tiles cycling through every kind (`first` = index of the first tile in the whole stream). */
export function makeTiles(count: number, rows: number, cols: number, input: TileInput, seed: number, first = 0): Uint32Array[] {
  const rng = new Prng(seed + Math.imul(first, 0x9e3779b1));
  return Array.from({ length: count }, (_, i) => makeTile(SCHEDULE[(first + i) % SCHEDULE.length]!, rng, rows, cols, input));
}

export const TILE_KINDS: readonly TileKind[] = [...new Set(SCHEDULE)];
