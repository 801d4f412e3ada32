// Property tests: golden block and matrix quantization against the slow exact reference, bit for bit.
// Seeded (gen.ts); a failure prints fast-check's seed and the counterexample, and the message names
// the format, mode and the block as FP32 bit patterns.

import fc from 'fast-check';
import { expect, test } from 'vitest';
import { FORMAT_NAMES, SCALE_MODES, dequantize, dequantizeElement, makeMatrix, quantize, quantizeBlock } from '../../generator/golden/index';
import { dequantizeRef, quantizeBlockRef, quantizeMatrixRef, refFormat } from '../reference/index';
import { fcParams, fp32Array, fp32Block, hexList } from './gen';

const formatArb = fc.constantFrom(...FORMAT_NAMES);
const modeArb = fc.constantFrom(...SCALE_MODES);

test('random blocks of every format and both scale modes: scale, codes and values', () => {
  fc.assert(
    fc.property(formatArb, modeArb, fp32Block(64), (format, mode, block) => {
      const g = quantizeBlock(format, block, mode);
      const r = quantizeBlockRef(refFormat(format), block, mode);
      const what = `${format} ${mode} block [${hexList(block)}]`;
      expect({ scale: g.scale, codes: Array.from(g.codes) }, what).toEqual(r);
      const values = Array.from(g.codes, (c) => dequantizeElement(format, g.scale, c));
      expect(values, what).toEqual(r.codes.map((c) => dequantizeRef(refFormat(format), r.scale, c)));
    }),
    fcParams(20000),
  );
});

// block edges: the common shapes and arbitrary small ones, often not dividing the matrix
const edge = fc.oneof(fc.constantFrom(1, 8, 32), fc.integer({ min: 1, max: 12 }));

test('random block shapes on random matrix sizes: scale grid, codes, dequantized matrix', () => {
  fc.assert(
    fc.property(
      formatArb, modeArb, edge, edge,
      fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 40 })).chain(([rows, cols]) =>
        fc.tuple(fc.constant(rows), fc.constant(cols), fp32Array(rows * cols, 24))),
      (format, mode, br, bc, [rows, cols, bits]) => {
        const m = makeMatrix(rows, cols, Uint32Array.from(bits));
        const g = quantize(m, format, { rows: br, cols: bc }, mode);
        const ref = refFormat(format);
        const r = quantizeMatrixRef(ref, bits, rows, cols, br, bc, mode);
        const what = `${format} ${mode} ${rows}x${cols} blocks ${br}x${bc} matrix [${hexList(bits)}]`;
        expect([g.gridRows, g.gridCols], what).toEqual([r.gridRows, r.gridCols]);
        expect(Array.from(g.scales), what).toEqual(r.scales);
        expect(Array.from(g.codes), what).toEqual(r.codes);
        const values = r.codes.map((c, i) => dequantizeRef(ref, r.scales[Math.floor(Math.floor(i / cols) / br) * r.gridCols + Math.floor((i % cols) / bc)], c));
        expect(Array.from(dequantize(g)), what).toEqual(values);
      },
    ),
    fcParams(1500),
  );
});
