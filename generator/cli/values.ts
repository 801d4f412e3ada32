// How numbers print (`--values decimal|hex|bits`) and how their printed forms read back.
//
//   FP32 value (results, dequantized values, accumulators):
//     default  the FP32 bit pattern as an unsigned integer (JSON number), e.g. 1065353216
//     decimal  the shortest decimal that reads back as the same FP32 value (rounded once, as every input is),
//              e.g. 0.1, 448, -0, 1e-45; NaN, +Inf, -Inf as the strings "nan", "inf", "-inf" (NaN payloads are not
//              kept: every NaN the golden model produces is 0x7fc00000)
//     hex      "0x" and 8 hex digits of the bit pattern, e.g. "0x3f800000"
//     bits     "0b" and the 32 bits, fields separated by '_' (sign_exponent_mantissa), e.g. "0b0_01111111_00000000000000000000000"
//   element code / E8M0 scale code:
//     default, decimal  the unsigned integer, e.g. 126
//     hex      "0x" and ceil(width/4) hex digits, e.g. "0x7e" (mxfp4: "0x6")
//     bits     "0b" and the code's bits, fields separated by '_' as in `mxgen formats` (mxfp8-e4m3 s_eeee_mmm: "0b0_1111_110";
//              mxint8 and E8M0 have no fields: "0b01111110")
// Every form is accepted back wherever the CLI reads bit patterns or codes (matrix "bits", quantized "codes" and "scales").

import { FORMAT_TABLE, type FormatName, type FormatSpec } from '../formats/table';
import { codeBits } from '../formats/derive';
import { bitsToFloat, floatToBits } from '../formats/fp32';
import { isFp32Midpoint, roundMidpointLiteral } from './decimal';

export const VALUE_FORMS = ['decimal', 'hex', 'bits'] as const;
export type ValueForm = (typeof VALUE_FORMS)[number];

/** The `--values` option text shared by the commands' help. */
export const VALUES_HELP = [
  'Number forms (--values): without it, JSON holds FP32 values as bit patterns and codes as unsigned integers.',
  '  decimal  FP32 values as the shortest decimal that reads back as the same FP32 (-0 kept; "nan", "inf", "-inf"',
  '           as strings); codes as unsigned integers. A matrix then prints as {"rows","cols","data":[...]}.',
  '  hex      FP32 values as "0x3f800000", codes as "0x7e" (ceil(width/4) digits).',
  '  bits     FP32 values as "0b0_01111111_00000000000000000000000" (sign_exponent_mantissa), codes as bit strings',
  "           with the format's fields separated by '_' (mxfp8-e4m3: \"0b0_1111_110\"; mxint8 and E8M0 scales: no fields).",
  'Every form reads back: matrix "bits" and quantized "codes"/"scales" accept integers, "0x..." and "0b..." strings.',
].join('\n');

/** A JSON text fragment written as is (a number literal such as -0 that JSON.stringify cannot write). */
export class RawJson {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
}

/** FP32 bits of a JSON number literal, rounded to FP32 once (decimal.ts) — what the matrix reader gives it. */
export function literalToFp32(literal: string): number {
  const x = Number(literal);
  if (isFp32Midpoint(x)) return roundMidpointLiteral(literal, x);
  return floatToBits(x);
}

/** The shortest decimal literal that reads back (literalToFp32) as the FP32 value `bits`; finite values only. */
export function shortestFp32(bits: number): string {
  const x = bitsToFloat(bits);
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  for (let p = 1; p <= 9; p++) {
    const s = x.toPrecision(p);
    if (literalToFp32(s) !== bits) continue;
    // the canonical spelling of that double (no trailing zeros, JS exponent rule), if it still reads back
    const t = String(Number(s));
    return literalToFp32(t) === bits ? t : s;
  }
  // 9 significant digits always identify an FP32 value
  throw new Error(`no decimal of at most 9 digits reads back as 0x${bits.toString(16)}`);
}

const hexDigits = (v: number, width: number): string => (v >>> 0).toString(16).padStart(Math.ceil(width / 4), '0');

/** Bits of v, fields of the given widths (most significant first) separated by '_'. */
function bitFields(v: number, widths: readonly number[]): string {
  const total = widths.reduce((a, b) => a + b, 0);
  const all = (v >>> 0).toString(2).padStart(total, '0');
  const parts: string[] = [];
  let at = 0;
  for (const w of widths) {
    parts.push(all.slice(at, at + w));
    at += w;
  }
  return `0b${parts.join('_')}`;
}

/** Field widths of an element code: sign, exponent, mantissa for FP formats; one field for mxint8. */
function codeFields(f: FormatSpec): number[] {
  return f.kind === 'int' ? [f.bits] : [1, f.expBits, f.manBits];
}

const fp32Special = (bits: number): string | undefined => {
  if ((bits & 0x7f800000) !== 0x7f800000) return undefined;
  if ((bits & 0x7fffff) !== 0) return 'nan';
  return bits >>> 31 ? '-inf' : 'inf';
};

/** One FP32 value in a JSON output: default integer, or the --values form. */
export function fp32Json(bits: number, form: ValueForm | undefined): number | string | RawJson {
  bits >>>= 0;
  switch (form) {
    case undefined:
      return bits;
    case 'decimal':
      return fp32Special(bits) ?? new RawJson(shortestFp32(bits));
    case 'hex':
      return `0x${hexDigits(bits, 32)}`;
    case 'bits':
      return bitFields(bits, [1, 8, 23]);
  }
}

/** One FP32 value in text: the --values form without quotes (decimal: shortest round trip). */
export function fp32Text(bits: number, form: ValueForm): string {
  const v = fp32Json(bits, form);
  return v instanceof RawJson ? v.text : String(v);
}

/** An element code of `format` in a JSON output. */
export function codeJson(code: number, format: FormatName, form: ValueForm | undefined): number | string {
  const f = FORMAT_TABLE[format];
  if (form === 'hex') return `0x${hexDigits(code, codeBits(f))}`;
  if (form === 'bits') return bitFields(code, codeFields(f));
  return code;
}

/** An E8M0 scale code in a JSON output. */
export function scaleJson(code: number, form: ValueForm | undefined): number | string {
  if (form === 'hex') return `0x${hexDigits(code, 8)}`;
  if (form === 'bits') return bitFields(code, [8]);
  return code;
}

/**
 * An unsigned integer of at most `width` bits from a JSON value: an integer, or a string "0x..." (hex digits)
 * or "0b..." (binary digits, '_' allowed between them). Undefined when v is none of those or does not fit.
 */
export function readUnsigned(v: unknown, width: number): number | undefined {
  const max = 2 ** width - 1;
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v <= max ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  let n: number;
  if (/^0x[0-9a-f]{1,16}$/i.test(s)) n = parseInt(s.slice(2), 16);
  else if (/^0b[01]+(?:_[01]+)*$/.test(s) && s.replace(/_/g, '').length <= 66) n = parseInt(s.slice(2).replace(/_/g, ''), 2);
  else return undefined;
  return Number.isSafeInteger(n) && n <= max ? n : undefined;
}
