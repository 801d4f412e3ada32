// Test vectors and golden models of the FP32 units, shared by the unit tests (test/rtl/fp32*.test.ts)
// and the `make sim` regression (generator/verify/suites/fp32.ts). Every generator is seeded and
// deterministic; vectors are plain operand values, the callers pack them into port words.
import { Prng } from '../../util/prng';
import { dyadicToFp32Bits, floatToBits, bitsToFloat, fp32AddBits } from '../../golden/index';


// ---------------------------------------------------------------- fp32_round

export interface RoundCase {
  readonly sign: number;
  readonly mag: bigint;
  readonly exp: number;
}

/** Golden model: (-1)^sign * mag * 2^exp rounded once to FP32 (formats.md section 4 step 2); mag = 0 gives +0. */
export function roundGolden(c: RoundCase): number {
  return dyadicToFp32Bits(c.sign && c.mag !== 0n ? -c.mag : c.mag, c.exp) >>> 0;
}

const bitLength = (n: bigint): number => (n === 0n ? 0 : n.toString(2).length);

/** Weight index (log2) of the guard bit when mag * 2^exp (mag > 0) is rounded to FP32, relative to mag bit 0. */
function guardIndex(mag: bigint, exp: number): number {
  const p = bitLength(mag) - 1 + exp;
  const qe = Math.max(p, -126) - 23;
  return qe - 1 - exp;
}

/**
 * Hand-picked fp32_round cases for a (magWidth, expWidth) configuration: ties to even and just off ties
 * at every rounding position the configuration can reach, carries into the next binade, the subnormal
 * range (smallest, largest, rounding up into the min normal, half of the min subnormal), overflow to
 * Inf next to the largest finite value, zero with both signs and the exponent extremes.
 */
export function roundCorners(magWidth: number, expWidth: number): RoundCase[] {
  const W = magWidth;
  const eMin = -(2 ** (expWidth - 1));
  const eMax = 2 ** (expWidth - 1) - 1;
  const out: RoundCase[] = [];
  const ones = (n: number): bigint => (1n << BigInt(n)) - 1n;
  const add = (mag: bigint, exp: number): void => {
    if (mag < 0n || mag > ones(W) || exp < eMin || exp > eMax) return;
    out.push({ sign: 0, mag, exp }, { sign: 1, mag, exp });
  };
  // zeros and exponent extremes
  for (const exp of [eMin, -1, 0, 1, eMax]) {
    add(0n, exp);
    add(1n, exp);
    add(ones(W), exp);
    add(1n << BigInt(W - 1), exp);
  }
  // Exact powers of two across the whole range: 2^p for p = -151..129 when reachable.
  for (let p = -152; p <= 129; p++) for (const L of [1, Math.min(W, 24), Math.min(W, 25), W]) add(1n << BigInt(L - 1), p - (L - 1));
  // Values 2^p * (1 + f) with f at the boundary of representability, for binades across the range.
  // Every mag length L and leading position p: ties (guard 1, sticky 0) with lsb 0 and 1, guard 1 with
  // sticky, guard 0 with all lower bits set, and an all-ones body (carry into the next binade).
  const binades = [-152, -151, -150, -149, -148, -140, -127, -126, -125, -100, -1, 0, 1, 100, 126, 127, 128];
  for (let L = 1; L <= W; L++) {
    for (const p of binades) {
      const exp = p - (L - 1);
      const top = 1n << BigInt(L - 1);
      const g = guardIndex(top, exp);
      if (g < 0 || g >= L - 1) {
        add(top, exp);
        add(ones(L), exp); // exact or all-ones
        continue;
      }
      const guard = 1n << BigInt(g);
      const below = guard - 1n;
      const lsb = guard << 1n;
      const body = ones(L) ^ ones(g + 1); // all ones above the guard
      for (const hi of [top, top | lsb, body, top | (body & ~lsb)]) {
        add(hi | guard, exp); // exact tie
        add(hi | guard | 1n, exp); // just above the tie (sticky from bit 0)
        add(hi | guard | (below & (1n << BigInt(Math.max(0, g - 1)))), exp); // sticky from the bit below the guard
        add(hi | below, exp); // just below the tie
        add(hi, exp); // exact
      }
    }
  }
  // The largest finite value and its neighbours: 0x7f7fffff, round down / tie up to Inf.
  const maxSig = ones(24);
  for (const L of [24, 25, 26, 30, 40, W]) {
    if (L > W || L < 24) continue;
    const sh = BigInt(L - 24);
    const exp = 104 - (L - 24);
    add(maxSig << sh, exp); // 0x7f7fffff exactly
    if (sh > 0n) {
      add((maxSig << sh) | ((1n << (sh - 1n)) - 1n), exp); // just below the tie: largest finite
      add((maxSig << sh) | (1n << (sh - 1n)), exp); // tie at max: lsb odd -> rounds up -> Inf
    }
  }
  // Subnormal corners: largest subnormal 0x007fffff, its round-up into the min normal, half the min subnormal.
  for (const L of [1, 2, 23, 24, 25, W]) {
    if (L > W) continue;
    add(ones(L), -149 - Math.max(0, L - 23)); // largest subnormal or rounding into min normal
    add(1n << BigInt(L - 1), -150 - (L - 1)); // exactly half the smallest subnormal: ties to 0
    add((1n << BigInt(L - 1)) | 1n, -150 - (L - 1)); // just above half: the smallest subnormal
  }
  return out;
}

/**
 * Random fp32_round cases: mags of random bit lengths (random, all-ones or sparse bodies, with forced
 * guard/sticky patterns) and exponents chosen so the value lands near the subnormal and overflow
 * boundaries, plus uniformly random exponents.
 */
export function roundRandom(magWidth: number, expWidth: number, n: number, seed: number): RoundCase[] {
  const r = new Prng(seed);
  const W = magWidth;
  const eMin = -(2 ** (expWidth - 1));
  const eMax = 2 ** (expWidth - 1) - 1;
  const out: RoundCase[] = [];
  while (out.length < n) {
    const sign = r.range(0, 1);
    if (r.chance(0.05)) {
      out.push({ sign, mag: r.chance(0.3) ? 0n : r.bits(W), exp: r.range(eMin, eMax) });
      continue;
    }
    const L = r.chance(0.2) ? W : r.range(1, W);
    const top = 1n << BigInt(L - 1);
    let body: bigint;
    const kind = r.range(0, 9);
    if (kind < 5) body = r.bits(L - 1);
    else if (kind < 7) body = (1n << BigInt(L - 1)) - 1n; // all ones
    else if (kind < 9) body = L > 1 ? 1n << BigInt(r.range(0, L - 2)) : 0n; // one sparse bit
    else body = 0n;
    let mag = top | body;
    // target exponent of the leading one
    const zone = r.range(0, 5);
    let p: number;
    if (zone === 0) p = r.range(-175, -145); // subnormals, underflow to zero, rounding up to the min subnormal
    else if (zone === 1) p = r.range(-130, -120); // subnormal / normal boundary
    else if (zone === 2) p = r.range(120, 130); // largest finite / overflow boundary
    else if (zone <= 4) p = r.range(-126, 127); // normal range
    else p = r.range(eMin, eMax + L - 1); // anywhere the ports allow
    let exp = p - (L - 1);
    if (exp < eMin || exp > eMax) exp = r.range(eMin, eMax);
    // force a guard/sticky pattern at the rounding position
    const g = guardIndex(mag, exp);
    if (g >= 0 && g < L - 1 && r.chance(0.5)) {
      const guard = 1n << BigInt(g);
      const keep = mag & ~((guard << 1n) - 1n);
      const pat = r.range(0, 3);
      if (pat === 0) mag = keep | guard; // tie
      else if (pat === 1) mag = keep | guard | (g > 0 ? 1n << BigInt(r.range(0, g - 1)) : 0n); // tie + one sticky bit
      else if (pat === 2) mag = keep | (guard - 1n); // just below a tie
      else mag = keep; // exact
    }
    out.push({ sign, mag, exp });
  }
  return out;
}

// ---------------------------------------------------------------- fp32_add

export interface AddCase {
  readonly a: number;
  readonly b: number;
}

export const addGolden = (c: AddCase): number => fp32AddBits(c.a, c.b) >>> 0;

/** Interesting FP32 operands: zeros, subnormal and normal extremes, ones, Inf, quiet and signalling NaNs. */
export const FP32_SPECIALS: readonly number[] = [
  0x00000000, 0x00000001, 0x00000002, 0x00000003, 0x007fffff, 0x007ffffe, 0x00400000, 0x00400001, 0x00800000, 0x00800001,
  0x00ffffff, 0x01000000, 0x0b800000, 0x33800000, 0x34000000, 0x3f800000, 0x3f800001, 0x3fffffff, 0x4b000000, 0x4b800000,
  0x7effffff, 0x7f000000, 0x7f7ffffe, 0x7f7fffff, 0x7f800000, 0x7f800001, 0x7fc00000, 0x7fffffff, 0x7fa00000,
].flatMap((x) => [x, (x | 0x80000000) >>> 0]);

const f32 = (sign: number, exp: number, frac: number): number => ((sign << 31) | (exp << 23) | frac) >>> 0;

/** Random 23-bit fraction with structure: uniform, sparse, dense, or zero. */
function frac23(r: Prng): number {
  const k = r.range(0, 7);
  if (k < 3) return r.u32() & 0x7fffff;
  if (k === 3) return 0;
  if (k === 4) return 0x7fffff;
  if (k === 5) return (1 << r.range(0, 22)) | (r.chance(0.5) ? 1 << r.range(0, 22) : 0);
  if (k === 6) return 0x7fffff & ~((1 << r.range(0, 22)) | (1 << r.range(0, 22)));
  return (r.u32() & 0x7fffff) & ~((1 << r.range(0, 23)) - 1); // random with a run of low zeros
}

/** Hand-picked fp32_add cases: every pair of FP32_SPECIALS, plus targeted roundings and cancellations. */
export function addCorners(): AddCase[] {
  const out: AddCase[] = [];
  for (const a of FP32_SPECIALS) for (const b of FP32_SPECIALS) out.push({ a, b });
  const both = (a: number, b: number): void => {
    out.push({ a: a >>> 0, b: b >>> 0 }, { a: b >>> 0, b: a >>> 0 });
  };
  // Ties to even at every alignment: 1.0 + 2^-24 (tie, even -> down), (1 + 2^-23) + 2^-24 (tie, odd -> up),
  // and the same one bit above/below; for every exponent difference 0..30.
  for (let d = 0; d <= 30; d++) {
    for (const ea of [1, 2, 24, 25, 127, 200, 254]) {
      const eb = ea - d;
      if (eb < 0) continue;
      for (const fa of [0, 1, 0x7fffff, 0x400000, 0x2aaaaa]) {
        for (const fb of [0, 1, 0x7fffff, 0x400000, 0x400001, 0x3fffff]) {
          for (const sb of [0, 1]) both(f32(0, ea, fa), f32(sb, eb, fb));
        }
      }
    }
  }
  // Exact cancellation and near cancellation: x + (-x), x + (-(x +- ulp)) for assorted x incl. subnormals.
  for (const x of [0x00000001, 0x007fffff, 0x00800000, 0x00800001, 0x3f800000, 0x3fffffff, 0x7f7fffff, 0x4b7fffff, 0x12345678]) {
    for (const dx of [-2, -1, 0, 1, 2]) {
      const y = x + dx;
      if (y < 0 || y > 0x7f7fffff) continue;
      both(x, (y | 0x80000000) >>> 0);
      both((x | 0x80000000) >>> 0, y);
    }
  }
  // Overflow: max + max, max + half ulp (tie, odd -> Inf), max + just under half ulp.
  both(0x7f7fffff, 0x7f7fffff);
  both(0x7f7fffff, 0x73000000); // 2^103 = half an ulp of max: tie, lsb odd -> Inf
  both(0x7f7fffff, 0x72ffffff); // just below half an ulp: stays max
  both(0x7f7ffffe, 0x73000000); // tie, lsb even -> stays
  both(0xff7fffff, 0xf3000000);
  // Subnormal sums: largest subnormal + smallest subnormal -> min normal; subnormal + subnormal carries.
  both(0x007fffff, 0x00000001);
  both(0x007fffff, 0x007fffff);
  both(0x00400000, 0x00400000);
  both(0x00800000, 0x80000001); // min normal - min subnormal -> largest subnormal
  both(0x00800001, 0x80800000);
  return out;
}

/**
 * Random fp32_add cases, a mix of: random bit patterns; near-equal magnitudes with opposite signs;
 * exponent differences 0..40 with structured fractions (ties, carries); subnormal operands; specials
 * against random values; large exponents (overflow).
 */
export function addRandom(n: number, seed: number): AddCase[] {
  const r = new Prng(seed);
  const out: AddCase[] = [];
  while (out.length < n) {
    const kind = r.range(0, 9);
    let a: number;
    let b: number;
    if (kind <= 1) {
      a = r.u32();
      b = r.u32();
    } else if (kind <= 3) {
      // cancellation: b = -(a +- small), also across a binade boundary
      a = f32(r.range(0, 1), r.chance(0.1) ? r.range(0, 2) : r.range(0, 254), frac23(r));
      const mag = (a & 0x7fffffff) + r.range(-40, 40) * (r.chance(0.8) ? 1 : r.range(1, 1 << 20));
      b = ((Math.min(Math.max(mag, 0), 0x7f7fffff) | (~a & 0x80000000)) >>> 0);
    } else if (kind <= 6) {
      // exponent differences 0..40
      const ea = r.range(0, 254);
      const eb = Math.max(0, ea - r.range(0, 40));
      a = f32(r.range(0, 1), ea, frac23(r));
      b = f32(r.range(0, 1), eb, frac23(r));
    } else if (kind === 7) {
      // subnormals against subnormals and small normals
      a = f32(r.range(0, 1), 0, frac23(r));
      b = f32(r.range(0, 1), r.chance(0.5) ? 0 : r.range(1, 30), frac23(r));
    } else if (kind === 8) {
      a = r.pick(FP32_SPECIALS);
      b = r.chance(0.5) ? r.pick(FP32_SPECIALS) : r.u32();
    } else {
      // near overflow
      a = f32(r.range(0, 1), r.range(240, 254), frac23(r));
      b = f32(r.range(0, 1), r.range(200, 254), frac23(r));
    }
    if (r.chance(0.5)) [a, b] = [b, a];
    out.push({ a: a >>> 0, b: b >>> 0 });
  }
  return out;
}

// ---------------------------------------------------------------- bf16_mul_fp32

export interface MulCase {
  readonly a: number;
  readonly b: number;
}

/** Golden model: the product of two BF16 values rounded once to FP32 (exact in a double). */
export const bf16MulGolden = (c: MulCase): number => floatToBits(bitsToFloat(c.a << 16) * bitsToFloat(c.b << 16)) >>> 0;

export const BF16_SPECIALS: readonly number[] = [
  0x0000, 0x0001, 0x007f, 0x0040, 0x0080, 0x0081, 0x00ff, 0x3f80, 0x3f81, 0x3fff, 0x4000, 0x7f7f, 0x7f80, 0x7f81, 0x7fc0, 0x7fff,
  0x1f80, 0x2000, 0x5f80, 0x6000,
].flatMap((x) => [x, x | 0x8000]);

/** Every pair of BF16_SPECIALS plus products at the subnormal and overflow boundaries. */
export function bf16MulCorners(): MulCase[] {
  const out: MulCase[] = [];
  for (const a of BF16_SPECIALS) for (const b of BF16_SPECIALS) out.push({ a, b });
  // exponent sums around the FP32 subnormal boundary (ea + eb - 127 near 0 and -23) and overflow (near 255)
  for (let ea = 1; ea <= 254; ea += 1) {
    for (const target of [-25, -24, -23, -22, -1, 0, 1, 2, 253, 254, 255, 256]) {
      const eb = target + 127 - ea;
      if (eb < 0 || eb > 254) continue;
      for (const [fa, fb] of [[0, 0], [0x7f, 0x7f], [0x7f, 0x01], [0x40, 0x40], [0x01, 0x01], [0x55, 0x2b]] as const) {
        out.push({ a: (ea << 7) | fa, b: (eb << 7) | fb | (target & 1 ? 0x8000 : 0) });
      }
    }
  }
  return out;
}

export function bf16MulRandom(n: number, seed: number): MulCase[] {
  const r = new Prng(seed);
  const out: MulCase[] = [];
  while (out.length < n) {
    const kind = r.range(0, 3);
    let a: number;
    let b: number;
    if (kind === 0) {
      a = r.u32() & 0xffff;
      b = r.u32() & 0xffff;
    } else if (kind === 1) {
      // exponent sum near the subnormal / overflow boundaries
      const ea = r.range(0, 254);
      const target = r.pick([r.range(-30, 3), r.range(250, 258)]);
      const eb = Math.min(254, Math.max(0, target + 127 - ea));
      a = (r.range(0, 1) << 15) | (ea << 7) | (r.u32() & 0x7f);
      b = (r.range(0, 1) << 15) | (eb << 7) | (r.u32() & 0x7f);
    } else if (kind === 2) {
      a = r.pick(BF16_SPECIALS);
      b = r.u32() & 0xffff;
    } else {
      a = (r.range(0, 1) << 15) | (r.range(0, 1) << 7) | (r.u32() & 0x7f); // subnormal or tiny normal
      b = r.u32() & 0xffff;
    }
    if (r.chance(0.5)) [a, b] = [b, a];
    out.push({ a, b });
  }
  return out;
}
