// IR expression -> Verilog-2005 text. Purely mechanical: the IR already has every width explicit,
// so each operator's operands have the width Verilog's context rules would give them anyway.
// Expressions are built as a small layout tree (doc.ts) so a long one breaks into short lines: a
// concatenation one element per line, an operator chain before each operator, a mux before `?` and `:`.
import { type Doc, group, join, line, nest, render } from './doc';
import type { IrConst, IrExpr } from './ir';

export function literal(w: number, bits: bigint): string {
  if (w === 1) return `1'b${bits}`;
  return bits < 1024n ? `${w}'d${bits}` : `${w}'h${bits.toString(16)}`;
}

const BINARY: Readonly<Record<string, string>> = {
  add: '+',
  sub: '-',
  mul: '*',
  and: '&',
  or: '|',
  xor: '^',
  shl: '<<',
  lshr: '>>',
  eq: '==',
  ne: '!=',
  ult: '<',
  ule: '<=',
  ugt: '>',
  uge: '>=',
  slt: '<',
  sle: '<=',
  sgt: '>',
  sge: '>=',
};

const atom = (c: IrConst): string => c.param ?? literal(c.w, c.bits);

/** Name of the thing a slice/trunc/sext selects from (a net or a localparam). */
const base = (e: IrExpr): string => (e.k === 'ref' ? e.name : e.k === 'const' ? atom(e) : '?');

/** The sign bit of a ref, constant, or part-select of one (what sext may apply to). */
function msbOf(e: IrExpr): string {
  if (e.k === 'slice' || e.k === 'trunc') return `${base(e.arg)}[${(e.k === 'slice' ? e.lo : 0) + e.w - 1}]`;
  if (e.w === 1) return verilogExpr(e);
  return `${base(e)}[${e.w - 1}]`;
}

const bitRange = (hi: number, lo: number): string => (hi === lo ? `[${hi}]` : `[${hi}:${lo}]`);

/** A signed literal operand below zero (its two's-complement pattern has the sign bit set). */
function negativeConst(e: IrExpr): IrConst | undefined {
  return e.k === 'const' && e.s && !e.param && e.w > 1 && (e.bits >> BigInt(e.w - 1)) & 1n ? e : undefined;
}

/** `{a, b, c}` with a break after each comma when it does not fit. */
const braces = (items: readonly Doc[]): Doc => group(['{', nest(4, [line(''), join(items, [',', line()])]), line(''), '}']);

/** Names of the nets and ports the module declares `signed`. */
export type SignedNets = ReadonlySet<string>;
const NONE: SignedNets = new Set();

export function exprDoc(e: IrExpr, sn: SignedNets = NONE): Doc {
  switch (e.k) {
    case 'const':
      return atom(e);
    case 'ref':
      return e.name;
    case 'slice':
      return `${base(e.arg)}${bitRange(e.lo + e.w - 1, e.lo)}`;
    case 'trunc':
      return `${base(e.arg)}${bitRange(e.w - 1, 0)}`;
    case 'zext':
      return braces([literal(e.w - e.arg.w, 0n), exprDoc(e.arg, sn)]);
    case 'sext': {
      const msb = msbOf(e.arg);
      const k = e.w - e.arg.w;
      return braces([k === 1 ? msb : `{${k}{${msb}}}`, exprDoc(e.arg, sn)]);
    }
    case 'concat':
      return braces(e.args.map((x) => operand(x, sn)));
    case 'repl':
      return group([`{${e.n}{`, exprDoc(e.arg, sn), '}}']);
    case 'op': {
      const [a, b] = e.args as [IrExpr, IrExpr];
      if (e.op === 'neg') return ['-', operand(a, sn)];
      if (e.op === 'not') return ['~', operand(a, sn)];
      if (e.op === 'ashr') return chain(['$signed(', exprDoc(a, sn), ')'], '>>>', operand(b, sn));
      // x + (-c) reads as x - c (and x - (-c) as x + c): the same bits modulo 2^w
      const neg = e.op === 'add' || e.op === 'sub' ? negativeConst(b) : undefined;
      if (neg) {
        const magnitude = ((1n << BigInt(neg.w)) - neg.bits) & ((1n << BigInt(neg.w)) - 1n);
        return chain(operand(a, sn), e.op === 'add' ? '-' : '+', literal(neg.w, magnitude));
      }
      return chain(operand(a, sn), BINARY[e.op]!, operand(b, sn));
    }
    case 'cmp': {
      const [a, b] = e.args;
      if (e.op.startsWith('s')) return chain(['$signed(', exprDoc(a, sn), ')'], BINARY[e.op]!, ['$signed(', exprDoc(b, sn), ')']);
      // an unsigned compare of signed-declared operands must not become a signed compare in Verilog
      return chain(unsignedOperand(a, sn), BINARY[e.op]!, unsignedOperand(b, sn));
    }
    case 'reduce':
      return [{ and: '&', or: '|', xor: '^' }[e.op], operand(e.arg, sn)];
    case 'mux':
      return group([operand(e.sel, sn), nest(2, [line(), '? ', operand(e.t, sn), line(), ': ', operand(e.f, sn)])]);
  }
}

/** `a op b`, breaking before the operator. */
const chain = (a: Doc, op: string, b: Doc): Doc => group([a, nest(2, [line(), `${op} `, b])]);

/** Operands that are themselves operators get parentheses; precedence is never relied upon. */
function operand(e: IrExpr, sn: SignedNets): Doc {
  const d = exprDoc(e, sn);
  return e.k === 'op' || e.k === 'cmp' || e.k === 'mux' || e.k === 'reduce' ? ['(', d, ')'] : d;
}

/** Whether Verilog's own rules make the printed expression signed (so a compare of it would be signed). */
function verilogSigned(e: IrExpr, sn: SignedNets): boolean {
  switch (e.k) {
    case 'ref':
      return sn.has(e.name);
    case 'op':
      if (e.op === 'ashr') return true;
      if (e.op === 'shl' || e.op === 'lshr') return verilogSigned(e.args[0]!, sn);
      return e.args.every((x) => verilogSigned(x, sn));
    case 'mux':
      return verilogSigned(e.t, sn) && verilogSigned(e.f, sn);
    default:
      return false;
  }
}

function unsignedOperand(e: IrExpr, sn: SignedNets): Doc {
  return verilogSigned(e, sn) ? ['$unsigned(', exprDoc(e, sn), ')'] : operand(e, sn);
}

/** The expression on one line (tests, the S-expression-like debug views). */
export function verilogExpr(e: IrExpr, sn: SignedNets = NONE): string {
  return render(exprDoc(e, sn), Infinity);
}

/**
 * `prefix + expr + suffix` laid out within `width` columns (continuation lines indented two more than the
 * prefix's own indentation).
 */
export function verilogStatement(prefix: string, e: IrExpr, suffix: string, width: number, sn: SignedNets = NONE): string[] {
  const indent = prefix.length - prefix.trimStart().length;
  return render(nest(indent + 2, [prefix, exprDoc(e, sn), suffix]), width).split('\n');
}
