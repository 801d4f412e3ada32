// Arrival-time estimates on the DSL's expression graph: the delay model the pipeline stager (stager.ts)
// places register cuts with. The unit is one level of 2-input gates, the unit of Yosys' `ltp` on a design
// after `synth -flatten` (generic gates after ABC), so an estimate can be checked against `ltp`
// (generator/rtl/pe/bench-depth.ts prints both, and OpenSTA nanoseconds on the OSU 0.18 um library).
//
// The model is word-level: a value arrives when its slowest bit arrives. Per operator, with w the result
// (or operand) width, lg = log2:
//   and, or, xor, mux, case arm select       1 level (not: 0, folded into the next gate)
//   add/sub w bits                          4 lg(w) - 2   (Yosys' Brent-Kung $lcu; 1 for w = 1)
//   add of a 0/1-bit operand, neg           2 lg(w)       (incrementer)
//   lt/le/gt/ge                             2 lg(w) + 2   (carry chain only); against a constant lg(w) + 1
//   eq/ne                                   1 + lg(w)     (against a constant: lg(w))
//   reduceAnd/Or/Xor                        lg(w)
//   mul wa x wb                             1.5 (wa + wb) + 1 (Yosys' array multiplier)
//   shlBy/shrBy                             one mux level per bit of the amount
//   case on an s-bit selector, n arms       lg(s) + lg(n + 1) + 1
//   slices, concatenation, extension, constant shifts: 0 (wiring)
// (fitted to `ltp` of single-operator modules: add 4..64 bits, lt 8..64, eq, mul 3x3..8x8, shifts, or-trees;
// exact for those within one level.) Registers and input ports start at 0 (or at a given arrival), constants
// never constrain. Instances are evaluated through their module with the arrivals of their inputs.
import type { Instance, Module } from '../dsl';
import { type AnyExpr, Const, type Expr } from '../expr';

const lg = (w: number): number => (w <= 1 ? 0 : Math.log2(w));

/** Delay of one operator node, in gate levels (the table above). */
export function operatorDelay(op: string, argWidths: readonly number[], argConst: readonly boolean[], width: number): number {
  const w = Math.max(width, ...argWidths);
  const cmpW = Math.max(...argWidths);
  const anyConst = argConst.some((c) => c);
  switch (op) {
    case 'and':
    case 'or':
    case 'xor':
      return 1;
    case 'not':
    case 'shl':
    case 'shr':
      return 0;
    case 'add':
    case 'sub': {
      if (w <= 1) return 1;
      const narrow = Math.min(...argWidths) <= 1 || anyConst;
      return narrow ? 2 * lg(w) : 4 * lg(w) - 2;
    }
    case 'neg':
      return 2 * lg(w);
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge':
      return anyConst ? lg(cmpW) + 1 : 2 * lg(cmpW) + 2;
    case 'eq':
    case 'ne':
      return anyConst ? lg(cmpW) : 1 + lg(cmpW);
    case 'reduceAnd':
    case 'reduceOr':
    case 'reduceXor':
      return lg(argWidths[0]!);
    case 'mul':
      return 1.5 * (argWidths[0]! + argWidths[1]!) + 1;
    case 'shlBy':
    case 'shrBy':
      return argWidths[1]!;
    default:
      throw new Error(`delay model: no entry for operator '${op}'`);
  }
}

/** Arrivals of one module evaluated with given input arrivals. */
export interface ModuleArrival {
  /** output port -> arrival */
  readonly outputs: ReadonlyMap<string, number>;
  /** latest arrival at any register input (data or enable) inside the module and its submodules; -Infinity if none */
  readonly regInputs: number;
}

const NEVER = -Infinity;

/**
 * Evaluates arrival times in built modules. Results per (module, input arrivals) are cached, so k identical
 * lane instances cost one evaluation.
 */
export class DelayEstimator {
  private readonly cache = new Map<Module, Map<string, ModuleArrival>>();
  private readonly instanceOf = new Map<Module, Map<string, { inst: Instance; port: string }>>();

  /** Arrival of `e`, an expression of `module`, with the given input-port arrivals (default 0). */
  arrival(module: Module, e: Expr, inputs: ReadonlyMap<string, number> = new Map()): number {
    return this.context(module, inputs).of(e);
  }

  /** Output arrivals and the latest register-input arrival of `module`. */
  evaluate(module: Module, inputs: ReadonlyMap<string, number> = new Map()): ModuleArrival {
    const key = [...module.inputShapes.keys()].map((p) => inputs.get(p) ?? 0).join(',');
    let byKey = this.cache.get(module);
    if (!byKey) this.cache.set(module, (byKey = new Map()));
    const hit = byKey.get(key);
    if (hit) return hit;
    const ctx = this.context(module, inputs);
    const outputs = new Map<string, number>();
    for (const p of module.outputShapes.keys()) {
      const d = module.driverOf(p);
      outputs.set(p, d ? ctx.of(d) : ctx.instanceOutput(p));
    }
    let regInputs = NEVER;
    for (const it of module.items) {
      if (it.k === 'next') regInputs = Math.max(regInputs, ctx.of(it.d), it.en ? ctx.of(it.en) : NEVER);
      if (it.k === 'instance') regInputs = Math.max(regInputs, this.evaluate(it.inst.module, ctx.instanceInputs(it.inst)).regInputs);
    }
    const r: ModuleArrival = { outputs, regInputs };
    byKey.set(key, r);
    return r;
  }

  /** An evaluation context: memoised arrivals of the expressions of one module under one set of input arrivals. */
  context(module: Module, inputs: ReadonlyMap<string, number>): ArrivalContext {
    let wires = this.instanceOf.get(module);
    if (!wires) {
      wires = new Map();
      for (const it of module.items) if (it.k === 'instance') for (const [port, w] of Object.entries(it.inst.outputs)) wires.set(w.name, { inst: it.inst, port });
      this.instanceOf.set(module, wires);
    }
    return new ArrivalContext(this, module, inputs, wires);
  }
}

export class ArrivalContext {
  private readonly memo = new Map<Expr, number>();
  constructor(
    private readonly est: DelayEstimator,
    readonly module: Module,
    private readonly inputs: ReadonlyMap<string, number>,
    private readonly wires: ReadonlyMap<string, { inst: Instance; port: string }>,
  ) {}

  /** Arrivals of an instance's input ports. */
  instanceInputs(inst: Instance): Map<string, number> {
    const m = new Map<string, number>();
    for (const [port, e] of inst.inputs) m.set(port, this.of(e));
    return m;
  }

  instanceOutput(wire: string): number {
    const src = this.wires.get(wire);
    if (!src) return 0; // an undriven name cannot occur in a built module; registers start at 0
    return this.est.evaluate(src.inst.module, this.instanceInputs(src.inst)).outputs.get(src.port) ?? 0;
  }

  of(e: Expr): number {
    const hit = this.memo.get(e);
    if (hit !== undefined) return hit;
    const v = this.compute(e as AnyExpr);
    this.memo.set(e, v);
    return v;
  }

  private compute(x: AnyExpr): number {
    switch (x.kind) {
      case 'const':
        return NEVER;
      case 'signal': {
        switch (x.sigKind) {
          case 'input':
            return this.inputs.get(x.name) ?? 0;
          case 'reg':
            return 0;
          case 'param':
            return NEVER;
          default: {
            const d = this.module.driverOf(x.name);
            return d ? this.of(d) : this.instanceOutput(x.name);
          }
        }
      }
      case 'op': {
        const args = x.args.map((a) => this.of(a));
        const t = Math.max(NEVER, ...args);
        if (t === NEVER) return NEVER;
        return t + operatorDelay(x.op, x.args.map((a) => a.width), x.args.map((a) => a instanceof Const), x.width);
      }
      case 'mux': {
        const t = Math.max(this.of(x.sel), this.of(x.whenTrue), this.of(x.whenFalse));
        return t === NEVER ? NEVER : t + 1;
      }
      case 'case': {
        const t = Math.max(this.of(x.sel), this.of(x.otherwise), ...x.arms.map((a) => this.of(a.value)));
        return t === NEVER ? NEVER : t + lg(x.sel.width) + lg(x.arms.length + 1) + 1;
      }
      case 'slice':
      case 'replicate':
      case 'extend':
      case 'trunc':
      case 'cast':
      case 'named':
        return this.of(x.arg);
      case 'concat':
        return Math.max(NEVER, ...x.parts.map((p) => this.of(p)));
    }
  }
}
