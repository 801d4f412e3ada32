// Shared E8M0 scale selection (contract section 2). amax arrives as FP32 magnitude bits, so the
// exponent comes from the bits and every comparison is exact.

import { emaxElem, maxNormal } from '../formats/derive';
import type { FormatSpec } from '../formats/table';
import { E8M0 } from '../formats/table';
import { bitsToFloat, floorLog2, floorLog2Fp32Mag, pow2 } from '../formats/fp32';

export type ScaleMode = 'floor' | 'rceil';
export const SCALE_MODES: readonly ScaleMode[] = ['floor', 'rceil'];

export function isScaleMode(s: string): s is ScaleMode {
  return (SCALE_MODES as readonly string[]).includes(s);
}

/**
 * Unclamped shared exponent for a non-zero finite amax (FP32 magnitude bits, sign clear).
 * floor: floor(log2 amax) - emax_elem.  rceil: the smallest e with amax <= max_normal * 2^e.
 */
export function sharedExponent(f: FormatSpec, amaxMag: number, mode: ScaleMode): number {
  const pA = floorLog2Fp32Mag(amaxMag);
  if (mode === 'floor') return pA - emaxElem(f);
  const mn = maxNormal(f);
  const pM = floorLog2(mn);
  // compare the normalised significands exactly (both are exact doubles in [1, 2))
  const aNorm = bitsToFloat(amaxMag) * pow2(-pA);
  const mNorm = mn * pow2(-pM);
  return pA - pM + (aNorm > mNorm ? 1 : 0);
}

/** E8M0 code of a shared exponent after the clamp to [-127, 127]. */
export function scaleCode(sharedExp: number): number {
  const e = sharedExp < E8M0.minExp ? E8M0.minExp : sharedExp > E8M0.maxExp ? E8M0.maxExp : sharedExp;
  return e + E8M0.bias;
}

/** Value of an E8M0 code as a double (NaN for 0xFF); 2^-127 is exact in a double. */
export function scaleValue(code: number): number {
  return code === E8M0.nanCode ? NaN : pow2(code - E8M0.bias);
}
