// One element code, explained (`mxgen decode`), and one already-scaled value rounded to a code (`mxgen encode`):
// the golden model's own encodeValue/decodeCode do the arithmetic; this file classifies the result (NaN, Inf,
// zero, subnormal, normal; MXSF's mode) and says whether the rounding was exact, rounded, saturated or
// underflowed to zero (formats.md 1.1 and 1.2). Every fact comes from the format table.

import { FORMAT_TABLE, type FormatName, type FormatSpec } from '../formats/table';
import { classifyCode, codeBits, decodeValue, maxMagCode, maxNormal } from '../formats/derive';
import { bitsToFloat } from '../formats/fp32';
import { encodeValue } from '../golden/element';

export type ElementClass = 'nan' | 'inf' | 'zero' | 'subnormal' | 'normal' | 'integer';

export interface ElementInfo {
  readonly format: FormatName;
  readonly code: number;
  /** the exact value (a double; NaN, +-Inf and -0 included) */
  readonly value: number;
  readonly class: ElementClass;
  /** MXSF only: which mode the exponent field selects */
  readonly mode?: 'wide-mantissa' | 'subnormal-fp';
  /** the value spelt out from the code's fields, e.g. `(-1)^1 * 2^(8-7) * (1 + 3/8)` */
  readonly formula: string;
  readonly note?: string;
}

/** The formula with its sign: `(-1)^1 * ...` for a negative code (zero and Inf as -0, -Inf). */
const signed = (neg: boolean, s: string): string => (!neg ? s : /^(0|Inf)$/.test(s) ? `-${s}` : `(-1)^1 * ${s}`);

/** Decodes and classifies one code of `format` (0 <= code < 2^bits). */
export function decodeElement(format: FormatName, code: number): ElementInfo {
  const f: FormatSpec = FORMAT_TABLE[format];
  const bits = codeBits(f);
  if (!Number.isInteger(code) || code < 0 || code >= 2 ** bits) throw new RangeError(`code ${code} is not a ${bits}-bit ${format} code`);
  const value = decodeValue(f, code);
  if (f.kind === 'int') {
    const n = code >= 1 << (f.bits - 1) ? code - (1 << f.bits) : code;
    return {
      format,
      code,
      value,
      class: n === 0 ? 'zero' : 'integer',
      formula: `${n}/${1 << f.fracBits}`,
      ...(n < -maxMagCode(f) ? { note: 'decodes, but quantization never produces it (formats.md 1)' } : {}),
    };
  }
  const neg = code >> (bits - 1) === 1;
  const e = (code >> f.manBits) & ((1 << f.expBits) - 1);
  const m = code & ((1 << f.manBits) - 1);
  const sub = f.subnormal;
  const mode = sub.kind === 'fp' ? { mode: e === 0 ? ('subnormal-fp' as const) : ('wide-mantissa' as const) } : {};
  const cls = classifyCode(f, code);
  if (cls !== 'finite') return { format, code, value, class: cls, ...mode, formula: cls === 'nan' ? 'NaN' : signed(neg, 'Inf') };
  if (value === 0) return { format, code, value, class: 'zero', ...mode, formula: signed(neg, '0') };
  if (e !== 0) return { format, code, value, class: 'normal', ...mode, formula: signed(neg, `2^(${e}-${f.bias}) * (1 + ${m}/${1 << f.manBits})`) };
  if (sub.kind === 'fp') {
    // the mantissa field is an unsigned float xxx ff of its own (formats.md 1.1)
    const x = m >> sub.manBits;
    const ff = m & ((1 << sub.manBits) - 1);
    const formula = x !== 0 ? `2^(${x}-${sub.bias}) * (1 + ${ff}/${1 << sub.manBits})` : `2^(1-${sub.bias}) * ${ff}/${1 << sub.manBits}`;
    return { format, code, value, class: 'subnormal', ...mode, formula: signed(neg, formula) };
  }
  return { format, code, value, class: 'subnormal', formula: signed(neg, `2^(1-${f.bias}) * ${m}/${1 << f.manBits}`) };
}

/** How a mode reads, e.g. `wide-mantissa (E2M5)` or `subnormal-FP (FP5 E3M2)`. */
export function modeText(format: FormatName, mode: NonNullable<ElementInfo['mode']>): string {
  const f = FORMAT_TABLE[format];
  if (f.kind !== 'float' || f.subnormal.kind !== 'fp') return mode;
  const s = f.subnormal;
  return mode === 'wide-mantissa' ? `wide-mantissa (E${f.expBits}M${f.manBits})` : `subnormal-FP (FP${s.expBits + s.manBits} E${s.expBits}M${s.manBits})`;
}

export type EncodeResult = 'exact' | 'rounded' | 'saturated' | 'underflow';

export interface EncodeInfo {
  /** FP32 bits of the input */
  readonly input: number;
  readonly result: EncodeResult;
  readonly element: ElementInfo;
}

/** round-half-to-even of a non-negative double */
function rne(t: number): number {
  const fl = Math.floor(t);
  const d = t - fl;
  return d > 0.5 || (d === 0.5 && fl % 2 === 1) ? fl + 1 : fl;
}

/** Rounds a finite, already-scaled FP32 value to an element code (formats.md 1.2) and says what happened. */
export function encodeElement(format: FormatName, input: number): EncodeInfo {
  const f = FORMAT_TABLE[format];
  const q = bitsToFloat(input >>> 0);
  if (!Number.isFinite(q)) throw new RangeError(`encodeElement: the input 0x${(input >>> 0).toString(16)} is not finite`);
  const code = encodeValue(f, q);
  const element = decodeElement(format, code);
  const v = element.value;
  const max = maxNormal(f);
  // the quantum of the top binade: the gap between the two largest values
  const top = max - decodeValue(f, maxMagCode(f) - 1);
  let result: EncodeResult;
  if (v === q && (v !== 0 || f.kind === 'int' || Object.is(v, q))) result = 'exact';
  else if (Math.abs(q) > max && rne(Math.abs(q) / top) * top > max) result = 'saturated';
  else if (v === 0) result = 'underflow';
  else result = 'rounded';
  return { input: input >>> 0, result, element };
}
