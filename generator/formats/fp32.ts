// FP32 / BF16 bit-level helpers. Values travel as FP32 bit patterns (unsigned 32-bit integers);
// conversions go through one shared typed-array view, so no allocation per call.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64hi = new Uint32Array(f64.buffer);

export const FP32_CANONICAL_NAN = 0x7fc00000;
export const FP32_POS_INF = 0x7f800000;
export const FP32_NEG_INF = 0xff800000;
export const FP32_SIGN = 0x80000000;

export function bitsToFloat(bits: number): number {
  u32[0] = bits;
  return f32[0];
}

/** FP32 bits of a double after one IEEE round-half-to-even to FP32; NaN becomes the canonical NaN. */
export function floatToBits(x: number): number {
  if (x !== x) return FP32_CANONICAL_NAN;
  f32[0] = x;
  return u32[0];
}

export function isNaNBits(bits: number): boolean {
  return (bits & 0x7fffffff) > 0x7f800000;
}

export function isInfBits(bits: number): boolean {
  return (bits & 0x7fffffff) === 0x7f800000;
}

/** NaN or Inf. */
export function isSpecialBits(bits: number): boolean {
  return (bits & 0x7f800000) === 0x7f800000;
}

/**
 * floor(log2(x)) of a finite non-zero double, read from its bits (no floating log2).
 * Works for double subnormals too.
 */
export function floorLog2(x: number): number {
  f64[0] = x;
  const hi = u64hi[1];
  const e = (hi >>> 20) & 0x7ff;
  if (e !== 0) return e - 1023;
  // double subnormal: scale up exactly by 2^64 and retry
  f64[0] = x * 18446744073709551616;
  return ((u64hi[1] >>> 20) & 0x7ff) - 1023 - 64;
}

/** floor(log2 |v|) of a finite non-zero FP32 value given by its magnitude bits (sign cleared). */
export function floorLog2Fp32Mag(mag: number): number {
  const e = mag >>> 23;
  if (e !== 0) return e - 127;
  return -150 + (32 - Math.clz32(mag)); // subnormal: msb index of the fraction - 149
}

const POW2_MIN = -1074;
const POW2 = new Float64Array(1023 - POW2_MIN + 1);
for (let e = POW2_MIN; e <= 1023; e++) POW2[e - POW2_MIN] = e >= -1022 ? 2 ** e : 2 ** (e + 64) / 18446744073709551616;

/** Exact 2^e as a double: 0 below -1074, Infinity above 1023 (table lookup; `**` is slow in hot loops). */
export function pow2(e: number): number {
  if (e < POW2_MIN) return 0;
  if (e > 1023) return Infinity;
  return POW2[e - POW2_MIN];
}

/** Round an FP32 bit pattern to BF16 (half to even), returned as the FP32 bit pattern of the BF16 value. */
export function fp32BitsToBf16Bits(bits: number): number {
  if (isNaNBits(bits)) return FP32_CANONICAL_NAN;
  const lower = bits & 0xffff;
  let upper = bits >>> 16;
  if (lower > 0x8000 || (lower === 0x8000 && (upper & 1) === 1)) upper += 1; // carries into the exponent; may reach Inf
  return (upper << 16) >>> 0;
}

/**
 * Parse a JSON number or the strings "nan", "inf", "-inf" into FP32 bits (numbers rounded to FP32, ties to even).
 * Returns undefined when the value is not one of those.
 */
export function parseFp32Value(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return floatToBits(v);
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'nan') return FP32_CANONICAL_NAN;
    if (s === 'inf' || s === '+inf' || s === 'infinity') return FP32_POS_INF;
    if (s === '-inf' || s === '-infinity') return FP32_NEG_INF;
  }
  return undefined;
}
