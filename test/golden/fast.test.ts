// The golden model's fast paths (quantize, dequantize, gemm / gemmQuantized, gemmBf16) must be bit-identical
// to the simple test oracle in generator/golden/reference.ts: every format (also mixed A/B formats), both
// scale modes, 1xK / Kx1 blocks and square tiles, odd shapes and partial chunks, zeros of both signs, FP32
// subnormals, NaN/Inf inputs and codes, accumulator inputs, the sparse-A path and E5M2 chunks that are not
// exact in a double. Each random case prints its seed and parameters when it fails.
import { describe, expect, it } from 'vitest';
import {
  FORMAT_NAMES, chunkAlwaysExact, dequantize, gemm, gemmBf16, gemmQuantized, makeMatrix, quantize, FORMAT_TABLE,
  type BlockShape, type FormatName, type Matrix, type QuantizedMatrix, type ScaleMode,
} from '../../generator/golden/index';
import {
  referenceDequantize, referenceGemm, referenceGemmBf16, referenceGemmQuantized, referenceQuantize,
} from '../../generator/golden/reference';
import { Prng } from '../../generator/util/prng';
import { loadMnist } from '../../generator/study/data';
import { gemmFor, initParams, train, type BlockScheme, type StudyFormat } from '../../generator/study/mlp';

const ALL: FormatName[] = [...FORMAT_NAMES];
const MODES: ScaleMode[] = ['floor', 'rceil'];

/** Random FP32 bits with a wide dynamic range, zeros of both signs, FP32 subnormals, and optional specials. */
function randomMatrix(rng: Prng, rows: number, cols: number, specials: boolean): Matrix {
  const f = new Float32Array(rows * cols);
  const bits = new Uint32Array(f.buffer);
  const style = rng.int(5);
  for (let i = 0; i < f.length; i++) {
    const u = rng.next();
    if (u < 0.05) f[i] = rng.next() < 0.5 ? 0 : -0;
    else if (style === 0) f[i] = rng.normal();
    else if (style === 1) f[i] = (rng.next() < 0.5 ? -1 : 1) * 2 ** (-40 * rng.next());
    else if (style === 2) f[i] = (rng.next() < 0.5 ? -1 : 1) * 2 ** (-150 + 300 * rng.next()); // full FP32 range, subnormals
    else if (style === 3) bits[i] = rng.int(2) ? rng.int(0x800000) : 0x80000000 | rng.int(0x800000); // FP32 subnormals only
    else f[i] = rng.normal() * 2 ** (rng.int(30) - 15);
    if (specials && u > 0.997) bits[i] = [0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0xffc01234][rng.int(5)];
  }
  return makeMatrix(rows, cols, bits);
}

const hex = (bits: ArrayLike<number>) => Array.from(bits, (b) => b.toString(16));

/** Random codes of any value (also NaN/Inf codes of E5M2/E4M3) and random scales (also 0xFF). */
function randomQuantized(rng: Prng, format: FormatName, rows: number, cols: number, block: BlockShape, nanScales: boolean): QuantizedMatrix {
  const gridRows = Math.ceil(rows / block.rows);
  const gridCols = Math.ceil(cols / block.cols);
  const f = FORMAT_TABLE[format];
  const nCodes = 1 << (f.kind === 'int' ? f.bits : 1 + f.expBits + f.manBits);
  const scales = new Uint8Array(gridRows * gridCols);
  for (let i = 0; i < scales.length; i++) scales[i] = nanScales && rng.next() < 0.05 ? 0xff : [0, 1, 127, 200, 254][rng.int(5)] + (rng.int(3) - 1) * rng.int(2) & 0xff;
  for (let i = 0; i < scales.length; i++) if (!nanScales && scales[i] === 0xff) scales[i] = 254;
  const codes = new Uint8Array(rows * cols);
  for (let i = 0; i < codes.length; i++) codes[i] = rng.int(nCodes);
  return { format, block, scaleMode: 'floor', rows, cols, gridRows, gridCols, scales, codes };
}

describe('quantize / dequantize', () => {
  it('equal the reference: every format, 1x32 / 32x1 / 8x8 / 16x16 / 32x32 / 3x5 blocks, both scale modes', () => {
    const seed = 11;
    const rng = new Prng(seed);
    const blocks: BlockShape[] = [{ rows: 1, cols: 32 }, { rows: 32, cols: 1 }, { rows: 8, cols: 8 }, { rows: 16, cols: 16 }, { rows: 32, cols: 32 }, { rows: 3, cols: 5 }, { rows: 1, cols: 1 }];
    let n = 0;
    for (const fmt of ALL) {
      for (const block of blocks) {
        for (const mode of MODES) {
          for (let rep = 0; rep < 3; rep++) {
            const m = randomMatrix(rng, 1 + rng.int(40), 1 + rng.int(70), rep === 2);
            const why = `seed ${seed} case ${n++}: ${fmt} ${block.rows}x${block.cols} ${mode} ${m.rows}x${m.cols}`;
            const g = referenceQuantize(m, fmt, block, mode);
            const f = quantize(m, fmt, block, mode);
            expect(Array.from(f.scales), why).toEqual(Array.from(g.scales));
            expect(Array.from(f.codes), why).toEqual(Array.from(g.codes));
            expect(hex(dequantize(f)), why).toEqual(hex(referenceDequantize(g)));
          }
        }
      }
    }
    expect(n).toBeGreaterThan(300);
  });

  it('dequantize equals the reference on arbitrary codes and scales (NaN/Inf codes, NaN scales)', () => {
    const rng = new Prng(12);
    for (const fmt of ALL) {
      for (const block of [{ rows: 1, cols: 32 }, { rows: 8, cols: 8 }]) {
        const q = randomQuantized(rng, fmt, 1 + rng.int(20), 1 + rng.int(50), block, true);
        expect(hex(dequantize(q)), `seed 12 ${fmt}`).toEqual(hex(referenceDequantize(q)));
      }
    }
  });
});

describe('gemm', () => {
  const schemes: [BlockShape, BlockShape][] = [
    [{ rows: 1, cols: 32 }, { rows: 32, cols: 1 }],
    [{ rows: 8, cols: 8 }, { rows: 8, cols: 8 }],
    [{ rows: 16, cols: 16 }, { rows: 16, cols: 16 }],
    [{ rows: 32, cols: 32 }, { rows: 32, cols: 32 }],
    [{ rows: 1, cols: 8 }, { rows: 8, cols: 1 }],
    [{ rows: 2, cols: 3 }, { rows: 3, cols: 4 }],
  ];

  it('equals the reference bit for bit: every format, block shapes, scale modes, specials, mixed formats, C', () => {
    const seed = 5;
    const rng = new Prng(seed);
    let n = 0;
    for (const fmt of ALL) {
      for (const [blockA, blockB] of schemes) {
        for (let rep = 0; rep < 5; rep++) {
          const M = 1 + rng.int(13);
          const K = 1 + rng.int(100);
          const N = 1 + rng.int(11);
          const specials = rep === 3;
          const a = randomMatrix(rng, M, K, specials);
          const b = randomMatrix(rng, K, N, specials);
          const c = rep === 1 || rep === 4 ? randomMatrix(rng, M, N, rep === 4) : undefined;
          const formatB = rep === 2 ? ALL[rng.int(ALL.length)] : fmt;
          const scaleMode: ScaleMode = rep % 2 === 0 ? 'rceil' : 'floor';
          const opts = { formatA: fmt, formatB, blockA, blockB, scaleMode, c } as const;
          const why = `seed ${seed} case ${n++}: ${fmt} x ${formatB} ${blockA.rows}x${blockA.cols}/${blockB.rows}x${blockB.cols} ${scaleMode} ${M}x${K}x${N}`;
          expect(hex(gemm(a, b, opts).bits), why).toEqual(hex(referenceGemm(a, b, opts).bits));
        }
      }
    }
    expect(n).toBe(ALL.length * schemes.length * 5);
  });

  it('equals the reference on arbitrary codes and scales (NaN/Inf codes, NaN scales, extreme scales)', () => {
    const seed = 6;
    const rng = new Prng(seed);
    for (const fmt of ALL) {
      for (const [blockA, blockB] of schemes.slice(0, 3)) {
        for (const nan of [false, true]) {
          const M = 1 + rng.int(9);
          const K = 1 + rng.int(70);
          const N = 1 + rng.int(9);
          const fb = ALL[rng.int(ALL.length)];
          const qa = randomQuantized(rng, fmt, M, K, blockA, nan);
          const qb = randomQuantized(rng, fb, K, N, blockB, nan);
          expect(hex(gemmQuantized(qa, qb).bits), `seed ${seed}: ${fmt} x ${fb} nan scales ${nan} ${M}x${K}x${N}`).toEqual(hex(referenceGemmQuantized(qa, qb).bits));
        }
      }
    }
  });

  it('equals the reference on training-like shapes (E5M2 wide chunks included) and the exactness table is right', () => {
    const rng = new Prng(9);
    for (const fmt of ['mxfp8-e5m2', 'mxsf', 'mxfp8-e2m5', 'mxfp8-e4m3', 'mxint8'] as FormatName[]) {
      const a = randomMatrix(rng, 18, 200, false);
      const b = randomMatrix(rng, 200, 26, false);
      for (const [blockA, blockB] of schemes.slice(0, 4)) {
        for (const scaleMode of MODES) {
          const opts = { formatA: fmt, blockA, blockB, scaleMode };
          expect(hex(gemm(a, b, opts).bits), `seed 9 ${fmt} ${blockA.rows}x${blockA.cols} ${scaleMode}`).toEqual(hex(referenceGemm(a, b, opts).bits));
        }
      }
    }
    // at k = 32 every pair without E5M2 is statically exact; E5M2 x E5M2 and E5M2 x E4M3 need the per-chunk check
    for (const fa of ALL) for (const fb of ALL) if (fa !== 'mxfp8-e5m2' && fb !== 'mxfp8-e5m2') expect(chunkAlwaysExact(FORMAT_TABLE[fa], FORMAT_TABLE[fb], 32), `${fa} x ${fb}`).toBe(true);
    expect(chunkAlwaysExact(FORMAT_TABLE['mxfp8-e5m2'], FORMAT_TABLE['mxfp8-e5m2'], 32)).toBe(false);
    expect(chunkAlwaysExact(FORMAT_TABLE['mxfp8-e5m2'], FORMAT_TABLE['mxfp8-e4m3'], 32)).toBe(false);
  });

  it('equals the reference with mostly-zero A operands (the sparse path: MNIST pixels, ReLU outputs)', () => {
    const rng = new Prng(21);
    for (const fmt of ALL) {
      for (const [blockA, blockB] of schemes.slice(0, 2)) {
        const M = 5 + rng.int(12);
        const K = 20 + rng.int(80);
        const a = randomMatrix(rng, M, K, false);
        const f = new Float32Array(a.bits.buffer);
        const density = [0.02, 0.2, 0.6][rng.int(3)];
        for (let i = 0; i < f.length; i++) if (rng.next() > density) f[i] = rng.next() < 0.5 ? 0 : -0;
        const b = randomMatrix(rng, K, 1 + rng.int(9), false);
        const opts = { formatA: fmt, blockA, blockB };
        expect(hex(gemm(a, b, opts).bits), `seed 21 ${fmt} density ${density}`).toEqual(hex(referenceGemm(a, b, opts).bits));
      }
    }
  });
});

describe('gemmBf16', () => {
  it('equals the reference bit for bit', () => {
    const rng = new Prng(3);
    for (let rep = 0; rep < 16; rep++) {
      const M = 1 + rng.int(9);
      const K = 1 + rng.int(100);
      const N = 1 + rng.int(9);
      const a = randomMatrix(rng, M, K, rep % 4 === 3);
      const b = randomMatrix(rng, K, N, rep % 4 === 3);
      const c = rep % 2 ? randomMatrix(rng, M, N, rep % 4 === 3) : undefined;
      const k = rep < 10 ? 32 : 1 + rng.int(20);
      expect(hex(gemmBf16(a, b, c, k).bits), `seed 3 rep ${rep}`).toEqual(hex(referenceGemmBf16(a, b, c, k).bits));
    }
  });
});

describe('training through the golden GEMM', () => {
  it('gives bit-identical weights to training with the reference gemm / gemmBf16 (MNIST digits, 2 steps)', () => {
    const d = loadMnist();
    const data = { n: 32, x: d.train.x, y: d.train.y };
    const s = { epochs: 1, batch: 16, lr: 0.05, momentum: 0.9, logEvery: 1 };
    const cases: [StudyFormat, BlockScheme][] = [['mxsf', '8x8'], ['mxfp8-e5m2', '1x32'], ['bf16', '1x32']];
    for (const [f, sc] of cases) {
      const ref =
        f === 'bf16'
          ? (a: Matrix, b: Matrix) => referenceGemmBf16(a, b)
          : (a: Matrix, b: Matrix) =>
              referenceGemm(a, b, sc === '1x32'
                ? { formatA: f as FormatName, blockA: { rows: 1, cols: 32 }, blockB: { rows: 32, cols: 1 } }
                : { formatA: f as FormatName, blockA: { rows: 8, cols: 8 }, blockB: { rows: 8, cols: 8 } });
      const a = train(initParams(1), data, ref, s, 2);
      const b = train(initParams(1), data, gemmFor(f, sc), s, 2);
      expect(b.curve, `${f} ${sc} loss`).toEqual(a.curve);
      for (let l = 0; l < a.params.w.length; l++) expect(hex(new Uint32Array(b.params.w[l].buffer)), `${f} ${sc} W${l}`).toEqual(hex(new Uint32Array(a.params.w[l].buffer)));
    }
  });
});
