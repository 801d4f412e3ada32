// Shared by `mxgen encode` and `mxgen decode`: reading a VALUE or CODE argument, and printing an element
// (text lines or JSON) in the --values forms. Element values are printed exactly (every element value is an
// FP32 value, so its exact decimal is also the one that reads back).

import type { ElementInfo } from '../drivers/element';
import { FORMAT_TABLE, type FormatName } from '../formats/table';
import { codeBits } from '../formats/derive';
import { FP32_CANONICAL_NAN, floatToBits } from '../formats/fp32';
import { UsageError } from './errors';
import { FP32_MAX_TEXT } from './io';
import { exactDecimal } from '../formats/text';
import { codeJson, fp32Json, literalToFp32, RawJson, type ValueForm } from './values';
import { quoteText } from '../util/shown';

/** FP32 bits of an element value (NaN as the canonical NaN). */
export const valueBits = (v: number): number => (Number.isNaN(v) ? FP32_CANONICAL_NAN : floatToBits(v));

/** A JSON number literal: optional sign, digits with an optional fraction, optional exponent. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** FP32 bits of a VALUE argument: a decimal number (rounded once to FP32) or an FP32 bit pattern 0x........ */
export function parseValueArgument(text: string): number {
  const t = text.trim();
  if (/^0x[0-9a-f]{1,8}$/i.test(t)) {
    const bits = parseInt(t.slice(2), 16) >>> 0;
    if ((bits & 0x7f800000) === 0x7f800000) throw nonFinite(text);
    return bits;
  }
  if (/^[+-]?(nan|inf|infinity)$/i.test(t)) throw nonFinite(text);
  if (!NUMBER.test(t)) {
    throw new UsageError(`VALUE ${quoteText(text)} is not a number; write a decimal number (e.g. -1.5, 3e-3) or an FP32 bit pattern (e.g. 0x3fc00000)`);
  }
  // the canonical JSON spelling: no '+', a digit on both sides of the point
  const literal = t.replace(/^\+/, '').replace(/^(-?)\./, '$10.').replace(/\.(?=$|[eE])/, '');
  const bits = literalToFp32(literal);
  if ((bits & 0x7fffffff) === 0x7f800000) {
    throw new UsageError(`VALUE ${text} overflows FP32 (largest finite magnitude ${FP32_MAX_TEXT})`);
  }
  return bits;
}

function nonFinite(text: string): UsageError {
  return new UsageError(
    `VALUE ${text} is not finite: a NaN or Inf input makes its block's scale NaN and every code +0 (formats.md 2); encode takes a finite, already-scaled value`,
  );
}

/** A CODE argument: hex 0x.., binary 0b.. ('_' allowed) or a decimal number, within the format's width. */
export function parseCodeArgument(text: string, format: FormatName): number {
  const bits = codeBits(FORMAT_TABLE[format]);
  const t = text.trim();
  let n: number;
  if (/^0x[0-9a-f]+$/i.test(t)) n = parseInt(t.slice(2), 16);
  else if (/^0b[01]+(?:_[01]+)*$/i.test(t)) n = parseInt(t.slice(2).replace(/_/g, ''), 2);
  else if (/^\d+$/.test(t)) n = Number(t);
  else throw new UsageError(`CODE ${quoteText(text)} is not a code; write hex (0x7e), binary (0b0_1111_110) or a decimal number (126)`);
  const max = 2 ** bits - 1;
  if (!(n <= max)) {
    throw new UsageError(`CODE ${text} is out of range: ${format} codes have ${bits} bits (0x${'0'.repeat(Math.ceil(bits / 4))}..0x${max.toString(16)}, 0..${max})`);
  }
  return n;
}

/** An element value in text: the form, or (no form) its exact decimal with the FP32 pattern. */
export function valueText(v: number, form: ValueForm | undefined): string {
  const exact = Number.isNaN(v) ? 'NaN' : Number.isFinite(v) ? exactDecimal(v) : v > 0 ? 'Inf' : '-Inf';
  const bits = valueBits(v);
  if (form === 'decimal') return exact;
  if (form) return String(fp32Json(bits, form));
  return `${exact} = ${fp32Json(bits, 'hex')} (FP32)`;
}

/** An element value in JSON: the FP32 bit pattern, or the form (decimal: exact, specials as strings). */
export function valueJson(v: number, form: ValueForm | undefined): number | string | RawJson {
  if (form === 'decimal') {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    return new RawJson(exactDecimal(v));
  }
  return fp32Json(valueBits(v), form);
}

/** A code in text: the form, or (no form) hex = decimal = bits. */
export function codeText(code: number, format: FormatName, form: ValueForm | undefined): string {
  if (form) return String(codeJson(code, format, form));
  return `${codeJson(code, format, 'hex')} = ${code} = ${codeJson(code, format, 'bits')}`;
}

/** The class line: `normal: 2^(8-7) * (1 + 6/8)`, with MXSF's mode. */
export function classText(e: ElementInfo, mode: string | undefined): string {
  return `${e.class}${mode ? `, ${mode}` : ''}: ${e.formula}${e.note ? ` (${e.note})` : ''}`;
}

/** Aligned `key:  value` lines. */
export function fieldLines(rows: readonly (readonly [string, string])[]): string {
  const w = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${`${k}:`.padEnd(w)}${v}`).join('\n') + '\n';
}
