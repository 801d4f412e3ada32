// Item 4 (golden side): a square tile shares one scale in both directions, so quantizing A^T with RxR
// tiles gives exactly the transposed codes and scale grid of quantizing A; GEMMs on transposed stored tile
// operands equal GEMMs on the re-quantized transposes. With 1x32 blocks neither holds: transposing the
// stored copy gives 32x1 blocks along the old axis, and re-quantizing A^T gives different values.

import { describe, expect, it } from 'vitest';
import {
  FORMAT_NAMES,
  SCALE_MODES,
  ShapeError,
  dequantize,
  gemm,
  gemmQuantized,
  quantize,
  type BlockShape,
} from '../../generator/golden/index';
import { transposeMatrix, transposeQuantized } from '../../generator/train/transpose';
import { randomMatrix } from './helpers';

const TILES = [4, 8, 16];
// sides that are and are not multiples of the tile edges
const SHAPES: ReadonlyArray<[number, number]> = [
  [16, 32],
  [48, 16],
  [13, 29],
  [7, 3],
  [33, 20],
];

const tile = (r: number): BlockShape => ({ rows: r, cols: r });

describe('tile quantization commutes with transposition', () => {
  for (const format of FORMAT_NAMES) {
    for (const mode of SCALE_MODES) {
      it(`${format}, ${mode}: quantize(A^T) == transpose(quantize(A)) for 4x4, 8x8, 16x16`, () => {
        let seed = 100;
        for (const r of TILES) {
          for (const [rows, cols] of SHAPES) {
            const a = randomMatrix(rows, cols, seed++, seed % 3 === 0);
            const direct = quantize(transposeMatrix(a), format, tile(r), mode);
            const moved = transposeQuantized(quantize(a, format, tile(r), mode));
            expect(moved).toEqual(direct); // codes, scales, grid and block shape, bit-exact
          }
        }
      });
    }
  }

  it('transposing twice gives back the stored copy', () => {
    const q = quantize(randomMatrix(13, 29, 7), 'mxsf', tile(8));
    expect(transposeQuantized(transposeQuantized(q))).toEqual(q);
  });
});

describe('1x32 blocks do not commute with transposition (why 1-D needs two passes)', () => {
  it('the transposed stored copy has 32x1 blocks along the old axis and cannot be the A operand', () => {
    const a = randomMatrix(32, 32, 11);
    const moved = transposeQuantized(quantize(a, 'mxfp8-e4m3', { rows: 1, cols: 32 }));
    expect(moved.block).toEqual({ rows: 32, cols: 1 });
    const b = quantize(randomMatrix(32, 8, 12), 'mxfp8-e4m3', { rows: 32, cols: 1 });
    expect(() => gemmQuantized(moved, b)).toThrow(ShapeError);
  });

  for (const format of ['mxsf', 'mxfp8-e4m3', 'mxfp4-e2m1'] as const) {
    it(`${format}: re-quantizing A^T along its rows changes values (a counterexample exists)`, () => {
      const a = randomMatrix(32, 64, 21);
      const along = dequantize(quantize(transposeMatrix(a), format, { rows: 1, cols: 32 }));
      const moved = transposeMatrix({ rows: 32, cols: 64, bits: dequantize(quantize(a, format, { rows: 1, cols: 32 })) }).bits;
      const differ = along.filter((v, i) => v !== moved[i]).length;
      expect(differ).toBeGreaterThan(0);
      // whereas 32x32 tiles (one tile per 32x32 square) agree exactly
      const t = { rows: 32, cols: 32 };
      const alongT = dequantize(quantize(transposeMatrix(a), format, t));
      const movedT = transposeMatrix({ rows: 32, cols: 64, bits: dequantize(quantize(a, format, t)) }).bits;
      expect(alongT).toEqual(movedT);
    });
  }
});

describe('GEMM on transposed stored tile operands equals the golden GEMM of the transposes', () => {
  for (const format of FORMAT_NAMES) {
    for (const mode of SCALE_MODES) {
      it(`${format}, ${mode}: A^T*B^T, A^T*B and A*B^T with 8x8, 16x16, 4x4 tiles`, () => {
        let seed = 500;
        for (const r of [8, 16, 4]) {
          for (const [m, k, n] of [
            [24, 40, 16],
            [13, 37, 9],
          ]) {
            const t = tile(r);
            const opts = { formatA: format, blockA: t, blockB: t, scaleMode: mode };
            const at = randomMatrix(k, m, seed++); // stored as K x M; the operand is its transpose
            const bt = randomMatrix(n, k, seed++); // stored as N x K
            const a = randomMatrix(m, k, seed++);
            const b = randomMatrix(k, n, seed++);
            const qat = transposeQuantized(quantize(at, format, t, mode));
            const qbt = transposeQuantized(quantize(bt, format, t, mode));
            const qa = quantize(a, format, t, mode);
            const qb = quantize(b, format, t, mode);
            expect(gemmQuantized(qat, qbt).bits).toEqual(gemm(transposeMatrix(at), transposeMatrix(bt), opts).bits);
            expect(gemmQuantized(qat, qb).bits).toEqual(gemm(transposeMatrix(at), b, opts).bits);
            expect(gemmQuantized(qa, qbt).bits).toEqual(gemm(a, transposeMatrix(bt), opts).bits);
          }
        }
      });
    }
  }
});
