// Issue 5, item 4: GEMMs on transposed tile operands through the generated PE (`mxgen sim gemm`'s engine).
// A tile-quantized tensor is stored once; its transpose is the stored codes and scale grid transposed, never
// re-quantized. The PE, fed Xᵀ and Wᵀ with 8x8 tiles, must produce bit for bit the golden GEMM of the
// transposed stored operands (dW = Xᵀ·dY, dX = dY·Wᵀ), for sizes that are and are not multiples of the tile.

import { Prng } from '../../generator/util/prng';
import { describe, expect, test } from 'vitest';
import { bitsToFloat, floatToBits, gemmQuantized, makeMatrix, quantize, type FormatName, type Matrix } from '../../generator/golden/index';
import { simGemm } from '../../generator/rtl/pe/gemm';
import { transposeMatrix, transposeQuantized } from '../../generator/train/transpose';

const TILE = { rows: 8, cols: 8 };

/** Seeded values with a wide exponent spread and some zeros (the seed is in the test name). */
function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = new Prng(seed);
  const next = (): number => rng.next();
  const bits = new Uint32Array(rows * cols);
  for (let i = 0; i < bits.length; i++) {
    const u = next();
    bits[i] = u < 0.1 ? 0 : floatToBits((next() - 0.5) * 2 ** Math.floor(next() * 16 - 8));
  }
  return makeMatrix(rows, cols, bits);
}

function hex(m: Matrix): string[] {
  return Array.from(m.bits, (b) => `${b.toString(16)} (${bitsToFloat(b)})`);
}

describe('GEMMs on transposed 8x8 tile operands through the PE match the golden model (icarus)', () => {
  for (const format of ['mxsf', 'mxfp8-e4m3'] as FormatName[]) {
    for (const [batch, inF, outF, seed] of [
      [8, 16, 8, 11],
      [12, 20, 9, 12], // no side a multiple of the tile
    ] as const) {
      test(`${format} X ${batch}x${inF}, W ${inF}x${outF}, dY ${batch}x${outF}, seed ${seed}`, async () => {
        const X = randomMatrix(batch, inF, seed);
        const W = randomMatrix(inF, outF, seed + 100);
        const dY = randomMatrix(batch, outF, seed + 200);
        // each tensor quantized once; the transposes are the stored tiles transposed
        const qX = quantize(X, format, TILE, 'floor');
        const qW = quantize(W, format, TILE, 'floor');
        const qdY = quantize(dY, format, TILE, 'floor');
        const dWGolden = gemmQuantized(transposeQuantized(qX), qdY);
        const dXGolden = gemmQuantized(qdY, transposeQuantized(qW));
        const opts = { formatA: format, blockA: TILE, blockB: TILE, scaleMode: 'floor', sim: 'icarus' } as const;
        const dW = await simGemm(transposeMatrix(X), dY, opts);
        const dX = await simGemm(dY, transposeMatrix(W), opts);
        expect(dW.transactions).toBeGreaterThan(0);
        expect(hex(dW.result)).toEqual(hex(dWGolden));
        expect(hex(dX.result)).toEqual(hex(dXGolden));
      });
    }
  }
});
