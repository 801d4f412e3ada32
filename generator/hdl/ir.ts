// The width-explicit IR the emitters print. Invariants established by lower.ts:
//  - every node carries its width `w` and signedness `s`;
//  - operands of add/sub/mul/neg/and/or/xor/not/mux and the shifted operand of shifts have the result width;
//  - comparison operands have equal widths; signedness of a comparison or right shift is in its op name;
//  - widening is an explicit zext/sext node, narrowing an explicit trunc/slice node;
//  - trunc and slice only apply to a `ref` or localparam, sext also to a trunc/slice of one
//    (Verilog cannot part-select an expression);
//  - `ashr` only appears at the root of an assign (Verilog signedness is context-dependent).
import type { SrcLoc } from './srcloc';

interface Node {
  readonly w: number;
  readonly s: boolean;
}

export interface IrConst extends Node {
  readonly k: 'const';
  readonly bits: bigint;
  /** When set, the emitter prints this localparam name instead of the literal. */
  readonly param?: string;
}
export interface IrRef extends Node {
  readonly k: 'ref';
  readonly name: string;
}
export interface IrSlice extends Node {
  readonly k: 'slice';
  readonly arg: IrRef | IrConst;
  readonly lo: number;
}
export interface IrTrunc extends Node {
  readonly k: 'trunc';
  readonly arg: IrRef | IrConst;
}
export interface IrExtend extends Node {
  readonly k: 'zext' | 'sext';
  readonly arg: IrExpr;
}
export interface IrConcat extends Node {
  readonly k: 'concat';
  /** MSB first */
  readonly args: readonly IrExpr[];
}
export interface IrRepl extends Node {
  readonly k: 'repl';
  readonly n: number;
  readonly arg: IrExpr;
}
export type IrOpName = 'add' | 'sub' | 'mul' | 'neg' | 'and' | 'or' | 'xor' | 'not' | 'shl' | 'lshr' | 'ashr';
export interface IrOp extends Node {
  readonly k: 'op';
  readonly op: IrOpName;
  readonly args: readonly IrExpr[];
}
export type IrCmpName = 'eq' | 'ne' | 'ult' | 'ule' | 'ugt' | 'uge' | 'slt' | 'sle' | 'sgt' | 'sge';
export interface IrCmp extends Node {
  readonly k: 'cmp';
  readonly op: IrCmpName;
  readonly args: readonly [IrExpr, IrExpr];
}
export interface IrReduce extends Node {
  readonly k: 'reduce';
  readonly op: 'and' | 'or' | 'xor';
  readonly arg: IrExpr;
}
export interface IrMux extends Node {
  readonly k: 'mux';
  readonly sel: IrExpr;
  readonly t: IrExpr;
  readonly f: IrExpr;
}

export type IrExpr =
  | IrConst
  | IrRef
  | IrSlice
  | IrTrunc
  | IrExtend
  | IrConcat
  | IrRepl
  | IrOp
  | IrCmp
  | IrReduce
  | IrMux;

export type PortRole = 'clock' | 'reset' | 'handshake' | 'data';

export interface IrPort {
  readonly name: string;
  readonly dir: 'input' | 'output';
  readonly w: number;
  /** signedness in the DSL; the Verilog port itself is a plain vector */
  readonly s: boolean;
  readonly role: PortRole;
  readonly doc?: string;
}

/** user: declared by the DSL user; temp: hoisted by lowering; instance: wires an instance output; sink: unused-sink. */
export type NetOrigin = 'user' | 'temp' | 'instance' | 'sink';

export interface IrNet {
  readonly name: string;
  readonly w: number;
  readonly s: boolean;
  readonly origin: NetOrigin;
  readonly doc?: string;
}

export interface IrParam {
  readonly name: string;
  readonly w: number;
  readonly bits: bigint;
  readonly doc?: string;
}

export interface IrAssign {
  readonly k: 'assign';
  readonly target: string;
  readonly expr: IrExpr;
  readonly loc?: SrcLoc;
  readonly comment?: string;
}
export interface IrCase {
  readonly k: 'case';
  readonly target: string;
  readonly w: number;
  readonly sel: IrExpr;
  readonly arms: readonly { readonly matches: readonly IrConst[]; readonly value: IrExpr }[];
  readonly otherwise: IrExpr;
  readonly loc?: SrcLoc;
}
export interface IrReg {
  readonly k: 'reg';
  readonly target: string;
  readonly w: number;
  /** null: no reset (datapath register) */
  readonly reset: IrConst | null;
  readonly d: IrExpr;
  readonly en: IrExpr | null;
  readonly loc?: SrcLoc;
}
export interface IrInstance {
  readonly k: 'instance';
  readonly module: string;
  readonly inst: string;
  readonly conns: readonly ({ readonly port: string; readonly dir: 'input'; readonly expr: IrExpr } | { readonly port: string; readonly dir: 'output'; readonly net: string })[];
  readonly loc?: SrcLoc;
}
/**
 * A synchronous RAM (ModuleBuilder.memory): `depth` words of `w` bits, one write port and one registered
 * read port on clk_i, read-first. Port expressions are refs or constants (addresses, data, mask) so the
 * emitter can index and part-select them; the enables may be any 1-bit expression.
 */
export interface IrMemory {
  readonly k: 'memory';
  /** the array's name */
  readonly name: string;
  readonly w: number;
  readonly depth: number;
  /** bits per write-mask bit; null: no mask */
  readonly granule: number | null;
  readonly waddr: IrExpr;
  readonly wdata: IrExpr;
  readonly wen: IrExpr;
  readonly wmask: IrExpr | null;
  readonly raddr: IrExpr;
  readonly ren: IrExpr | null;
  /** the read data register (a net of width w) */
  readonly rdata: string;
  readonly doc?: string;
  readonly loc?: SrcLoc;
}
export type IrStmt = IrAssign | IrCase | IrReg | IrInstance | IrMemory;

export interface IrModule {
  readonly name: string;
  readonly doc: string;
  readonly config: Readonly<Record<string, string | number | boolean>>;
  readonly ports: readonly IrPort[];
  readonly params: readonly IrParam[];
  readonly nets: readonly IrNet[];
  readonly stmts: readonly IrStmt[];
}

// ---------------------------------------------------------------------------------------------
// S-expression printer: stable text for snapshot tests. Shapes print as u8 / s9.

const sh = (n: Node): string => `${n.s ? 's' : 'u'}${n.w}`;

export function printExpr(e: IrExpr): string {
  switch (e.k) {
    case 'const':
      return e.param ? `(param ${sh(e)} ${e.param})` : `(const ${sh(e)} ${e.bits})`;
    case 'ref':
      return `${e.name}:${sh(e)}`;
    case 'slice':
      return `(slice ${sh(e)} ${printExpr(e.arg)} ${e.lo + e.w - 1} ${e.lo})`;
    case 'trunc':
    case 'zext':
    case 'sext':
      return `(${e.k} ${sh(e)} ${printExpr(e.arg)})`;
    case 'concat':
      return `(concat ${sh(e)} ${e.args.map(printExpr).join(' ')})`;
    case 'repl':
      return `(repl ${sh(e)} ${e.n} ${printExpr(e.arg)})`;
    case 'op':
    case 'cmp':
      return `(${e.op} ${sh(e)} ${e.args.map(printExpr).join(' ')})`;
    case 'reduce':
      return `(reduce-${e.op} ${sh(e)} ${printExpr(e.arg)})`;
    case 'mux':
      return `(mux ${sh(e)} ${printExpr(e.sel)} ${printExpr(e.t)} ${printExpr(e.f)})`;
  }
}

function printStmt(st: IrStmt): string {
  switch (st.k) {
    case 'assign':
      return `(assign ${st.target} ${printExpr(st.expr)})`;
    case 'case': {
      const arms = st.arms.map((a) => ` (${a.matches.map((m) => m.bits).join(' ')} ${printExpr(a.value)})`).join('');
      return `(case ${st.target} ${printExpr(st.sel)}${arms} (default ${printExpr(st.otherwise)}))`;
    }
    case 'reg': {
      const reset = st.reset ? ` (reset ${st.reset.bits})` : ' (no-reset)';
      const en = st.en ? ` (en ${printExpr(st.en)})` : '';
      return `(reg ${st.target}${reset}${en} ${printExpr(st.d)})`;
    }
    case 'instance': {
      const conns = st.conns.map((c) => ` (${c.port} ${c.dir === 'input' ? printExpr(c.expr) : `-> ${c.net}`})`);
      return `(instance ${st.module} ${st.inst}${conns.join('')})`;
    }
    case 'memory': {
      const mask = st.wmask ? ` (mask ${st.granule} ${printExpr(st.wmask)})` : '';
      const ren = st.ren ? ` (en ${printExpr(st.ren)})` : '';
      return (
        `(memory ${st.name} u${st.w} x${st.depth} (write ${printExpr(st.waddr)} ${printExpr(st.wdata)} (en ${printExpr(st.wen)})${mask})` +
        ` (read ${printExpr(st.raddr)}${ren} -> ${st.rdata}))`
      );
    }
  }
}

export function printModule(m: IrModule): string {
  const lines = [`(module ${m.name}`];
  for (const p of m.ports) lines.push(`  (${p.dir} ${p.name} ${sh(p)}${p.role === 'data' ? '' : ` ${p.role}`})`);
  for (const p of m.params) lines.push(`  (localparam ${p.name} u${p.w} ${p.bits})`);
  for (const n of m.nets) lines.push(`  (net ${n.name} ${sh(n)}${n.origin === 'user' ? '' : ` ${n.origin}`})`);
  for (const st of m.stmts) lines.push(`  ${printStmt(st)}`);
  return lines.join('\n') + ')';
}
