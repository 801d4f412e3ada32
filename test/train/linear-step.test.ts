// Item 3: the golden training step of one linear layer, 1x32 blocks (two passes per tensor) against
// square tiles (one pass per tensor).

import { describe, expect, it } from 'vitest';
import { FORMAT_NAMES, FORMAT_TABLE, bitsToFloat, codeBits, gemm, type FormatName } from '../../generator/golden/index';
import { makeInputs, referenceProduct, relFrobenius, runLinearStep, type LayerShape } from '../../generator/train/linear-step';
import { compareReport, trainStepReport } from '../../generator/train/report';
import { transposeMatrix } from '../../generator/train/transpose';

const SHAPE: LayerShape = { batch: 40, in: 70, out: 24 }; // no side a multiple of 32 or 16
const ceil = Math.ceil;

/** Bytes stored, written out from the scheme description rather than from the stored copies. */
function expectedBytes(format: FormatName, scheme: '1d' | 'tile', { batch: b, in: i, out: o }: LayerShape, r = 8): number {
  const cb = codeBits(FORMAT_TABLE[format]) / 8;
  const elements = b * i + i * o + b * o;
  if (scheme === '1d') {
    const scales =
      b * ceil(i / 32) + ceil(b / 32) * i + // X along in (for Y) and along batch (for dW)
      ceil(i / 32) * o + i * ceil(o / 32) + // W along in (for Y) and along out (for dX)
      b * ceil(o / 32) + ceil(b / 32) * o; // dY along out (for dX) and along batch (for dW)
    return 2 * elements * cb + scales;
  }
  const scales = ceil(b / r) * ceil(i / r) + ceil(i / r) * ceil(o / r) + ceil(b / r) * ceil(o / r);
  return elements * cb + scales;
}

describe('training step: passes and bytes', () => {
  for (const format of FORMAT_NAMES) {
    it(`${format}: 1d makes 6 passes, tiles 3; bytes match the formula`, () => {
      const inputs = makeInputs(SHAPE, 3);
      const oneD = runLinearStep({ format, scheme: '1d', shape: SHAPE, inputs });
      expect(oneD.passes).toBe(6);
      expect(oneD.bytesStored).toBe(expectedBytes(format, '1d', SHAPE));
      for (const r of [8, 16]) {
        const t = runLinearStep({ format, scheme: 'tile', tile: r, shape: SHAPE, inputs });
        expect(t.passes).toBe(3);
        expect(t.block).toBe(`${r}x${r}`);
        expect(t.bytesStored).toBe(expectedBytes(format, 'tile', SHAPE, r));
        expect(t.bytesStored).toBeLessThan(oneD.bytesStored / 1.9);
      }
    });
  }
});

describe('training step: products and errors', () => {
  const inputs = makeInputs(SHAPE, 5);
  const { x, w, dy } = inputs;

  it('errors are finite, small for 8-bit formats, and reproducible under the seed', () => {
    for (const format of ['mxsf', 'mxfp8-e4m3'] as const) {
      for (const run of [
        { scheme: '1d' as const },
        { scheme: 'tile' as const, tile: 8 },
        { scheme: 'tile' as const, tile: 16 },
      ]) {
        const a = runLinearStep({ format, ...run, shape: SHAPE, seed: 5 });
        const b = runLinearStep({ format, ...run, shape: SHAPE, seed: 5 });
        const c = runLinearStep({ format, ...run, shape: SHAPE, seed: 6 });
        expect(b).toEqual(a);
        expect(c.relError).not.toEqual(a.relError);
        for (const e of Object.values(a.relError)) {
          expect(Number.isFinite(e)).toBe(true);
          expect(e).toBeGreaterThan(0);
          expect(e).toBeLessThan(0.1);
        }
      }
    }
  });

  it('every format gives finite errors', () => {
    for (const format of FORMAT_NAMES) {
      const r = runLinearStep({ format, scheme: 'tile', tile: 16, shape: SHAPE, inputs });
      for (const e of Object.values(r.relError)) expect(Number.isFinite(e)).toBe(true);
    }
  });

  it('tile scheme: moved (not re-quantized) transposes give the golden GEMMs of the FP32 transposes', () => {
    for (const r of [8, 16]) {
      const t = { rows: r, cols: r };
      const opts = { formatA: 'mxsf' as const, blockA: t, blockB: t };
      const step = runLinearStep({ format: 'mxsf', scheme: 'tile', tile: r, shape: SHAPE, inputs });
      // gemm() quantizes W^T and X^T afresh; equal FP32 results give bit-identical errors
      expect(step.relError).toEqual({
        y: relFrobenius(gemm(x, w, opts), referenceProduct(x, false, w, false)),
        dx: relFrobenius(gemm(dy, transposeMatrix(w), opts), referenceProduct(dy, false, w, true)),
        dw: relFrobenius(gemm(transposeMatrix(x), dy, opts), referenceProduct(x, true, dy, false)),
      });
    }
  });

  it('1d scheme: each operand quantized along its own K; products are the default golden GEMMs', () => {
    const step = runLinearStep({ format: 'mxfp8-e4m3', scheme: '1d', shape: SHAPE, inputs });
    expect(step.copies.map((c) => `${c.tensor} ${c.block}`)).toEqual(['X 1x32', 'W 32x1', 'dY 1x32', 'W^T 32x1', 'X^T 1x32', 'dY 32x1']);
    const opts = { formatA: 'mxfp8-e4m3' as const }; // 1x32 with 32x1
    expect(step.relError).toEqual({
      y: relFrobenius(gemm(x, w, opts), referenceProduct(x, false, w, false)),
      dx: relFrobenius(gemm(dy, transposeMatrix(w), opts), referenceProduct(dy, false, w, true)),
      dw: relFrobenius(gemm(transposeMatrix(x), dy, opts), referenceProduct(x, true, dy, false)),
    });
  });

  it('the FP64 reference is the plain product', () => {
    const ref = referenceProduct(x, true, dy, false); // X^T * dY, in x out
    let s = 0;
    for (let b = 0; b < SHAPE.batch; b++) s += bitsToFloat(x.bits[b * SHAPE.in + 3]) * bitsToFloat(dy.bits[b * SHAPE.out + 5]);
    expect(ref[3 * SHAPE.out + 5]).toBeCloseTo(s, 15);
  });
});

describe('report', () => {
  it('single run: table text and JSON', () => {
    const r = trainStepReport({ format: 'mxsf', scheme: 'tile', tile: 16, shape: SHAPE, seed: 2 });
    expect(r.text).toMatch(/^format\s+scheme\s+block\s+passes\s+bytes stored\s+err Y\s+err dX\s+err dW/);
    expect(r.text).toContain('16x16');
    const j = JSON.parse(JSON.stringify(r.json)) as { passes: number; relError: Record<string, number> };
    expect(j.passes).toBe(3);
    expect(Object.keys(j.relError)).toEqual(['y', 'dX', 'dW']);
  });

  it('compare: mxsf and mxfp8-e4m3, 1x32 vs 8x8 vs 16x16', () => {
    const r = compareReport({ shape: SHAPE, seed: 2 });
    const rows = r.text.split('\n').filter((l) => /^mx/.test(l));
    expect(rows.map((l) => l.split(/\s+/).slice(0, 4).join(' '))).toEqual([
      'mxsf 1d 1x32 6',
      'mxsf tile 8x8 3',
      'mxsf tile 16x16 3',
      'mxfp8-e4m3 1d 1x32 6',
      'mxfp8-e4m3 tile 8x8 3',
      'mxfp8-e4m3 tile 16x16 3',
    ]);
  });
});
