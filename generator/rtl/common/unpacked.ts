// The unpacked element form every decoder produces and every datapath consumes (hardfloat/FPnew style):
//   |value| = sig * 2^exp, with sig an unsigned integer and exp the (signed) weight of its LSB,
//   plus sign, zero, NaN and Inf flags. Widths and ranges are derived from the format table.
//
// Float formats: a code in a normal region with mantissa field m gives sig = 2^manBits + m and
// exp = (binade exponent) - manBits; the bottom linear subnormals give sig = m, exp = floorQuantumExp.
// For MXSF this is the mode select: ee != 00 -> E2M5 (6-bit sig), ee == 00 -> FP5 E3M2 (3-bit sig).
// Integer formats: sig = |n| (the magnitude of the two's-complement code), exp = -fracBits.

import { emaxElem, regionLayout } from '../../formats/derive';
import type { FormatSpec } from '../../formats/table';

export interface UnpackedLayout {
  /** bits of sig (enough for every code of the format). */
  readonly sigWidth: number;
  /** range of exp over all finite non-zero codes. */
  readonly expMin: number;
  readonly expMax: number;
  /** bits of the signed exp port (two's complement, holds expMin..expMax). */
  readonly expWidth: number;
}

/** Bits of a two's-complement number holding every value of [lo, hi]. */
export function signedWidth(lo: number, hi: number): number {
  let w = 1;
  while (lo < -(2 ** (w - 1)) || hi > 2 ** (w - 1) - 1) w++;
  return w;
}

export function unpackedLayout(f: FormatSpec): UnpackedLayout {
  if (f.kind === 'int') {
    // |n| reaches 2^(bits-1) for the code that decodes but is never produced (e.g. mxint8 0x80 = -2.0)
    return { sigWidth: f.bits, expMin: -f.fracBits, expMax: -f.fracBits, expWidth: signedWidth(-f.fracBits, -f.fracBits) };
  }
  const { regions, floorQuantumExp, floorManBits } = regionLayout(f);
  const sigWidth = Math.max(floorManBits, ...regions.map((r) => r.manBits + 1));
  const expMin = floorQuantumExp;
  const expMax = emaxElem(f) - f.manBits;
  return { sigWidth, expMin, expMax, expWidth: signedWidth(expMin, expMax) };
}

/** Golden unpacked value of a code (for decoder test vectors): sig, exp and flags, from the same rules. */
export interface UnpackedValue {
  readonly sign: number;
  readonly sig: number;
  readonly exp: number;
  readonly isZero: boolean;
  readonly isNaN: boolean;
  readonly isInf: boolean;
}
