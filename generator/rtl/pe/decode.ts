// The PE's element decoder, inlined into the datapath (not the standalone decoder unit): it produces the
// unpacked form of generator/rtl/common/unpacked.ts with the exponent already relative to the format's
// LSB, i.e. |value| = sig * 2^(sh + lsbExp), sh unsigned, which is what the alignment shifter needs.
// Everything is derived from the format descriptor:
//   float, exponent field e != 0:  sig = {1, m},  sh = e - bias - manBits - lsbExp
//   float, e == 0, linear:         sig = m,       sh = 1 - bias - manBits - lsbExp
//   float, e == 0, nested FP (MXSF): the mantissa field decoded again with the nested descriptor
//                                  (the mode select: ee != 00 -> E2M5, ee == 00 -> FP5 E3M2)
//   int:                           sig = |n|,     sh = 0 (no shifter)
// Inf/NaN (from the special-value policy): magnitude code above maxMagCode; Inf iff 'ieee' and m == 0.
// sig/sh of Inf/NaN codes are don't-care (the PE's result is then NaN or Inf whatever the sum).

import { type Expr, concat, lit, mux } from '../../hdl/index';
import { eminOf, lsbExp, maxMagCode, type FloatFormatSpec, type FormatSpec } from '../../golden/index';
import { unpackedLayout } from '../common/unpacked';
import { unsignedWidth } from './widths';

export interface DecodedElement {
  readonly sign: Expr;
  /** unsigned significand, sigWidth bits (unpackedLayout) */
  readonly sig: Expr;
  /** unsigned alignment shift exp - lsbExp; null for formats with a single exponent (mxint8) */
  readonly sh: Expr | null;
  readonly isZero: Expr;
  readonly isNaN: Expr;
  readonly isInf: Expr;
}

/** Width of the alignment shift (0 when the format has a single exponent). */
export function shiftWidth(f: FormatSpec): number {
  const l = unpackedLayout(f);
  return l.expMax === l.expMin ? 0 : unsignedWidth(l.expMax - l.expMin);
}

interface Region {
  readonly expBits: number;
  readonly manBits: number;
  readonly bias: number;
  readonly sub: FloatFormatSpec['subnormal'];
}

/** e + c (c may be negative), as an unsigned `w`-bit value; the caller guarantees the result lies in 0..2^w-1. */
function addConst(e: Expr, c: number, w: number): Expr {
  const x = c >= 0 ? e.add(lit(c, unsignedWidth(c))) : e.toSigned().sub(lit(-c, unsignedWidth(-c)));
  return x.resize(Math.max(w, x.width)).trunc(w).asUnsigned();
}

/** sig and sh of the magnitude field `field` of a region whose values are measured against 2^lsb. */
function decodeRegion(field: Expr, r: Region, lsb: number, sigW: number, shW: number, name: string): { sig: Expr; sh: Expr | null } {
  const e = field.slice(r.expBits + r.manBits - 1, r.manBits);
  const m = field.slice(r.manBits - 1, 0);
  const normal = e.any();
  const sigNormal = concat(lit(1, 1), m).zext(sigW);
  // sh = e - bias - manBits - lsb for e >= 1
  const shNormal = shW === 0 ? null : addConst(e, -r.bias - r.manBits - lsb, shW);
  let below: { sig: Expr; sh: Expr | null };
  if (r.sub.kind === 'linear') {
    const shSub = eminOf(r) - r.manBits - lsb;
    below = { sig: m.zext(sigW), sh: shW === 0 ? null : lit(shSub, shW) };
  } else {
    const s = r.sub;
    below = decodeRegion(m, { expBits: s.expBits, manBits: s.manBits, bias: s.bias, sub: { kind: 'linear' } }, lsb, sigW, shW, `${name}_s`);
  }
  const sig = mux(normal, sigNormal, below.sig).named(`${name}_sig`);
  const sh = shNormal === null || below.sh === null ? null : mux(normal, shNormal, below.sh).named(`${name}_sh`);
  return { sig, sh };
}

/** Decodes one element code (an Expr of codeBits(f) bits). Wires are named `<name>_*`. */
export function decodeElement(f: FormatSpec, code: Expr, name: string): DecodedElement {
  const layout = unpackedLayout(f);
  const sigW = layout.sigWidth;
  if (f.kind === 'int') {
    const neg = code.msb();
    const n = code.asSigned();
    const abs = mux(neg, n.neg().trunc(f.bits).asUnsigned(), code).named(`${name}_sig`);
    return { sign: neg, sig: abs.resize(sigW), sh: null, isZero: code.any().not(), isNaN: lit(0, 1), isInf: lit(0, 1) };
  }
  const shW = shiftWidth(f);
  const magBits = f.expBits + f.manBits;
  const sign = code.bit(magBits);
  const mag = code.slice(magBits - 1, 0);
  const { sig, sh } = decodeRegion(mag, { expBits: f.expBits, manBits: f.manBits, bias: f.bias, sub: f.subnormal }, lsbExp(f), sigW, shW, name);
  const top = maxMagCode(f);
  const allOnes = (1 << magBits) - 1;
  let isNaN: Expr = lit(0, 1);
  let isInf: Expr = lit(0, 1);
  if (top < allOnes) {
    const special = mag.gt(lit(top, magBits));
    if (f.specials === 'ieee') {
      const manZero = mag.slice(f.manBits - 1, 0).any().not();
      isInf = special.and(manZero).named(`${name}_inf`);
      isNaN = special.and(manZero.not()).named(`${name}_nan`);
    } else {
      isNaN = special.named(`${name}_nan`);
    }
  }
  return { sign, sig, sh, isZero: mag.any().not().named(`${name}_zero`), isNaN, isInf };
}

/** Software model of decodeElement for tests: value = (-1)^sign * sig * 2^(sh + lsbExp). */
export function decodeElementModel(f: FormatSpec, code: number): { sign: number; sig: number; sh: number; zero: boolean } {
  const lsb = lsbExp(f);
  if (f.kind === 'int') {
    const n = code >= 1 << (f.bits - 1) ? code - (1 << f.bits) : code;
    return { sign: n < 0 ? 1 : 0, sig: Math.abs(n), sh: 0, zero: n === 0 };
  }
  const magBits = f.expBits + f.manBits;
  const sign = (code >> magBits) & 1;
  const mag = code & ((1 << magBits) - 1);
  const region = (field: number, r: Region): { sig: number; sh: number } => {
    const e = field >> r.manBits;
    const m = field & ((1 << r.manBits) - 1);
    if (e !== 0) return { sig: (1 << r.manBits) | m, sh: e - r.bias - r.manBits - lsb };
    if (r.sub.kind === 'linear') return { sig: m, sh: eminOf(r) - r.manBits - lsb };
    return region(m, { expBits: r.sub.expBits, manBits: r.sub.manBits, bias: r.sub.bias, sub: { kind: 'linear' } });
  };
  const d = region(mag, { expBits: f.expBits, manBits: f.manBits, bias: f.bias, sub: f.subnormal });
  return { sign, ...d, zero: mag === 0 };
}
