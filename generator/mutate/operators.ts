// Mutants of generated modules, made on the width-explicit IR and printed by the regular Verilog emitter, so
// every mutant is the generated Verilog with one operator, bit, constant or multiplexer arm changed (and stays
// legal, lint-clean Verilog of the same widths). The classes:
//   operator  + <-> -, * -> +, & <-> |, ^ -> |, << <-> >>, >>> -> >>, unary - and ~ dropped,
//             == <-> !=, < <-> <=, > <-> >= (signed and unsigned), reduction & <-> |, ^ -> |
//   invert    bit 0 and the top bit of every assigned value, register input and instance connection
//   constant  every literal and localparam +1 and -1 (modulo 2^width); case labels too
//   mux       the two arms of every ?: swapped; each case arm's value swapped with the next arm's (or default)
// Mutants are numbered in a fixed walk order, so `<module>#<n>` names the same mutant in every run.

import type { IrCmpName, IrConst, IrExpr, IrModule, IrOpName, IrStmt } from '../hdl/ir';

export type MutantKind = 'operator' | 'invert' | 'constant' | 'mux';

export interface Mutant {
  /** `<module>#<n>` */
  readonly id: string;
  readonly module: string;
  readonly kind: MutantKind;
  /** what changed, e.g. `add -> sub in assign sum` */
  readonly what: string;
  readonly ir: IrModule;
}

const OP_SWAP: Partial<Record<IrOpName, IrOpName>> = { add: 'sub', sub: 'add', mul: 'add', and: 'or', or: 'and', xor: 'or', shl: 'lshr', lshr: 'shl', ashr: 'lshr' };
const CMP_SWAP: Record<IrCmpName, IrCmpName> = {
  eq: 'ne', ne: 'eq', ult: 'ule', ule: 'ult', ugt: 'uge', uge: 'ugt', slt: 'sle', sle: 'slt', sgt: 'sge', sge: 'sgt',
};
const RED_SWAP = { and: 'or', or: 'and', xor: 'or' } as const;

const maskOf = (w: number): bigint => (1n << BigInt(w)) - 1n;

interface Alt {
  readonly kind: MutantKind;
  readonly what: string;
  readonly expr: IrExpr;
}

function constAlts(c: IrConst): Alt[] {
  if (c.param) return []; // localparams are mutated at their declaration
  const m = maskOf(c.w);
  const up = (c.bits + 1n) & m;
  const down = (c.bits - 1n) & m;
  const out: Alt[] = [{ kind: 'constant', what: `constant ${c.bits} -> ${up}`, expr: { ...c, bits: up } }];
  if (down !== up) out.push({ kind: 'constant', what: `constant ${c.bits} -> ${down}`, expr: { ...c, bits: down } });
  return out;
}

/** Every single-point mutation of `e` (whole-expression replacements). */
export function exprAlts(e: IrExpr): Alt[] {
  const out: Alt[] = [];
  const sub = (arg: IrExpr, rebuild: (x: IrExpr) => IrExpr): void => {
    for (const a of exprAlts(arg)) out.push({ ...a, expr: rebuild(a.expr) });
  };
  switch (e.k) {
    case 'const':
      out.push(...constAlts(e));
      break;
    case 'ref':
      break;
    case 'slice':
    case 'trunc':
      // the argument is a net or localparam name (Verilog part-select): nothing inside to mutate
      break;
    case 'zext':
    case 'sext':
    case 'repl':
      sub(e.arg, (x) => ({ ...e, arg: x }));
      break;
    case 'reduce':
      out.push({ kind: 'operator', what: `reduction ${e.op} -> ${RED_SWAP[e.op]}`, expr: { ...e, op: RED_SWAP[e.op] } });
      sub(e.arg, (x) => ({ ...e, arg: x }));
      break;
    case 'concat':
      e.args.forEach((a, i) => sub(a, (x) => ({ ...e, args: e.args.map((y, j) => (j === i ? x : y)) })));
      break;
    case 'op': {
      if (e.op === 'neg' || e.op === 'not') {
        out.push({ kind: e.op === 'not' ? 'invert' : 'operator', what: `unary ${e.op} dropped`, expr: e.args[0]! });
      } else {
        const to = OP_SWAP[e.op];
        if (to)
          out.push({ kind: 'operator', what: `${e.op} -> ${to}`, expr: { ...e, op: to } });
      }
      e.args.forEach((a, i) => sub(a, (x) => ({ ...e, args: e.args.map((y, j) => (j === i ? x : y)) })));
      break;
    }
    case 'cmp': {
      out.push({ kind: 'operator', what: `${e.op} -> ${CMP_SWAP[e.op]}`, expr: { ...e, op: CMP_SWAP[e.op] } });
      const [a, b] = e.args;
      sub(a, (x) => ({ ...e, args: [x, b] }));
      sub(b, (x) => ({ ...e, args: [a, x] }));
      break;
    }
    case 'mux':
      out.push({ kind: 'mux', what: 'mux arms swapped', expr: { ...e, t: e.f, f: e.t } });
      sub(e.sel, (x) => ({ ...e, sel: x }));
      sub(e.t, (x) => ({ ...e, t: x }));
      sub(e.f, (x) => ({ ...e, f: x }));
      break;
  }
  return out;
}

/** `expr` with bit `j` inverted, as an XOR with a one-hot constant at the root. */
function flipBit(e: IrExpr, j: number): IrExpr {
  return { k: 'op', op: 'xor', w: e.w, s: e.s, args: [e, { k: 'const', w: e.w, s: e.s, bits: 1n << BigInt(j) }] };
}

function invertAlts(e: IrExpr): Alt[] {
  if (e.k === 'op' && e.op === 'ashr') return []; // must stay at the root
  const bits = e.w === 1 ? [0] : [0, e.w - 1];
  return bits.map((j) => ({ kind: 'invert' as const, what: `bit ${j} inverted`, expr: flipBit(e, j) }));
}

/** Every mutant of one module, in walk order. */
export function mutantsOf(ir: IrModule): Mutant[] {
  const out: Mutant[] = [];
  const add = (kind: MutantKind, what: string, make: () => IrModule): void => {
    out.push({ id: `${ir.name}#${out.length}`, module: ir.name, kind, what, ir: make() });
  };
  const withStmt = (i: number, st: IrStmt): IrModule => ({ ...ir, stmts: ir.stmts.map((s, j) => (j === i ? st : s)) });
  ir.params.forEach((p, i) => {
    const m = maskOf(p.w);
    for (const v of new Set([(p.bits + 1n) & m, (p.bits - 1n) & m])) {
      if (v === p.bits) continue;
      add('constant', `localparam ${p.name} ${p.bits} -> ${v}`, () => ({ ...ir, params: ir.params.map((q, j) => (j === i ? { ...q, bits: v } : q)) }));
    }
  });
  ir.stmts.forEach((st, i) => {
    switch (st.k) {
      case 'assign':
        for (const a of [...exprAlts(st.expr), ...invertAlts(st.expr)]) add(a.kind, `${a.what} in assign ${st.target}`, () => withStmt(i, { ...st, expr: a.expr }));
        break;
      case 'reg': {
        for (const a of [...exprAlts(st.d), ...invertAlts(st.d)]) add(a.kind, `${a.what} in register ${st.target}`, () => withStmt(i, { ...st, d: a.expr }));
        if (st.en) for (const a of [...exprAlts(st.en), ...invertAlts(st.en)]) add(a.kind, `${a.what} in the enable of ${st.target}`, () => withStmt(i, { ...st, en: a.expr }));
        if (st.reset) for (const a of constAlts(st.reset)) add('constant', `reset value of ${st.target}: ${a.what}`, () => withStmt(i, { ...st, reset: a.expr as IrConst }));
        break;
      }
      case 'case': {
        for (const a of exprAlts(st.sel)) add(a.kind, `${a.what} in the selector of case ${st.target}`, () => withStmt(i, { ...st, sel: a.expr }));
        st.arms.forEach((arm, ai) => {
          const next = ai + 1 < st.arms.length ? st.arms[ai + 1]!.value : st.otherwise;
          add('mux', `case ${st.target}: arm ${ai} value swapped with the ${ai + 1 < st.arms.length ? 'next arm' : 'default'}`, () =>
            withStmt(i, {
              ...st,
              arms: st.arms.map((x, j) => (j === ai ? { ...x, value: next } : j === ai + 1 ? { ...x, value: arm.value } : x)),
              otherwise: ai + 1 < st.arms.length ? st.otherwise : arm.value,
            }),
          );
          for (const a of [...exprAlts(arm.value)]) add(a.kind, `${a.what} in case ${st.target} arm ${ai}`, () => withStmt(i, { ...st, arms: st.arms.map((x, j) => (j === ai ? { ...x, value: a.expr } : x)) }));
          arm.matches.forEach((mt, mi) => {
            for (const a of constAlts(mt)) {
              const v = (a.expr as IrConst).bits;
              // a label equal to another label of the case would be a duplicate, not a mutant
              if (st.arms.some((x) => x.matches.some((y) => y.bits === v))) continue;
              add('constant', `case ${st.target} label ${mt.bits} -> ${v}`, () =>
                withStmt(i, { ...st, arms: st.arms.map((x, j) => (j === ai ? { ...x, matches: x.matches.map((y, q) => (q === mi ? (a.expr as IrConst) : y)) } : x)) }),
              );
            }
          });
        });
        for (const a of exprAlts(st.otherwise)) add(a.kind, `${a.what} in case ${st.target} default`, () => withStmt(i, { ...st, otherwise: a.expr }));
        break;
      }
      case 'instance':
        st.conns.forEach((c, ci) => {
          if (c.dir !== 'input') return;
          for (const a of [...exprAlts(c.expr), ...invertAlts(c.expr)])
            add(a.kind, `${a.what} in ${st.inst}.${c.port}`, () => withStmt(i, { ...st, conns: st.conns.map((x, j) => (j === ci ? { ...c, expr: a.expr } : x)) }));
        });
        break;
    }
  });
  return out;
}
