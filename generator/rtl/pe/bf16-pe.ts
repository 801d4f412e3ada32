// Baseline BF16 processing element (formats.md section 4, "Baseline bf16"): k BF16 products, each rounded
// to FP32, reduced by a balanced pairwise tree of FP32 additions (adjacent pairs first, an odd element
// passes up: ((p0+p1)+(p2+p3))+...), then added to the FP32 accumulator. No scales.
// The FP32 -> BF16 rounding of the inputs is not part of the PE: the caller (golden model / `mxgen sim
// gemm`) feeds BF16 patterns already rounded half to even from FP32.
// Register stages are placed by the pipeline planner (hdl/lib/stager.ts): inside the multipliers, between
// and inside the adders of the tree, and in the accumulator adder. Options as for the MX PE: skid, acc.

import { type Expr, type Module, ModuleBuilder, stageControl } from '../../hdl/index';
import { type PipelinePlan, type StageSpec, Stager, planDoc, plannedPipeline } from '../../hdl/lib/stager';
import { BASELINE_BF16 } from '../../golden/index';
import { bf16MulModule, fp32AddModule } from '../fp32/index';
import { accPorts, accumulate } from './mx-pe';
import { bf16PeName, peOptionSuffix } from './names';

/** BF16 element width: the top half of an FP32 pattern. */
const BF16_BITS = 16;

export interface Bf16PeConfig {
  readonly k: number;
  readonly depth: number;
  /** skid output buffer (suffix _skid) */
  readonly skid?: boolean;
  /** accumulate in place (suffix _acc), the port contract of the MX PE (README.md) */
  readonly acc?: boolean;
}

export function bf16PePlanned(cfg: Bf16PeConfig): { module: Module; plan: PipelinePlan } {
  const { k } = cfg;
  if (!Number.isInteger(k) || k < 1) throw new Error(`BF16 PE chunk length k must be a positive integer, got ${k}`);
  const skid = cfg.skid ?? false;
  const accMode = cfg.acc ?? false;
  if (!Number.isInteger(cfg.depth) || cfg.depth < 0) throw new Error(`PE pipeline depth must be an integer >= 0, got ${cfg.depth}`);
  if ((skid || accMode) && cfg.depth < 1) throw new Error(`the ${skid ? 'skid' : 'accumulate-in-place'} option needs pipeline depth >= 1 (it lives in the output register)`);
  const levels = Math.ceil(Math.log2(k));
  return plannedPipeline(cfg.depth, (spec, depth, plan) => {
    const m = new ModuleBuilder(bf16PeName(k, cfg.depth) + peOptionSuffix({ acc: accMode, skid }), {
      doc: [
        `Baseline ${BASELINE_BF16} processing element, k = ${k}, ${cfg.depth} register stage(s)${skid ? ', skid output buffer' : ''} (formats.md section 4, baseline):`,
        accMode
          ? 'accumulate in place: per chunk beat acc = fp32((first_i ? acc_i : acc) + tree); acc_o = acc after a last_i chunk;'
          : 'acc_o = fp32(acc_i + tree),',
        `tree = balanced pairwise FP32 sum of the k products fp32(a_i[j] * b_i[j]), adjacent pairs first (${levels} levels of`,
        'fp32_add; an odd element passes up). Inputs are BF16 patterns, already rounded from FP32 (half to even) by the caller.',
        `Valid/ready stream. ${planDoc(plan)}`,
      ].join('\n'),
      config: { format: BASELINE_BF16, k, depth: cfg.depth, skid, acc: accMode },
    });
    const hs = m.stream();
    const aIn = m.input('a_i', k * BF16_BITS, `${k} BF16 values, element j in bits [j*16+15:j*16]`);
    const bIn = m.input('b_i', k * BF16_BITS, `${k} BF16 values, element j in bits [j*16+15:j*16]`);
    const ap = accPorts(m, accMode);
    const accO = m.output('acc_o', 32, accMode ? 'FP32 accumulator after the last chunk of a run' : 'FP32 accumulator out');
    const keep = accMode && depth > 0 ? m.wire('out_keep', 1, 'the beat in the output register ends a run (only those are offered)') : undefined;
    const ctl = stageControl(m, { name: 'st', depth, inValid: hs.inValid, outReady: hs.outReady, skid: skid && depth > 0, ...(keep ? { keep } : {}) });
    const st = new Stager(m, spec, { load: ctl.load, ...(ctl.skid ? { skid: { stage: depth, ...ctl.skid } } : {}) });
    let carry: Record<string, Expr> = { acc: ap.acc, ...(ap.first && ap.last ? { first: ap.first, last: ap.last } : {}) };
    const as = aIn.chunks(BF16_BITS);
    const bs = bIn.chunks(BF16_BITS);
    const mulFactory = (s: StageSpec): Module => bf16MulModule(s);
    const addFactory = (s: StageSpec): Module => fp32AddModule(s);
    let layer: Expr[] = Array.from({ length: k }, (_, j) => st.instance(mulFactory, `u_mul${j}`, { a_i: as[j]!, b_i: bs[j]! }).out('product_o'));
    let n = 0;
    for (let level = 0; ; level++) {
      const live: Record<string, Expr> = { ...carry, ...Object.fromEntries(layer.map((e, i) => [`p${i}`, e])) };
      const p = st.point(level === 0 ? 'prods' : `l${level}`, live);
      layer = layer.map((_, i) => p[`p${i}`]!);
      carry = Object.fromEntries(Object.keys(carry).map((key) => [key, p[key]!]));
      if (layer.length === 1) break;
      const next: Expr[] = [];
      for (let i = 0; i + 1 < layer.length; i += 2) next.push(st.instance(addFactory, `u_add_l${level}_${n++}`, { a_i: layer[i]!, b_i: layer[i + 1]! }).out('sum_o'));
      if (layer.length % 2 === 1) next.push(layer[layer.length - 1]!);
      layer = next;
    }
    accumulate(m, st, depth, ctl, keep, layer[0]!, carry, accO);
    m.assign(hs.inReady, ctl.inReady);
    m.assign(hs.outValid, ctl.outValid);
    return st.attach(m.build());
  });
}

export function bf16PeModule(cfg: Bf16PeConfig): Module {
  return bf16PePlanned(cfg).module;
}
