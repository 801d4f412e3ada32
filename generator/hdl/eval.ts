// Reference interpreter of DSL expressions: exact integer semantics straight from shape.ts, with no
// Verilog in between. Tests compare it with simulations of the emitted Verilog (differential check).
import type { AnyExpr, Expr } from './expr';
import { mask } from './shape';

/** Value of a bit pattern under a shape. */
export function fromBits(bits: bigint, width: number, isSigned: boolean): bigint {
  const b = bits & mask(width);
  return isSigned && b >> BigInt(width - 1) === 1n ? b - (1n << BigInt(width)) : b;
}

export const toBits = (value: bigint, width: number): bigint => value & mask(width);

/**
 * Evaluate `e` given the bit patterns of the signals it reads (`env` by signal name).
 * Returns the value as e's shape interprets it (negative for signed negatives).
 */
export function evalExpr(
  e: Expr,
  env: ReadonlyMap<string, bigint> | Readonly<Record<string, bigint>>,
  /** resolves wires through their assignments (e.g. `module.driverOf.bind(module)`) */
  driverOf?: (name: string) => Expr | undefined,
): bigint {
  const get = (n: string): bigint | undefined => (env instanceof Map ? env.get(n) : (env as Record<string, bigint>)[n]);
  const memo = new Map<Expr, bigint>();
  const ev = (x: Expr): bigint => {
    let v = memo.get(x);
    if (v === undefined) {
      v = fromBits(raw(x as AnyExpr), x.width, x.signed);
      memo.set(x, v);
    }
    return v;
  };
  const bitsOf = (x: Expr): bigint => toBits(ev(x), x.width);
  const raw = (x: AnyExpr): bigint => {
    switch (x.kind) {
      case 'const':
        return x.bits;
      case 'signal': {
        const v = get(x.name);
        if (v !== undefined) return v;
        const driver = x.sigKind === 'input' || x.sigKind === 'reg' ? undefined : driverOf?.(x.name);
        if (driver) return bitsOf(driver);
        throw new Error(`evalExpr: no value for '${x.name}'`);
      }
      case 'slice':
        return bitsOf(x.arg) >> BigInt(x.lo);
      case 'trunc':
      case 'cast':
        return bitsOf(x.arg);
      case 'extend':
        return x.mode === 'zext' ? bitsOf(x.arg) : toBits(fromBits(bitsOf(x.arg), x.arg.width, true), x.width);
      case 'concat':
        return x.parts.reduce((acc, p) => (acc << BigInt(p.width)) | bitsOf(p), 0n);
      case 'replicate': {
        let acc = 0n;
        for (let i = 0; i < x.count; i++) acc = (acc << BigInt(x.arg.width)) | bitsOf(x.arg);
        return acc;
      }
      case 'mux':
        return ev(x.sel) ? bitsOf(x.whenTrue) : bitsOf(x.whenFalse);
      case 'case': {
        const sel = bitsOf(x.sel);
        const arm = x.arms.find((a) => a.matches.some((m) => m.bits === sel));
        return bitsOf(arm ? arm.value : x.otherwise);
      }
      case 'named':
        return bitsOf(x.arg);
      case 'op':
        return toBits(operator(x), x.width);
    }
  };
  const operator = (x: AnyExpr & { kind: 'op' }): bigint => {
    const [a, b] = x.args as [Expr, Expr];
    switch (x.op) {
      case 'add':
        return ev(a) + ev(b);
      case 'sub':
        return ev(a) - ev(b);
      case 'mul':
        return ev(a) * ev(b);
      case 'neg':
        return -ev(a);
      case 'and':
        return bitsOf(a) & bitsOf(b);
      case 'or':
        return bitsOf(a) | bitsOf(b);
      case 'xor':
        return bitsOf(a) ^ bitsOf(b);
      case 'not':
        return ~bitsOf(a);
      case 'eq':
        return ev(a) === ev(b) ? 1n : 0n;
      case 'ne':
        return ev(a) !== ev(b) ? 1n : 0n;
      case 'lt':
        return ev(a) < ev(b) ? 1n : 0n;
      case 'le':
        return ev(a) <= ev(b) ? 1n : 0n;
      case 'gt':
        return ev(a) > ev(b) ? 1n : 0n;
      case 'ge':
        return ev(a) >= ev(b) ? 1n : 0n;
      case 'reduceAnd':
        return bitsOf(a) === mask(a.width) ? 1n : 0n;
      case 'reduceOr':
        return bitsOf(a) !== 0n ? 1n : 0n;
      case 'reduceXor': {
        let p = 0n;
        for (let v = bitsOf(a); v; v >>= 1n) p ^= v & 1n;
        return p;
      }
      case 'shl':
        return ev(a) << BigInt(x.param);
      case 'shr':
        return ev(a) >> BigInt(x.param); // BigInt >> floors, like an arithmetic shift
      case 'shlBy':
        return bitsOf(a) << ev(b);
      case 'shrBy':
        return ev(a) >> ev(b);
    }
  };
  return ev(e);
}
