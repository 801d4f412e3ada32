// Algebraic proof that a reduction tree computes the sum of its terms, for k = 32 where SAT does not finish
// (a SAT miter of the Dadda tree against a '+' chain takes 30 s at k = 4 and does not end in 15 min at k = 8).
//
// Backward rewriting (the method of arithmetic-circuit verification by polynomial algebra): the weighted sum
// of the tree's `sum` word, W(sum) = sum_j 2^j sum_j, minus the specification (the sum of the sign-extended
// terms plus the correction bits) is a polynomial over the design's bits, with integer coefficients modulo
// 2^sumWidth. Every bit is replaced by its definition, latest first, as a multilinear polynomial (x^2 = x):
//   ~a = 1 - a,  a & b = ab,  a | b = a + b - ab,  a ^ b = a + b - 2ab,  s ? t : f = st + f - sf,
// and a word computed by + or - (the final adder) is replaced as a whole, c W(y) -> c (W(a) +- W(b)), which is
// exact modulo 2^sumWidth when c 2^width(y) = 0 there. For full and half adders the non-linear terms cancel
// (s + 2c = a + b + x), so the polynomial stays small. The proof succeeds when nothing but 0 is left: the `sum`
// word equals the specification for every input, a complete proof like a SAT miter's.
// The rest of the tree (neg_o, mag_o from `sum`) is checked by a SAT miter with `sum` cut into an input.

import type { IrExpr, IrModule } from '../hdl/ir';
import type { Module } from '../hdl/index';

type Def =
  | { readonly k: 'input' }
  | { readonly k: 'const'; readonly v: 0 | 1 }
  | { readonly k: 'alias'; readonly a: number }
  | { readonly k: 'not'; readonly a: number }
  | { readonly k: 'and' | 'or' | 'xor'; readonly a: number; readonly b: number }
  | { readonly k: 'mux'; readonly s: number; readonly t: number; readonly f: number }
  | { readonly k: 'word'; readonly word: Word; readonly index: number }
  | { readonly k: 'opaque'; readonly why: string };

interface Word {
  readonly op: 'add' | 'sub' | 'neg';
  readonly a: readonly number[];
  readonly b: readonly number[];
  readonly out: readonly number[];
}

/** A flattened bit-level netlist: every bit of every net of every instance, with its definition. */
class Netlist {
  readonly defs: Def[] = [];
  private readonly zero = this.add({ k: 'const', v: 0 });
  private readonly one = this.add({ k: 'const', v: 1 });

  add(d: Def): number {
    this.defs.push(d);
    return this.defs.length - 1;
  }
  constBit(v: boolean): number {
    return v ? this.one : this.zero;
  }
}

/** Flattens `top` (its IR and its submodules' IR); returns the ids of the named nets of the top. */
function flatten(top: Module): { net: Netlist; nets: Map<string, number[]> } {
  const net = new Netlist();
  const mods = new Map<string, Module>();
  const collect = (m: Module): void => {
    mods.set(m.name, m);
    for (const s of m.submodules) collect(s);
  };
  collect(top);

  const build = (ir: IrModule, inputs: Map<string, number[]> | undefined): Map<string, number[]> => {
    // every net and output bit starts as a placeholder, defined when its statement is seen
    const names = new Map<string, number[]>();
    const fresh = (w: number): number[] => Array.from({ length: w }, () => net.add({ k: 'opaque', why: 'undriven' }));
    for (const p of ir.ports) names.set(p.name, p.dir === 'input' ? (inputs?.get(p.name) ?? Array.from({ length: p.w }, () => net.add({ k: 'input' }))) : fresh(p.w));
    for (const n of ir.nets) names.set(n.name, fresh(n.w));
    for (const p of ir.params) {
      const bits = Array.from({ length: p.w }, (_, i) => net.constBit(((p.bits >> BigInt(i)) & 1n) === 1n));
      names.set(p.name, bits);
    }
    const define = (ids: readonly number[], bits: readonly number[]): void => {
      ids.forEach((id, i) => (net.defs[id] = { k: 'alias', a: bits[i]! }));
    };
    const blast = (e: IrExpr): number[] => {
      switch (e.k) {
        case 'const':
          if (e.param) return names.get(e.param)!;
          return Array.from({ length: e.w }, (_, i) => net.constBit(((e.bits >> BigInt(i)) & 1n) === 1n));
        case 'ref':
          return names.get(e.name)!;
        case 'slice':
          return blast(e.arg).slice(e.lo, e.lo + e.w);
        case 'trunc':
          return blast(e.arg).slice(0, e.w);
        case 'zext': {
          const a = blast(e.arg);
          return [...a, ...Array.from({ length: e.w - a.length }, () => net.constBit(false))];
        }
        case 'sext': {
          const a = blast(e.arg);
          return [...a, ...Array.from({ length: e.w - a.length }, () => a[a.length - 1]!)];
        }
        case 'concat':
          return [...e.args].reverse().flatMap(blast);
        case 'repl': {
          const a = blast(e.arg);
          return Array.from({ length: e.n }, () => a).flat();
        }
        case 'mux': {
          const s = blast(e.sel)[0]!;
          const t = blast(e.t);
          const f = blast(e.f);
          return t.map((x, i) => net.add({ k: 'mux', s, t: x, f: f[i]! }));
        }
        case 'op': {
          const args = e.args.map(blast);
          if (e.op === 'not') return args[0]!.map((a) => net.add({ k: 'not', a }));
          if (e.op === 'and' || e.op === 'or' || e.op === 'xor') return args[0]!.map((a, i) => net.add({ k: e.op as 'and', a, b: args[1]![i]! }));
          if (e.op === 'add' || e.op === 'sub' || e.op === 'neg') {
            const out = Array.from({ length: e.w }, () => net.add({ k: 'opaque', why: 'word' }));
            const word: Word = { op: e.op, a: args[0]!, b: args[1] ?? [], out };
            out.forEach((id, index) => (net.defs[id] = { k: 'word', word, index }));
            return out;
          }
          if ((e.op === 'shl' || e.op === 'lshr') && e.args[1]!.k === 'const') {
            const n = Number(e.args[1]!.bits);
            const a = args[0]!;
            const z = net.constBit(false);
            return a.map((_, i) => (e.op === 'shl' ? (i - n >= 0 ? a[i - n]! : z) : i + n < a.length ? a[i + n]! : z));
          }
          return Array.from({ length: e.w }, () => net.add({ k: 'opaque', why: `operator ${e.op}` }));
        }
        default:
          return Array.from({ length: e.w }, () => net.add({ k: 'opaque', why: `${e.k}` }));
      }
    };
    for (const st of ir.stmts) {
      if (st.k === 'assign') define(names.get(st.target)!, blast(st.expr));
      else if (st.k === 'instance') {
        const sub = mods.get(st.module);
        if (!sub) throw new Error(`instance of unknown module ${st.module}`);
        const bound = new Map<string, number[]>();
        for (const c of st.conns) if (c.dir === 'input') bound.set(c.port, blast(c.expr));
        const inner = build(sub.ir, bound);
        for (const c of st.conns) if (c.dir === 'output') define(names.get(c.net)!, inner.get(c.port)!);
      } else {
        // registers and case statements: opaque (the caller makes datapath registers transparent first)
        // (a memory's read data register likewise)
        const w = names.get(st.k === 'memory' ? st.rdata : st.target)!;
        w.forEach((id) => (net.defs[id] = { k: 'opaque', why: st.k }));
      }
    }
    return names;
  };
  const nets = build(top.ir, undefined);
  return { net, nets };
}

/** Multilinear polynomial with coefficients modulo 2^bits. Monomials are sorted variable-id lists joined by ','. */
class Poly {
  readonly terms = new Map<string, bigint>();
  /** variable -> monomial keys containing it */
  readonly index = new Map<number, Set<string>>();
  constructor(
    private readonly mod: bigint,
    private readonly onVar: (v: number) => void = () => {},
  ) {}

  addTerm(vars: readonly number[], c: bigint): void {
    const r = ((c % this.mod) + this.mod) % this.mod;
    if (r === 0n) return;
    const key = [...new Set(vars)].sort((a, b) => a - b).join(',');
    const prev = this.terms.get(key) ?? 0n;
    const v = (prev + r) % this.mod;
    if (v === 0n) {
      this.terms.delete(key);
      for (const x of varsOf(key)) this.index.get(x)?.delete(key);
    } else {
      if (prev === 0n)
        for (const x of varsOf(key)) {
          let set = this.index.get(x);
          if (!set) {
            this.index.set(x, (set = new Set()));
            this.onVar(x);
          }
          set.add(key);
        }
      this.terms.set(key, v);
    }
  }

  /** Removes and returns every monomial containing v, with v taken out. */
  take(v: number): { rest: number[]; c: bigint }[] {
    const keys = [...(this.index.get(v) ?? [])];
    const out = keys.map((k) => {
      const c = this.terms.get(k)!;
      this.terms.delete(k);
      for (const x of varsOf(k)) this.index.get(x)?.delete(k);
      return { rest: varsOf(k).filter((x) => x !== v), c };
    });
    this.index.delete(v);
    return out;
  }
}

const varsOf = (key: string): number[] => (key === '' ? [] : key.split(',').map(Number));

export interface AlgebraResult {
  readonly proven: boolean;
  readonly detail: string;
  readonly substitutions: number;
  /** largest number of monomials during the rewriting */
  readonly peak: number;
  readonly seconds: number;
}

export interface SumSpec {
  /** the net whose value is the sum */
  readonly sumNet: string;
  readonly width: number;
  /** the specification as (input port, bit, coefficient) triples */
  readonly terms: readonly { readonly port: string; readonly bit: number; readonly c: bigint }[];
  readonly constant?: bigint;
}

/** Proves W(sumNet) = sum of the spec terms (mod 2^width) by backward rewriting over the flattened design. */
export function proveSum(top: Module, spec: SumSpec): AlgebraResult {
  const t0 = performance.now();
  const { net, nets } = flatten(top);
  const mod = 1n << BigInt(spec.width);
  const ranks = topoRanks(net.defs);
  const heap = new MaxHeap((v) => ranks[v]!);
  const p = new Poly(mod, (v) => heap.push(v));
  const sum = nets.get(spec.sumNet);
  if (!sum || sum.length !== spec.width) return { proven: false, detail: `no ${spec.width}-bit net '${spec.sumNet}'`, substitutions: 0, peak: 0, seconds: 0 };
  sum.forEach((id, j) => p.addTerm([id], 1n << BigInt(j)));
  for (const t of spec.terms) {
    const bits = nets.get(t.port);
    if (!bits || t.bit >= bits.length) return { proven: false, detail: `no input bit ${t.port}[${t.bit}]`, substitutions: 0, peak: 0, seconds: 0 };
    p.addTerm([bits[t.bit]!], -t.c);
  }
  if (spec.constant) p.addTerm([], -spec.constant);

  let substitutions = 0;
  let peak = p.terms.size;
  for (;;) {
    let best = -1;
    while (heap.size) {
      const v = heap.pop();
      if ((p.index.get(v)?.size ?? 0) > 0 && net.defs[v]!.k !== 'input') {
        best = v;
        break;
      }
    }
    if (best < 0) break;
    const d = net.defs[best]!;
    substitutions++;
    if (d.k === 'opaque') return { proven: false, detail: `reached a bit the rewriting cannot expand (${d.why})`, substitutions, peak, seconds: (performance.now() - t0) / 1000 };
    if (d.k === 'word') {
      const w = d.word;
      const got = w.out.map((o) => p.take(o));
      // c W(out): every monomial of an out bit must be that bit alone, with coefficient c 2^j
      const c0 = got[0]!;
      if (c0.length !== 1 || c0[0]!.rest.length !== 0) return fail('the adder output appears in a product');
      const c = c0[0]!.c;
      for (let j = 1; j < got.length; j++) {
        const g = got[j]!;
        const want = (c << BigInt(j)) % mod;
        const have = g.length === 0 ? 0n : g.length === 1 && g[0]!.rest.length === 0 ? g[0]!.c : -1n;
        if (have !== want) return fail(`adder output bit ${j} has coefficient ${have}, not c * 2^${j}`);
      }
      if (((c << BigInt(w.out.length)) % mod) !== 0n) return fail('the adder is narrower than the sum: its carry-out would count');
      const sign = w.op === 'add' ? 1n : -1n;
      w.a.forEach((a, j) => p.addTerm([a], (w.op === 'neg' ? -c : c) << BigInt(j)));
      if (w.op !== 'neg') w.b.forEach((b, j) => p.addTerm([b], (sign * c) << BigInt(j)));
    } else {
      const poly = defPoly(d);
      for (const { rest, c } of p.take(best)) for (const t of poly) p.addTerm([...rest, ...t.vars], c * t.c);
    }
    peak = Math.max(peak, p.terms.size);
  }
  const left = p.terms.size;
  return {
    proven: left === 0,
    detail: left === 0 ? 'W(sum) - spec rewrites to 0' : `${left} monomials left, e.g. ${[...p.terms].slice(0, 3).map(([k, c]) => `${c}*[${k}]`).join(' + ')}`,
    substitutions,
    peak,
    seconds: (performance.now() - t0) / 1000,
  };

  function fail(why: string): AlgebraResult {
    return { proven: false, detail: why, substitutions, peak, seconds: (performance.now() - t0) / 1000 };
  }
}


/** The polynomial of a bit-level definition over its operand bits. */
function defPoly(d: Def): { vars: number[]; c: bigint }[] {
  switch (d.k) {
    case 'const':
      return d.v ? [{ vars: [], c: 1n }] : [];
    case 'alias':
      return [{ vars: [d.a], c: 1n }];
    case 'not':
      return [{ vars: [], c: 1n }, { vars: [d.a], c: -1n }];
    case 'and':
      return [{ vars: [d.a, d.b], c: 1n }];
    case 'or':
      return [{ vars: [d.a], c: 1n }, { vars: [d.b], c: 1n }, { vars: [d.a, d.b], c: -1n }];
    case 'xor':
      return [{ vars: [d.a], c: 1n }, { vars: [d.b], c: 1n }, { vars: [d.a, d.b], c: -2n }];
    case 'mux':
      return [{ vars: [d.s, d.t], c: 1n }, { vars: [d.f], c: 1n }, { vars: [d.s, d.f], c: -1n }];
    default:
      throw new Error(`defPoly(${d.k})`);
  }
}

function depsOf(x: Def): number[] {
  switch (x.k) {
    case 'alias':
    case 'not':
      return [x.a];
    case 'and':
    case 'or':
    case 'xor':
      return [x.a, x.b];
    case 'mux':
      return [x.s, x.t, x.f];
    case 'word':
      return [...x.word.a, ...x.word.b];
    default:
      return [];
  }
}

/** Rank of every bit: 0 for inputs and constants, else 1 + the largest rank it is defined from. */
function topoRanks(defs: readonly Def[]): Int32Array {
  const rank = new Int32Array(defs.length).fill(-1);
  const state = new Uint8Array(defs.length); // 0 new, 1 on the stack, 2 done
  for (let root = 0; root < defs.length; root++) {
    if (state[root] === 2) continue;
    const stack = [root];
    while (stack.length) {
      const id = stack[stack.length - 1]!;
      if (state[id] === 2) {
        stack.pop();
        continue;
      }
      state[id] = 1;
      const deps = depsOf(defs[id]!);
      let pending = false;
      for (const d of deps) {
        if (state[d] === 1) throw new Error('combinational loop in the tree');
        if (state[d] === 0) {
          stack.push(d);
          pending = true;
        }
      }
      if (pending) continue;
      let r = 0;
      for (const d of deps) r = Math.max(r, rank[d]! + 1);
      rank[id] = r;
      state[id] = 2;
      stack.pop();
    }
  }
  return rank;
}

class MaxHeap {
  private readonly a: number[] = [];
  constructor(private readonly key: (v: number) => number) {}
  get size(): number {
    return this.a.length;
  }
  push(v: number): void {
    const a = this.a;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (this.key(a[up]!) >= this.key(a[i]!)) break;
      [a[up], a[i]] = [a[i]!, a[up]!];
      i = up;
    }
  }
  pop(): number {
    const a = this.a;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.key(a[l]!) > this.key(a[m]!)) m = l;
        if (r < a.length && this.key(a[r]!) > this.key(a[m]!)) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}
