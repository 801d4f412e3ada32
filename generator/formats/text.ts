// Exact printing of the dyadic numbers the format table produces (no rounding in what `mxgen formats` shows).

import { floorLog2, pow2 } from './fp32';
import { doubleToDyadic } from '../golden/exact';

/** The exact decimal expansion of a finite double (every double is a finite decimal). */
export function exactDecimal(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const { n, e } = doubleToDyadic(x);
  const sign = n < 0n ? '-' : '';
  const m = n < 0n ? -n : n;
  if (e >= 0) return sign + (m << BigInt(e)).toString();
  // m * 2^e = m * 5^-e / 10^-e
  const digits = (m * 5n ** BigInt(-e)).toString().padStart(-e + 1, '0');
  const int = digits.slice(0, digits.length + e);
  const frac = digits.slice(digits.length + e).replace(/0+$/, '');
  return sign + (frac ? `${int}.${frac}` : int);
}

/** `2^p` when x is a power of two, else undefined. */
export function powerOfTwoText(x: number): string | undefined {
  if (!(x > 0) || !Number.isFinite(x)) return undefined;
  const p = floorLog2(x);
  return x === pow2(p) ? `2^${p}` : undefined;
}
