// Small stream modules for the formal tests: a correct valid/ready pipeline and its mutants.
import { type Module, ModuleBuilder, emitDesign, emitVerilog, pipeline } from '../../generator/hdl/index';
import { type Mutant, mutantsOf } from '../../generator/mutate/operators';

/** x -> x + 3 through `depth` register stages of lib/pipeline (4-bit data). */
export function pipeModule(depth: number): Module {
  const m = new ModuleBuilder(`fx_pipe_d${depth}`, { doc: 'formal test fixture', config: { depth } });
  const hs = m.stream();
  const x = m.input('x_i', 4, 'data in');
  const y = m.output('y_o', 4, 'data out');
  const p = pipeline(m, { name: 's', depth, inValid: hs.inValid, outReady: hs.outReady, data: { v: x.add(3).trunc(4) } });
  m.assign(hs.inReady, p.inReady);
  m.assign(hs.outValid, p.outValid);
  m.assign(y, p.data.v);
  return m.build();
}

/** The mutant of `m`'s top whose description contains `what` (the first one). */
export function mutantOf(m: Module, what: string): Mutant {
  const mu = mutantsOf(m.ir).find((x) => x.what.includes(what));
  if (!mu) throw new Error(`no mutant '${what}' of ${m.name}: ${mutantsOf(m.ir).map((x) => x.what).join('; ')}`);
  return mu;
}

/** The design's Verilog with the top replaced by a mutant. */
export function mutatedVerilog(m: Module, mu: Mutant): Map<string, string> {
  const texts = emitDesign(m);
  texts.set(mu.module, emitVerilog(mu.ir));
  return texts;
}

/**
 * Two input streams joined into one output stream (an array's host ports have several handshakes): a beat
 * leaves when both inputs offer one, out = a + b, registered. Its ports are plain data ports: the channels are
 * given to the formal contract explicitly.
 */
export function joinModule(): Module {
  const m = new ModuleBuilder('fx_join', { doc: 'formal test fixture: two input streams joined' });
  const av = m.input('a_valid_i', 1);
  const bv = m.input('b_valid_i', 1);
  const a = m.input('a_i', 4);
  const b = m.input('b_i', 4);
  const or = m.input('o_ready_i', 1);
  const valid = m.reg('o_valid_q', 1, { reset: 0 });
  const data = m.reg('o_q', 4, { reset: 'none' });
  const take = m.let('take', av.and(bv).and(valid.not().or(or)), 'both inputs offer a beat and the output has room');
  m.next(valid, take.or(valid.and(or.not())));
  m.next(data, a.add(b).trunc(4), { en: take });
  m.assign(m.output('a_ready_o', 1), av.and(bv).and(valid.not().or(or)));
  m.assign(m.output('b_ready_o', 1), take);
  m.assign(m.output('o_valid_o', 1), valid);
  m.assign(m.output('o_o', 4), data);
  return m.build();
}

export const JOIN_CHANNELS = {
  inputs: [
    { name: 'a', valid: 'a_valid_i', ready: 'a_ready_o', data: ['a_i'] },
    { name: 'b', valid: 'b_valid_i', ready: 'b_ready_o', data: ['b_i'] },
  ],
  outputs: [{ name: 'o', valid: 'o_valid_o', ready: 'o_ready_i', data: ['o_o'] }],
};
