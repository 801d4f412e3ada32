// Shapes (width + signedness) and every width/sign rule of the DSL, in one place.
// Principle: an operator's result shape is wide enough to hold the exact mathematical result
// (add = max+1, mul = wa+wb, ...); the only width-losing operations are the explicit ones
// (trunc, slice) and the width-keeping variable shifts (shlBy/shrBy). Mixed signedness is allowed in
// arithmetic and comparisons and stays exact: the unsigned operand is treated as signed one bit wider.

export interface Shape {
  readonly width: number;
  readonly signed: boolean;
}

export const unsigned = (width: number): Shape => checkedShape(width, false);
export const signed = (width: number): Shape => checkedShape(width, true);

function checkedShape(width: number, isSigned: boolean): Shape {
  if (!Number.isInteger(width) || width < 1) throw new Error(`invalid width ${width}: widths are integers >= 1`);
  return { width, signed: isSigned };
}

/** `u8` / `s9`: the notation used in error messages and in the IR printer. */
export const showShape = (s: Shape): string => `${s.signed ? 's' : 'u'}${s.width}`;

export const sameShape = (a: Shape, b: Shape): boolean => a.width === b.width && a.signed === b.signed;

/** Smallest n with 2^n >= x (clog2(1) = 0). */
export function clog2(x: number): number {
  if (!Number.isInteger(x) || x < 1) throw new Error(`clog2 of ${x}`);
  let n = 0;
  while (2 ** n < x) n++;
  return n;
}

/** Bits needed to hold the unsigned value x (at least 1). */
export const bitsFor = (x: number | bigint): number => Math.max(1, BigInt(x).toString(2).length);

export const mask = (width: number): bigint => (1n << BigInt(width)) - 1n;

/** Does the integer value fit the shape? */
export function fits(value: bigint, s: Shape): boolean {
  const w = BigInt(s.width);
  return s.signed ? value >= -(1n << (w - 1n)) && value < 1n << (w - 1n) : value >= 0n && value < 1n << w;
}

/** The shape both operands are brought to, exactly, before an arithmetic operation or a comparison. */
export function unify(a: Shape, b: Shape): Shape {
  if (a.signed === b.signed) return { width: Math.max(a.width, b.width), signed: a.signed };
  const [u, s] = a.signed ? [b, a] : [a, b];
  return { width: Math.max(u.width + 1, s.width), signed: true };
}

/** Like unify, but always signed (for subtraction and negation). */
function unifySigned(a: Shape, b: Shape): Shape {
  const widen = (x: Shape) => (x.signed ? x.width : x.width + 1);
  if (!a.signed && !b.signed) return { width: Math.max(a.width, b.width), signed: true }; // result adds the +1
  return { width: Math.max(widen(a), widen(b)), signed: true };
}

export type ArithOp = 'add' | 'sub' | 'mul';
export type BitwiseOp = 'and' | 'or' | 'xor';
export type CompareOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
export type ReduceOp = 'reduceAnd' | 'reduceOr' | 'reduceXor';
export type UnaryOp = 'not' | 'neg';
export type ShiftConstOp = 'shl' | 'shr';
export type ShiftVarOp = 'shlBy' | 'shrBy';
export type OpName = ArithOp | BitwiseOp | CompareOp | ReduceOp | UnaryOp | ShiftConstOp | ShiftVarOp;

const BOOL: Shape = { width: 1, signed: false };

/**
 * The width/sign table. `param` is the constant shift amount for shl/shr.
 * Throws a message (without location; the caller adds the DSL call site) when the operands are illegal.
 */
export function operatorShape(op: OpName, args: readonly Shape[], param = 0): Shape {
  const [a, b] = args as [Shape, Shape];
  switch (op) {
    case 'add':
      return grow(unify(a, b), 1);
    case 'sub':
      return grow(unifySigned(a, b), 1);
    case 'mul': {
      if (a.signed === b.signed) return { width: a.width + b.width, signed: a.signed };
      return { width: a.width + b.width + 1, signed: true };
    }
    case 'neg':
      return { width: a.width + 1, signed: true };
    case 'and':
    case 'or':
    case 'xor':
      if (a.width !== b.width)
        throw new Error(`${op} needs equal widths, got ${showShape(a)} and ${showShape(b)} — use .zext/.sext/.trunc`);
      return { width: a.width, signed: a.signed && b.signed };
    case 'not':
      return a;
    case 'eq':
    case 'ne':
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge':
      return BOOL;
    case 'reduceAnd':
    case 'reduceOr':
    case 'reduceXor':
      return BOOL;
    case 'shl':
      checkShiftConst(param, a, op);
      return { width: a.width + param, signed: a.signed };
    case 'shr':
      checkShiftConst(param, a, op);
      if (param >= a.width) throw new Error(`shr(${param}) of ${showShape(a)} leaves no bits`);
      return { width: a.width - param, signed: a.signed };
    case 'shlBy':
    case 'shrBy':
      if (b.signed) throw new Error(`${op} amount must be unsigned, got ${showShape(b)}`);
      return a;
  }
}

function checkShiftConst(k: number, a: Shape, op: string): void {
  if (!Number.isInteger(k) || k < 0) throw new Error(`${op}(${k}) of ${showShape(a)}: amount must be an integer >= 0`);
}

const grow = (s: Shape, by: number): Shape => ({ width: s.width + by, signed: s.signed });

export function sliceShape(a: Shape, hi: number, lo: number): Shape {
  if (!Number.isInteger(hi) || !Number.isInteger(lo) || lo < 0 || hi < lo || hi >= a.width)
    throw new Error(`slice [${hi}:${lo}] out of range for ${showShape(a)}`);
  return unsigned(hi - lo + 1);
}

export const concatShape = (parts: readonly Shape[]): Shape => {
  if (parts.length === 0) throw new Error('concat of nothing');
  return unsigned(parts.reduce((s, p) => s + p.width, 0));
};

export function replicateShape(a: Shape, n: number): Shape {
  if (!Number.isInteger(n) || n < 1) throw new Error(`replicate count must be an integer >= 1, got ${n}`);
  return unsigned(a.width * n);
}

export type ExtendMode = 'zext' | 'sext';

export function extendShape(a: Shape, width: number, mode: ExtendMode): Shape {
  if (!Number.isInteger(width) || width < a.width)
    throw new Error(`${mode}(${width}) of ${showShape(a)} would narrow — use .trunc(${width})`);
  return { width, signed: mode === 'sext' };
}

export function truncShape(a: Shape, width: number): Shape {
  if (!Number.isInteger(width) || width < 1 || width > a.width)
    throw new Error(`trunc(${width}) of ${showShape(a)} would widen — use .zext(${width}) or .sext(${width})`);
  return { width, signed: a.signed };
}

export function muxShape(sel: Shape, a: Shape, b: Shape): Shape {
  if (sel.width !== 1) throw new Error(`mux select must be 1 bit, got ${showShape(sel)} — use .ne(0) or .reduceOr()`);
  if (!sameShape(a, b))
    throw new Error(`mux arms differ: ${showShape(a)} vs ${showShape(b)} — extend or cast one arm explicitly`);
  return a;
}

/** The rules as a table, for the README and the width-rule tests. */
export const WIDTH_RULES: readonly { readonly expr: string; readonly result: string }[] = [
  { expr: 'a.add(b)', result: 'unify(a,b) + 1 bit' },
  { expr: 'a.sub(b)', result: 'signed, unify(a,b) + 1 bit (u,u: max+1)' },
  { expr: 'a.mul(b)', result: 'wa+wb (mixed signs: signed, wa+wb+1)' },
  { expr: 'a.neg()', result: 'signed, w+1' },
  { expr: 'a.and/or/xor(b)', result: 'equal widths required; w; signed iff both signed' },
  { expr: 'a.not()', result: 'same shape' },
  { expr: 'a.shl(k)', result: 'w+k (exact)' },
  { expr: 'a.shr(k)', result: 'w-k (exact floor; arithmetic if signed)' },
  { expr: 'a.shlBy(n) / a.shrBy(n)', result: 'w (bits shifted out are lost; n unsigned)' },
  { expr: 'eq ne lt le gt ge', result: 'u1 (signed compare iff unify(a,b) is signed)' },
  { expr: 'reduceAnd/Or/Xor', result: 'u1' },
  { expr: 'slice(hi,lo) / bit(i)', result: 'u(hi-lo+1) / u1' },
  { expr: 'concat(...) / pack([...]) / repeat(n)', result: 'u(sum of widths) / u(w*n)' },
  { expr: 'zext(n) / sext(n)', result: 'u(n) / s(n), n >= w' },
  { expr: 'extend(n)', result: 'zext or sext by own signedness, keeps sign' },
  { expr: 'trunc(n)', result: 'n <= w, keeps sign' },
  { expr: 'asSigned() / asUnsigned()', result: 's(w) / u(w), same bits' },
  { expr: 'toSigned()', result: 's(w+1) for unsigned (value-preserving), unchanged if signed' },
  { expr: 'mux(sel,a,b) / select', result: 'sel u1; a and b same shape' },
];
