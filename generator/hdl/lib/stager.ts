// Pipelines that balance delay: datapath code marks candidate cut points, a planner puts the register stages
// of a pipeline of depth d where they balance the estimated delay (delay.ts), and the same code then builds
// the pipelined design, with register stages inside submodules (lanes, trees, rounding, adders) loaded by
// enables from the top's valid/ready control (pipeline.ts `stageControl`).
//
// Writing a staged datapath:
//   - `st.point(name, live)` at a candidate cut: `live` lists every value the rest of the datapath needs
//     (the point returns them, registered as often as the plan says). Point names are unique per module.
//   - `st.instance(factory, name, inputs)` instantiates a staged submodule: `factory(spec)` builds the
//     submodule for its part of the plan (its internal points); the submodule gets an `en_i` input (one load
//     enable per internal register stage) when the plan cuts inside it.
//   - `st.finish(outputs)` is the last point ('out'): every output leaves the module at the same stage.
// Every value carries the pipeline stage it belongs to (the number of registers it passed); combining values
// of different stages is an error naming the point, so a value that bypasses a cut (an accumulator input,
// a flag) must travel through the points too.
//
// Planning (`plannedPipeline`): the design is first built unpipelined (the probe); every point's arrival time
// is estimated in its instance (delay.ts), and the d boundaries are chosen among the point times so that the
// longest stage is as short as possible (exact, dynamic programming), the last boundary being the output
// register; among equally short plans the one registering the fewest bits is taken. A point gets the number
// of boundaries at or before its time as its stage. Submodules whose plan differs get their own name:
// the base name + `_c<i>_<j>...`, the indices (in the module's probe order, submodules' points included) of
// the points where a register stage starts; the module header lists the points.
import { Instance, type Module, ModuleBuilder, type ModuleOptions } from '../dsl';
import { HdlError } from '../errors';
import { type AnyExpr, type Expr, Signal, children } from '../expr';
import { concat, mux } from '../ops';
import { here } from '../srcloc';
import { DelayEstimator } from './delay';
import { stageControl } from './pipeline';

/** One point of a plan: its path (`name`, or `u_inst/name` for a submodule's point) and its stage. */
export interface SpecPoint {
  readonly path: string;
  /** register stages before this point, counted from the module's inputs */
  readonly stage: number;
}

/** A module's part of a plan: its points and its submodules' points, in probe order. */
export interface StageSpec {
  readonly points: readonly SpecPoint[];
}

/** No register stages: the combinational module. */
export const UNSTAGED: StageSpec = { points: [] };

/** Builds a staged submodule for its part of a plan. */
export type StagedFactory = (spec: StageSpec) => Module;

type LogEntry =
  | { readonly k: 'point'; readonly name: string; readonly exprs: readonly Expr[] }
  | { readonly k: 'instance'; readonly name: string; readonly atomic: boolean };

/** What the probe reads from a built module: its points and staged instances in creation order. */
const LOGS = new WeakMap<Module, readonly LogEntry[]>();
/** Internal register stages of a staged submodule (the width of its en_i). */
const STAGES = new WeakMap<Module, number>();

export const stagesOf = (m: Module): number => STAGES.get(m) ?? 0;

export interface StagerOptions {
  /** Load enable of local stage s (1-based): the top's stageControl().load, a submodule's en_i bit. */
  readonly load: (stage: number) => Expr;
  /** With a skid buffer, the registers of `stage` (the output stage) are two-entry (stageControl().skid). */
  readonly skid?: { readonly stage: number; readonly sel: Expr; readonly loadSlot: Expr };
}

export interface InstanceOptions {
  /** Never cut inside (a loop through this instance must close within one stage: the accumulator adder). */
  readonly atomic?: boolean;
}

export class Stager {
  private readonly log: LogEntry[] = [];
  private readonly tags = new Map<Expr, number | null>();
  private readonly pointNames = new Set<string>();
  private readonly own = new Map<string, number>();
  private readonly slots = new Map<Expr, Expr>();

  constructor(
    readonly m: ModuleBuilder,
    private readonly spec: StageSpec,
    private readonly opts: StagerOptions,
  ) {
    for (const p of spec.points) if (!p.path.includes('/')) this.own.set(p.path, p.stage);
  }

  /** A candidate cut: `live` is everything the rest of the datapath reads; returns it at the planned stage. */
  point<K extends string>(name: string, live: Readonly<Record<K, Expr>>): Readonly<Record<K, Expr>> {
    if (this.pointNames.has(name)) throw new HdlError(`stage point '${name}' is used twice in '${this.m.name}'`, here());
    this.pointNames.add(name);
    const keys = Object.keys(live) as K[];
    this.log.push({ k: 'point', name, exprs: keys.map((k) => live[k]) });
    const stages = keys.map((k) => this.stageOf(live[k], `${name}.${k}`));
    const current = Math.max(0, ...stages.map((s) => s ?? 0));
    const target = this.own.get(name) ?? current;
    const out = {} as Record<K, Expr>;
    keys.forEach((k, i) => {
      let v = live[k];
      let s = stages[i];
      if (s === null || s === undefined) {
        out[k] = v; // a constant belongs to every stage
        return;
      }
      if (s > target) throw new HdlError(`stage point '${name}' of '${this.m.name}': '${k}' is already at stage ${s}, the plan puts the point at stage ${target}`, here());
      while (s < target) {
        s++;
        v = this.register(v, s, `s${s}_${name}_${k}`);
      }
      this.tags.set(v, s);
      out[k] = v;
    });
    return out;
  }

  /** The last point: the module's outputs, all at the module's final stage. */
  finish<K extends string>(outputs: Readonly<Record<K, Expr>>): Readonly<Record<K, Expr>> {
    return this.point('out', outputs);
  }

  /** An instance of a staged submodule, built for its part of the plan; its outputs are tagged with their stage. */
  instance(factory: StagedFactory, name: string, inputs: Readonly<Record<string, Expr>>, o: InstanceOptions = {}): Instance {
    const ins = Object.entries(inputs);
    const stages = ins.map(([p, e]) => this.stageOf(e, `${name}.${p}`)).filter((s): s is number => s !== null);
    const c = Math.max(0, ...stages);
    if (stages.some((s) => s !== c)) throw new HdlError(`instance '${name}' in '${this.m.name}': inputs of different pipeline stages (${[...new Set(stages)].join(', ')})`, here());
    const prefix = `${name}/`;
    const sub: SpecPoint[] = this.spec.points.filter((p) => p.path.startsWith(prefix)).map((p) => ({ path: p.path.slice(prefix.length), stage: p.stage - c }));
    if (sub.some((p) => p.stage < 0)) throw new HdlError(`instance '${name}' in '${this.m.name}': the plan puts a point before the inputs' stage ${c}`, here());
    const module = factory({ points: sub });
    const n = stagesOf(module);
    const conns: Record<string, Expr> = { ...inputs };
    if (n > 0) conns['en_i'] = concat(...Array.from({ length: n }, (_, j) => this.opts.load(c + n - j)));
    const inst = this.m.instance(module, name, conns);
    for (const w of Object.values(inst.outputs)) this.tags.set(w, c + n);
    this.log.push({ k: 'instance', name, atomic: o.atomic ?? false });
    return inst;
  }

  /** The skid slot register behind an output-stage register returned by point()/finish() (skid buffers only). */
  slotOf(reg: Expr): Expr {
    const s = this.slots.get(reg);
    if (!s) throw new HdlError(`'${reg instanceof Signal ? reg.name : 'value'}' is not a skid output register of '${this.m.name}'`, here());
    return s;
  }

  /** Declare `e` (e.g. a feedback register) to belong to every stage. */
  free(e: Expr): Expr {
    this.tags.set(e, null);
    return e;
  }

  /** Stage of a value (null: a constant), checking that it does not mix stages. */
  stageOf(e: Expr, what: string): number | null {
    const hit = this.tags.get(e);
    if (hit !== undefined) return hit;
    let s: number | null;
    if (e instanceof Signal) {
      const src = e.sigKind === 'wire' || e.sigKind === 'output' ? this.m.sourceOf(e) : undefined;
      if (e.sigKind === 'input') s = 0;
      else if (e.sigKind === 'param') s = null;
      else if (e.sigKind === 'reg') throw new HdlError(`'${what}' reads register '${e.name}', which is not a stage register of '${this.m.name}' (st.free() it if it belongs to every stage)`, here());
      else if (src === undefined) throw new HdlError(`'${what}' reads '${e.name}' before it is driven (in '${this.m.name}')`, here());
      else if (src instanceof Instance) s = this.uniform([...src.inputs.values()], what);
      else s = this.stageOf(src, what);
    } else {
      s = this.uniform(children(e as AnyExpr), what);
    }
    this.tags.set(e, s);
    return s;
  }

  private uniform(xs: readonly Expr[], what: string): number | null {
    let s: number | null = null;
    for (const x of xs) {
      const t = this.stageOf(x, what);
      if (t === null) continue;
      if (s !== null && t !== s) throw new HdlError(`'${what}' in '${this.m.name}' combines values of pipeline stages ${s} and ${t}: pass the earlier one through the stage points`, here());
      s = t;
    }
    return s;
  }

  private register(v: Expr, stage: number, name: string): Expr {
    const load = this.opts.load(stage);
    const sk = this.opts.skid;
    if (sk && sk.stage === stage) {
      const slot = this.m.reg(`${name}_slot_q`, v.shape, { reset: 'none', doc: 'skid slot' });
      this.m.next(slot, v, { en: sk.loadSlot });
      const r = this.m.reg(`${name}_q`, v.shape, { reset: 'none' });
      this.m.next(r, mux(sk.sel, slot, v), { en: load });
      this.slots.set(r, slot);
      return r;
    }
    const r = this.m.reg(`${name}_q`, v.shape, { reset: 'none' });
    this.m.next(r, v, { en: load });
    return r;
  }

  /** Attach the point log to the built module (for the probe); returns the module. */
  attach(module: Module, stages = 0): Module {
    LOGS.set(module, [...this.log]);
    STAGES.set(module, stages);
    return module;
  }
}

/** Register stages a spec puts inside a module (its final stage). */
/** A Stager that places no registers (a combinational datapath); `why` says why a stage load is a bug here. */
export function unstagedStager(m: ModuleBuilder, why: string): Stager {
  return new Stager(m, UNSTAGED, {
    load: (): never => {
      throw new Error(why);
    },
  });
}

export function specStages(spec: StageSpec): number {
  return Math.max(0, ...spec.points.map((p) => p.stage));
}

/** `_c<i>_<j>...`: the probe-order indices of the points where a register stage starts ('' when none). */
export function specSuffix(spec: StageSpec): string {
  const idx: number[] = [];
  let prev = 0;
  spec.points.forEach((p, i) => {
    if (p.stage < prev) throw new HdlError(`stage plan is not monotone in probe order at '${p.path}'`, here());
    for (let s = prev; s < p.stage; s++) idx.push(i);
    prev = Math.max(prev, p.stage);
  });
  return idx.length ? `_c${idx.join('_')}` : '';
}

/** The header lines that describe a staged module's register stages. */
export function specDoc(spec: StageSpec): string {
  const n = specStages(spec);
  if (n === 0) return '';
  const starts: string[] = [];
  let prev = 0;
  spec.points.forEach((p, i) => {
    for (let s = prev; s < p.stage; s++) starts.push(`${s + 1}: at point ${i} '${p.path}'`);
    prev = Math.max(prev, p.stage);
  });
  return `${n} internal register stage(s), loaded by en_i[s-1] (from the parent's valid/ready control):\n  ${starts.join('\n  ')}`;
}

const moduleCache = new Map<string, Module>();

/**
 * A staged submodule: `name` + the plan suffix, an `en_i` input when the plan cuts inside it, and a Stager
 * for the body. Modules are cached by name (the name carries every parameter).
 */
export function stagedModule(name: string, options: ModuleOptions, spec: StageSpec, body: (m: ModuleBuilder, st: Stager) => void): Module {
  const full = name + specSuffix(spec);
  const hit = moduleCache.get(full);
  if (hit) return hit;
  const n = specStages(spec);
  const extra = specDoc(spec);
  const m = new ModuleBuilder(full, { ...options, doc: [options.doc ?? '', extra].filter((x) => x).join('\n') });
  const en = n > 0 ? m.input('en_i', n, 'load enable of internal register stage s in bit s-1 (from the parent\'s valid/ready control)') : null;
  const st = new Stager(m, spec, { load: (s) => {
    if (!en || s < 1 || s > n) throw new HdlError(`module '${full}' has no register stage ${s}`, here());
    return en.bit(s - 1);
  } });
  body(m, st);
  const mod = st.attach(m.build(), n);
  moduleCache.set(full, mod);
  return mod;
}

// ---- planning ----

export interface Candidate {
  readonly path: string;
  readonly time: number;
  readonly bits: number;
  /** inside an atomic instance: never a boundary */
  readonly atomic: boolean;
}

export interface PipelinePlan {
  readonly depth: number;
  /** estimated arrival at the outputs of the unpipelined design (gate levels) */
  readonly total: number;
  /** boundary times (the last is `total`: the output register) */
  readonly boundaries: readonly number[];
  /** the longest estimated stage */
  readonly maxStage: number;
  readonly candidates: readonly Candidate[];
  readonly spec: StageSpec;
}

/** Every point of the hierarchy under `top` with its estimated arrival time, in probe order. */
export function probePoints(top: Module, est = new DelayEstimator()): { candidates: Candidate[]; atomicSpans: [number, number][] } {
  const candidates: Candidate[] = [];
  const atomicSpans: [number, number][] = [];
  const visit = (mod: Module, inputs: ReadonlyMap<string, number>, prefix: string, atomic: boolean): void => {
    const log = LOGS.get(mod);
    if (!log) return;
    const ctx = est.context(mod, inputs);
    const insts = new Map<string, Instance>();
    for (const it of mod.items) if (it.k === 'instance') insts.set(it.inst.name, it.inst);
    for (const e of log) {
      if (e.k === 'point') {
        const time = Math.max(0, ...e.exprs.map((x) => ctx.of(x)));
        candidates.push({ path: prefix + e.name, time, bits: e.exprs.reduce((s, x) => s + x.width, 0), atomic });
      } else {
        const inst = insts.get(e.name)!;
        const ins = ctx.instanceInputs(inst);
        if (e.atomic && !atomic) {
          const t0 = Math.max(0, ...ins.values());
          const t1 = Math.max(0, ...est.evaluate(inst.module, ins).outputs.values());
          atomicSpans.push([t0, t1]);
        }
        visit(inst.module, ins, `${prefix}${e.name}/`, atomic || e.atomic);
      }
    }
  };
  visit(top, new Map(), '', false);
  return { candidates, atomicSpans };
}

/**
 * Chooses d boundaries among the candidate times (the last at `total`: the output register) so that the
 * longest stage is as short as possible; among those plans the most balanced one (least sum of squared
 * stage lengths, which leaves slack in every stage), then the one registering the fewest bits (`bits[i]`
 * at candidate i; the inputs cost `inBits`, a boundary at the output `outBits`). Exact: dynamic programming.
 */
export function chooseBoundaries(
  times: readonly number[],
  bits: readonly number[],
  total: number,
  depth: number,
  inBits = 0,
  outBits = 0,
): { boundaries: number[]; maxStage: number } {
  if (depth === 0) return { boundaries: [], maxStage: total };
  // positions: 0 = the inputs, 1..m = candidates (sorted, distinct), m+1 = total
  const pos = [0, ...times, total];
  const cost = [inBits, ...bits, outBits];
  const P = pos.length;
  const cuts = depth - 1; // free boundaries; the last one is the output register
  const EPS = 1e-9;
  const BIT = 1e-7; // weight of a registered bit against a squared gate level
  // best[j][i]: with j free boundaries, the j-th at position i: the minimal longest stage (limit === null), or
  // the minimal sum of squared stages + BIT * bits with every stage <= limit
  const solve = (limit: number | null): { best: number[][]; from: number[][] } => {
    const best = Array.from({ length: cuts + 1 }, () => new Array<number>(P).fill(Infinity));
    const from = Array.from({ length: cuts + 1 }, () => new Array<number>(P).fill(-1));
    best[0]![0] = 0;
    for (let j = 1; j <= cuts; j++) {
      for (let i = 0; i < P; i++) {
        for (let h = 0; h <= i; h++) {
          const prev = best[j - 1]![h]!;
          if (prev === Infinity) continue;
          const gap = pos[i]! - pos[h]!;
          const v = limit === null ? Math.max(prev, gap) : gap <= limit + EPS ? prev + gap * gap + BIT * cost[i]! : Infinity;
          if (v < best[j]![i]! - 1e-12) {
            best[j]![i] = v;
            from[j]![i] = h;
          }
        }
      }
    }
    return { best, from };
  };
  const finish = (limit: number | null, best: number[][]): { value: number; at: number } => {
    let value = Infinity;
    let at = -1;
    for (let i = 0; i < P; i++) {
      const prev = best[cuts]![i]!;
      if (prev === Infinity) continue;
      const gap = total - pos[i]!;
      const v = limit === null ? Math.max(prev, gap) : gap <= limit + EPS ? prev + gap * gap : Infinity;
      if (v < value - 1e-12) {
        value = v;
        at = i;
      }
    }
    return { value, at };
  };
  const g = finish(null, solve(null).best).value;
  const second = solve(g);
  let at = finish(g, second.best).at;
  const chosen: number[] = [];
  for (let j = cuts; j >= 1; j--) {
    chosen.push(pos[at]!);
    at = second.from[j]![at]!;
  }
  return { boundaries: [...chosen.reverse(), total], maxStage: g };
}

/** The plan of a depth-d pipeline for a probed design. */
export function planPipeline(probe: Module, depth: number, est = new DelayEstimator()): PipelinePlan {
  const { candidates, atomicSpans } = probePoints(probe, est);
  const out = candidates.find((c) => c.path === 'out');
  if (!out) throw new HdlError(`'${probe.name}' has no 'out' stage point (st.finish)`, here());
  const total = out.time;
  const inside = (t: number): boolean => atomicSpans.some(([a, b]) => t > a + 1e-9 && t < b - 1e-9);
  const byTime = new Map<number, number>();
  for (const c of candidates) {
    if (c.atomic || c.time <= 0 || c.time >= total || inside(c.time)) continue;
    byTime.set(c.time, (byTime.get(c.time) ?? 0) + c.bits);
  }
  const times = [...byTime.keys()].sort((a, b) => a - b);
  const inBits = [...probe.inputShapes].filter(([p]) => probe.roleOf(p) === 'data').reduce((s, [, sh]) => s + sh.width, 0);
  const { boundaries, maxStage } = chooseBoundaries(times, times.map((t) => byTime.get(t)!), total, depth, inBits, out.bits);
  const inner = boundaries.slice(0, -1).filter((b) => b < total);
  const points: SpecPoint[] = candidates.map((c) => ({
    path: c.path,
    stage: c.path === 'out' ? depth : inner.filter((b) => b <= c.time + 1e-9).length,
  }));
  return { depth, total, boundaries, maxStage, candidates, spec: { points } };
}

/**
 * A top module pipelined to `depth` stages: `build(UNSTAGED, 0)` is the probe, `build(plan.spec, depth)` the
 * result. `build` must create the same points in the same order for both.
 */
export function plannedPipeline(depth: number, build: (spec: StageSpec, depth: number, plan: PipelinePlan | null) => Module): { module: Module; plan: PipelinePlan } {
  if (!Number.isInteger(depth) || depth < 0) throw new HdlError(`pipeline depth must be an integer >= 0, got ${depth}`, here());
  const probe = build(UNSTAGED, 0, null);
  const plan = planPipeline(probe, depth);
  return { module: depth === 0 ? probe : build(plan.spec, depth, plan), plan };
}

/**
 * Header text of a planned top: the estimated delays and, per register stage, where it starts (submodule
 * instances that differ only by an index, such as the k lanes, are written once as `u_lane*`).
 */
export function planDoc(plan: PipelinePlan | null): string {
  if (!plan || plan.depth === 0) return 'Combinational.';
  const L = [
    `Pipeline plan (hdl/lib/stager.ts, delay model hdl/lib/delay.ts): ${plan.total.toFixed(0)} gate levels unpipelined, ` +
      `${plan.depth} register stage(s), longest stage ~${plan.maxStage.toFixed(0)} levels.`,
  ];
  // where each stage starts: points whose stage rose from the previous point of the same module
  const starts = new Map<number, string[]>();
  const prevIn = new Map<string, number>();
  for (const p of plan.spec.points) {
    const mod = p.path.includes('/') ? p.path.slice(0, p.path.lastIndexOf('/')) : '';
    let before = prevIn.get(mod);
    for (let up = mod; before === undefined && up !== ''; ) {
      up = up.includes('/') ? up.slice(0, up.lastIndexOf('/')) : '';
      before = prevIn.get(up);
    }
    before ??= 0;
    prevIn.set(mod, Math.max(before, p.stage));
    const path = p.path.replace(/u_([a-z_]+?)\d+(?=\/|$)/g, 'u_$1*');
    for (let st = before + 1; st <= p.stage; st++) {
      const list = starts.get(st) ?? [];
      if (!list.includes(path)) list.push(path);
      starts.set(st, list);
    }
  }
  for (let st = 1; st <= plan.depth; st++) {
    const b = plan.boundaries[st - 1]!;
    L.push(`  register stage ${st} at ~${b.toFixed(0)} levels${st === plan.depth ? ' (output)' : ''}: ${(starts.get(st) ?? []).join(', ')}`);
  }
  return L.join('\n');
}

export interface PipelinedUnitOptions {
  /** module name (should carry the depth and the skid option) */
  readonly name: string;
  readonly doc?: string;
  readonly depth: number;
  readonly skid?: boolean;
  readonly factory: StagedFactory;
}

/**
 * A stream wrapper around one staged unit: the unit's data ports, the valid/ready handshake, and `depth`
 * register stages placed by the planner (inside the unit). For tests and measurements of single units.
 */
export function pipelinedUnit(o: PipelinedUnitOptions): { module: Module; plan: PipelinePlan } {
  const proto = o.factory(UNSTAGED);
  return plannedPipeline(o.depth, (spec, depth, plan) => {
    const m = new ModuleBuilder(o.name, {
      doc: `${o.doc ?? proto.name}\nValid/ready stream, ${depth} register stage(s)${o.skid ? ', skid buffer at the output' : ''}.\n${planDoc(plan)}`,
      config: { unit: proto.name, depth, skid: o.skid ?? false },
    });
    const hs = m.stream();
    const ins: Record<string, Expr> = {};
    for (const [p, shape] of proto.inputShapes) if (proto.roleOf(p) === 'data') ins[p] = m.input(p, shape);
    const ctl = stageControl(m, { name: 'st', depth, inValid: hs.inValid, outReady: hs.outReady, skid: (o.skid ?? false) && depth > 0 });
    const st = new Stager(m, spec, { load: ctl.load, ...(ctl.skid ? { skid: { stage: depth, ...ctl.skid } } : {}) });
    const inst = st.instance(o.factory, 'u_unit', ins);
    const outs = st.finish(Object.fromEntries([...proto.outputShapes.keys()].map((p) => [p, inst.out(p)])));
    for (const [p, shape] of proto.outputShapes) m.assign(m.output(p, shape), outs[p]!);
    m.assign(hs.inReady, ctl.inReady);
    m.assign(hs.outValid, ctl.outValid);
    return st.attach(m.build());
  });
}
