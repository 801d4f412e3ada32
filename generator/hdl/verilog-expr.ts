// IR expression -> Verilog-2005 text. Purely mechanical: the IR already has every width explicit,
// so each operator's operands have the width Verilog's context rules would give them anyway.
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

export function verilogExpr(e: IrExpr): string {
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
      return `{${literal(e.w - e.arg.w, 0n)}, ${verilogExpr(e.arg)}}`;
    case 'sext': {
      const x = verilogExpr(e.arg);
      const msb = msbOf(e.arg);
      const k = e.w - e.arg.w;
      return k === 1 ? `{${msb}, ${x}}` : `{{${k}{${msb}}}, ${x}}`;
    }
    case 'concat':
      return `{${e.args.map(operand).join(', ')}}`;
    case 'repl':
      return `{${e.n}{${verilogExpr(e.arg)}}}`;
    case 'op': {
      const [a, b] = e.args as [IrExpr, IrExpr];
      if (e.op === 'neg') return `-${operand(a)}`;
      if (e.op === 'not') return `~${operand(a)}`;
      if (e.op === 'ashr') return `$signed(${verilogExpr(a)}) >>> ${operand(b)}`;
      return `${operand(a)} ${BINARY[e.op]} ${operand(b)}`;
    }
    case 'cmp': {
      const [a, b] = e.args;
      if (e.op.startsWith('s')) return `$signed(${verilogExpr(a)}) ${BINARY[e.op]} $signed(${verilogExpr(b)})`;
      return `${operand(a)} ${BINARY[e.op]} ${operand(b)}`;
    }
    case 'reduce':
      return `${{ and: '&', or: '|', xor: '^' }[e.op]}${operand(e.arg)}`;
    case 'mux':
      return `${operand(e.sel)} ? ${operand(e.t)} : ${operand(e.f)}`;
  }
}

/** Operands that are themselves operators get parentheses; precedence is never relied upon. */
function operand(e: IrExpr): string {
  const s = verilogExpr(e);
  return e.k === 'op' || e.k === 'cmp' || e.k === 'mux' || e.k === 'reduce' ? `(${s})` : s;
}
