// Seeded random FP32 matrices with a wide spread of magnitudes, zeros of both signs and (optionally)
// a rare NaN/Inf, for the transpose property tests.

import { floatToBits, type Matrix } from '../../generator/golden/index';
import { Prng } from '../../generator/util/prng';

export function randomMatrix(rows: number, cols: number, seed: number, specials = false): Matrix {
  const rng = new Prng(seed);
  const bits = new Uint32Array(rows * cols);
  for (let i = 0; i < bits.length; i++) {
    const u = rng.next();
    if (u < 0.05) bits[i] = 0;
    else if (u < 0.08) bits[i] = 0x80000000; // -0
    else if (specials && u < 0.081) bits[i] = rng.next() < 0.5 ? 0x7f800000 : 0x7fc00000;
    else bits[i] = floatToBits(rng.normal() * 2 ** Math.floor(rng.next() * 24 - 12));
  }
  return { rows, cols, bits };
}
