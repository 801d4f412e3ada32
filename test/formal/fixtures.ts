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
