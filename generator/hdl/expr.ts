// Expression nodes of the DSL. Every node knows its shape at construction (rules in shape.ts) and the
// user's call site, so shape errors point at the user's line. Nodes are immutable and may be shared
// (a DAG); the lowering pass hoists shared nodes into named wires.
import { HdlError, atLoc } from './errors';
import {
  type ExtendMode,
  type OpName,
  type Shape,
  concatShape,
  extendShape,
  fits,
  mask,
  muxShape,
  operatorShape,
  replicateShape,
  showShape,
  sliceShape,
  truncShape,
  unsigned,
} from './shape';
import { isIdentifier } from './names';
import { type SrcLoc, here } from './srcloc';

/** Where an operand is expected: an expression, or a plain integer that takes the other operand's shape. */
export type ExprLike = Expr | number | bigint;

export type SignalKind = 'input' | 'output' | 'wire' | 'reg' | 'param';

export abstract class Expr {
  abstract readonly kind: string;
  constructor(
    readonly shape: Shape,
    readonly loc: SrcLoc,
  ) {}

  get width(): number {
    return this.shape.width;
  }
  get signed(): boolean {
    return this.shape.signed;
  }

  // ---- arithmetic (exact: results are wide enough, see shape.ts) ----
  add(b: ExprLike): Expr {
    return op('add', [this, b]);
  }
  sub(b: ExprLike): Expr {
    return op('sub', [this, b]);
  }
  mul(b: ExprLike): Expr {
    return op('mul', [this, b]);
  }
  neg(): Expr {
    return op('neg', [this]);
  }

  // ---- bitwise (equal widths) ----
  and(b: ExprLike): Expr {
    return op('and', [this, b]);
  }
  or(b: ExprLike): Expr {
    return op('or', [this, b]);
  }
  xor(b: ExprLike): Expr {
    return op('xor', [this, b]);
  }
  not(): Expr {
    return op('not', [this]);
  }

  // ---- shifts ----
  /** Exact left shift by a constant: width grows by k. */
  shl(k: number): Expr {
    return new Operator('shl', [this], here(), k);
  }
  /** Exact right shift by a constant (floor; arithmetic when signed): width shrinks by k. */
  shr(k: number): Expr {
    return new Operator('shr', [this], here(), k);
  }
  /** Left shift by a variable amount, keeping the width (bits shifted out are lost). */
  shlBy(amount: Expr): Expr {
    return op('shlBy', [this, amount]);
  }
  /** Right shift by a variable amount, keeping the width; arithmetic when this is signed. */
  shrBy(amount: Expr): Expr {
    return op('shrBy', [this, amount]);
  }

  // ---- comparisons (1 bit; signed iff the unified operand shape is signed) ----
  eq(b: ExprLike): Expr {
    return op('eq', [this, b]);
  }
  ne(b: ExprLike): Expr {
    return op('ne', [this, b]);
  }
  lt(b: ExprLike): Expr {
    return op('lt', [this, b]);
  }
  le(b: ExprLike): Expr {
    return op('le', [this, b]);
  }
  gt(b: ExprLike): Expr {
    return op('gt', [this, b]);
  }
  ge(b: ExprLike): Expr {
    return op('ge', [this, b]);
  }

  // ---- reductions ----
  reduceAnd(): Expr {
    return op('reduceAnd', [this]);
  }
  reduceOr(): Expr {
    return op('reduceOr', [this]);
  }
  reduceXor(): Expr {
    return op('reduceXor', [this]);
  }
  /** Alias of reduceOr: is any bit set? */
  any(): Expr {
    return op('reduceOr', [this]);
  }
  /** Alias of reduceAnd: are all bits set? */
  all(): Expr {
    return op('reduceAnd', [this]);
  }

  // ---- bit selection and layout ----
  /** Bits [hi:lo], inclusive, as in Verilog. Always unsigned. */
  slice(hi: number, lo: number): Expr {
    const loc = here();
    return new Slice(this, hi, lo, atLoc(loc, 'slice', () => sliceShape(this.shape, hi, lo)), loc);
  }
  bit(i: number): Expr {
    const loc = here();
    return new Slice(this, i, i, atLoc(loc, 'bit', () => sliceShape(this.shape, i, i)), loc);
  }
  msb(): Expr {
    return this.bit(this.width - 1);
  }
  /** Split into `width`-bit elements, element 0 in the LSBs (the port convention of ports.ts). */
  chunks(width: number): Expr[] {
    if (!Number.isInteger(width) || width < 1 || this.width % width !== 0)
      throw new HdlError(`chunks(${width}) of ${showShape(this.shape)}: width must divide ${this.width}`, here());
    return Array.from({ length: this.width / width }, (_, i) => this.slice(i * width + width - 1, i * width));
  }
  repeat(n: number): Expr {
    const loc = here();
    return new Replicate(this, n, atLoc(loc, 'repeat', () => replicateShape(this.shape, n)), loc);
  }

  // ---- explicit width and sign changes (never implicit) ----
  zext(width: number): Expr {
    return extend(this, width, 'zext');
  }
  sext(width: number): Expr {
    return extend(this, width, 'sext');
  }
  /** Value-preserving widening: zext for unsigned, sext for signed; keeps the signedness. */
  extend(width: number): Expr {
    if (width === this.width) return this;
    return extend(this, width, this.signed ? 'sext' : 'zext');
  }
  trunc(width: number): Expr {
    if (width === this.width) return this;
    const loc = here();
    return new Trunc(this, atLoc(loc, 'trunc', () => truncShape(this.shape, width)), loc);
  }
  /** Same width, or truncate/extend (by own signedness) to `width`: for when either direction is expected. */
  resize(width: number): Expr {
    return width < this.width ? this.trunc(width) : this.extend(width);
  }
  asSigned(): Expr {
    return this.signed ? this : new Cast(this, { width: this.width, signed: true }, here());
  }
  asUnsigned(): Expr {
    return this.signed ? new Cast(this, unsigned(this.width), here()) : this;
  }
  /** Value-preserving conversion to signed: unsigned w becomes signed w+1. */
  toSigned(): Expr {
    return this.signed ? this : extend(this, this.width + 1, 'zext').asSigned();
  }

  // ---- naming ----
  /** Ask the emitter to put this expression in its own wire called `name` (made unique if taken). */
  named(name: string): Expr {
    const loc = here();
    if (!isIdentifier(name)) throw new HdlError(`invalid name '${name}'`, loc);
    return new Named(this, name, loc);
  }
}

export class Const extends Expr {
  readonly kind = 'const';
  /** The bit pattern, 0 <= bits < 2^width (two's complement for negative signed values). */
  readonly bits: bigint;
  constructor(value: bigint, shape: Shape, loc: SrcLoc) {
    super(shape, loc);
    if (!fits(value, shape)) throw new HdlError(`constant ${value} does not fit ${showShape(shape)}`, loc);
    this.bits = value & mask(shape.width);
  }
  /** The value as the shape interprets it. */
  get value(): bigint {
    const w = BigInt(this.width);
    return this.signed && this.bits >> (w - 1n) === 1n ? this.bits - (1n << w) : this.bits;
  }
}

/** A named net: port, wire, register, or localparam. Created only through a ModuleBuilder. */
export class Signal extends Expr {
  readonly kind = 'signal';
  constructor(
    readonly name: string,
    readonly sigKind: SignalKind,
    shape: Shape,
    loc: SrcLoc,
    readonly owner: object,
    readonly doc?: string,
  ) {
    super(shape, loc);
  }
}

export class Operator extends Expr {
  readonly kind = 'op';
  readonly args: readonly Expr[];
  constructor(
    readonly op: OpName,
    args: readonly Expr[],
    loc: SrcLoc,
    /** constant shift amount for shl/shr */
    readonly param = 0,
  ) {
    super(
      atLoc(loc, op, () => operatorShape(op, args.map((a) => a.shape), param)),
      loc,
    );
    this.args = args;
  }
}

export class Slice extends Expr {
  readonly kind = 'slice';
  constructor(
    readonly arg: Expr,
    readonly hi: number,
    readonly lo: number,
    shape: Shape,
    loc: SrcLoc,
  ) {
    super(shape, loc);
  }
}

/** MSB first, like Verilog `{a, b}`. */
export class Concat extends Expr {
  readonly kind = 'concat';
  constructor(
    readonly parts: readonly Expr[],
    loc: SrcLoc,
  ) {
    super(
      atLoc(loc, 'concat', () => concatShape(parts.map((p) => p.shape))),
      loc,
    );
  }
}

export class Replicate extends Expr {
  readonly kind = 'replicate';
  constructor(
    readonly arg: Expr,
    readonly count: number,
    shape: Shape,
    loc: SrcLoc,
  ) {
    super(shape, loc);
  }
}

export class Extend extends Expr {
  readonly kind = 'extend';
  constructor(
    readonly arg: Expr,
    readonly mode: ExtendMode,
    shape: Shape,
    loc: SrcLoc,
  ) {
    super(shape, loc);
  }
}

export class Trunc extends Expr {
  readonly kind = 'trunc';
  constructor(
    readonly arg: Expr,
    shape: Shape,
    loc: SrcLoc,
  ) {
    super(shape, loc);
  }
}

/** Reinterpretation of the same bits with another signedness. */
export class Cast extends Expr {
  readonly kind = 'cast';
  constructor(
    readonly arg: Expr,
    shape: Shape,
    loc: SrcLoc,
  ) {
    super(shape, loc);
  }
}

export class Mux extends Expr {
  readonly kind = 'mux';
  constructor(
    readonly sel: Expr,
    readonly whenTrue: Expr,
    readonly whenFalse: Expr,
    loc: SrcLoc,
  ) {
    super(
      atLoc(loc, 'mux', () => muxShape(sel.shape, whenTrue.shape, whenFalse.shape)),
      loc,
    );
  }
}

/** Parallel case: `sel` compared against distinct constants; emitted as a Verilog `case` with a default. */
export class Case extends Expr {
  readonly kind = 'case';
  constructor(
    readonly sel: Expr,
    readonly arms: readonly { readonly matches: readonly Const[]; readonly value: Expr }[],
    readonly otherwise: Expr,
    shape: Shape,
    loc: SrcLoc,
  ) {
    super(shape, loc);
  }
}

export class Named extends Expr {
  readonly kind = 'named';
  constructor(
    readonly arg: Expr,
    readonly name: string,
    loc: SrcLoc,
  ) {
    super(arg.shape, loc);
  }
}

export type AnyExpr = Const | Signal | Operator | Slice | Concat | Replicate | Extend | Trunc | Cast | Mux | Case | Named;

/** Direct sub-expressions of a node. */
export function children(e: Expr): readonly Expr[] {
  const x = e as AnyExpr;
  switch (x.kind) {
    case 'const':
    case 'signal':
      return [];
    case 'op':
      return x.args;
    case 'slice':
    case 'replicate':
    case 'extend':
    case 'trunc':
    case 'cast':
    case 'named':
      return [x.arg];
    case 'concat':
      return x.parts;
    case 'mux':
      return [x.sel, x.whenTrue, x.whenFalse];
    case 'case':
      return [x.sel, ...x.arms.map((a) => a.value), x.otherwise];
  }
}

// ---- construction helpers shared with ops.ts ----

/** Turn a plain integer into a constant of shape `like`; expressions pass through. */
export function coerce(x: ExprLike, like: Shape, loc: SrcLoc, what: string): Expr {
  if (x instanceof Expr) return x;
  const v = BigInt(x);
  if (!fits(v, like))
    throw new HdlError(
      `${what}: constant ${v} does not fit the other operand's shape ${showShape(like)} — use lit(value, width)`,
      loc,
    );
  return new Const(v, like, loc);
}

function op(name: OpName, operands: readonly ExprLike[]): Expr {
  const loc = here();
  const first = operands[0];
  if (!(first instanceof Expr)) throw new HdlError(`${name}: first operand must be an expression`, loc);
  if ((name === 'shlBy' || name === 'shrBy') && !(operands[1] instanceof Expr))
    throw new HdlError(`${name} needs an expression amount — use .shl(k)/.shr(k) for constants`, loc);
  const args = operands.map((x) => coerce(x, first.shape, loc, name));
  return new Operator(name, args, loc);
}

function extend(e: Expr, width: number, mode: ExtendMode): Expr {
  const loc = here();
  return new Extend(e, mode, atLoc(loc, mode, () => extendShape(e.shape, width, mode)), loc);
}
