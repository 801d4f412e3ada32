// THE PE-CELL ADAPTER: the one file that says what a PE of the array is, and builds it.
//
// The array needs of a processing element exactly this contract (ports of `<pair>_pecell_t<T>_d<d>`):
//   step_i               a chunk enters this cycle; there is no back-pressure (the array is a lock-step machine:
//                        it stalls by not stepping)
//   first_i, last_i      the chunk opens / closes its output's run of chunks (both set for a one-chunk run)
//   a_i [T*E-1:0], b_i   T element codes of A and of B, element i in bits [i*E+E-1:i*E] (bf16: BF16 patterns)
//   xa_i, xb_i [7:0]     the chunk's two E8M0 scales (absent for bf16)
//   init_i [31:0]        the accumulator's start (+0, or an element of C), sampled with the first chunk
//   done_o               acc_o holds a finished output in this cycle
//   acc_o [31:0]         fp32(...fp32(fp32(init + r_0) + r_1) ... + r_last): the chunk results r_j accumulated in
//                        order, one IEEE rounding each (formats.md section 4; bf16: r_j = the pairwise FP32 tree)
// Timing: a chunk may enter every cycle, of the same run or of the next; done_o is set exactly
// cellLatency(depth) = depth + 1 cycles after the step that had last_i, for one cycle (the next run's first
// chunk may be accumulated at the end of that cycle).
//
// This adapter implements the contract by composing the existing chunk datapath of generator/rtl/pe
// (reduceChunk + roundChunk of mx-chunk.ts; bf16: bf16_mul_fp32 products and the pairwise fp32_add tree of
// bf16-pe.ts) with its own accumulator register and fp32_add. `depth` register stages sit before the
// accumulator (1: after the rounding; 2: also after the reduction); the accumulator loop itself is one
// fp32_add per cycle. The accumulate-in-place PE of the `pepipe` branch is meant to replace this file: keep the
// ports and `cellLatency`, and the array does not change.

import { type Expr, type Module, ModuleBuilder, type Signal, mux, reduceTree } from '../../hdl/index';
import { FORMAT_TABLE, codeBits, type FormatName } from '../../golden/index';
import { bf16MulModule, fp32AddModule } from '../fp32/index';
import { DEFAULT_ARCH, reduceChunk, roundChunk, type PeArch, type ReducedChunk } from '../pe/mx-chunk';
import { pairId } from '../pe/names';
import { unstagedStager } from '../../hdl/lib/stager';
import { peWidths } from '../pe/widths';
import { type ArrayFormat, MAX_CELL_DEPTH } from './config';

export interface PeCellConfig {
  readonly format: ArrayFormat;
  /** chunk length = the tile edge */
  readonly tile: number;
  /** register stages before the accumulator */
  readonly depth: number;
  /** MX reduction: 'csa' (default) or 'adders' (see ArrayConfig.reduction) */
  readonly reduction?: 'csa' | 'adders';
}

const ADDERS: PeArch = { sign: 'negate', tree: 'adders' };

/** Cycles from a step with last_i to done_o. */
export const cellLatency = (depth: number): number => depth + 1;

export const peCellName = (c: PeCellConfig): string =>
  `${c.format === 'bf16' ? 'bf16' : pairId(c.format, c.format)}_pecell_t${c.tile}_d${c.depth}${c.reduction === 'adders' && c.format !== 'bf16' ? '_adders' : ''}`;

const cache = new Map<string, Module>();

export function peCellModule(c: PeCellConfig): Module {
  if (!Number.isInteger(c.depth) || c.depth < 0 || c.depth > MAX_CELL_DEPTH) throw new Error(`PE cell depth must be 0..${MAX_CELL_DEPTH}, got ${c.depth}`);
  const name = peCellName(c);
  const have = cache.get(name);
  if (have) return have;
  const bf16 = c.format === 'bf16';
  const E = bf16 ? 16 : codeBits(FORMAT_TABLE[c.format as FormatName]);
  const m = new ModuleBuilder(name, {
    doc: [
      `PE cell of the ${c.format} array: ${c.tile}-element chunks accumulated in place into an FP32 accumulator`,
      `(the array's PE-cell contract, generator/rtl/array/pe-cell.ts). ${c.depth} register stage(s) before the accumulator;`,
      `done_o ${cellLatency(c.depth)} cycle(s) after the step with last_i. ${bf16 ? 'Chunk: BF16 products rounded to FP32, pairwise FP32 tree.' : 'Chunk: the MX PE datapath (exact sum, one rounding).'}`,
    ].join('\n'),
    config: { format: c.format, tile: c.tile, depth: c.depth, ...(c.reduction === 'adders' && !bf16 ? { reduction: 'adders' } : {}) },
  });
  const step = m.input('step_i', 1, 'a chunk enters this cycle');
  const first = m.input('first_i', 1, 'the chunk opens its run: accumulate onto init_i');
  const last = m.input('last_i', 1, 'the chunk closes its run: done_o follows');
  const a = m.input('a_i', c.tile * E, `${c.tile} ${c.format} elements of A`);
  const xa = bf16 ? undefined : m.input('xa_i', 8, 'E8M0 scale of the A chunk');
  const b = m.input('b_i', c.tile * E, `${c.tile} ${c.format} elements of B`);
  const xb = bf16 ? undefined : m.input('xb_i', 8, 'E8M0 scale of the B chunk');
  const init = m.input('init_i', 32, 'FP32 accumulator start, sampled with the first chunk');

  // the control bits travel with the chunk through the stages before the accumulator
  let ctl = { step: step as Expr, first: first as Expr, last: last as Expr, init: init as Expr };
  const stage = (k: number, data: Record<string, Expr>): Record<string, Expr> => {
    const out: Record<string, Expr> = {};
    const v = m.register(`s${k}_step_q`, ctl.step, { doc: `stage ${k} holds a chunk` });
    for (const [key, e] of Object.entries({ first: ctl.first, last: ctl.last, init: ctl.init, ...data }))
      out[key] = m.register(`s${k}_${key}_q`, e, { reset: 'none', en: ctl.step });
    ctl = { step: v, first: out['first']!, last: out['last']!, init: out['init']! };
    return out;
  };

  let r: Expr;
  if (bf16) {
    const mul = bf16MulModule();
    const add = fp32AddModule();
    const as = a.chunks(16);
    const bs = b.chunks(16);
    let prods: Expr[] = as.map((x, j) => m.instance(mul, `u_mul${j}`, { a_i: x, b_i: bs[j]! }).out('product_o'));
    if (c.depth >= 2) {
      const s = stage(1, Object.fromEntries(prods.map((p, j) => [`p${j}`, p])));
      prods = prods.map((_, j) => s[`p${j}`]!);
    }
    let n = 0;
    r = reduceTree(prods, (x, y, level) => m.instance(add, `u_add_l${level}_${n++}`, { a_i: x, b_i: y }).out('sum_o'));
  } else {
    const f = FORMAT_TABLE[c.format as FormatName];
    const w = peWidths(f, f, c.tile);
    // the cell places its own stages (below), so the chunk datapath is built unstaged
    const st = unstagedStager(m, 'the array PE cell builds its chunk datapath without stages');
    let red: ReducedChunk = reduceChunk(st, f, f, w, { a, b, xa: xa!, xb: xb! }, c.reduction === 'adders' ? ADDERS : DEFAULT_ARCH, {}).red;
    if (c.depth >= 2) {
      const { inf, infNeg, ...always } = red;
      const s = stage(1, { ...always, ...(inf && infNeg ? { inf, infNeg } : {}) });
      // the cell's own stage registers, outside the stager's plan
      const own = (key: string): Expr => st.free(s[key]!);
      red = { neg: own('neg'), mag: own('mag'), exp: own('exp'), nan: own('nan'), ...(inf && infNeg ? { inf: own('inf'), infNeg: own('infNeg') } : {}) };
    }
    r = roundChunk(st, w, red, {}).r;
  }
  if (c.depth >= 1) r = stage(c.depth, { r })['r']!;

  // the accumulator: acc <- fp32(first ? init : acc) + r), one chunk per cycle
  const acc: Signal = m.reg('acc_q', 32, { reset: 'none', doc: 'the FP32 accumulator' });
  const sum = m.instance(fp32AddModule(), 'u_acc', { a_i: mux(ctl.first, ctl.init, acc), b_i: r });
  m.next(acc, sum.out('sum_o'), { en: ctl.step });
  const done = m.register('done_q', ctl.step.and(ctl.last), { doc: 'acc_q holds a finished output' });
  m.assign(m.output('done_o', 1, 'acc_o holds a finished output this cycle'), done);
  m.assign(m.output('acc_o', 32, 'the FP32 accumulator'), acc);
  const built = m.build();
  cache.set(name, built);
  return built;
}
