// Golden-model throughput on one core, side by side with microxcaling (the PyTorch MX emulation library) at the
// same sizes: quantize + dequantize ("fake-quantize") of a 1024 x 1024 N(0,1) matrix, and the MX GEMM of
// 256 x 512 x 256 (ours: exact, bit-exact to the contract; microxcaling: fake-quantize both operands, then an
// FP32 matmul, which is not exact MX arithmetic). microxcaling is measured by scripts/microxcaling-bench.sh
// where Python + PyTorch + microxcaling are available; elsewhere the figures cited in issue 15 are printed,
// labelled as cited. The machine is shared, so each figure is the best of --runs runs (the least disturbed,
// closest to one free core) with the median beside it.
//   npm run bench [-- --runs N] [--warmup N] [--no-alt]
//   PYTHON=/usr/bin/python3 MICROXCALING_DIR=/path/to/microxcaling npm run bench   (measures microxcaling too)

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Prng } from '../util/prng';
import {
  dequantize, floatToBits, gemm, gemmBf16, gemmQuantized, makeMatrix, parseBlockShape as shape, quantize, type FormatName, type Matrix,
} from '../golden/index';
import { gemmFp32 } from '../study/fp32-gemm';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 0) {
    console.error(`bench: --${name} needs a non-negative integer`);
    process.exit(2);
  }
  return v;
}

const RUNS = Math.max(1, option('runs', 9));
const WARMUP = option('warmup', 3);
const QR = 1024;
const QC = 1024;
const M = 256;
const K = 512;
const N = 256;

/** Issue 15's figures for microxcaling on this machine (one core), used when it cannot be run here. */
const CITED = { quantizeMelemS: 18, matmulMmacS: 1540 };

/** A rows x cols matrix of N(0, 1) values, as FP32 bit patterns. */
function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const r = new Prng(seed);
  const bits = new Uint32Array(rows * cols);
  for (let i = 0; i < bits.length; i++) bits[i] = floatToBits(r.normal());
  return makeMatrix(rows, cols, bits);
}

/** Best and median wall time of `fn` in seconds. */
function time(fn: () => unknown): { best: number; median: number } {
  for (let i = 0; i < WARMUP; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    t.push((performance.now() - t0) / 1000);
  }
  t.sort((a, b) => a - b);
  return { best: t[0], median: t[Math.floor(t.length / 2)] };
}

interface Alt {
  available: boolean;
  reason?: string;
  torch?: string;
  quantize?: Record<string, { best_melem_s: number; median_melem_s: number }>;
  matmul?: Record<string, { best_mmac_s: number; median_mmac_s: number }>;
}

function microxcaling(): Alt {
  if (process.argv.includes('--no-alt')) return { available: false, reason: 'skipped (--no-alt)' };
  const script = join(process.cwd(), 'scripts', 'microxcaling-bench.sh');
  if (!existsSync(script)) return { available: false, reason: `${script} not found (run from the repository root)` };
  try {
    const out = execFileSync('bash', [script, String(QR), String(QC), String(M), String(K), String(N), String(RUNS)], { encoding: 'utf8', timeout: 600_000 });
    return JSON.parse(out.trim().split('\n').pop()!) as Alt;
  } catch (e) {
    return { available: false, reason: `scripts/microxcaling-bench.sh failed: ${(e as Error).message.split('\n')[0]}` };
  }
}

const f1 = (x: number) => x.toFixed(1);
const f0 = (x: number) => x.toFixed(0);
const row = (cells: string[], widths: number[]) => console.log(cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(''));

const alt = microxcaling();
console.log(`golden-model throughput: node ${process.version}, one core, best (median) of ${RUNS} runs after ${WARMUP} warm-up runs`);
console.log(
  alt.available
    ? `alternative: microxcaling measured here by scripts/microxcaling-bench.sh (PyTorch ${alt.torch}, 1 thread); issue 15 cites ${CITED.quantizeMelemS} M elem/s and ${CITED.matmulMmacS} M MAC/s for it with another PyTorch build`
    : `alternative: microxcaling NOT measured here (${alt.reason}); its column shows the figures CITED in issue 15 (same machine, one core), marked 'cited'`,
);
console.log('');

// quantize + dequantize
const qm = randomMatrix(QR, QC, 1);
const qW = [34, 8, 16, 16, 16, 26];
row(['fake-quantize ' + `${QR}x${QC} N(0,1)`, 'format/block', 'quantize', 'dequantize', 'quant+dequant', 'microxcaling'], qW);
row(['', '', 'M elem/s', 'M elem/s', 'M elem/s', 'M elem/s'], qW);
const altQ = (fmt: FormatName): string => {
  const key = fmt === 'mxfp8-e4m3' ? 'fp8_e4m3' : fmt === 'mxfp8-e5m2' ? 'fp8_e5m2' : null;
  if (alt.available) return key && alt.quantize?.[key] ? `${f1(alt.quantize[key].best_melem_s)} (${f1(alt.quantize[key].median_melem_s)})` : 'n/a (format)';
  return `${CITED.quantizeMelemS} cited`;
};
for (const format of ['mxfp8-e4m3', 'mxfp8-e5m2', 'mxsf', 'mxfp8-e2m5', 'mxint8'] as FormatName[]) {
  for (const block of ['1x32', '8x8']) {
    const b = shape(block);
    const q = quantize(qm, format, b, 'floor');
    const tq = time(() => quantize(qm, format, b, 'floor'));
    const td = time(() => dequantize(q));
    const tqd = time(() => dequantize(quantize(qm, format, b, 'floor')));
    const r = (t: { best: number; median: number }) => `${f1((QR * QC) / t.best / 1e6)} (${f1((QR * QC) / t.median / 1e6)})`;
    row([`  ${format}`, block, r(tq), r(td), r(tqd), block === '1x32' ? altQ(format) : ''], qW);
  }
}

// GEMM
const a = randomMatrix(M, K, 2);
const b = randomMatrix(K, N, 3);
console.log('');
const gW = [34, 12, 18, 18, 24];
row([`gemm ${M}x${K}x${N} N(0,1)`, 'blocks', 'exact gemm', 'quantize+gemm', 'microxcaling'], gW);
row(['', '', 'M MAC/s', 'M MAC/s', 'fake-q+matmul M MAC/s'], gW);
const mac = (t: { best: number; median: number }) => `${f0((M * K * N) / t.best / 1e6)} (${f0((M * K * N) / t.median / 1e6)})`;
const gemms: [FormatName, string, string][] = [
  ['mxfp8-e4m3', '1x32', '32x1'],
  ['mxfp8-e5m2', '1x32', '32x1'],
  ['mxsf', '1x32', '32x1'],
  ['mxfp8-e2m5', '1x32', '32x1'],
  ['mxint8', '1x32', '32x1'],
  ['mxsf', '8x8', '8x8'],
  ['mxsf', '16x16', '16x16'],
  ['mxsf', '32x32', '32x32'],
  ['mxfp8-e4m3', '8x8', '8x8'],
];
for (const [format, ba, bb] of gemms) {
  const qa = quantize(a, format, shape(ba), 'floor');
  const qb = quantize(b, format, shape(bb), 'floor');
  const tg = time(() => gemmQuantized(qa, qb));
  const tf = time(() => gemm(a, b, { formatA: format, blockA: shape(ba), blockB: shape(bb) }));
  const altCell =
    ba !== '1x32' ? '' : format === 'mxfp8-e4m3' ? (alt.available && alt.matmul?.fp8_e4m3 ? `${f0(alt.matmul.fp8_e4m3.best_mmac_s)} (${f0(alt.matmul.fp8_e4m3.median_mmac_s)})` : `${CITED.matmulMmacS} cited`) : '';
  row([`  ${format}`, `${ba}/${bb}`, mac(tg), mac(tf), altCell], gW);
}
row(['  bf16 baseline (golden)', 'k=32', mac(time(() => gemmBf16(a, b))), '', ''], gW);
row(['  fp32, no quantization (study)', '-', mac(time(() => gemmFp32(a, b))), '', ''], gW);
console.log('');
console.log("exact gemm: gemmQuantized on quantized operands; quantize+gemm: gemm() from FP32 inputs (what the study calls).");
console.log('microxcaling computes an FP32 matmul of fake-quantized operands, not the exact MX dot product of the contract.');
