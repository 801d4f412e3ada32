// Corner vectors added by the mutation analysis (reports/mutation.md): inputs that kill a mutant the unit's
// regular vector generators missed. Each entry says which mutant it kills and why the generators missed it.
// They run in the first stages of every mutant's test (units.ts) and, against the unmodified RTL, in
// test/mutate/corners.test.ts. Proposed for the units' own vector generators (see the report).

import { classifyCode, codeBits, decodeTable, FORMAT_TABLE, type FormatSpec } from '../golden/index';
import type { QuantizerConfig } from '../rtl/quantizer/quantizer';
import type { Block } from '../rtl/quantizer/vectors';
import { bitsToFloat, floatToBits } from '../formats/fp32';
import { E8M0 } from '../formats/table';
import { negCode, peModel, randomBf16Cases, randomMxCases, type PeCase, type PeKind } from '../rtl/pe/vectors';
import type { TileQuantConfig } from '../rtl/tile/tilequant';
import { Prng } from '../util/prng';

/** Extra blocks for a quantizer configuration (k elements each). */
export function extraQuantizerBlocks(c: QuantizerConfig): Block[] {
  void c;
  return [];
}

/**
 * Extra PE transactions of chunk length k.
 *
 * FP32-subnormal chunk results with sparse significands (kills fp32_round_m26_e10#204-#375 of the k = 4 mxsf
 * PE, the `below_guard` mask of the subnormal shift): the chunk is one to three non-zero products and zeros, its
 * scale sum swept so the result lands at every subnormal shift (2^-125 down to 2^-152), acc = +0 or -0 so the
 * chunk's rounding is the output. The mask decides the sticky bit, which changes the result only when the bits
 * below the guard are all zero but one at the mask's edge; the random generators' dense significands (every
 * element random) almost never have that, so every mask mutant survived them.
 */
export function extraPeCases(p: PeKind, k: number): PeCase[] {
  if (p.kind !== 'mx') return [];
  const fa = FORMAT_TABLE[p.formatA];
  const fb = FORMAT_TABLE[p.formatB];
  const finA = nonZeroFinite(fa);
  const finB = nonZeroFinite(fb);
  const rng = new Prng(0x5ab0);
  const out: PeCase[] = [];
  for (let n = 0; n < 24; n++) {
    const a = new Array<number>(k).fill(0); // code 0 is +0 in every format
    const b = new Array<number>(k).fill(0);
    const terms = 1 + rng.int(Math.min(3, k));
    for (let t = 0; t < terms; t++) {
      const i = rng.int(k);
      a[i] = rng.pick(finA);
      b[i] = rng.pick(finB);
    }
    let sum = 0; // exact: at most three products of short significands
    for (let i = 0; i < k; i++) sum += value(fa, a[i]!) * value(fb, b[i]!);
    if (sum === 0) continue;
    const e = exponentOf(Math.abs(sum));
    // r = sum * 2^(xa + xb - 254): its exponent from -125 (the normal edge) to -152 (below the smallest subnormal)
    out.push(...atSubnormalShifts(a, b, e));
  }
  // two power-of-two products 2^e1 +- 2^e2: a significand 1.00..01 or 0.11..1 with its low bit at every distance
  // from the leading one, the sticky patterns the mask's edge decides
  if (k >= 2) {
    const pow = powerOfTwoProducts(fa, fb);
    const es = [...pow.keys()].sort((x, y) => y - x);
    const top = es[0]!;
    for (const e2 of es.slice(1))
      for (const sub of [false, true]) {
        const [a1, b1] = pow.get(top)!;
        const [a2, b2] = pow.get(e2)!;
        const nb = negCode(fb, b2);
        if (sub && nb === b2) continue; // the integer -2^(bits-1) has no negation
        const a = new Array<number>(k).fill(0);
        const b = new Array<number>(k).fill(0);
        a[0] = a1;
        b[0] = b1;
        a[1] = a2;
        b[1] = sub ? nb : b2;
        out.push(...atSubnormalShifts(a, b, sub ? top - 1 : top));
      }
  }
  return out;
}

/**
 * Chunks at the FP32 rounding edge (a stage of their own, after the first: the PE unit's second round of
 * corners; kills fp32_round_m26_e10#206-#375 that extraPeCases left, the `shamt_gt*` terms and mask bits at
 * both ends of the 26-bit significand). Every pair of power-of-two products 2^e1 +- 2^e2 (e1 >= e2, the
 * largest product also doubled: the significand's top bit), scaled so that the guard bit of the smallest
 * subnormal (2^-150) falls on the larger term, on the smaller one, or one place above either. The mask decides
 * the sticky bit: with the guard set, the result's last bit 0 and no other bit below, the result rounds up
 * exactly when a bit the mask lets through is set. extraPeCases swept a result's exponent (2^-125..2^-152);
 * when the significand's top bit is far above its lowest (a sum of a large and a small product) the shifts
 * that matter put the result's exponent below 2^-152, so the guard lands on the small product only here.
 */
export function roundingEdgeCases(p: PeKind, k: number): PeCase[] {
  if (p.kind !== 'mx' || k < 2) return [];
  const fa = FORMAT_TABLE[p.formatA];
  const fb = FORMAT_TABLE[p.formatB];
  const pow = powerOfTwoProducts(fa, fb);
  const es = [...pow.keys()].sort((x, y) => y - x);
  // a term: its exponent and the products (code pairs) that make it; the top product twice makes 2^(top+1)
  const terms: { e: number; prods: [number, number][] }[] = es.map((e) => ({ e, prods: [pow.get(e)!] }));
  if (k >= 3) terms.unshift({ e: es[0]! + 1, prods: [pow.get(es[0]!)!, pow.get(es[0]!)!] });
  const out: PeCase[] = [];
  for (let i = 0; i < terms.length; i++)
    for (let j = i; j < terms.length; j++) {
      const hi = terms[i]!;
      const lo = terms[j]!;
      if (hi.prods.length + lo.prods.length > k) continue;
      for (const sub of [false, true]) {
        if (sub && i === j) continue; // 2^e - 2^e = 0
        const a = new Array<number>(k).fill(0); // code 0 is +0 in every format
        const b = new Array<number>(k).fill(0);
        let slot = 0;
        for (const [ca, cb] of hi.prods) (a[slot] = ca), (b[slot++] = cb);
        let neg = false;
        for (const [ca, cb] of lo.prods) {
          const nb = sub ? negCode(fb, cb) : cb;
          if (sub && nb === cb) neg = true; // the integer -2^(bits-1) has no negation
          (a[slot] = ca), (b[slot++] = nb);
        }
        if (neg) continue;
        // 2^hi.e scaled to 2^t: t = -150 puts the guard on hi, t = -150 + hi.e - lo.e on lo; and one place above
        const targets = new Set([-150, -149, -150 + hi.e - lo.e, -149 + hi.e - lo.e]);
        for (const t of targets) pushScaled(out, a, b, hi.e, t);
      }
    }
  out.push(...topBitCases(fa, fb, k, [-150, -149]));
  return out;
}

/**
 * The significand's top two bits at the rounding edge (kills fp32_round_m26_e10#340-#349 and #375, the mask
 * bits of significand bits W-1 and W-2, which only a sum of several large products reaches): chunk sums
 * 2^(W-1), 2^(W-2) and 2^(W-1) + 2^(W-2), alone and with one more bit 2^j (every j below), in units of the
 * finest product bit, each found as an exact sum of at most k products; scaled so the guard of the smallest
 * subnormal falls on each set bit or one place above it. W: the bit length of k times the largest product.
 */
function topBitCases(fa: FormatSpec, fb: FormatSpec, k: number, targets: readonly number[]): PeCase[] {
  const ua = finestBit(fa);
  const ub = finestBit(fb);
  const prods = new Map<number, [number, number]>(); // product in units of ua * ub (exact integers) -> codes
  for (const ca of nonZeroFinite(fa))
    for (const cb of nonZeroFinite(fb)) {
      const v = (value(fa, ca) / ua) * (value(fb, cb) / ub);
      if (v > 0 && !prods.has(v)) prods.set(v, [ca, cb]);
    }
  const desc = [...prods.keys()].sort((x, y) => y - x);
  const W = bitLength(k * desc[0]!);
  const e0 = exponentOf(ua * ub);
  const out: PeCase[] = [];
  for (const top of [2 ** (W - 1), 2 ** (W - 2), 2 ** (W - 1) + 2 ** (W - 2)])
    for (let j = -1; j < W - 2; j++) {
      const T = top + (j < 0 ? 0 : 2 ** j);
      const terms = exactSum(T, prods, desc, k);
      if (!terms) continue;
      const a = new Array<number>(k).fill(0);
      const b = new Array<number>(k).fill(0);
      terms.forEach(([ca, cb], i) => ((a[i] = ca), (b[i] = cb)));
      // bit i of T has weight 2^(i + e0) before scaling; put it on each target (the guard 2^-150, or near it)
      for (let i = 0; i < W; i++) {
        if (Math.floor(T / 2 ** i) % 2 === 0) continue;
        for (const t of targets) pushScaled(out, a, b, i + e0, t, 0);
      }
    }
  return out;
}

/**
 * The same top-bit sums one and two places below the smallest subnormal's guard (2^-151, 2^-152): results that
 * round to zero, where the subnormal shift is 0 or would be negative (kills fp32_round_m10_e9#77, a shift
 * clamped to 1 instead of 0, which puts the guard on the top bit and rounds such a result up to 2^-149).
 */
export function belowEdgeCases(p: PeKind, k: number): PeCase[] {
  if (p.kind !== 'mx' || k < 2) return [];
  return topBitCases(FORMAT_TABLE[p.formatA], FORMAT_TABLE[p.formatB], k, [-151, -152]);
}

/** At most n products (code pairs) whose values sum to exactly T: one, two, or the largest few plus two. */
function exactSum(T: number, prods: ReadonlyMap<number, [number, number]>, desc: readonly number[], n: number): [number, number][] | undefined {
  if (prods.has(T)) return [prods.get(T)!];
  const two = (t: number): [number, number][] | undefined => {
    for (const p of desc) if (p < t && prods.has(t - p)) return [prods.get(p)!, prods.get(t - p)!];
    return undefined;
  };
  if (n >= 2) {
    const r = two(T);
    if (r) return r;
  }
  for (let m = 3; m <= n; m++) {
    // the m - 2 largest terms from the top few products (repeats allowed), then an exact pair
    const pick = (t: number, left: number): [number, number][] | undefined => {
      if (left === 0) return two(t);
      for (const p of desc.slice(0, 24)) {
        if (p >= t) continue;
        const r = pick(t - p, left - 1);
        if (r) return [prods.get(p)!, ...r];
      }
      return undefined;
    };
    const r = pick(T, m - 2);
    if (r) return r;
  }
  return undefined;
}

/** The weight of the finest bit any finite value of f has (every value is an integer multiple of it). */
function finestBit(f: FormatSpec): number {
  const vs = nonZeroFinite(f).map((c) => Math.abs(value(f, c)));
  let u = 2 ** exponentOf(Math.min(...vs));
  while (vs.some((v) => !Number.isInteger(v / u))) u /= 2;
  return u;
}

const bitLength = (x: number): number => exponentOf(x) + 1;

/**
 * The accumulator adder's edges (a stage of their own; kills fp32_add's survivors: the alignment shift's
 * `align_gt*` sticky mask and the leading-zero count of the low sum bits). A few chunk results c (a power of
 * two, so its significand is 1.0, and three random ones), each with accumulators
 *   acc = -(c + d) for d = +-2^j ulps of c, j = -3..23, where exact in FP32: cancellation that leaves the sum's
 *         leading one at every position, down to the adder's guard bits (c = 2^e, acc = -(2^e - 2^(e-24)));
 *   acc = +-2^(e_c + d) * (1 + m * 2^-23) for every exponent offset d = -28..28 and significands m with a lone
 *         low bit, all ones or a half: the smaller operand's bits shifted out at every alignment distance.
 * and, for c = 2^e, an accumulator whose lost bits decide a tie (below).
 * The random generators' accumulators are random, corner values, or -c within three ulps; a lone low bit
 * at a given distance, or a leading one far down after cancellation, is rare in them.
 */
export function adderEdgeCases(p: PeKind, k: number): PeCase[] {
  const model = peModel(p);
  const chunks: PeCase[] = [];
  if (p.kind === 'mx') {
    const fa = FORMAT_TABLE[p.formatA];
    const fb = FORMAT_TABLE[p.formatB];
    const [, [ca, cb]] = [...powerOfTwoProducts(fa, fb)].sort(([x], [y]) => y - x)[0]!;
    const a = new Array<number>(k).fill(0);
    const b = new Array<number>(k).fill(0);
    a[0] = ca;
    b[0] = cb;
    chunks.push({ a, b, xa: 127, xb: 127, acc: 0 });
  } else {
    const a = new Array<number>(k).fill(0);
    const b = new Array<number>(k).fill(0);
    a[0] = 0x3f80; // 1.0 * 2.0
    b[0] = 0x4000;
    chunks.push({ a, b, xa: 0, xb: 0, acc: 0 });
  }
  const random = p.kind === 'mx' ? randomMxCases(p, k, 64, 0xadd) : randomBf16Cases(k, 64, 0xadd);
  for (const c of random) {
    if (chunks.length === 4) break;
    const r = model({ ...c, acc: 0 });
    const ex = (r >>> 23) & 0xff;
    if (ex >= 30 && ex <= 224 && (r & 0x7fffff) !== 0) chunks.push({ ...c, acc: 0 });
  }
  const out: PeCase[] = [];
  const add = (c: PeCase, acc: number) => out.push({ ...c, a: Array.from(c.a), b: Array.from(c.b), acc: acc >>> 0 });
  for (const c of chunks) {
    const r = model(c);
    const cv = bitsToFloat(r);
    const ec = (r >>> 23) & 0xff;
    const ulp = 2 ** (ec - 150);
    for (let j = -3; j <= 23; j++)
      for (const sgn of [1, -1]) {
        const v = -(cv + sgn * 2 ** j * ulp);
        const bits = floatToBits(v);
        const ev = (bits >>> 23) & 0xff;
        if (bitsToFloat(bits) === v && ev > 0 && ev < 255) add(c, bits);
      }
    for (let d = -28; d <= 28; d++) {
      const ea = ec + d;
      if (ea < 1 || ea > 254) continue;
      for (const m of [0, 1, 3, 0x7fffff, 0x400000, 0x400001])
        for (const neg of [false, true]) add(c, (neg ? 0x80000000 : 0) | (ea << 23) | m);
    }
  }
  // c = 2^e and acc = +-2^(e-s) * (1 + 2^(g-23) + 2^(j-23)): shifted right by s, acc's bit g is the sum's guard
  // (g = s - 1, or s - 2 after a borrow), c's zero significand makes the sum a tie but for bit j, and bit j is
  // shifted out exactly when j < s - 3: the sticky decides the rounding, so every bit of the lost-bits mask
  // is seen on both sides of its edge (the fp32_add#58/#66/#72/#104 survivors)
  const c0 = chunks[0]!;
  const e0 = (model(c0) >>> 23) & 0xff;
  for (let sh = 1; sh <= 27; sh++)
    for (const g of [sh - 1, sh - 2])
      for (let j = 0; j <= 22; j++) {
        if (g < 0 || j === g || j > sh) continue;
        const ea = e0 - sh;
        if (ea < 1) continue;
        const m = (g <= 22 ? 1 << g : 0) | (1 << j);
        for (const neg of [false, true]) add(c0, (neg ? 0x80000000 : 0) | (ea << 23) | m);
      }
  return out;
}

/** One (a, b) code pair per power-of-two product 2^e, by e. */
function powerOfTwoProducts(fa: FormatSpec, fb: FormatSpec): Map<number, [number, number]> {
  const pow = new Map<number, [number, number]>();
  for (const ca of nonZeroFinite(fa))
    for (const cb of nonZeroFinite(fb)) {
      const v = value(fa, ca) * value(fb, cb);
      if (v > 0 && isPowerOfTwo(v) && !pow.has(exponentOf(v))) pow.set(exponentOf(v), [ca, cb]);
    }
  return pow;
}

/**
 * Single products at the FP32 rounding edge, for the k = 1 PE (its own rounding module, fp32_round_m24_e10 in
 * mxsf, whose mask and `shamt_gt*` mutants survived the exhaustive code pairs: those run at a few scale pairs,
 * so a product's low bits never meet the guard of the smallest subnormal). Every distinct product whose
 * significand has at most three set bits, scaled so the guard (2^-150) falls on each set bit or one place
 * above it: a lone low bit at every distance from the guard, the sticky patterns the mask decides.
 */
export function productEdgeCases(p: PeKind): PeCase[] {
  const out: PeCase[] = [];
  for (const { ca, cb, P, e0 } of distinctProducts(p)) {
    const bits: number[] = [];
    for (let i = 0, x = P; x > 0; i++, x = Math.floor(x / 2)) if (x % 2 === 1) bits.push(i);
    if (bits.length > 3) continue;
    for (const i of bits)
      for (const t of [-150, -149]) pushScaled(out, [ca], [cb], i + e0, t);
  }
  return out;
}

/**
 * One code pair per distinct product magnitude of an MX PE (none for bf16), in code order: P is the product in
 * units of the finest product bit, 2^e0.
 */
function distinctProducts(p: PeKind): { ca: number; cb: number; P: number; e0: number }[] {
  if (p.kind !== 'mx') return [];
  const fa = FORMAT_TABLE[p.formatA];
  const fb = FORMAT_TABLE[p.formatB];
  const ua = finestBit(fa);
  const ub = finestBit(fb);
  const e0 = exponentOf(ua * ub);
  const seen = new Set<number>();
  const out: { ca: number; cb: number; P: number; e0: number }[] = [];
  for (const ca of nonZeroFinite(fa))
    for (const cb of nonZeroFinite(fb)) {
      const P = Math.abs((value(fa, ca) / ua) * (value(fb, cb) / ub)); // exact integer
      if (seen.has(P)) continue;
      seen.add(P);
      out.push({ ca, cb, P, e0 });
    }
  return out;
}

/**
 * Single products at both ends of the FP32 range, for the k = 1 PE (kills fp32_round_m8_e9#71, #198, #200 of
 * mxfp4-e2m1: the exhaustive code pairs run at a few scale pairs, and a product of small codes reaches neither
 * the overflow edge nor the results below the smallest subnormal's guard). Every distinct product, its top bit
 * scaled to 2^128 (Inf), 2^127 and 2^126 (exponent fields 254, 253: finite), and to 2^-151 and 2^-152 (below
 * 2^-150: rounds to zero, where the subnormal shift is 0 or would be negative).
 */
export function rangeEdgeProducts(p: PeKind): PeCase[] {
  const out: PeCase[] = [];
  for (const { ca, cb, P, e0 } of distinctProducts(p))
    for (const t of [128, 127, 126, -151, -152]) pushScaled(out, [ca], [cb], bitLength(P) - 1 + e0, t);
  return out;
}

/**
 * The BF16 PE's special operands, every pair of them in every lane (kills bf16_mul_fp32#9: a NaN test `a > 0x7f81`
 * instead of `> 0x7f80` misses only the NaNs with payload 1, which the random patterns and the sign/exponent grid
 * (a random mantissa per exponent pair) rarely hold). The NaN edges (payload 1, all ones, quiet), both Infs and
 * zeros, the largest finite, the smallest subnormal and 1.0, both signs where it matters; the other lanes hold
 * +0 * +0 and acc is +0.
 */
export function bf16SpecialCases(p: PeKind, k: number): PeCase[] {
  if (p.kind !== 'bf16') return [];
  const specials = [0x7f81, 0xff81, 0x7fff, 0xffff, 0x7fc0, 0x7f80, 0xff80, 0x7f7f, 0x0001, 0x3f80, 0x0000, 0x8000];
  const out: PeCase[] = [];
  for (let lane = 0; lane < k; lane++)
    for (const x of specials)
      for (const y of specials) {
        const a = new Array<number>(k).fill(0);
        const b = new Array<number>(k).fill(0);
        a[lane] = x;
        b[lane] = y;
        out.push({ a, b, xa: 0, xb: 0, acc: 0 });
      }
  return out;
}

/** The chunk (a, b) with |sum| in [2^e, 2^(e+1)) at every scale sum that puts it from 2^-125 down to 2^-152. */
function atSubnormalShifts(a: readonly number[], b: readonly number[], e: number): PeCase[] {
  const out: PeCase[] = [];
  for (let re = -125; re >= -152; re--) pushScaled(out, a, b, e, re);
  return out;
}

/**
 * Pushes (a, b) with the scale pair that takes 2^e of the unscaled chunk to 2^t, if two E8M0 scales reach it.
 * acc is a zero (+0 or -0 by t's parity, so both signs are seen), which leaves the chunk's rounding as the output.
 */
function pushScaled(out: PeCase[], a: readonly number[], b: readonly number[], e: number, t: number, acc = (t & 1) === 0 ? 0 : 0x80000000): void {
  const bias = E8M0.bias;
  const total = t - e + 2 * bias; // xa + xb
  if (total < 0 || total > 4 * bias) return;
  const xa = Math.min(2 * bias, total);
  out.push({ a: [...a], b: [...b], xa, xb: total - xa, acc });
}

const isPowerOfTwo = (x: number): boolean => x === 2 ** exponentOf(x);

function nonZeroFinite(f: FormatSpec): number[] {
  const out: number[] = [];
  for (let c = 0; c < 1 << codeBits(f); c++) if (classifyCode(f, c) === 'finite' && decodeTable(f)[c] !== 0) out.push(c);
  return out;
}

const value = (f: FormatSpec, code: number): number => decodeTable(f)[code]!;

/** floor(log2 x) of a positive finite double, by halving and doubling (exact). */
function exponentOf(x: number): number {
  let e = 0;
  while (x >= 2) (x /= 2), e++;
  while (x < 1) (x *= 2), e--;
  return e;
}

/** Extra tiles (R*C raw patterns, row-major). */
export function extraTiles(cfg: TileQuantConfig): Uint32Array[] {
  void cfg;
  return [];
}
