// The study's fast GEMM must be bit-identical to the golden model (it may not change semantics).
import { describe, expect, it } from 'vitest';
import { gemm, gemmBf16, makeMatrix, quantize, type BlockShape, type FormatName, type Matrix } from '../../generator/golden/index';
import { gemmBf16Fast, gemmFast, quantizeFast } from '../../generator/study/fast-gemm';
import { Prng } from '../../generator/util/prng';
import { loadMnist } from '../../generator/study/data';
import { gemmFor, initParams, train, type BlockScheme, type StudyFormat } from '../../generator/study/mlp';

const ALL: FormatName[] = ['mxfp8-e4m3', 'mxfp8-e5m2', 'mxfp8-e2m5', 'mxint8', 'mxsf', 'mxfp6-e3m2', 'mxfp6-e2m3', 'mxfp4-e2m1'];

/** Random FP32 bits with a wide dynamic range, zeros of both signs, FP32 subnormals, and optional specials. */
function randomMatrix(rng: Prng, rows: number, cols: number, specials: boolean): Matrix {
  const f = new Float32Array(rows * cols);
  const bits = new Uint32Array(f.buffer);
  const style = rng.int(4);
  for (let i = 0; i < f.length; i++) {
    const u = rng.next();
    if (u < 0.05) f[i] = rng.next() < 0.5 ? 0 : -0;
    else if (style === 0) f[i] = rng.normal();
    else if (style === 1) f[i] = (rng.next() < 0.5 ? -1 : 1) * 2 ** (-40 * rng.next());
    else if (style === 2) f[i] = (rng.next() < 0.5 ? -1 : 1) * 2 ** (-150 + 300 * rng.next()); // full FP32 range, subnormals
    else f[i] = rng.normal() * 2 ** (rng.int(30) - 15);
    if (specials && u > 0.997) bits[i] = [0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001][rng.int(4)];
  }
  return makeMatrix(rows, cols, bits);
}

const hex = (m: Matrix) => Array.from(m.bits, (b) => b.toString(16));

describe('quantizeFast', () => {
  it('equals golden quantize: every format, block shape and scale mode', () => {
    const rng = new Prng(11);
    const blocks: BlockShape[] = [{ rows: 1, cols: 32 }, { rows: 32, cols: 1 }, { rows: 8, cols: 8 }, { rows: 3, cols: 5 }];
    for (const fmt of ALL) {
      for (const block of blocks) {
        for (const mode of ['floor', 'rceil'] as const) {
          for (let rep = 0; rep < 3; rep++) {
            const m = randomMatrix(rng, 1 + rng.int(40), 1 + rng.int(70), rep === 2);
            const g = quantize(m, fmt, block, mode);
            const f = quantizeFast(m, fmt, block, mode);
            expect(Array.from(f.scales)).toEqual(Array.from(g.scales));
            expect(Array.from(f.codes)).toEqual(Array.from(g.codes));
          }
        }
      }
    }
  });
});

describe('gemmFast', () => {
  it('equals golden gemm bit for bit: 1x32/32x1 and 8x8, every format, specials, accumulator input', () => {
    const rng = new Prng(5);
    const schemes: [BlockShape, BlockShape][] = [
      [{ rows: 1, cols: 32 }, { rows: 32, cols: 1 }],
      [{ rows: 8, cols: 8 }, { rows: 8, cols: 8 }],
    ];
    for (const fmt of ALL) {
      for (const [blockA, blockB] of schemes) {
        for (let rep = 0; rep < 4; rep++) {
          const M = 1 + rng.int(13);
          const K = 1 + rng.int(90);
          const N = 1 + rng.int(11);
          const specials = rep === 3;
          const a = randomMatrix(rng, M, K, specials);
          const b = randomMatrix(rng, K, N, specials);
          const c = rep === 1 ? randomMatrix(rng, M, N, false) : undefined;
          const formatB = rep === 2 ? ALL[rng.int(ALL.length)] : fmt;
          const mode = rep === 0 ? 'rceil' : 'floor';
          const opts = { formatA: fmt, formatB, blockA, blockB, scaleMode: mode, c } as const;
          expect(hex(gemmFast(a, b, opts))).toEqual(hex(gemm(a, b, opts)));
        }
      }
    }
  });

  it('equals golden gemm on training-like shapes (E5M2 wide chunks included)', () => {
    const rng = new Prng(9);
    for (const fmt of ['mxfp8-e5m2', 'mxsf', 'mxfp8-e2m5', 'mxfp8-e4m3', 'mxint8'] as FormatName[]) {
      const a = randomMatrix(rng, 16, 200, false);
      const b = randomMatrix(rng, 200, 24, false);
      for (const [blockA, blockB] of [[{ rows: 1, cols: 32 }, { rows: 32, cols: 1 }], [{ rows: 8, cols: 8 }, { rows: 8, cols: 8 }]] as const) {
        const opts = { formatA: fmt, blockA, blockB };
        expect(hex(gemmFast(a, b, opts))).toEqual(hex(gemm(a, b, opts)));
      }
    }
  });

  it('equals golden gemm with mostly-zero A operands (the sparse path: MNIST pixels, ReLU outputs)', () => {
    const rng = new Prng(21);
    for (const fmt of ALL) {
      for (const [blockA, blockB] of [[{ rows: 1, cols: 32 }, { rows: 32, cols: 1 }], [{ rows: 8, cols: 8 }, { rows: 8, cols: 8 }]] as const) {
        const M = 5 + rng.int(12);
        const K = 20 + rng.int(80);
        const a = randomMatrix(rng, M, K, false);
        const f = new Float32Array(a.bits.buffer);
        const density = [0.02, 0.2, 0.6][rng.int(3)];
        for (let i = 0; i < f.length; i++) if (rng.next() > density) f[i] = rng.next() < 0.5 ? 0 : -0;
        const b = randomMatrix(rng, K, 1 + rng.int(9), false);
        const opts = { formatA: fmt, blockA, blockB };
        expect(hex(gemmFast(a, b, opts))).toEqual(hex(gemm(a, b, opts)));
      }
    }
  });
});

describe('gemmBf16Fast', () => {
  it('equals golden gemmBf16 bit for bit', () => {
    const rng = new Prng(3);
    for (let rep = 0; rep < 12; rep++) {
      const M = 1 + rng.int(9);
      const K = 1 + rng.int(100);
      const N = 1 + rng.int(9);
      const a = randomMatrix(rng, M, K, rep % 4 === 3);
      const b = randomMatrix(rng, K, N, rep % 4 === 3);
      const c = rep % 2 ? randomMatrix(rng, M, N, false) : undefined;
      const k = rep < 8 ? 32 : 1 + rng.int(20);
      expect(hex(gemmBf16Fast(a, b, c, k))).toEqual(hex(gemmBf16(a, b, c, k)));
    }
  });
});

describe('training with the fast GEMM', () => {
  it('gives bit-identical weights to training with the golden gemm / gemmBf16 (MNIST digits, 2 steps)', () => {
    const d = loadMnist();
    const data = { n: 32, x: d.train.x, y: d.train.y };
    const s = { epochs: 1, batch: 16, lr: 0.05, momentum: 0.9, logEvery: 1 };
    const cases: [StudyFormat, BlockScheme][] = [['mxsf', '8x8'], ['mxfp8-e5m2', '1x32'], ['bf16', '1x32']];
    for (const [f, sc] of cases) {
      const golden =
        f === 'bf16'
          ? (a: Matrix, b: Matrix) => gemmBf16(a, b)
          : (a: Matrix, b: Matrix) =>
              gemm(a, b, sc === '1x32'
                ? { formatA: f as FormatName, blockA: { rows: 1, cols: 32 }, blockB: { rows: 32, cols: 1 } }
                : { formatA: f as FormatName, blockA: { rows: 8, cols: 8 }, blockB: { rows: 8, cols: 8 } });
      const a = train(initParams(1), data, golden, s, 2);
      const b = train(initParams(1), data, gemmFor(f, sc), s, 2);
      expect(b.curve, `${f} ${sc} loss`).toEqual(a.curve);
      for (let l = 0; l < a.params.w.length; l++) {
        expect(hex({ rows: 1, cols: b.params.w[l].length, bits: new Uint32Array(b.params.w[l].buffer) }), `${f} ${sc} W${l}`).toEqual(
          hex({ rows: 1, cols: a.params.w[l].length, bits: new Uint32Array(a.params.w[l].buffer) }),
        );
      }
    }
  });
});
