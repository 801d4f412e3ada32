// Lowering: DSL expression DAG -> width-explicit IR (see the invariants at the top of ir.ts).
// The core is lowerTo(e, W): the low W bits of e's value (W <= width: truncation pushed down
// through modular operators; W > width: an explicit zext/sext). Shared or named nodes, `case`
// tables and signed variable shifts become named temporaries.
import type { Item, ModuleRecord } from './dsl';
import { type AnyExpr, type Case, Const, type Expr, type Operator, Signal, children } from './expr';
import type { IrConst, IrExpr, IrInstance, IrModule, IrNet, IrRef, IrStmt } from './ir';
import { mask, unify } from './shape';
import type { SrcLoc } from './srcloc';

export interface Lowered {
  readonly ir: IrModule;
  /** declaration site of every net and port, for elaboration errors */
  readonly declLocs: ReadonlyMap<string, SrcLoc>;
}

export function lowerModule(rec: ModuleRecord): Lowered {
  return new Lowerer(rec).run();
}

class Lowerer {
  private readonly used = new Set<string>();
  private readonly uses = new Map<Expr, number>();
  private readonly temps = new Map<Expr, IrRef>();
  private readonly nets: IrNet[] = [];
  private readonly stmts: IrStmt[] = [];
  private readonly declLocs = new Map<string, SrcLoc>();
  private hint = 't';
  private loc?: SrcLoc;

  constructor(private readonly rec: ModuleRecord) {}

  run(): Lowered {
    const { rec } = this;
    for (const s of [...rec.ports, ...rec.wires, ...rec.regs.keys(), ...rec.params.keys()]) {
      this.used.add(s.name);
      this.declLocs.set(s.name, s.loc);
    }
    for (const it of rec.items) if (it.k === 'instance') this.used.add(it.inst.name);
    for (const it of rec.items) for (const e of rootsOf(it)) this.count(e);

    for (const s of rec.wires) this.nets.push({ name: s.name, w: s.width, s: s.signed, origin: rec.instanceWires.has(s) ? 'instance' : 'user', ...(s.doc ? { doc: s.doc } : {}) });
    for (const s of rec.regs.keys()) this.nets.push({ name: s.name, w: s.width, s: s.signed, origin: 'user', ...(s.doc ? { doc: s.doc } : {}) });
    for (const s of rec.memData) {
      this.used.add(s.name);
      this.declLocs.set(s.name, s.loc);
      this.nets.push({ name: s.name, w: s.width, s: s.signed, origin: 'user', ...(s.doc ? { doc: s.doc } : {}) });
    }
    for (const it of rec.items) if (it.k === 'memory') this.used.add(it.mem.name);
    for (const it of rec.items) this.item(it);

    const ir: IrModule = {
      name: rec.name,
      doc: rec.doc,
      config: rec.config,
      ports: rec.ports.map((p) => ({ name: p.name, dir: p.sigKind as 'input' | 'output', w: p.width, s: p.signed, role: rec.roles.get(p)!, ...(p.doc ? { doc: p.doc } : {}) })),
      params: [...rec.params].map(([s, c]) => ({ name: s.name, w: s.width, bits: c.bits, ...(s.doc ? { doc: s.doc } : {}) })),
      nets: this.nets,
      stmts: this.stmts,
    };
    return { ir, declLocs: this.declLocs };
  }

  // ---- statements ----

  private item(it: Item): void {
    this.loc = it.loc;
    switch (it.k) {
      case 'assign':
        this.hint = stem(it.target.name);
        this.assignRoot(it.target.name, it.expr, it.loc);
        return;
      case 'next': {
        this.hint = stem(it.target.name);
        const reset = this.rec.regs.get(it.target);
        this.stmts.push({
          k: 'reg',
          target: it.target.name,
          w: it.target.width,
          reset: reset ? constIr(reset.bits, reset.width, reset.signed) : null,
          d: this.lowerTo(it.d, it.target.width),
          en: it.en ? this.lowerTo(it.en, 1) : null,
          loc: it.loc,
        });
        return;
      }
      case 'instance': {
        const { inst } = it;
        const conns: IrInstance['conns'][number][] = [];
        for (const p of inst.module.ir.ports) {
          if (p.dir === 'output') {
            conns.push({ port: p.name, dir: 'output', net: inst.outputs[p.name]!.name });
          } else if (p.role === 'clock' || p.role === 'reset') {
            conns.push({ port: p.name, dir: 'input', expr: { k: 'ref', w: 1, s: false, name: p.name } });
          } else {
            this.hint = `${inst.name}_${stem(p.name)}`;
            const e = this.lowerTo(inst.inputs.get(p.name)!, p.w);
            conns.push({ port: p.name, dir: 'input', expr: simple(e) ? e : this.asRef(e, this.hint) });
          }
        }
        this.stmts.push({ k: 'instance', module: inst.module.name, inst: inst.name, conns, loc: it.loc });
        return;
      }
      case 'memory': {
        const d = it.mem;
        const w = d.write!;
        const r = d.read!;
        // addresses, data and mask are indexed / part-selected by the emitter: a ref or a constant each
        const port = (e: Expr, what: string): IrExpr => {
          this.hint = `${d.name}_${what}`;
          const x = this.lowerTo(e, e.width);
          return x.k === 'ref' || (x.k === 'const' && !x.param) ? x : this.asRef(x, this.hint);
        };
        this.stmts.push({
          k: 'memory',
          name: d.name,
          w: d.width,
          depth: d.depth,
          granule: d.granule,
          waddr: port(w.addr, 'waddr'),
          wdata: port(w.data, 'wdata'),
          wen: this.lowerTo(w.en, 1),
          wmask: w.mask ? port(w.mask, 'wmask') : null,
          raddr: port(r.addr, 'raddr'),
          ren: r.en ? this.lowerTo(r.en, 1) : null,
          rdata: r.data.name,
          ...(d.doc ? { doc: d.doc } : {}),
          loc: it.loc,
        });
        return;
      }
      case 'unused': {
        const e = this.lowerTo(it.expr, it.expr.width);
        const name = this.fresh(`unused_${unusedHint(it.expr)}`);
        this.nets.push({ name, w: 1, s: false, origin: 'sink' });
        const sink: IrExpr = e.w === 1 ? withSign(e, false) : { k: 'reduce', op: 'xor', w: 1, s: false, arg: e };
        this.stmts.push({ k: 'assign', target: name, expr: sink, loc: it.loc, comment: it.why });
        return;
      }
    }
  }

  private assignRoot(target: string, e: Expr, loc: SrcLoc): void {
    let x = e as AnyExpr;
    // a cast only reinterprets bits: look through it for statement-level nodes
    while (x.kind === 'cast' && this.uses.get(x) === 1) x = x.arg as AnyExpr;
    e = x;
    if (this.uses.get(e) === 1 && x.kind === 'case') {
      this.stmts.push(this.caseStmt(target, x, loc));
    } else if (this.uses.get(e) === 1 && x.kind === 'op' && x.op === 'shrBy' && x.signed) {
      this.stmts.push({ k: 'assign', target, expr: this.shift(x, x.width), loc });
    } else {
      this.stmts.push({ k: 'assign', target, expr: this.lowerTo(e, e.width), loc });
    }
  }

  private caseStmt(target: string, c: Case, loc: SrcLoc | undefined): IrStmt {
    return {
      k: 'case',
      target,
      w: c.width,
      sel: this.lowerTo(c.sel, c.sel.width),
      arms: c.arms.map((a) => ({ matches: a.matches.map((m) => constIr(m.bits, m.width, m.signed)), value: this.lowerTo(a.value, c.width) })),
      otherwise: this.lowerTo(c.otherwise, c.width),
      ...(loc ? { loc } : {}),
    };
  }

  // ---- expressions ----

  private count(e: Expr): void {
    const n = this.uses.get(e) ?? 0;
    this.uses.set(e, n + 1);
    if (n === 0) for (const c of children(e)) this.count(c);
  }

  /** Must this node live in its own named net? */
  private hoistable(e: Expr): boolean {
    const x = e as AnyExpr;
    if (x.kind === 'named' || x.kind === 'case') return true;
    if (x.kind === 'op' && x.op === 'shrBy' && x.signed) return true;
    return (this.uses.get(e) ?? 0) > 1 && !cheap(x);
  }

  private hoist(e: Expr): IrRef {
    const have = this.temps.get(e);
    if (have) return have;
    const x = e as AnyExpr;
    const name = this.fresh(x.kind === 'named' ? x.name : `${this.hint}_${label(x)}`);
    const ref: IrRef = { k: 'ref', w: e.width, s: e.signed, name };
    if (x.kind === 'case') {
      this.stmts.push(this.caseStmt(name, x, this.loc));
    } else {
      const body = x.kind === 'named' ? this.lowerTo(x.arg, e.width) : this.lowerNode(e, e.width);
      this.stmts.push({ k: 'assign', target: name, expr: body, ...(this.loc ? { loc: this.loc } : {}) });
    }
    this.nets.push({ name, w: e.width, s: e.signed, origin: 'temp' });
    this.temps.set(e, ref);
    return ref;
  }

  /** The low W bits of e (W <= e.width), or e extended by its own signedness (W > e.width). */
  lowerTo(e: Expr, W: number): IrExpr {
    if (W > e.width) return this.extendIr(this.lowerTo(e, e.width), W, e.signed ? 'sext' : 'zext', e.signed);
    if (this.hoistable(e)) return truncIr(this.hoist(e), W);
    return this.lowerNode(e, W);
  }

  private lowerNode(e: Expr, W: number): IrExpr {
    const x = e as AnyExpr;
    switch (x.kind) {
      case 'const':
        return constIr(x.bits, W, x.signed);
      case 'signal':
        return truncIr(this.signalRef(x), W);
      case 'op':
        return this.operator(x, W);
      case 'slice':
        return this.sliceOf(x.arg, x.lo + W - 1, x.lo, false);
      case 'trunc':
        return withSign(this.lowerTo(x.arg, W), x.signed);
      case 'cast':
        return withSign(this.lowerTo(x.arg, W), x.signed);
      case 'extend':
        if (W <= x.arg.width) return withSign(this.lowerTo(x.arg, W), x.signed);
        return this.extendIr(this.lowerTo(x.arg, x.arg.width), W, x.mode, x.signed);
      case 'concat':
        return this.sliceParts(x.parts, W - 1, 0, false);
      case 'replicate':
        if (W === x.width) return { k: 'repl', w: W, s: false, n: x.count, arg: this.lowerTo(x.arg, x.arg.width) };
        return this.sliceParts(Array<Expr>(x.count).fill(x.arg), W - 1, 0, false);
      case 'mux': {
        const sel = this.lowerTo(x.sel, 1);
        if (sel.k === 'const') return this.lowerTo(sel.bits ? x.whenTrue : x.whenFalse, W);
        return { k: 'mux', w: W, s: x.signed, sel, t: this.lowerTo(x.whenTrue, W), f: this.lowerTo(x.whenFalse, W) };
      }
      case 'case':
      case 'named':
        return truncIr(this.hoist(x), W);
    }
  }

  private signalRef(s: Signal): IrExpr {
    const c = s.sigKind === 'param' ? this.rec.params.get(s) : undefined;
    if (c) return { k: 'const', w: s.width, s: s.signed, bits: c.bits, param: s.name };
    return { k: 'ref', w: s.width, s: s.signed, name: s.name };
  }

  private operator(x: Operator, W: number): IrExpr {
    const [a, b] = x.args as [Expr, Expr];
    switch (x.op) {
      case 'add':
      case 'sub':
      case 'mul':
      case 'and':
      case 'or':
      case 'xor':
        return { k: 'op', op: x.op, w: W, s: x.signed, args: [this.lowerTo(a, W), this.lowerTo(b, W)] };
      case 'neg':
      case 'not':
        return { k: 'op', op: x.op, w: W, s: x.signed, args: [this.lowerTo(a, W)] };
      case 'eq':
      case 'ne':
      case 'lt':
      case 'le':
      case 'gt':
      case 'ge': {
        const u = unify(a.shape, b.shape);
        const l = this.lowerTo(a, u.width);
        const r = this.lowerTo(b, u.width);
        const name = x.op === 'eq' || x.op === 'ne' ? x.op : (`${u.signed ? 's' : 'u'}${x.op}` as const);
        return foldCompare(name, l, r) ?? { k: 'cmp', op: name, w: 1, s: false, args: [l, r] };
      }
      case 'reduceAnd':
      case 'reduceOr':
      case 'reduceXor': {
        const op = x.op === 'reduceAnd' ? 'and' : x.op === 'reduceOr' ? 'or' : 'xor';
        if (a.width === 1) return withSign(this.lowerTo(a, 1), false);
        return { k: 'reduce', op, w: 1, s: false, arg: this.lowerTo(a, a.width) };
      }
      case 'shl': {
        const k = x.param;
        if (k === 0) return withSign(this.lowerTo(a, W), x.signed);
        if (W <= k) return constIr(0n, W, x.signed);
        return concatIr([this.lowerTo(a, W - k), constIr(0n, k, false)], x.signed);
      }
      case 'shr':
        return this.sliceOf(a, x.param + W - 1, x.param, x.signed);
      case 'shlBy':
        return { k: 'op', op: 'shl', w: W, s: x.signed, args: [this.lowerTo(a, W), this.lowerTo(b, b.width)] };
      case 'shrBy':
        if (W < x.width) return truncIr(this.hoist(x), W);
        return this.shift(x, W);
    }
  }

  private shift(x: Operator, W: number): IrExpr {
    const [a, b] = x.args as [Expr, Expr];
    return { k: 'op', op: x.signed ? 'ashr' : 'lshr', w: W, s: x.signed, args: [this.lowerTo(a, W), this.lowerTo(b, b.width)] };
  }

  /** Bits [hi:lo] of e, without part-selecting an expression: pushes through layout nodes, else hoists. */
  private sliceOf(e: Expr, hi: number, lo: number, s: boolean): IrExpr {
    if (lo === 0) return withSign(this.lowerTo(e, hi + 1), s);
    if (this.hoistable(e)) return sliceIr(this.hoist(e), hi, lo, s);
    const x = e as AnyExpr;
    switch (x.kind) {
      case 'const':
        return constIr((x.bits >> BigInt(lo)) & mask(hi - lo + 1), hi - lo + 1, s);
      case 'signal':
        return sliceIr(this.signalRef(x), hi, lo, s);
      case 'slice':
        return this.sliceOf(x.arg, hi + x.lo, lo + x.lo, s);
      case 'trunc':
      case 'cast':
        return this.sliceOf(x.arg, hi, lo, s);
      case 'extend':
        if (hi < x.arg.width) return this.sliceOf(x.arg, hi, lo, s);
        if (x.mode === 'zext' && lo >= x.arg.width) return constIr(0n, hi - lo + 1, s);
        break;
      case 'concat':
        return this.sliceParts(x.parts, hi, lo, s);
      case 'replicate':
        return this.sliceParts(Array<Expr>(x.count).fill(x.arg), hi, lo, s);
      case 'op':
        if (x.op === 'shr') return this.sliceOf(x.args[0]!, hi + x.param, lo + x.param, s);
        if (x.op === 'shl') {
          const k = x.param;
          if (lo >= k) return this.sliceOf(x.args[0]!, hi - k, lo - k, s);
          if (hi < k) return constIr(0n, hi - lo + 1, s);
        }
        break;
    }
    const inner = this.lowerTo(e, hi + 1);
    const ref = inner.k === 'trunc' && inner.arg.k === 'ref' ? inner.arg : this.asRef(inner, `${this.hint}_${label(x)}`);
    return sliceIr(ref, hi, lo, s);
  }

  /** Bits [hi:lo] of the concatenation of `parts` (MSB first). */
  private sliceParts(parts: readonly Expr[], hi: number, lo: number, s: boolean): IrExpr {
    const out: IrExpr[] = [];
    let off = 0;
    for (let i = parts.length - 1; i >= 0 && off <= hi; i--) {
      const p = parts[i]!;
      const top = off + p.width - 1;
      if (top >= lo) out.unshift(this.sliceOf(p, Math.min(hi, top) - off, Math.max(lo, off) - off, false));
      off += p.width;
    }
    if (out.length === 1) return withSign(out[0]!, s);
    return concatIr(out, s);
  }

  private extendIr(x: IrExpr, W: number, mode: 'zext' | 'sext', s: boolean): IrExpr {
    if (W === x.w) return withSign(x, s);
    if (x.k === 'const' && !x.param) {
      const neg = mode === 'sext' && x.bits >> BigInt(x.w - 1) === 1n;
      return constIr(neg ? x.bits | (mask(W) ^ mask(x.w)) : x.bits, W, s);
    }
    // zext(zext(v)) and sext(zext(v)) are one zext (the MSB of a zext is 0); sext(sext(v)) is one sext
    if (x.k === 'zext' || (x.k === 'sext' && mode === 'sext')) return { k: x.k, w: W, s, arg: x.arg };
    if (mode === 'zext') return { k: 'zext', w: W, s, arg: x };
    const selectable = x.k === 'ref' || x.k === 'const' || x.k === 'slice' || x.k === 'trunc';
    return { k: 'sext', w: W, s, arg: selectable ? x : this.asRef(x, `${this.hint}_sx`) };
  }

  private asRef(x: IrExpr, hint: string): IrRef {
    if (x.k === 'ref') return x;
    const name = this.fresh(hint);
    this.nets.push({ name, w: x.w, s: x.s, origin: 'temp' });
    this.stmts.push({ k: 'assign', target: name, expr: x, ...(this.loc ? { loc: this.loc } : {}) });
    return { k: 'ref', w: x.w, s: x.s, name };
  }

  fresh(hint: string): string {
    let name = hint;
    for (let i = 1; this.used.has(name); i++) name = `${hint}_${i}`;
    this.used.add(name);
    return name;
  }
}

// ---- helpers ----

function rootsOf(it: Item): readonly Expr[] {
  switch (it.k) {
    case 'assign':
      return [it.expr];
    case 'next':
      return it.en ? [it.d, it.en] : [it.d];
    case 'instance':
      return [...it.inst.inputs.values()];
    case 'unused':
      return [it.expr];
    case 'memory': {
      const { write: w, read: r } = it.mem;
      return [w!.addr, w!.data, w!.en, ...(w!.mask ? [w!.mask] : []), r!.addr, ...(r!.en ? [r!.en] : [])];
    }
  }
}

/** Nodes worth duplicating rather than naming when shared. */
function cheap(x: AnyExpr): boolean {
  if (x.kind === 'signal' || x.kind === 'const') return true;
  if (x.kind === 'slice' || x.kind === 'trunc' || x.kind === 'cast' || x.kind === 'extend')
    return x.arg instanceof Signal || x.arg instanceof Const;
  if (x.kind === 'op' && (x.op === 'shl' || x.op === 'shr')) return x.args[0] instanceof Signal;
  return false;
}

/** Instance connections that read well inline. */
function simple(e: IrExpr): boolean {
  switch (e.k) {
    case 'const':
    case 'ref':
    case 'slice':
    case 'trunc':
      return true;
    case 'zext':
      return simple(e.arg);
    case 'concat':
      return e.args.every(simple);
    default:
      return false;
  }
}

function label(x: AnyExpr): string {
  if (x.kind === 'op') return x.op.toLowerCase().replace('reduce', 'red');
  return x.kind;
}

/** `sum_q` -> `sum`: temporaries are named after what they feed. */
const stem = (name: string): string => name.replace(/_(q|d|o|i|ni|no)$/, '');

function unusedHint(e: Expr): string {
  let x = e as AnyExpr;
  while (x.kind === 'slice' || x.kind === 'trunc' || x.kind === 'cast') x = x.arg as AnyExpr;
  return x.kind === 'signal' ? stem(x.name) : x.kind === 'named' ? x.name : 'expr';
}

export function constIr(bits: bigint, w: number, s: boolean): IrConst {
  return { k: 'const', w, s, bits: bits & mask(w) };
}

/** A concatenation with nested concatenations flattened (MSB first). */
function concatIr(args: readonly IrExpr[], s: boolean): IrExpr {
  const flat = args.flatMap((a) => (a.k === 'concat' ? a.args : [a]));
  return { k: 'concat', w: flat.reduce((n, a) => n + a.w, 0), s, args: flat };
}

function withSign(x: IrExpr, s: boolean): IrExpr {
  return x.s === s ? x : { ...x, s };
}

function truncIr(x: IrExpr, W: number): IrExpr {
  if (W === x.w) return x;
  if (x.k === 'const' && !x.param) return constIr(x.bits, W, x.s);
  if (x.k !== 'ref' && x.k !== 'const') throw new Error(`internal: trunc of ${x.k}`);
  return { k: 'trunc', w: W, s: x.s, arg: x };
}

function sliceIr(x: IrExpr, hi: number, lo: number, s: boolean): IrExpr {
  if (lo === 0) return withSign(truncIr(x, hi + 1), s);
  if (x.k === 'const' && !x.param) return constIr(x.bits >> BigInt(lo), hi - lo + 1, s);
  if (x.k !== 'ref' && x.k !== 'const') throw new Error(`internal: slice of ${x.k}`);
  return { k: 'slice', w: hi - lo + 1, s, arg: x, lo };
}

/** Fold comparisons Verilator would flag as constant (UNSIGNED / CMPCONST), and all-constant ones. */
function foldCompare(op: string, l: IrExpr, r: IrExpr): IrConst | undefined {
  const isConst = (x: IrExpr): x is IrConst => x.k === 'const' && !x.param;
  if (isConst(l) && isConst(r)) {
    const sv = (c: IrConst) => (op.startsWith('s') && c.bits >> BigInt(c.w - 1) === 1n ? c.bits - (1n << BigInt(c.w)) : c.bits);
    const [a, b] = [sv(l), sv(r)];
    const res = { eq: a === b, ne: a !== b, ult: a < b, ule: a <= b, ugt: a > b, uge: a >= b, slt: a < b, sle: a <= b, sgt: a > b, sge: a >= b }[op];
    return constIr(res ? 1n : 0n, 1, false);
  }
  if (isConst(r) && r.bits === 0n && (op === 'uge' || op === 'ult')) return constIr(op === 'uge' ? 1n : 0n, 1, false);
  if (isConst(l) && l.bits === 0n && (op === 'ule' || op === 'ugt')) return constIr(op === 'ule' ? 1n : 0n, 1, false);
  const max = (c: IrExpr) => isConst(c) && c.bits === mask(c.w);
  if (max(r) && (op === 'ule' || op === 'ugt')) return constIr(op === 'ule' ? 1n : 0n, 1, false);
  if (max(l) && (op === 'uge' || op === 'ult')) return constIr(op === 'uge' ? 1n : 0n, 1, false);
  return undefined;
}
