// Widths of the MX processing element, all derived from the format table (generator/formats) and the
// unpacked element layout (generator/rtl/common/unpacked.ts); nothing here restates a number of a format.
//
// The chunk sum S = sum_i P_a,i * P_b,i is held exactly as a two's-complement integer in units of its
// least significant possible weight 2^(lsbA + lsbB) (lsbExp of each format: the weight of its smallest
// positive value). Every finite product is an integer multiple of that unit; its extremes over all pairs of
// finite codes (codes that decode but are never produced, such as mxint8 0x80 = -2, included: the PE
// accepts any code) bound the sum of k products, and the narrowest two's-complement word holding
// [k * minP, k * maxP] is the adder tree's output width. The sum's magnitude then needs
// bits(k * max|P|) bits, which is what the FP32 rounding unit receives.

import { E8M0, classifyCode, codeBits, decodeTable, lsbExp, maxNormal, type FormatSpec } from '../../golden/index';
import { signedWidth, unpackedLayout } from '../common/unpacked';

/** Bits of an unsigned integer holding 0..n. */
export function unsignedWidth(n: bigint | number): number {
  const v = BigInt(n);
  return v <= 0n ? 1 : v.toString(2).length;
}

/** Signed width for a bigint range (signedWidth takes doubles; these can exceed 2^53). */
export function signedWidthBig(lo: bigint, hi: bigint): number {
  let w = 1;
  while (lo < -(1n << BigInt(w - 1)) || hi > (1n << BigInt(w - 1)) - 1n) w++;
  return w;
}

/** Element magnitudes in units of the format's LSB: largest finite magnitude, and the signed extremes. */
export interface ElementRange {
  readonly lsb: number;
  /** largest |value| / 2^lsb over finite codes */
  readonly maxMag: number;
  /** largest positive value / 2^lsb and most negative value / 2^lsb over finite codes */
  readonly maxPos: number;
  readonly minNeg: number;
  /** the code that gives maxMag */
  readonly maxMagCode: number;
}

export function elementRange(f: FormatSpec): ElementRange {
  const lsb = lsbExp(f);
  const t = decodeTable(f);
  let maxPos = 0;
  let minNeg = 0;
  let maxMag = 0;
  let maxMagCode = 0;
  for (let c = 0; c < t.length; c++) {
    if (classifyCode(f, c) !== 'finite') continue;
    const u = t[c]! / 2 ** lsb; // exact: every finite value is an integer multiple of 2^lsb
    if (!Number.isInteger(u)) throw new Error(`${f.name}: code ${c} is not a multiple of 2^${lsb}`);
    if (u > maxPos) maxPos = u;
    if (u < minNeg) minNeg = u;
    if (Math.abs(u) > maxMag) {
      maxMag = Math.abs(u);
      maxMagCode = c;
    }
  }
  return { lsb, maxMag, maxPos, minNeg, maxMagCode };
}

export interface PeWidths {
  readonly k: number;
  readonly a: ElementRange;
  readonly b: ElementRange;
  /** unpacked layouts of the two element formats */
  readonly sigA: number;
  readonly sigB: number;
  /** bits of the per-element alignment shift (exp - lsbExp), 0 when the format has one exponent */
  readonly shA: number;
  readonly shB: number;
  /** exponent of the product unit: lsbA + lsbB */
  readonly unitExp: number;
  /** extremes of one product, in product units */
  readonly minP: bigint;
  readonly maxP: bigint;
  /** two's-complement width of one aligned product and of the chunk sum */
  readonly termWidth: number;
  readonly sumWidth: number;
  /** unsigned width of |S| (the rounding unit's mag_i) */
  readonly magWidth: number;
  /** r's exponent = xa + xb + expOffset, expOffset = lsbA + lsbB - 2 * 127 */
  readonly expOffset: number;
  /** signed width of the exponent over all non-NaN scale pairs */
  readonly expWidth: number;
  /** the derivation, one line each, for the module header */
  readonly derivation: readonly string[];
}

const pow = (e: number): string => `2^${e}`;

export function peWidths(fa: FormatSpec, fb: FormatSpec, k: number): PeWidths {
  if (!Number.isInteger(k) || k < 1) throw new Error(`PE chunk length k must be a positive integer, got ${k}`);
  const a = elementRange(fa);
  const b = elementRange(fb);
  const la = unpackedLayout(fa);
  const lb = unpackedLayout(fb);
  const products = [a.maxPos * b.maxPos, a.minNeg * b.minNeg, a.maxPos * b.minNeg, a.minNeg * b.maxPos].map((x) => BigInt(x));
  const maxP = products.reduce((m, x) => (x > m ? x : m), 0n);
  const minP = products.reduce((m, x) => (x < m ? x : m), 0n);
  const K = BigInt(k);
  const sumWidth = signedWidthBig(K * minP, K * maxP);
  const termWidth = signedWidthBig(minP, maxP);
  const maxAbsP = maxP > -minP ? maxP : -minP;
  const magWidth = unsignedWidth(K * maxAbsP);
  const unitExp = a.lsb + b.lsb;
  const expOffset = unitExp - 2 * E8M0.bias;
  const expWidth = signedWidth(expOffset, expOffset + 2 * (E8M0.nanCode - 1));
  const shA = la.expMax === la.expMin ? 0 : unsignedWidth(la.expMax - la.expMin);
  const shB = lb.expMax === lb.expMin ? 0 : unsignedWidth(lb.expMax - lb.expMin);
  const el = (name: string, f: FormatSpec, r: ElementRange): string =>
    `${name} = ${f.name}: LSB ${pow(r.lsb)} (lsbExp), largest |element| = ${r.maxMag} * ${pow(r.lsb)}` +
    ` = ${r.maxMag * 2 ** r.lsb} (code 0x${r.maxMagCode.toString(16)}${r.maxMag * 2 ** r.lsb !== maxNormal(f) ? `, above max normal ${maxNormal(f)}` : ''}), ${codeBits(f)}-bit codes`;
  const derivation = [
    el('A', fa, a),
    el('B', fb, b),
    `product unit ${pow(unitExp)} = ${pow(a.lsb)} * ${pow(b.lsb)}; one product lies in [${minP}, ${maxP}] units -> ${termWidth}-bit two's complement`,
    `chunk sum of k = ${k}: [${K * minP}, ${K * maxP}] units -> ${sumWidth}-bit two's complement (exact, no rounding)`,
    `|S| <= ${K * maxAbsP} = k * ${maxAbsP} -> ${magWidth}-bit magnitude into the FP32 rounding`,
    `r = (-1)^s * |S| * 2^(xa + xb + ${expOffset}) with ${expOffset} = ${unitExp} - 2*${E8M0.bias}; xa + xb in [0, ${2 * (E8M0.nanCode - 1)}] -> ${expWidth}-bit signed exponent`,
  ];
  return {
    k, a, b, sigA: la.sigWidth, sigB: lb.sigWidth, shA, shB, unitExp, minP, maxP, termWidth, sumWidth, magWidth,
    expOffset, expWidth, derivation,
  };
}
