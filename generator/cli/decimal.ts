// Decimal numbers in matrix JSON rounded once to FP32. JSON.parse rounds a literal to a double first;
// rounding that double to FP32 is then correct except when the double lands exactly on an FP32 midpoint
// while the literal was not on it (e.g. 1.0000000596046448 is just above 1 + 2^-24 but parses to it).
// Only in that case is the literal's own text consulted and compared exactly with the midpoint.

import { bitsToFloat, floatToBits, pow2 } from '../formats/fp32';
import { doubleToDyadic } from '../golden/exact';

/** Whether a finite double lies exactly halfway between two neighbouring FP32 values (or FP32 max and 2^128). */
export function isFp32Midpoint(x: number): boolean {
  const a = Math.abs(x);
  const mag = floatToBits(a);
  const near = Math.min(bitsToFloat(mag), pow2(128)); // Inf stands for 2^128, the first value past FP32 max
  if (near === a) return false;
  const other = bitsToFloat(near > a ? mag - 1 : mag + 1);
  return (near + other) / 2 === a;
}

/** sign(|literal| - |x|), exactly, for a JSON number literal and a finite double x. */
export function compareLiteral(literal: string, x: number): number {
  const m = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (!m) throw new Error(`not a JSON number: ${literal}`);
  const digits = BigInt(m[1] + (m[2] ?? ''));
  const e10 = Number(m[3] ?? 0) - (m[2]?.length ?? 0);
  const { n, e } = doubleToDyadic(Math.abs(x));
  // digits * 10^e10 against n * 2^e, both sides scaled to integers
  const left = digits * 10n ** BigInt(Math.max(e10, 0)) * 2n ** BigInt(Math.max(-e, 0));
  const right = n * 2n ** BigInt(Math.max(e, 0)) * 10n ** BigInt(Math.max(-e10, 0));
  return left > right ? 1 : left < right ? -1 : 0;
}

/** FP32 bits of a literal whose double parse is the FP32 midpoint x: the exact comparison decides. */
export function roundMidpointLiteral(literal: string, x: number): number {
  const c = compareLiteral(literal, x);
  const tiesToEven = floatToBits(x);
  if (c === 0) return tiesToEven;
  const sign = tiesToEven & 0x80000000;
  const mag = tiesToEven & 0x7fffffff;
  const roundedUp = Math.min(bitsToFloat(mag), pow2(128)) > Math.abs(x);
  const wantUp = c > 0;
  if (roundedUp === wantUp) return tiesToEven;
  return (sign | (wantUp ? mag + 1 : mag - 1)) >>> 0;
}

/**
 * The source text of the elements of the top-level "data" array (the last one, as JSON.parse keeps the
 * last duplicate key), for text that JSON.parse has accepted.
 */
export function dataLiterals(text: string): string[] {
  const number = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  let depth = 0;
  let expectKey = false;
  let key: string | undefined;
  let current: string[] | undefined;
  let found: string[] = [];
  for (let i = 0; i < text.length; ) {
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const token = text.slice(i, j + 1);
      if (depth === 1 && expectKey) {
        key = JSON.parse(token) as string;
        expectKey = false;
      } else if (current && depth === 2) current.push(token);
      i = j + 1;
    } else if (ch === '{' || ch === '[') {
      depth++;
      if (depth === 1) expectKey = ch === '{';
      if (depth === 2 && ch === '[' && key === 'data') current = [];
      i++;
    } else if (ch === '}' || ch === ']') {
      if (depth === 2 && current) {
        found = current;
        current = undefined;
      }
      depth--;
      i++;
    } else if (ch === ',') {
      if (depth === 1) expectKey = true;
      i++;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      number.lastIndex = i;
      const token = number.exec(text)![0];
      if (current && depth === 2) current.push(token);
      i += token.length;
    } else {
      if (current && depth === 2 && /[tfn]/.test(ch)) {
        const word = /true|false|null/y;
        word.lastIndex = i;
        const w = word.exec(text);
        if (w) {
          current.push(w[0]);
          i += w[0].length;
          continue;
        }
      }
      i++;
    }
  }
  return found;
}
