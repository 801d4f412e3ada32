// Golden unpacked form of an element code (generator/rtl/common/unpacked.ts), computed from the decoded
// value rather than from the code's bit fields, so it is an independent check of the decoder RTL:
//   |value| = sig * 2^exp, exp = floor(log2|value|) - manBits of the region holding |value|, or the floor
//   quantum below the lowest region (integer formats: exp = -fracBits, sig = |n|).
// Zero, NaN and Inf codes give sig = 0 and exp = expMin (the flags say which); the sign is the code's sign bit
// (MXINT8 has one zero, with sign 0).

import { classifyCode, codeBits, decodeValue, floorLog2, pow2, regionLayout, type FormatSpec } from '../../golden';
import { unpackedLayout, type UnpackedValue } from '../common/unpacked';

export type { UnpackedValue } from '../common/unpacked';

export function unpackCode(f: FormatSpec, code: number): UnpackedValue {
  const bits = codeBits(f);
  if (!Number.isInteger(code) || code < 0 || code >= 2 ** bits) throw new Error(`${f.name}: code ${code} is not a ${bits}-bit code`);
  const layout = unpackedLayout(f);
  const sign = code >>> (bits - 1);
  const cls = classifyCode(f, code);
  const v = decodeValue(f, code);
  const flagsOnly = (isZero: boolean): UnpackedValue => ({
    sign: f.kind === 'int' ? 0 : sign,
    sig: 0,
    exp: layout.expMin,
    isZero,
    isNaN: cls === 'nan',
    isInf: cls === 'inf',
  });
  if (cls !== 'finite') return flagsOnly(false);
  if (v === 0) return flagsOnly(true);
  const a = Math.abs(v);
  let exp: number;
  if (f.kind === 'int') exp = -f.fracBits;
  else {
    const { regions, floorQuantumExp } = regionLayout(f);
    const r = regions.find((reg) => a >= pow2(reg.emin));
    exp = r ? floorLog2(a) - r.manBits : floorQuantumExp;
  }
  const sig = a * pow2(-exp);
  if (!Number.isInteger(sig) || sig >= 2 ** layout.sigWidth || exp < layout.expMin || exp > layout.expMax) {
    throw new Error(`${f.name}: code 0x${code.toString(16)} (${v}) has no unpacked form in the layout (sig ${sig}, exp ${exp})`);
  }
  return { sign, sig, exp, isZero: false, isNaN: false, isInf: false };
}
