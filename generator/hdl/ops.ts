// Free functions of the expression API: constants, concatenation, muxes, case tables and trees.
import { HdlError } from './errors';
import { Case, Concat, Const, Expr, type ExprLike, Mux, coerce } from './expr';
import { type Shape, sameShape, showShape, signed as signedShape, unsigned } from './shape';
import { here } from './srcloc';

/** A sized constant: `lit(3, 8)` is 8'd3; `lit(-1, signed(8))` is a signed 8-bit -1. Checked to fit. */
export function lit(value: number | bigint, shape: number | Shape): Const {
  const s = typeof shape === 'number' ? unsigned(shape) : shape;
  return new Const(BigInt(value), s, here());
}

/** A signed sized constant. */
export const slit = (value: number | bigint, width: number): Const => new Const(BigInt(value), signedShape(width), here());

/** Verilog-order concatenation: the first argument lands in the MSBs. */
export function concat(...parts: Expr[]): Expr {
  if (parts.length === 1) return parts[0]!;
  return new Concat(parts, here());
}

/** Array packing in port order: element 0 lands in the LSBs (bits [w-1:0]). */
export function pack(elements: readonly Expr[]): Expr {
  if (elements.length === 1) return elements[0]!;
  return new Concat([...elements].reverse(), here());
}

/** `sel ? whenTrue : whenFalse`; integer arms take the other arm's shape. */
export function mux(sel: Expr, whenTrue: ExprLike, whenFalse: ExprLike): Expr {
  const loc = here();
  const like = whenTrue instanceof Expr ? whenTrue.shape : whenFalse instanceof Expr ? whenFalse.shape : undefined;
  if (!like) throw new HdlError('mux: at least one arm must be an expression', loc);
  return new Mux(sel, coerce(whenTrue, like, loc, 'mux'), coerce(whenFalse, like, loc, 'mux'), loc);
}

/** Priority select: the first arm whose condition is 1 wins (a mux chain). */
export function priority(arms: readonly (readonly [cond: Expr, value: ExprLike])[], otherwise: ExprLike): Expr {
  const loc = here();
  const like = shapeOfArms(arms.map((a) => a[1]), otherwise, 'priority');
  let acc = coerce(otherwise, like, loc, 'priority');
  for (let i = arms.length - 1; i >= 0; i--) {
    const [cond, value] = arms[i]!;
    acc = new Mux(cond, coerce(value, like, loc, 'priority'), acc, loc);
  }
  return acc;
}

/**
 * Parallel case on `sel`: each arm lists one or more distinct constants. Emitted as a Verilog
 * `case` statement with a `default`, so it is always full (no latches).
 */
export function caseOf(
  sel: Expr,
  arms: readonly (readonly [match: ExprLike | readonly ExprLike[], value: ExprLike])[],
  otherwise: ExprLike,
): Expr {
  const loc = here();
  const like = shapeOfArms(arms.map((a) => a[1]), otherwise, 'caseOf');
  const seen = new Set<bigint>();
  const lowered = arms.map(([match, value]) => {
    const list = Array.isArray(match) ? (match as readonly ExprLike[]) : [match as ExprLike];
    const matches = list.map((m) => {
      const c = coerce(m, sel.shape, loc, 'caseOf');
      if (!(c instanceof Const)) throw new HdlError('caseOf: match values must be constants', loc);
      if (!sameShape(c.shape, sel.shape))
        throw new HdlError(`caseOf: match ${showShape(c.shape)} differs from selector ${showShape(sel.shape)}`, loc);
      if (seen.has(c.bits)) throw new HdlError(`caseOf: duplicate match value ${c.value}`, loc);
      seen.add(c.bits);
      return c;
    });
    return { matches, value: coerce(value, like, loc, 'caseOf') };
  });
  return new Case(sel, lowered, coerce(otherwise, like, loc, 'caseOf'), like, loc);
}

/**
 * `values[index]` (a parallel case on `index`); an out-of-range index gives the last value.
 * All values must have the same shape.
 */
export function select(index: Expr, values: readonly ExprLike[]): Expr {
  const loc = here();
  if (values.length === 0) throw new HdlError('select from no values', loc);
  if (index.signed) throw new HdlError('select index must be unsigned', loc);
  if (values.length > 2 ** index.width) throw new HdlError(`select: ${values.length} values but a ${index.width}-bit index`, loc);
  const only = values[0];
  if (values.length === 1 && only instanceof Expr) return only;
  return caseOf(index, values.slice(0, -1).map((v, i) => [i, v] as const), values[values.length - 1]!);
}

function shapeOfArms(values: readonly ExprLike[], otherwise: ExprLike, what: string): Shape {
  const exprs = [...values, otherwise].filter((v): v is Expr => v instanceof Expr);
  const first = exprs[0];
  if (!first) throw new HdlError(`${what}: at least one value must be an expression`, here());
  for (const e of exprs)
    if (!sameShape(e.shape, first.shape))
      throw new HdlError(`${what}: values differ in shape, ${showShape(first.shape)} vs ${showShape(e.shape)}`, e.loc);
  return first.shape;
}

/**
 * Balanced binary reduction (log depth): `reduceTree(products, (a, b) => a.add(b))` is an adder tree
 * whose widths grow by one bit per level. Pairs are (0,1), (2,3), ...; an odd last element passes up.
 */
export function reduceTree<T>(items: readonly T[], combine: (a: T, b: T, level: number) => T): T {
  if (items.length === 0) throw new HdlError('reduceTree of an empty list', here());
  let layer = [...items];
  for (let level = 0; layer.length > 1; level++) {
    const next: T[] = [];
    for (let i = 0; i + 1 < layer.length; i += 2) next.push(combine(layer[i]!, layer[i + 1]!, level));
    if (layer.length % 2 === 1) next.push(layer[layer.length - 1]!);
    layer = next;
  }
  return layer[0]!;
}
