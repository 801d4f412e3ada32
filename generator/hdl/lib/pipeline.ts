// Stall-able valid/ready register pipeline for a bundle of data signals.
// Stage s accepts when it is empty or the stage after it accepts ("ready" ripples back
// combinationally), so a full pipeline streams one beat per cycle without bubbles. Reset clears the
// valid bits only; data registers have no reset and load only when a valid beat enters.
import type { ModuleBuilder } from '../dsl';
import { HdlError } from '../errors';
import type { Expr, Signal } from '../expr';
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
