// Stall-able valid/ready register pipeline for a bundle of data signals.
// Stage s accepts when it is empty or the stage after it accepts ("ready" ripples back
// combinationally), so a full pipeline streams one beat per cycle without bubbles. Reset clears the
// valid bits only; data registers have no reset and load only when a valid beat enters.
import type { ModuleBuilder } from '../dsl';
import { HdlError } from '../errors';
import type { Expr, Signal } from '../expr';
import { lit, mux } from '../ops';
import { here } from '../srcloc';

export interface PipelineOptions<K extends string> {
  /** Prefix of the generated registers: `<name><stage>_valid_q`, `<name><stage>_<key>_q`. */
  readonly name: string;
  /** Number of register stages; 0 is a combinational pass-through. */
  readonly depth: number;
  readonly inValid: Expr;
  readonly outReady: Expr;
  readonly data: Readonly<Record<K, Expr>>;
}

export interface PipelineOutputs<K extends string> {
  readonly outValid: Expr;
  /** Drive the upstream `ready` with this. */
  readonly inReady: Expr;
  readonly data: Readonly<Record<K, Expr>>;
}

export function pipeline<K extends string>(m: ModuleBuilder, o: PipelineOptions<K>): PipelineOutputs<K> {
  if (!Number.isInteger(o.depth) || o.depth < 0) throw new HdlError(`pipeline depth must be an integer >= 0, got ${o.depth}`, here());
  if (o.inValid.width !== 1 || o.outReady.width !== 1) throw new HdlError('pipeline valid/ready must be 1 bit', here());
  if (o.depth === 0) return { outValid: o.inValid, inReady: o.outReady, data: o.data };

  const keys = Object.keys(o.data) as K[];
  const stages = Array.from({ length: o.depth }, (_, i) => {
    const p = `${o.name}${i + 1}`;
    const valid = m.reg(`${p}_valid_q`, 1, { reset: 0, doc: `stage ${i + 1} holds a beat` });
    const data = Object.fromEntries(keys.map((k) => [k, m.reg(`${p}_${k}_q`, o.data[k].shape, { reset: 'none' })])) as Record<K, Signal>;
    return { p, valid, data };
  });

  // accept[s] = stage s is empty or the next stage (or the consumer) takes its beat
  const accept: Expr[] = new Array<Expr>(o.depth);
  for (let s = o.depth - 1; s >= 0; s--) {
    const downstream = s === o.depth - 1 ? o.outReady : accept[s + 1]!;
    accept[s] = m.let(`${stages[s]!.p}_accept`, stages[s]!.valid.not().or(downstream), `stage ${s + 1} can take a new beat`);
  }

  for (let s = 0; s < o.depth; s++) {
    const st = stages[s]!;
    const upValid = s === 0 ? o.inValid : stages[s - 1]!.valid;
    const upData = s === 0 ? o.data : stages[s - 1]!.data;
    m.next(st.valid, upValid, { en: accept[s]! });
    const load = m.let(`${st.p}_load`, accept[s]!.and(upValid), `stage ${s + 1} loads a beat`);
    for (const k of keys) m.next(st.data[k], upData[k], { en: load });
  }

  const last = stages[o.depth - 1]!;
  return { outValid: last.valid, inReady: accept[0]!, data: last.data };
}

export interface StageControlOptions {
  /** Prefix of the control registers: `<name><s>_valid_q`, `<name>_skid_valid_q`. */
  readonly name: string;
  /** Register stages (>= 0; >= 1 with skid). */
  readonly depth: number;
  readonly inValid: Expr;
  readonly outReady: Expr;
  /**
   * Stage `depth` (the output register) becomes a two-entry skid buffer: the upstream ready is the
   * registered "slot empty" bit, so in_ready has no combinational path from out_ready.
   */
  readonly skid?: boolean;
  /**
   * A 1-bit signal of the output stage (usually a wire the caller drives from a stage-`depth` register):
   * when 0 the beat in the output stage is dropped instead of offered (out_valid = valid & keep).
   */
  readonly keep?: Expr;
}

export interface StageControl {
  readonly depth: number;
  /** Load enable of stage s (1..depth): its data registers take the beat of stage s-1 (the inputs for s = 1). */
  load(stage: number): Expr;
  readonly inReady: Expr;
  readonly outValid: Expr;
  /**
   * With skid: the output data register of stage `depth` loads (on load(depth)) `sel ? slot : upstream`; the
   * slot register loads the upstream value on `loadSlot`.
   */
  readonly skid?: { readonly sel: Expr; readonly loadSlot: Expr };
}

/**
 * The valid/ready control of a stall-able pipeline whose data registers live elsewhere (lib/stager.ts puts
 * them along a datapath and inside submodules): one valid bit per stage and one load enable per stage.
 * Stage s accepts when it is empty or the stage after it accepts (no bubbles: a full pipeline streams one
 * beat per cycle). Reset clears the valid bits only.
 */
export function stageControl(m: ModuleBuilder, o: StageControlOptions): StageControl {
  const d = o.depth;
  if (!Number.isInteger(d) || d < 0) throw new HdlError(`pipeline depth must be an integer >= 0, got ${d}`, here());
  if (o.skid && d < 1) throw new HdlError('a skid buffer needs pipeline depth >= 1 (it is the output register)', here());
  if (o.inValid.width !== 1 || o.outReady.width !== 1 || (o.keep && o.keep.width !== 1)) throw new HdlError('pipeline valid/ready/keep must be 1 bit', here());
  if (d === 0) {
    if (o.keep) throw new HdlError('keep needs pipeline depth >= 1', here());
    return { depth: 0, load: () => { throw new HdlError('a depth-0 pipeline has no stages', here()); }, inReady: o.outReady, outValid: o.inValid };
  }
  const valid = Array.from({ length: d }, (_, i) => m.reg(`${o.name}${i + 1}_valid_q`, 1, { reset: 0, doc: `stage ${i + 1} holds a beat` }));
  const upValid = (s: number): Expr => (s === 1 ? o.inValid : valid[s - 2]!);
  // the output stage hands its beat on: taken by the consumer, or dropped
  const last = valid[d - 1]!;
  const leaves = o.keep ? o.outReady.or(o.keep.not()) : o.outReady;
  const outValid = o.keep ? last.and(o.keep) : last;
  const accept: Expr[] = new Array<Expr>(d + 1);
  const load: Expr[] = new Array<Expr>(d + 1);
  let skid: StageControl['skid'];
  let firstPlain = d; // stages firstPlain-1 .. 1 use the plain rule
  if (o.skid) {
    const sv = m.reg(`${o.name}_skid_valid_q`, 1, { reset: 0, doc: 'the skid slot holds a beat' });
    const take = m.let(`${o.name}${d}_take`, last.and(leaves), 'the output beat leaves this cycle');
    const free = m.let(`${o.name}${d}_free`, last.not().or(take), 'the output register is empty or emptied this cycle');
    accept[d] = m.let(`${o.name}${d}_accept`, sv.not(), 'the output stage takes a beat: its skid slot is empty (a register, not out_ready)');
    const push = m.let(`${o.name}${d}_push`, upValid(d).and(sv.not()), 'a beat enters the output stage');
    load[d] = m.let(`${o.name}${d}_load`, free.and(sv.or(push)), 'the output register loads (from the slot if it holds a beat)');
    m.next(last, sv.or(push), { en: free });
    const loadSlot = m.let(`${o.name}_skid_load`, free.not().and(push), 'the output is stalled and a beat arrives: it goes to the slot');
    m.next(sv, mux(free, lit(0, 1), sv.or(push)));
    skid = { sel: sv, loadSlot };
    firstPlain = d - 1;
  } else {
    accept[d] = m.let(`${o.name}${d}_accept`, last.not().or(leaves), `stage ${d} can take a new beat`);
  }
  for (let s = d - 1; s >= 1; s--) accept[s] = m.let(`${o.name}${s}_accept`, valid[s - 1]!.not().or(accept[s + 1]!), `stage ${s} can take a new beat`);
  for (let s = 1; s <= firstPlain; s++) {
    m.next(valid[s - 1]!, upValid(s), { en: accept[s]! });
    load[s] = m.let(`${o.name}${s}_load`, accept[s]!.and(upValid(s)), `stage ${s} loads a beat`);
  }
  return {
    depth: d,
    load: (s) => {
      if (!Number.isInteger(s) || s < 1 || s > d) throw new HdlError(`no pipeline stage ${s} (stages 1..${d})`, here());
      return load[s]!;
    },
    inReady: accept[1]!,
    outValid,
    ...(skid ? { skid } : {}),
  };
}
