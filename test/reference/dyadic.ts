// Slow reference, part 1: exact signed dyadic numbers (-1)^neg * mag * 2^exp with bigint magnitudes.
// Independent of the golden model's code: nothing here imports from generator/.

export interface Dy {
  readonly neg: boolean;
  readonly mag: bigint;
  readonly exp: number;
}

export const ZERO: Dy = { neg: false, mag: 0n, exp: 0 };

export function dy(neg: boolean, mag: bigint, exp: number): Dy {
  return { neg, mag, exp };
}

export function bitLength(n: bigint): number {
  let len = 0;
  let x = n < 0n ? -n : n;
  while (x >= 1n << 64n) {
    x >>= 64n;
    len += 64;
  }
  while (x > 0n) {
    x >>= 1n;
    len++;
  }
  return len;
}

/** floor(log2 |a|) for a non-zero a. */
export function floorLog2(a: Dy): number {
  if (a.mag === 0n) throw new Error('floorLog2(0)');
  return bitLength(a.mag) - 1 + a.exp;
}

export function mul(a: Dy, b: Dy): Dy {
  return { neg: a.neg !== b.neg, mag: a.mag * b.mag, exp: a.exp + b.exp };
}

/** a * 2^k */
export function scale2(a: Dy, k: number): Dy {
  return { neg: a.neg, mag: a.mag, exp: a.exp + k };
}

function signedAt(a: Dy, e: number): bigint {
  const m = a.mag << BigInt(a.exp - e);
  return a.neg ? -m : m;
}

/** Exact sum; an exact zero is +0 (the callers apply their own signed-zero rules first). */
export function add(a: Dy, b: Dy): Dy {
  const e = Math.min(a.exp, b.exp);
  const s = signedAt(a, e) + signedAt(b, e);
  return s === 0n ? ZERO : { neg: s < 0n, mag: s < 0n ? -s : s, exp: e };
}

export function sum(xs: readonly Dy[]): Dy {
  return xs.reduce(add, ZERO);
}

/** Compares |a| and |b|: -1, 0 or 1. */
export function cmpMag(a: Dy, b: Dy): number {
  const e = Math.min(a.exp, b.exp);
  const x = a.mag << BigInt(a.exp - e);
  const y = b.mag << BigInt(b.exp - e);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** round-half-to-even(m * 2^s) for m >= 0. */
export function roundHalfEven(m: bigint, s: number): bigint {
  if (s >= 0) return m << BigInt(s);
  const d = 1n << BigInt(-s);
  const q = m / d;
  const r = m - q * d;
  const twice = 2n * r;
  if (twice > d || (twice === d && q % 2n === 1n)) return q + 1n;
  return q;
}

/** Exponent of the lowest set bit of a non-zero a (a = odd * 2^lsb). */
export function lsbExp(a: Dy): number {
  if (a.mag === 0n) throw new Error('lsbExp(0)');
  let m = a.mag;
  let e = a.exp;
  while ((m & 1n) === 0n) {
    m >>= 1n;
    e++;
  }
  return e;
}

/** A canonical key of |a| (odd mantissa), so equal values have equal keys. */
export function magKey(a: Dy): string {
  if (a.mag === 0n) return '0';
  const e = lsbExp(a);
  return `${a.mag >> BigInt(e - a.exp)}p${e}`;
}

/** For messages only. */
export function toNumber(a: Dy): number {
  const v = Number(a.mag) * 2 ** a.exp;
  return a.neg ? -v : v;
}
