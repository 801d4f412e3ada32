// PE transactions: packing into the harness's input words, the golden model of one transaction, and the
// test-vector generators (exhaustive code pairs at k = 1, random and corner chunks).
//
// Port order (= packed word order, first port in the LSBs): MX PE a_i, b_i, xa_i, xb_i, acc_i;
// BF16 PE a_i, b_i, acc_i. Output: acc_o.

import { Prng } from '../../util/prng';
import {
  BASELINE_BF16, FORMAT_TABLE, FP32_CANONICAL_NAN, FP32_NEG_INF, FP32_POS_INF, bitsToFloat, chunkDot, classifyCode,
  codeBits, decodeTable, floatToBits, fp32AddBits, maxMagCode, pairwiseTree, quantizeBlock, type FormatName, type FormatSpec,
} from '../../golden/index';

/** One PE transaction: k codes (or BF16 patterns) per operand, two scales (ignored for BF16), the accumulator. */
export interface PeCase {
  readonly a: ArrayLike<number>;
  readonly b: ArrayLike<number>;
  readonly xa: number;
  readonly xb: number;
  readonly acc: number;
}

/** What a PE multiplies: an MX format pair, or the BF16 baseline. */
export type PeKind = { readonly kind: 'mx'; readonly formatA: FormatName; readonly formatB: FormatName } | { readonly kind: 'bf16' };

export const isBf16 = (p: PeKind): p is Extract<PeKind, { kind: 'bf16' }> => p.kind === 'bf16';

export function elementBits(p: PeKind): { a: number; b: number } {
  return isBf16(p) ? { a: 16, b: 16 } : { a: codeBits(FORMAT_TABLE[p.formatA]), b: codeBits(FORMAT_TABLE[p.formatB]) };
}

export function peKindLabel(p: PeKind): string {
  return isBf16(p) ? BASELINE_BF16 : p.formatA === p.formatB ? p.formatA : `${p.formatA} x ${p.formatB}`;
}

// ---- packing ----

/** Packs (value, width) fields, the first in the LSBs, into a bigint via one hex string. */
export class WordPacker {
  private words: Uint32Array;
  private pos = 0;
  constructor(readonly width: number) {
    this.words = new Uint32Array(Math.ceil(width / 32) + 1);
  }
  reset(): void {
    this.words.fill(0);
    this.pos = 0;
  }
  push(value: number, width: number): void {
    // value < 2^width, width <= 32
    const w = this.pos >>> 5;
    const o = this.pos & 31;
    this.words[w] = (this.words[w]! | (value << o)) >>> 0;
    if (o + width > 32) this.words[w + 1] = (this.words[w + 1]! | (value >>> (32 - o))) >>> 0;
    this.pos += width;
  }
  value(): bigint {
    let s = '0x';
    for (let i = Math.ceil(this.width / 32) - 1; i >= 0; i--) s += this.words[i]!.toString(16).padStart(8, '0');
    return BigInt(s);
  }
}

/** Packs one transaction into the PE's input word. */
export function peInputPacker(p: PeKind, k: number): (c: PeCase) => bigint {
  const bits = elementBits(p);
  const width = k * (bits.a + bits.b) + (isBf16(p) ? 0 : 16) + 32;
  const w = new WordPacker(width);
  return (c) => {
    if (c.a.length !== k || c.b.length !== k) throw new Error(`PE case has ${c.a.length}/${c.b.length} elements, expected ${k}`);
    w.reset();
    for (let i = 0; i < k; i++) w.push(c.a[i]!, bits.a);
    for (let i = 0; i < k; i++) w.push(c.b[i]!, bits.b);
    if (!isBf16(p)) {
      w.push(c.xa, 8);
      w.push(c.xb, 8);
    }
    w.push(c.acc >>> 0, 32);
    return w.value();
  };
}

// ---- golden model ----

/** Expected acc_o (FP32 bits) of one transaction: the contract's chunk result added to acc. */
export function peModel(p: PeKind): (c: PeCase) => number {
  if (isBf16(p)) {
    let prods = new Float64Array(0);
    return (c) => {
      const k = c.a.length;
      if (prods.length !== k) prods = new Float64Array(k);
      for (let t = 0; t < k; t++) prods[t] = Math.fround(bitsToFloat((c.a[t]! << 16) >>> 0) * bitsToFloat((c.b[t]! << 16) >>> 0));
      return floatToBits(Math.fround(bitsToFloat(c.acc) + pairwiseTree(prods, k)));
    };
  }
  const fa = FORMAT_TABLE[p.formatA];
  const fb = FORMAT_TABLE[p.formatB];
  return (c) => fp32AddBits(c.acc, chunkDot(fa, c.a, c.xa, fb, c.b, c.xb));
}

// ---- generators ----



/** Accumulator corner values: signed zeros, infinities, NaNs, extremes, subnormals. */
export const ACC_CORNERS: readonly number[] = [
  0x00000000, 0x80000000, FP32_POS_INF, FP32_NEG_INF, FP32_CANONICAL_NAN, 0xffc00001, 0x7f800001,
  0x7f7fffff, 0xff7fffff, 0x00800000, 0x80800000, 0x00000001, 0x80000001, 0x007fffff, 0x3f800000, 0xbf800000,
];

/** Scale pairs for the exhaustive product check: unit scales, both extremes, mixed, and NaN. */
export const SCALE_PAIRS: readonly (readonly [number, number])[] = [
  [127, 127], [127, 127], [127, 127], [127, 127], [0, 0], [254, 254], [1, 0], [200, 180], [60, 40], [127, 0xff], [0xff, 3], [140, 100],
];

/**
 * Every pair of codes through a k = 1 PE: pair (a, b) = (i >> bitsB, i & maskB). Scales and accumulators are
 * mixed in: most vectors use unit scales with acc = -0 (so acc_o = r exactly, the sign of r included), the
 * rest cycle through SCALE_PAIRS and ACC_CORNERS.
 */
export function exhaustivePairs(p: { formatA: FormatName; formatB: FormatName }, seed: number): PeCase[] {
  const ba = codeBits(FORMAT_TABLE[p.formatA]);
  const bb = codeBits(FORMAT_TABLE[p.formatB]);
  const rng = new Prng(seed);
  const out: PeCase[] = [];
  for (let i = 0; i < 1 << (ba + bb); i++) {
    const a = i >> bb;
    const b = i & ((1 << bb) - 1);
    const plain = rng.chance(0.6);
    const [xa, xb] = plain ? [127, 127] : rng.pick(SCALE_PAIRS);
    const acc = plain || rng.chance(0.5) ? 0x80000000 : rng.chance(0.7) ? rng.pick(ACC_CORNERS) : randomFp32(rng);
    out.push({ a: [a], b: [b], xa, xb, acc });
  }
  return out;
}

/** A random FP32 pattern: mostly moderate normals, some subnormals and specials. */
export function randomFp32(rng: Prng): number {
  const r = rng.int(16);
  if (r === 0) return rng.pick(ACC_CORNERS);
  if (r === 1) return (rng.u32() & 0x807fffff) >>> 0; // subnormal or zero
  const sign = rng.chance(0.5) ? 0x80000000 : 0;
  if (r === 2) return (sign | (rng.u32() & 0x7fffffff)) >>> 0; // anything (may be Inf/NaN)
  const e = rng.range(127 - 30, 127 + 30);
  return (sign | (e << 23) | (rng.u32() & 0x7fffff)) >>> 0;
}

function finiteCodes(f: FormatSpec): number[] {
  const out: number[] = [];
  for (let c = 0; c < 1 << codeBits(f); c++) if (classifyCode(f, c) === 'finite') out.push(c);
  return out;
}

function specialCodes(f: FormatSpec): number[] {
  const out: number[] = [];
  for (let c = 0; c < 1 << codeBits(f); c++) if (classifyCode(f, c) !== 'finite') out.push(c);
  return out;
}

/** The code of -value (sign flip; two's complement for integers, 0x80 maps to itself). */
export function negCode(f: FormatSpec, c: number): number {
  if (f.kind === 'int') return (-c) & ((1 << f.bits) - 1);
  return c ^ (1 << (f.expBits + f.manBits));
}

/** A random FP32 block value near 2^e (for quantizeBlock-made chunks). */
function fp32Near(rng: Prng, e: number): number {
  const x = Math.max(1, Math.min(254, e + 127 - rng.int(12)));
  const keep = rng.int(24);
  const man = rng.u32() & 0x7fffff & ~((1 << (23 - keep)) - 1);
  return ((rng.chance(0.5) ? 0x80000000 : 0) | (x << 23) | man) >>> 0;
}

interface Generator {
  readonly fa: FormatSpec;
  readonly fb: FormatSpec;
  readonly k: number;
  readonly rng: Prng;
  readonly finA: number[];
  readonly finB: number[];
  readonly specA: number[];
  readonly specB: number[];
}

function codesOf(g: Generator, side: 'a' | 'b', style: number): number[] {
  const f = side === 'a' ? g.fa : g.fb;
  const fin = side === 'a' ? g.finA : g.finB;
  const spec = side === 'a' ? g.specA : g.specB;
  const { k, rng } = g;
  const n = 1 << codeBits(f);
  switch (style) {
    case 0: // uniform over every code (NaN/Inf codes at their natural rate)
      return Array.from({ length: k }, () => rng.int(n));
    case 1: // finite codes only
      return Array.from({ length: k }, () => rng.pick(fin));
    case 2: { // a quantized FP32 block (realistic codes)
      const bits = Array.from({ length: k }, () => (rng.chance(0.1) ? 0 : fp32Near(rng, rng.range(-20, 20))));
      return Array.from(quantizeBlock(f.name as FormatName, bits, rng.chance(0.5) ? 'floor' : 'rceil').codes);
    }
    case 3: { // the largest magnitudes (sum-width check), random or equal signs
      const top = maxMagCode(f);
      const sign = f.kind === 'int' ? 0 : 1 << (f.expBits + f.manBits);
      const allNeg = rng.chance(0.5);
      return Array.from({ length: k }, () => {
        if (f.kind === 'int') return allNeg ? 0x80 & (n - 1) : top;
        const c = rng.chance(0.8) ? top : rng.pick(fin) & (sign - 1);
        return allNeg ? c | sign : c;
      });
    }
    case 4: // mostly zeros, a few finite (signed zeros too)
      return Array.from({ length: k }, () => (rng.chance(0.8) ? (f.kind === 'int' ? 0 : rng.pick([0, 1 << (f.expBits + f.manBits)])) : rng.pick(fin)));
    case 5: { // finite, with one special code if the format has any
      const c = Array.from({ length: k }, () => rng.pick(fin));
      if (spec.length) c[rng.int(k)] = rng.pick(spec);
      return c;
    }
    default: // the smallest magnitudes
      return Array.from({ length: k }, () => {
        const c = rng.range(0, Math.min(7, fin.length - 1));
        return rng.chance(0.5) ? negCode(f, c) : c;
      });
  }
}

/** Scales: near unit, uniform, NaN, and aimed at the FP32 subnormal and overflow boundaries. */
function scalesFor(g: Generator, chunkLog2: number): [number, number] {
  const { rng } = g;
  const r = rng.int(20);
  if (r === 0) return rng.chance(0.5) ? [0xff, rng.int(256)] : [rng.int(256), 0xff];
  if (r <= 4) return [rng.int(255), rng.int(255)];
  let sum: number;
  if (r <= 8) sum = 254 - chunkLog2 + rng.range(-150, -118); // r around 2^-150 .. 2^-118: FP32 subnormals
  else if (r <= 11) sum = 254 - chunkLog2 + rng.range(120, 130); // around the overflow threshold
  else sum = 254 + rng.range(-20, 20);
  sum = Math.max(0, Math.min(508, sum));
  const xa = Math.max(0, Math.min(254, rng.range(sum - 254, Math.min(254, sum))));
  return [xa, Math.max(0, Math.min(254, sum - xa))];
}

function log2Abs(v: number): number {
  return v === 0 || !Number.isFinite(v) ? 0 : Math.floor(Math.log2(Math.abs(v)));
}

/** Random and corner MX chunks of length k (see codesOf, scalesFor, and the cancellation cases). */
export function randomMxCases(p: { formatA: FormatName; formatB: FormatName }, k: number, count: number, seed: number): PeCase[] {
  const fa = FORMAT_TABLE[p.formatA];
  const fb = FORMAT_TABLE[p.formatB];
  const rng = new Prng(seed);
  const g: Generator = { fa, fb, k, rng, finA: finiteCodes(fa), finB: finiteCodes(fb), specA: specialCodes(fa), specB: specialCodes(fb) };
  const model = peModel({ kind: 'mx', ...p });
  const out: PeCase[] = [];
  for (let n = 0; n < count; n++) {
    const style = rng.int(12);
    let a: number[];
    let b: number[];
    if (style >= 7 && k >= 2) {
      // cancellation: the second half repeats the first with B negated (exact zero sum), maybe perturbed
      const h = k >> 1;
      a = codesOf(g, 'a', 1);
      b = codesOf(g, 'b', rng.chance(0.5) ? 1 : 2);
      for (let i = 0; i < h; i++) {
        a[h + i] = a[i]!;
        b[h + i] = negCode(fb, b[i]!);
      }
      if (fb.kind === 'int') for (let i = 0; i < k; i++) if (b[i] === 0x80) b[i] = 0; // -(-2) is not a code
      if (rng.chance(0.3)) b[rng.int(k)] = rng.pick(g.finB); // near-cancellation
    } else {
      a = codesOf(g, 'a', style % 7);
      b = codesOf(g, 'b', rng.chance(0.7) ? style % 7 : rng.int(7));
    }
    // scale the chunk so r lands where we want (estimate |S| in a double; exactness is not needed here)
    const ta = new Float64Array(k);
    let est = 0;
    for (let i = 0; i < k; i++) est += (ta[i] = decodeFinite(fa, a[i]!) * decodeFinite(fb, b[i]!));
    const [xa, xb] = scalesFor(g, log2Abs(est));
    let acc: number;
    const ra = rng.int(10);
    if (ra <= 3) acc = rng.pick(ACC_CORNERS);
    else if (ra <= 6) acc = randomFp32(rng);
    else {
      // acc = -r (exact cancellation in the accumulator) or close to it
      const r = model({ a, b, xa, xb, acc: 0x80000000 });
      acc = (r ^ 0x80000000) >>> 0;
      if (ra === 8) acc = (acc + rng.range(-3, 3)) >>> 0;
      if (ra === 9) acc = ((acc & 0x807fffff) | (Math.max(1, Math.min(254, ((acc >>> 23) & 0xff) + rng.range(-25, 25))) << 23)) >>> 0;
    }
    out.push({ a, b, xa, xb, acc });
  }
  return out;
}

function decodeFinite(f: FormatSpec, code: number): number {
  return classifyCode(f, code) === 'finite' ? decodeTable(f)[code]! : 0;
}

/** BF16 patterns: random values, signed zeros, subnormals, Inf, NaN, extremes (for the BF16 PE). */
export function randomBf16Cases(k: number, count: number, seed: number): PeCase[] {
  const rng = new Prng(seed);
  const model = peModel({ kind: 'bf16' });
  const corners = [0x0000, 0x8000, 0x7f80, 0xff80, 0x7fc0, 0xffc1, 0x7f7f, 0xff7f, 0x0080, 0x8080, 0x0001, 0x8001, 0x007f, 0x3f80, 0xbf80];
  const value = (band: number, style: number): number => {
    if (style === 0 && rng.chance(0.3)) return rng.pick(corners);
    if (style === 1) return rng.u32() & 0xffff;
    const e = Math.max(0, Math.min(255, band + rng.range(-6, 6)));
    const v = ((rng.chance(0.5) ? 0x8000 : 0) | (Math.min(e, 254) << 7) | (rng.u32() & 0x7f)) & 0xffff;
    return rng.chance(0.03) ? 0 : v;
  };
  const out: PeCase[] = [];
  for (let n = 0; n < count; n++) {
    const style = rng.int(6);
    const bandA = rng.chance(0.2) ? rng.range(0, 254) : 127 + rng.range(-10, 10);
    const bandB = rng.chance(0.2) ? rng.range(0, 254) : 127 + rng.range(-10, 10);
    let a = Array.from({ length: k }, () => value(bandA, style));
    let b = Array.from({ length: k }, () => value(bandB, style));
    if (style === 5 && k >= 2) {
      const h = k >> 1;
      for (let i = 0; i < h; i++) {
        a[h + i] = a[i]!;
        b[h + i] = b[i]! ^ 0x8000;
      }
    }
    if (style === 4) {
      // subnormal products: tiny times tiny
      a = a.map((x) => (x & 0x807f) | (rng.range(0, 40) << 7));
      b = b.map((x) => (x & 0x807f) | (rng.range(0, 60) << 7));
    }
    let acc: number;
    const ra = rng.int(10);
    if (ra <= 3) acc = rng.pick(ACC_CORNERS);
    else if (ra <= 6) acc = randomFp32(rng);
    else {
      const r = model({ a, b, xa: 0, xb: 0, acc: 0x80000000 });
      acc = (r ^ 0x80000000) >>> 0;
      if (ra === 8) acc = (acc + rng.range(-3, 3)) >>> 0;
    }
    out.push({ a, b, xa: 0, xb: 0, acc });
  }
  return out;
}

/** Every pair of BF16 patterns is 2^32; this is every sign/exponent pair with a few mantissas (k = 1). */
export function bf16ProductGrid(seed: number): PeCase[] {
  const rng = new Prng(seed);
  const out: PeCase[] = [];
  for (let ea = 0; ea < 256; ea++) {
    for (let eb = 0; eb < 256; eb++) {
      const ma = rng.int(128);
      const mb = rng.int(128);
      const a = ((rng.chance(0.5) ? 0x8000 : 0) | (ea << 7) | ma) & 0xffff;
      const b = ((rng.chance(0.5) ? 0x8000 : 0) | (eb << 7) | mb) & 0xffff;
      out.push({ a: [a], b: [b], xa: 0, xb: 0, acc: rng.chance(0.7) ? 0x80000000 : randomFp32(rng) });
    }
  }
  return out;
}

// ---- accumulate-in-place PEs (acc: true) ----

/**
 * One output of an accumulate-in-place PE: the start value (acc_i of the first chunk) and its chunks in
 * order (their `acc` fields are not used). The PE emits one acc_o per run.
 */
export interface AccRun {
  readonly start: number;
  readonly chunks: readonly PeCase[];
}

/** acc_o of a run: acc = start, then acc = fp32(acc + r) per chunk in order (formats.md section 4, step 4). */
export function accRunModel(p: PeKind): (run: AccRun) => number {
  const model = peModel(p);
  return (run) => run.chunks.reduce((acc, c) => model({ ...c, acc }), run.start);
}

/** Packs one chunk beat of an accumulate-in-place PE: the ports of the plain PE, then first_i and last_i. */
export function peAccInputPacker(p: PeKind, k: number): (c: PeCase, first: boolean, last: boolean) => bigint {
  const plain = peInputPacker(p, k);
  const bits = elementBits(p);
  const shift = BigInt(k * (bits.a + bits.b) + (isBf16(p) ? 0 : 16) + 32);
  return (c, first, last) => plain(c) | (BigInt(first ? 1 : 0) << shift) | (BigInt(last ? 1 : 0) << (shift + 1n));
}

/** The input beats of a list of runs (acc_i carries the start value on first chunks, garbage otherwise). */
export function packAccRuns(p: PeKind, k: number, runs: readonly AccRun[], seed: number): bigint[] {
  const pack = peAccInputPacker(p, k);
  const rng = new Prng(seed);
  const out: bigint[] = [];
  for (const run of runs) {
    run.chunks.forEach((c, i) => {
      // on chunks after the first, acc_i must be ignored: feed a random pattern there
      const acc = i === 0 ? run.start : rng.u32();
      out.push(pack({ ...c, acc }, i === 0, i === run.chunks.length - 1));
    });
  }
  return out;
}

/**
 * Runs of random length (1..maxLen, with many single-chunk and some long runs) of random and corner chunks;
 * a quarter of the chunks after the first repeat the previous chunk with B negated, so the accumulator
 * cancels exactly (to +-0 or to the value before) and rounding-sensitive sums occur.
 */
export function randomAccRuns(p: PeKind, k: number, count: number, maxLen: number, seed: number): AccRun[] {
  const rng = new Prng(seed);
  const lengths = Array.from({ length: count }, () => (rng.chance(0.3) ? 1 : rng.chance(0.2) ? maxLen : 1 + rng.int(maxLen)));
  const total = lengths.reduce((s, n) => s + n, 0);
  const pool = isBf16(p) ? randomBf16Cases(k, total, seed + 1) : randomMxCases(p, k, total, seed + 1);
  const negB = (c: PeCase): PeCase => {
    if (isBf16(p)) return { ...c, b: Array.from(c.b, (x) => x ^ 0x8000) };
    const fb = FORMAT_TABLE[p.formatB];
    return { ...c, b: Array.from(c.b, (x) => (fb.kind === 'int' && x === 0x80 ? 0 : negCode(fb, x))) };
  };
  let next = 0;
  return lengths.map((n) => {
    const chunks: PeCase[] = [];
    for (let i = 0; i < n; i++) {
      const c = pool[next++]!;
      chunks.push(i > 0 && rng.chance(0.25) ? negB(chunks[i - 1]!) : c);
    }
    return { start: pool[next - n]!.acc, chunks };
  });
}
