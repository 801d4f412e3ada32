// Block quantizer (contract section 2): k FP32 (or BF16) inputs per beat -> one E8M0 scale + k element codes.
//   amax tree on the magnitude bits -> shared scale (sharedScaleModule) -> k element encoders (elementEncoderModule)
// (floor mode only needs floor(log2 amax): a max tree of the 8-bit exponent fields, plus the OR of the fractions
// for all-subnormal blocks, instead of a full-width magnitude max tree)
// A block holding a NaN or an Inf gets scale 0xFF and all codes +0; an all-zero block gets scale 0x00 and
// signed zero codes (the encoders keep the sign). Valid/ready stream; `depth` register stages: with depth >= 2,
// floor(depth / 2) of them cut the datapath after the scale selection, the rest sit at the output.

import { ModuleBuilder, concat, lit, mux, pack, stageControl, type Expr, type Module } from '../../hdl';
import { type PipelinePlan, type StageSpec, Stager, planDoc, plannedPipeline } from '../../hdl/lib/stager';
import { codeBits, E8M0, FORMAT_TABLE, type FormatName } from '../../golden';
import type { ScaleMode } from '../../golden/scale';
import { formatId } from '../../formats/table';
import { inputFloat, type QuantInput } from './common';
import { elementEncoderModule } from './encoder';
import { sharedScaleModule } from './scale';

export interface QuantizerConfig {
  readonly format: FormatName;
  /** elements per block (one beat) */
  readonly k: number;
  readonly scaleMode: ScaleMode;
  readonly input: QuantInput;
  /** register stages between in_valid/x_i and out_valid/scale_o/codes_o (0 = combinational), placed by the pipeline planner */
  readonly depth: number;
  /** the output register is a skid buffer: in_ready_o does not depend combinationally on out_ready_i (suffix _skid) */
  readonly skid?: boolean;
}

export function blockQuantizerName(c: QuantizerConfig): string {
  return `${formatId(c.format)}_quant_k${c.k}_${c.scaleMode}_${c.input}_d${c.depth}${c.skid ? '_skid' : ''}`;
}

export function blockQuantizerModule(c: QuantizerConfig): Module {
  return blockQuantizerPlanned(c).module;
}

/** The block quantizer and its pipeline plan. */
export function blockQuantizerPlanned(c: QuantizerConfig): { module: Module; plan: PipelinePlan } {
  const f = FORMAT_TABLE[c.format];
  if (!f) throw new Error(`unknown format '${c.format}'`);
  if (!Number.isInteger(c.k) || c.k < 1 || c.k > 4096) throw new Error(`block size k must be an integer in 1..4096, got ${c.k}`);
  if (!Number.isInteger(c.depth) || c.depth < 0 || c.depth > 8) throw new Error(`pipeline depth must be an integer in 0..8, got ${c.depth}`);
  if (c.scaleMode !== 'floor' && c.scaleMode !== 'rceil') throw new Error(`scale mode must be floor or rceil, got '${String(c.scaleMode)}'`);
  const inp = inputFloat(c.input);
  const W = inp.width;
  const B = codeBits(f);
  const k = c.k;
  if (c.skid && c.depth < 1) throw new Error('the skid option needs pipeline depth >= 1 (it is the output register)');
  const skid = c.skid ?? false;
  return plannedPipeline(c.depth, (spec, depth, plan) => {
    const m = new ModuleBuilder(blockQuantizerName(c), {
      doc: [
        `Block quantizer: ${k} ${inp.name.toUpperCase()} values -> one E8M0 scale + ${k} ${c.format} codes (scale mode ${c.scaleMode}).`,
        c.scaleMode === 'floor'
          ? 'Block maximum binade from a max tree of the exponent fields (OR of the fractions for subnormal blocks), shared scale, per-element round half to even with saturation.'
          : 'amax tree on the magnitude bits, shared scale, per-element round half to even with saturation.',
        'A NaN/Inf in the block gives scale 0xFF and +0 codes; an all-zero block gives scale 0x00 and signed zeros.',
        `Element i of x_i is bits [i*${W}+${W - 1}:i*${W}]; code i of codes_o is bits [i*${B}+${B - 1}:i*${B}].`,
        `Valid/ready stream, ${c.depth} register stage(s)${skid ? ', skid output buffer' : ''}; one block per cycle.`,
        planDoc(plan),
      ].join('\n'),
      config: { format: c.format, k, scaleMode: c.scaleMode, input: c.input, depth: c.depth, skid },
    });
    const hs = m.stream();
    const x = m.input('x_i', k * W, `${k} ${inp.name} values, element 0 in the LSBs`);
    const scaleO = m.output('scale_o', E8M0.bits, 'E8M0 scale code of the block');
    const codesO = m.output('codes_o', k * B, `${k} ${c.format} codes, element 0 in the LSBs`);
    const ctl = stageControl(m, { name: 'st', depth, inValid: hs.inValid, outReady: hs.outReady, skid: skid && depth > 0 });
    const st = new Stager(m, spec, { load: ctl.load, ...(ctl.skid ? { skid: { stage: depth, ...ctl.skid } } : {}) });

    const xs = x.chunks(W);
    const manW = inp.manBits;
    // The block maximum and the special flag as level-by-level trees, a stage point after each level (x travels
    // along: the encoders need it). floor mode: the largest exponent field, and the OR of the fractions (when every
    // element is subnormal, the leading one of the OR is that of the largest fraction); rceil: a magnitude max tree.
    const trees: Record<string, { layer: Expr[]; op: (a: Expr, b: Expr, name: string) => Expr }> = {
      ...(c.scaleMode === 'floor'
        ? {
            emax: { layer: xs.map((v) => v.slice(W - 2, manW)), op: (a, b, n) => mux(a.ge(b), a, b).named(n) },
            frac: { layer: xs.map((v) => v.slice(manW - 1, 0)), op: (a, b, n) => a.or(b).named(n) },
          }
        : { amax: { layer: xs.map((v) => v.slice(W - 2, 0)), op: (a, b, n) => mux(a.ge(b), a, b).named(n) } }),
      special: { layer: xs.map((v) => v.slice(W - 2, manW).all()), op: (a, b, n) => a.or(b).named(n) },
    };
    let xLive: Expr = x;
    for (let level = 0; Object.values(trees).some((t) => t.layer.length > 1); level++) {
      const live: Record<string, Expr> = { x: xLive };
      for (const [name, t] of Object.entries(trees)) {
        const next: Expr[] = [];
        for (let i = 0; i + 1 < t.layer.length; i += 2) next.push(t.op(t.layer[i]!, t.layer[i + 1]!, `${name}_l${level}_${i / 2}`));
        if (t.layer.length % 2 === 1) next.push(t.layer[t.layer.length - 1]!);
        next.forEach((e, i) => (live[`${name}${i}`] = e));
        t.layer = next;
      }
      const p = st.point(`amax_l${level}`, live);
      xLive = p['x']!;
      for (const [name, t] of Object.entries(trees)) t.layer = t.layer.map((_, i) => p[`${name}${i}`]!);
    }
    const top = (name: string): Expr => trees[name]!.layer[0]!;
    const amax =
      c.scaleMode === 'floor'
        ? m.let('amax', concat(top('emax'), mux(top('emax').any(), lit(0, manW), top('frac'))), 'a magnitude in the binade of the block maximum')
        : m.let('amax', top('amax'), 'largest magnitude (NaN/Inf dominate; the block is special then anyway)');
    const special = m.let('special', top('special'), 'a NaN or an Inf in the block');
    const uScale = st.instance((s: StageSpec) => sharedScaleModule(c.format, c.scaleMode, c.input, s), 'u_scale', { amax_i: amax, special_i: special });
    const sc = st.point('scale', { x: xLive, se: uScale.out('se_o'), scale: uScale.out('scale_o'), special });
    const encFactory = (s: StageSpec): Module => elementEncoderModule(c.format, c.input, s);
    const encXs = sc.x.chunks(W);
    const codes = encXs.map((v, i) => st.instance(encFactory, `u_enc${i}`, { x_i: v, se_i: sc.se }).out('code_o'));
    const cd = st.point('codes', { codes: pack(codes), scale: sc.scale, special: sc.special });
    const codesAll = m.let('codes', mux(cd.special, lit(0, k * B), cd.codes), 'element codes (+0 for a special block)');
    const out = st.finish({ scale: cd.scale, codes: codesAll });
    m.assign(hs.inReady, ctl.inReady);
    m.assign(hs.outValid, ctl.outValid);
    m.assign(scaleO, out.scale);
    m.assign(codesO, out.codes);
    return st.attach(m.build());
  });
}
