// Example unit used by the tests and the README: an adder whose sum goes through a leading-zero
// counter submodule and a valid/ready register pipeline.
import { ModuleBuilder, type Module } from '../dsl';
import { lzcModule } from '../lib/lzc';
import { pipeline } from '../lib/pipeline';

export interface AdderPipeConfig {
  readonly width: number;
  readonly depth: number;
}

export function adderPipe({ width, depth }: AdderPipeConfig): Module {
  const lzc = lzcModule(width + 1);
  const m = new ModuleBuilder(`adder_pipe_w${width}_d${depth}`, {
    doc: `Adds two ${width}-bit unsigned numbers and counts the leading zeros of the ${width + 1}-bit sum.\nResults leave through a ${depth}-stage valid/ready pipeline.`,
    config: { width, depth },
  });
  const hs = m.stream();
  const a = m.input('a_i', width, 'first addend');
  const b = m.input('b_i', width, 'second addend');
  const sumO = m.output('sum_o', width + 1, 'a_i + b_i');
  const lzO = m.output('lz_o', lzc.outputShapes.get('count_o')!.width, 'leading zeros of sum_o');

  const sum = m.let('sum', a.add(b), 'exact sum');
  const u = m.instance(lzc, 'u_lzc', { x_i: sum });
  const p = pipeline(m, { name: 'st', depth, inValid: hs.inValid, outReady: hs.outReady, data: { sum, lz: u.out('count_o') } });
  m.assign(hs.inReady, p.inReady);
  m.assign(hs.outValid, p.outValid);
  m.assign(sumO, p.data.sum);
  m.assign(lzO, p.data.lz);
  return m.build();
}
