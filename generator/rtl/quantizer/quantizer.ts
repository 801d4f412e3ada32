// Block quantizer (contract section 2): k FP32 (or BF16) inputs per beat -> one E8M0 scale + k element codes.
//   amax tree on the magnitude bits -> shared scale (sharedScaleModule) -> k element encoders (elementEncoderModule)
// (floor mode only needs floor(log2 amax): a max tree of the 8-bit exponent fields, plus the OR of the fractions
// for all-subnormal blocks, instead of a full-width magnitude max tree)
// A block holding a NaN or an Inf gets scale 0xFF and all codes +0; an all-zero block gets scale 0x00 and
// signed zero codes (the encoders keep the sign). Valid/ready stream; `depth` register stages: with depth >= 2,
// floor(depth / 2) of them cut the datapath after the scale selection, the rest sit at the output.

import { ModuleBuilder, concat, lit, maxTree, mux, pack, pipeline, reduceTree, type Expr, type Module } from '../../hdl';
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
  /** register stages between in_valid/x_i and out_valid/scale_o/codes_o (0 = combinational) */
  readonly depth: number;
}

export function blockQuantizerName(c: QuantizerConfig): string {
  return `${formatId(c.format)}_quant_k${c.k}_${c.scaleMode}_${c.input}_d${c.depth}`;
}

/** Register stages after the scale selection (the rest are output registers). */
export const midStages = (depth: number): number => Math.floor(depth / 2);

export function blockQuantizerModule(c: QuantizerConfig): Module {
  const f = FORMAT_TABLE[c.format];
  if (!f) throw new Error(`unknown format '${c.format}'`);
  if (!Number.isInteger(c.k) || c.k < 1 || c.k > 4096) throw new Error(`block size k must be an integer in 1..4096, got ${c.k}`);
  if (!Number.isInteger(c.depth) || c.depth < 0 || c.depth > 8) throw new Error(`pipeline depth must be an integer in 0..8, got ${c.depth}`);
  if (c.scaleMode !== 'floor' && c.scaleMode !== 'rceil') throw new Error(`scale mode must be floor or rceil, got '${String(c.scaleMode)}'`);
  const inp = inputFloat(c.input);
  const W = inp.width;
  const B = codeBits(f);
  const k = c.k;
  const scaleMod = sharedScaleModule(c.format, c.scaleMode, c.input);
  const encMod = elementEncoderModule(c.format, c.input);
  const mid = midStages(c.depth);

  const m = new ModuleBuilder(blockQuantizerName(c), {
    doc: [
      `Block quantizer: ${k} ${inp.name.toUpperCase()} values -> one E8M0 scale + ${k} ${c.format} codes (scale mode ${c.scaleMode}).`,
      c.scaleMode === 'floor'
        ? 'Block maximum binade from a max tree of the exponent fields (OR of the fractions for subnormal blocks), shared scale, per-element round half to even with saturation.'
        : 'amax tree on the magnitude bits, shared scale, per-element round half to even with saturation.',
      'A NaN/Inf in the block gives scale 0xFF and +0 codes; an all-zero block gives scale 0x00 and signed zeros.',
      `Element i of x_i is bits [i*${W}+${W - 1}:i*${W}]; code i of codes_o is bits [i*${B}+${B - 1}:i*${B}].`,
      `Valid/ready stream, ${c.depth} register stage(s)${mid > 0 ? ` (${mid} after the scale selection)` : ''}; one block per cycle.`,
    ].join('\n'),
    config: { format: c.format, k, scaleMode: c.scaleMode, input: c.input, depth: c.depth },
  });
  const hs = m.stream();
  const x = m.input('x_i', k * W, `${k} ${inp.name} values, element 0 in the LSBs`);
  const scaleO = m.output('scale_o', E8M0.bits, 'E8M0 scale code of the block');
  const codesO = m.output('codes_o', k * B, `${k} ${c.format} codes, element 0 in the LSBs`);

  const xs = x.chunks(W);
  const manW = inp.manBits;
  let amax: Expr;
  if (c.scaleMode === 'floor') {
    // floor(log2 amax) is all the floor rule reads: the largest exponent field, and when every element is
    // subnormal, the OR of the fractions (its leading one is the leading one of the largest fraction)
    const eMax = m.let('e_max', maxTree(xs.map((v) => v.slice(W - 2, manW)), 'emax'), 'largest exponent field');
    const fracOr = m.let('frac_or', reduceTree(xs.map((v) => v.slice(manW - 1, 0)), (a, b) => a.or(b)), 'OR of the fractions');
    amax = m.let('amax', concat(eMax, mux(eMax.any(), lit(0, manW), fracOr)), 'a magnitude in the binade of the block maximum');
  } else {
    amax = m.let('amax', maxTree(xs.map((v) => v.slice(W - 2, 0)), 'amax'), 'largest magnitude (NaN/Inf dominate; the block is special then anyway)');
  }
  const specials = xs.map((v) => v.slice(W - 2, inp.manBits).all());
  const special = m.let('special', reduceTree(specials, (a, b) => a.or(b)), 'a NaN or an Inf in the block');
  const uScale = m.instance(scaleMod, 'u_scale', { amax_i: amax, special_i: special });

  // optional cut after the scale selection
  const midReady = m.wire('mid_ready', 1, 'the encoder half takes a beat');
  const p1 = pipeline(m, {
    name: 'mid',
    depth: mid,
    inValid: hs.inValid,
    outReady: midReady,
    data: { x, se: uScale.out('se_o'), scale: uScale.out('scale_o'), special },
  });
  const encXs = p1.data.x.chunks(W);
  const codes = encXs.map((v, i) => m.instance(encMod, `u_enc${i}`, { x_i: v, se_i: p1.data.se }).out('code_o'));
  const codesAll = m.let('codes', mux(p1.data.special, lit(0, k * B), pack(codes)), 'element codes (+0 for a special block)');
  const p2 = pipeline(m, {
    name: 'out',
    depth: c.depth - mid,
    inValid: p1.outValid,
    outReady: hs.outReady,
    data: { scale: p1.data.scale, codes: codesAll },
  });
  m.assign(midReady, p2.inReady);
  m.assign(hs.inReady, p1.inReady);
  m.assign(hs.outValid, p2.outValid);
  m.assign(scaleO, p2.data.scale);
  m.assign(codesO, p2.data.codes);
  return m.build();
}
