// Golden-model throughput: elements quantized per second and GEMM multiply-accumulates per second, on one
// core, median of several runs after warm-up. Run with `npm run bench` (options: --runs N, --warmup N).

import { Prng } from '../util/prng';
import { performance } from 'node:perf_hooks';
import {
  floatToBits, gemmBf16, gemmQuantized, makeMatrix, parseBlockShape as shape, quantize, type FormatName, type Matrix,
} from '../golden/index';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} needs a non-negative integer`);
  return v;
}

const RUNS = Math.max(1, option('runs', 7));
const WARMUP = option('warmup', 2);

/** A rows x cols matrix of N(0, 1) values (Box-Muller), as FP32 bit patterns. */
function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const r = new Prng(seed);
  const bits = new Uint32Array(rows * cols);
  for (let i = 0; i < bits.length; i++) bits[i] = floatToBits(r.normal());
  return makeMatrix(rows, cols, bits);
}

/** Median wall time of `fn` in seconds. */
function time(fn: () => unknown): number {
  for (let i = 0; i < WARMUP; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    t.push((performance.now() - t0) / 1000);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

/** One table row: three left-aligned cells and a right-aligned figure. */
const row = (...cells: string[]) =>
  console.log(cells.map((c, i) => (i === cells.length - 1 ? c.padStart(14) : c.padEnd([28, 12, 12][i]))).join(''));

console.log(`golden-model throughput: node ${process.version}, one core, median of ${RUNS} runs after ${WARMUP} warm-up runs\n`);

const QR = 1024;
const QC = 1024;
const qm = randomMatrix(QR, QC, 1);
row('quantize', 'format', 'block', 'M elements/s');
for (const format of ['mxsf', 'mxfp8-e4m3'] as FormatName[]) {
  for (const block of ['1x32', '8x8']) {
    const s = time(() => quantize(qm, format, shape(block), 'floor'));
    row(`  ${QR}x${QC} N(0,1)`, format, block, (QR * QC / s / 1e6).toFixed(1));
  }
}

const M = 256;
const K = 512;
const N = 256;
const a = randomMatrix(M, K, 2);
const b = randomMatrix(K, N, 3);
console.log('');
row('gemm (quantized operands)', 'format', 'blocks', 'M MAC/s');
const gemms: [FormatName | 'bf16', string, string][] = [
  ['mxsf', '1x32', '32x1'],
  ['mxsf', '8x8', '8x8'],
  ['mxfp8-e4m3', '1x32', '32x1'],
  ['mxfp8-e5m2', '1x32', '32x1'],
  ['bf16', '1x32', '32x1'],
];
for (const [format, ba, bb] of gemms) {
  let s: number;
  if (format === 'bf16') s = time(() => gemmBf16(a, b));
  else {
    const qa = quantize(a, format, shape(ba), 'floor');
    const qb = quantize(b, format, shape(bb), 'floor');
    s = time(() => gemmQuantized(qa, qb));
  }
  row(`  ${M}x${K}x${N} N(0,1)`, format, format === 'bf16' ? 'k=32' : `${ba}/${bb}`, (M * K * N / s / 1e6).toFixed(1));
}
