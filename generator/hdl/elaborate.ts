// Elaboration checks around the lowering: undriven nets, combinational loops, unread bits.
// Unread bits of user signals are errors (Verilator -Wall would flag them); unread bits of
// temporaries (dropped by an explicit trunc/slice) go to an `unused_*` sink wire.
import type { ModuleRecord } from './dsl';
import { HdlError } from './errors';
import { type AnyExpr, type Expr, Signal, children } from './expr';
import type { IrExpr, IrModule, IrStmt } from './ir';
import { lowerModule } from './lower';
import { mask } from './shape';
import type { SrcLoc } from './srcloc';

export interface Elaborated {
  readonly ir: IrModule;
  readonly combPaths: ReadonlyMap<string, ReadonlySet<string>>;
}

export function elaborate(rec: ModuleRecord, drivers: ReadonlyMap<Signal, SrcLoc>): Elaborated {
  checkDriven(rec, drivers);
  const { ir, declLocs } = lowerModule(rec);
  const instPaths = instanceCombPaths(rec);
  const deps = combDeps(ir, instPaths);
  checkLoops(ir, deps);
  const withSinks = checkUnread(ir, rec, declLocs);
  return { ir: withSinks, combPaths: outputPaths(withSinks, deps) };
}

function checkDriven(rec: ModuleRecord, drivers: ReadonlyMap<Signal, SrcLoc>): void {
  const problems: string[] = [];
  for (const s of [...rec.ports.filter((p) => p.sigKind === 'output'), ...rec.wires])
    if (!drivers.has(s)) problems.push(`${s.sigKind} '${s.name}' is never driven (declared at ${s.loc.toString()})`);
  for (const s of rec.regs.keys())
    if (!drivers.has(s)) problems.push(`register '${s.name}' has no next() (declared at ${s.loc.toString()})`);
  if (problems.length) throw new HdlError(`module '${rec.name}':\n  - ${problems.join('\n  - ')}`);
}

// ---- reads ----

/** Call `read(name, bitmask)` for every net, port or localparam bit the expression reads. */
export function forEachRead(e: IrExpr, read: (name: string, bits: bigint) => void): void {
  switch (e.k) {
    case 'const':
      if (e.param) read(e.param, mask(e.w));
      return;
    case 'ref':
      read(e.name, mask(e.w));
      return;
    case 'slice':
    case 'trunc': {
      const name = e.arg.k === 'ref' ? e.arg.name : e.arg.param;
      const lo = e.k === 'slice' ? e.lo : 0;
      if (name) read(name, mask(e.w) << BigInt(lo));
      return;
    }
    case 'zext':
    case 'sext':
    case 'repl':
    case 'reduce':
      forEachRead(e.arg, read);
      return;
    case 'concat':
    case 'op':
    case 'cmp':
      for (const a of e.args) forEachRead(a, read);
      return;
    case 'mux':
      forEachRead(e.sel, read);
      forEachRead(e.t, read);
      forEachRead(e.f, read);
      return;
  }
}

function stmtReads(st: IrStmt): IrExpr[] {
  switch (st.k) {
    case 'assign':
      return [st.expr];
    case 'case':
      return [st.sel, ...st.arms.map((a) => a.value), st.otherwise];
    case 'reg':
      return st.en ? [st.d, st.en] : [st.d];
    case 'instance':
      return st.conns.flatMap((c) => (c.dir === 'input' ? [c.expr] : []));
    case 'memory':
      // the read data is a register: these reads feed the next clock edge, never a combinational path
      return [st.waddr, st.wdata, st.wen, ...(st.wmask ? [st.wmask] : []), st.raddr, ...(st.ren ? [st.ren] : [])];
  }
}

// ---- combinational dependencies and loops ----

type InstPaths = ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>>;

function instanceCombPaths(rec: ModuleRecord): InstPaths {
  const m = new Map<string, ReadonlyMap<string, ReadonlySet<string>>>();
  for (const it of rec.items) if (it.k === 'instance') m.set(it.inst.name, it.inst.module.combPaths);
  return m;
}

/** net -> nets its value depends on within the same clock cycle. Registers break the edges. */
function combDeps(ir: IrModule, inst: InstPaths): Map<string, { deps: Set<string>; loc?: SrcLoc }> {
  const g = new Map<string, { deps: Set<string>; loc?: SrcLoc }>();
  const namesIn = (es: readonly IrExpr[]) => {
    const s = new Set<string>();
    for (const e of es) forEachRead(e, (n) => s.add(n));
    return s;
  };
  for (const st of ir.stmts) {
    if (st.k === 'assign' || st.k === 'case') g.set(st.target, { deps: namesIn(stmtReads(st)), ...(st.loc ? { loc: st.loc } : {}) });
    if (st.k === 'instance') {
      const paths = inst.get(st.inst)!;
      for (const c of st.conns) {
        if (c.dir !== 'output') continue;
        const from = paths.get(c.port) ?? new Set<string>();
        const exprs = st.conns.flatMap((i) => (i.dir === 'input' && from.has(i.port) ? [i.expr] : []));
        g.set(c.net, { deps: namesIn(exprs), ...(st.loc ? { loc: st.loc } : {}) });
      }
    }
  }
  return g;
}

function checkLoops(ir: IrModule, g: Map<string, { deps: Set<string>; loc?: SrcLoc }>): void {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    const st = state.get(n);
    if (st === 'done') return;
    if (st === 'open') {
      const cycle = [...stack.slice(stack.indexOf(n)), n];
      const where = cycle
        .slice(0, -1)
        .map((c) => g.get(c)?.loc?.toString())
        .filter((l): l is string => l !== undefined);
      throw new HdlError(`combinational loop in '${ir.name}': ${cycle.join(' -> ')} (assigned at ${[...new Set(where)].join(', ')})`);
    }
    state.set(n, 'open');
    stack.push(n);
    for (const d of g.get(n)?.deps ?? []) visit(d);
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of g.keys()) visit(n);
}

function outputPaths(ir: IrModule, g: Map<string, { deps: Set<string> }>): Map<string, Set<string>> {
  const inputs = new Set(ir.ports.filter((p) => p.dir === 'input').map((p) => p.name));
  const memo = new Map<string, Set<string>>();
  const reach = (n: string): Set<string> => {
    const have = memo.get(n);
    if (have) return have;
    const out = new Set<string>();
    memo.set(n, out);
    if (inputs.has(n)) out.add(n);
    for (const d of g.get(n)?.deps ?? []) for (const i of reach(d)) out.add(i);
    return out;
  };
  return new Map(ir.ports.filter((p) => p.dir === 'output').map((p) => [p.name, reach(p.name)]));
}

// ---- unread bits ----

function checkUnread(ir: IrModule, rec: ModuleRecord, declLocs: ReadonlyMap<string, SrcLoc>): IrModule {
  const readBits = new Map<string, bigint>();
  const read = (n: string, bits: bigint) => readBits.set(n, (readBits.get(n) ?? 0n) | bits);
  for (const st of ir.stmts) for (const e of stmtReads(st)) forEachRead(e, read);
  const referenced = dslReads(rec);
  const regs = ir.stmts.filter((s) => s.k === 'reg');
  const clockUsed = regs.length > 0 || ir.stmts.some((s) => s.k === 'memory');
  const resetUsed = regs.some((s) => s.reset !== null);

  const problems: string[] = [];
  const autoSink: IrExpr[] = [];
  // Bits the user never selected are an error; bits selected but then narrowed away by an explicit
  // trunc/slice (pushed down by the lowering) go to the sink like dropped bits of temporaries.
  const check = (what: string, n: { name: string; w: number }, temp: boolean) => {
    const unread = mask(n.w) & ~(readBits.get(n.name) ?? 0n);
    if (!unread) return;
    const never = temp ? 0n : unread & ~(referenced.get(n.name) ?? 0n);
    if (never) problems.push(describe(what, n.name, n.w, never, declLocs));
    autoSink.push(...rangesOf(unread & ~never, n.w).map(([hi, lo]) => bitsOf(n, hi, lo)));
  };

  for (const p of ir.ports) {
    if (p.dir !== 'input') continue;
    if (p.role === 'clock' || p.role === 'reset') {
      const used = p.role === 'clock' ? clockUsed : resetUsed;
      // clock/reset declared by stream() for a combinational unit: keep the port contract, sink them
      if (!used && !readBits.has(p.name)) autoSink.push({ k: 'ref', w: 1, s: false, name: p.name });
      continue;
    }
    check('input', p, false);
  }
  for (const n of ir.nets) {
    if (n.origin === 'sink') continue;
    check(n.origin === 'instance' ? 'instance output' : 'signal', n, n.origin === 'temp');
  }
  for (const p of ir.params)
    if (!readBits.has(p.name)) problems.push(`localparam '${p.name}' is never used (declared at ${declLocs.get(p.name)?.toString()})`);
  if (problems.length) throw new HdlError(`module '${rec.name}':\n  - ${problems.join('\n  - ')}`);
  if (autoSink.length === 0) return ir;

  const name = uniqueName('unused_dropped', ir);
  const arg: IrExpr = autoSink.length === 1 ? autoSink[0]! : { k: 'concat', w: autoSink.reduce((s, e) => s + e.w, 0), s: false, args: autoSink };
  return {
    ...ir,
    nets: [...ir.nets, { name, w: 1, s: false, origin: 'sink' }],
    stmts: [
      ...ir.stmts,
      { k: 'assign', target: name, expr: { k: 'reduce', op: 'xor', w: 1, s: false, arg }, comment: 'bits dropped by an explicit trunc/slice of an intermediate, or an unused clock/reset' },
    ],
  };
}

/** Bits of each signal the DSL expressions select: a slice/trunc directly on a signal selects its range, any other use all bits. */
function dslReads(rec: ModuleRecord): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const add = (s: Signal, bits: bigint) => out.set(s.name, (out.get(s.name) ?? 0n) | bits);
  const seen = new Set<Expr>();
  const walk = (e: Expr): void => {
    if (seen.has(e)) return;
    seen.add(e);
    const x = e as AnyExpr;
    if ((x.kind === 'slice' || x.kind === 'trunc') && x.arg instanceof Signal) {
      add(x.arg, mask(x.width) << BigInt(x.kind === 'slice' ? x.lo : 0));
      return;
    }
    if (x instanceof Signal) add(x, mask(x.width));
    for (const c of children(e)) walk(c);
  };
  for (const it of rec.items) {
    if (it.k === 'assign') walk(it.expr);
    else if (it.k === 'next') [it.d, ...(it.en ? [it.en] : [])].forEach(walk);
    else if (it.k === 'instance') [...it.inst.inputs.values()].forEach(walk);
    else if (it.k === 'memory') {
      const { write: w, read: r } = it.mem;
      [w!.addr, w!.data, w!.en, ...(w!.mask ? [w!.mask] : []), r!.addr, ...(r!.en ? [r!.en] : [])].forEach(walk);
    } else walk(it.expr);
  }
  return out;
}

function bitsOf(n: { name: string; w: number }, hi: number, lo: number): IrExpr {
  const ref = { k: 'ref', w: n.w, s: false, name: n.name } as const;
  if (lo === 0) return { k: 'trunc', w: hi + 1, s: false, arg: ref };
  return { k: 'slice', w: hi - lo + 1, s: false, arg: ref, lo };
}

/** Contiguous [hi, lo] ranges of set bits, MSB first. */
export function rangesOf(bits: bigint, w: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = w - 1; i >= 0; ) {
    if (!((bits >> BigInt(i)) & 1n)) {
      i--;
      continue;
    }
    const hi = i;
    while (i >= 0 && (bits >> BigInt(i)) & 1n) i--;
    out.push([hi, i + 1]);
  }
  return out;
}

function describe(what: string, name: string, w: number, unread: bigint, locs: ReadonlyMap<string, SrcLoc>): string {
  const ranges = rangesOf(unread, w);
  const all = ranges.length === 1 && ranges[0]![0] === w - 1 && ranges[0]![1] === 0;
  const text = ranges.map(([hi, lo]) => (hi === lo ? `[${hi}]` : `[${hi}:${lo}]`)).join(', ');
  const sel = ranges.map(([hi, lo]) => (all ? name : hi === lo ? `${name}.bit(${hi})` : `${name}.slice(${hi}, ${lo})`));
  return `${all ? '' : `bits ${text} of `}${what} '${name}' ${all ? 'is' : 'are'} never read (declared at ${locs.get(name)?.toString()}) — use m.unused(${sel.join(' / ')}, 'why') if intended`;
}

function uniqueName(base: string, ir: IrModule): string {
  const taken = new Set([...ir.ports.map((p) => p.name), ...ir.nets.map((n) => n.name), ...ir.params.map((p) => p.name)]);
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  return name;
}
