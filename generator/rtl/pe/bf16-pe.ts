// Baseline BF16 processing element (formats.md section 4, "Baseline bf16"): k BF16 products, each rounded
// to FP32, reduced by a balanced pairwise tree of FP32 additions (adjacent pairs first, an odd element
// passes up: ((p0+p1)+(p2+p3))+...), then added to the FP32 accumulator. No scales.
// The FP32 -> BF16 rounding of the inputs is not part of the PE: the caller (golden model / `mxgen sim
// gemm`) feeds BF16 patterns already rounded half to even from FP32.

import { type Module, ModuleBuilder, reduceTree, type Expr } from '../../hdl/index';
import { BASELINE_BF16 } from '../../golden/index';
import { bf16MulModule, fp32AddModule } from '../fp32/index';
import { bf16PeName } from './names';
import { StageChain, stagePlan } from './stages';

/** BF16 element width: the top half of an FP32 pattern. */
const BF16_BITS = 16;

export interface Bf16PeConfig {
  readonly k: number;
  readonly depth: number;
}

export function bf16PeModule(cfg: Bf16PeConfig): Module {
  const { k } = cfg;
  if (!Number.isInteger(k) || k < 1) throw new Error(`BF16 PE chunk length k must be a positive integer, got ${k}`);
  const plan = stagePlan(cfg.depth);
  const mul = bf16MulModule();
  const add = fp32AddModule();
  const levels = Math.ceil(Math.log2(k));
  const m = new ModuleBuilder(bf16PeName(k, cfg.depth), {
    doc: [
      `Baseline ${BASELINE_BF16} processing element, k = ${k}, ${cfg.depth} register stage(s) (formats.md section 4, baseline):`,
      'acc_o = fp32(acc_i + tree), tree = balanced pairwise FP32 sum of the k products fp32(a_i[j] * b_i[j]),',
      `adjacent pairs first (${levels} levels of fp32_add; an odd element passes up). Inputs are BF16 patterns,`,
      'already rounded from FP32 (half to even) by the caller. Valid/ready stream.',
      `Stages: ${plan.reduce} after the products, ${plan.round} after the tree, ${plan.out} at the output.`,
    ].join('\n'),
    config: { format: BASELINE_BF16, k, depth: cfg.depth },
  });
  const hs = m.stream();
  const aIn = m.input('a_i', k * BF16_BITS, `${k} BF16 values, element j in bits [j*16+15:j*16]`);
  const bIn = m.input('b_i', k * BF16_BITS, `${k} BF16 values, element j in bits [j*16+15:j*16]`);
  const acc = m.input('acc_i', 32, 'FP32 accumulator in');
  const accO = m.output('acc_o', 32, 'FP32 accumulator out');
  const chain = new StageChain(m, hs);
  const as = aIn.chunks(BF16_BITS);
  const bs = bIn.chunks(BF16_BITS);
  const prods: Record<string, Expr> = {};
  for (let j = 0; j < k; j++) prods[`p${j}`] = m.instance(mul, `u_mul${j}`, { a_i: as[j]!, b_i: bs[j]! }).out('product_o');
  const s1: Readonly<Record<string, Expr>> = chain.cut<string>('prd', plan.reduce, { ...prods, acc });
  let n = 0;
  const tree = reduceTree(
    Array.from({ length: k }, (_, j) => s1[`p${j}`]!),
    (x, y, level) => m.instance(add, `u_add_l${level}_${n++}`, { a_i: x, b_i: y }).out('sum_o'),
  );
  const s2 = chain.cut('tre', plan.round, { tree, acc: s1['acc']! });
  const fin = m.instance(add, 'u_acc', { a_i: s2.acc, b_i: s2.tree });
  const s3 = chain.cut('out', plan.out, { acc: fin.out('sum_o') });
  m.assign(accO, s3.acc);
  chain.finish();
  return m.build();
}
