// Reduction trees used by the MX datapaths: maximum (block exponent) and sum (dot products).
import { HdlError } from '../errors';
import type { Expr } from '../expr';
import { mux, reduceTree } from '../ops';
import { here } from '../srcloc';

/** Maximum of equally shaped values (signed compare if they are signed), log-depth. */
export function maxTree(values: readonly Expr[], name = 'max'): Expr {
  if (values.length === 0) throw new HdlError('maxTree of no values', here());
  let n = 0;
  return reduceTree(values, (a, b, level) => mux(a.ge(b), a, b).named(`${name}_l${level}_${n++}`));
}

/** Sum of values, log-depth; each level grows by one bit, so the result is exact. Levels are named wires. */
export function sumTree(values: readonly Expr[], name = 'sum'): Expr {
  if (values.length === 0) throw new HdlError('sumTree of no values', here());
  let n = 0;
  return reduceTree(values, (a, b, level) => a.add(b).named(`${name}_l${level}_${n++}`));
}
