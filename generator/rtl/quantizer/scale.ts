// Shared-scale selection (contract section 2) as a combinational module:
//   amax_i (magnitude bits of the block maximum) + special_i -> scale_o (E8M0 code), se_o (clamped shared exponent).
// floor: shared_exp = floor(log2 amax) - emax_elem, with floor(log2 amax) read from the exponent field, or
//        from a leading-zero count of the fraction when amax is an FP32/BF16 subnormal.
// rceil: shared_exp = floor(log2 amax) - floor(log2 max_normal) + (significand(amax) > significand(max_normal)),
//        i.e. the smallest e with amax <= max_normal * 2^e; the significands are compared as integers.
// Then clamp to [E8M0.minExp, E8M0.maxExp]; scale_o = 0xFF when special_i, 0x00 when amax_i = 0, else se + bias.

import { concat, leadingZeros, lit, mux, priority, type Expr, type Module } from '../../hdl';
import { type StageSpec, UNSTAGED, stagedModule } from '../../hdl/lib/stager';
import { emaxElem, floorLog2, maxNormal, pow2, type FormatName, type FormatSpec, FORMAT_TABLE, E8M0 } from '../../golden';
import type { ScaleMode } from '../../golden/scale';
import { signedWidth } from '../common/unpacked';
import { formatId } from '../../formats/table';
import { inputFloat, SE_SHAPE, type InputFloat, type QuantInput } from './common';

/** The constants of the rceil comparison: max normal = mNormInt * 2^(pM - manBits of the input). */
export interface RceilConstants {
  /** floor(log2 max_normal) */
  readonly pM: number;
  /** max normal's significand as an integer with the input's fraction width (hidden bit included). */
  readonly mNormInt: number;
}

export function rceilConstants(f: FormatSpec, inp: InputFloat): RceilConstants {
  const mn = maxNormal(f);
  const pM = floorLog2(mn);
  const mNormInt = mn * pow2(inp.manBits - pM);
  if (!Number.isInteger(mNormInt) || mNormInt >= 2 ** (inp.manBits + 1)) {
    throw new Error(`${f.name}: max normal ${mn} needs more significand bits than ${inp.name} has`);
  }
  return { pM, mNormInt };
}

export function sharedScaleName(format: FormatName, scaleMode: ScaleMode, input: QuantInput): string {
  return `${formatId(format)}_scale_${scaleMode}_${input}`;
}

export function sharedScaleModule(format: FormatName, scaleMode: ScaleMode, input: QuantInput, spec: StageSpec = UNSTAGED): Module {
  const f = FORMAT_TABLE[format];
  const inp = inputFloat(input);
  const W = inp.width;
  const manW = inp.manBits;
  const emax = emaxElem(f);
  return stagedModule(sharedScaleName(format, scaleMode, input), {
    doc: [
      `Shared E8M0 scale of a ${format} block from its maximum magnitude (${inp.name.toUpperCase()} bits), scale mode ${scaleMode}.`,
      scaleMode === 'floor'
        ? `se = floor(log2 amax) - ${emax} (emax_elem), clamped to [${E8M0.minExp}, ${E8M0.maxExp}].`
        : `se = the smallest e with amax <= max_normal * 2^e (significands compared exactly), clamped to [${E8M0.minExp}, ${E8M0.maxExp}].`,
      `scale_o = 0x${E8M0.nanCode.toString(16).toUpperCase()} when special_i, 0x00 when amax_i = 0, else se + ${E8M0.bias}.`,
      'se_o is the clamped shared exponent for any amax_i (special and zero blocks included); it is what the element encoders use.',
      ...(scaleMode === 'floor' ? ['Floor mode reads only floor(log2 amax_i): any magnitude in the binade of the block maximum gives the same result.'] : []),
      'Stage points: lz, pa, out.',
    ].join('\n'),
    config: { format, scaleMode, input },
  }, spec, (m, st) => {
    const amax = m.input('amax_i', W - 1, `magnitude bits of the block maximum (${inp.name} without its sign)`);
    const special = m.input('special_i', 1, 'the block holds a NaN or an Inf');
    const scaleO = m.output('scale_o', E8M0.bits, 'E8M0 scale code');
    const seO = m.output('se_o', SE_SHAPE, 'clamped shared exponent (signed)');

    const e0 = amax.slice(W - 2, manW);
    const frac0 = amax.slice(manW - 1, 0);
    const lzLive: Record<string, Expr> = {
      e: e0,
      special,
      eNZ: m.let('e_nz', e0.any(), 'amax is a normal number'),
      fracNZ: m.let('frac_nz', frac0.any(), 'fraction of amax is not zero'),
      lz: m.let('frac_lz', leadingZeros(frac0, 'lzc'), 'leading zeros of the fraction (subnormal amax)'),
    };
    if (scaleMode === 'rceil') lzLive['frac'] = frac0; // the floor rule never reads the fraction again
    const a = st.point('lz', lzLive);
    const [e, eNZ, fracNZ, lz] = [a['e']!, a['eNZ']!, a['fracNZ']!, a['lz']!];
    const frac = a['frac'] ?? frac0;

    // floor(log2 amax): e - bias for normals; msb(frac) - (bias + manW - 1) = -bias - lz for subnormals
    const pAMin = -inp.bias - manW;
    const pAMax = 2 ** inp.expBits - 1 - inp.bias;
    const PA = signedWidth(pAMin, pAMax);
    const pA = m.let(
      'p_amax',
      mux(eNZ, e.sub(inp.bias).resize(PA), lit(-inp.bias, { width: PA, signed: true }).sub(lz).resize(PA)),
      'floor(log2 amax)',
    );

    let seU: Expr;
    let seUMin: number;
    let seUMax: number;
    if (scaleMode === 'floor') {
      seU = pA.sub(emax);
      seUMin = pAMin - emax;
      seUMax = pAMax - emax;
    } else {
      const { pM, mNormInt } = rceilConstants(f, inp);
      // amax's significand with its leading one at bit manW (normalised when amax is subnormal)
      const sigNorm = m.let(
        'sig_norm',
        mux(eNZ, concat(lit(1, 1), frac), concat(lit(0, 1), frac).shlBy(lz.add(1))),
        'significand of amax, leading one at the top',
      );
      const mnorm = m.localparam('MAX_NORMAL_SIG', mNormInt, manW + 1, `significand of max normal ${maxNormal(f)} (= 2^${pM} * ${mNormInt}/2^${manW})`);
      const above = m.let('sig_above', sigNorm.gt(mnorm), 'amax significand above max normal significand: one more binade');
      seU = pA.sub(pM).add(above.zext(1));
      seUMin = pAMin - pM;
      seUMax = pAMax - pM + 1;
    }
    const SU = signedWidth(seUMin, seUMax);
    const b = st.point('pa', { seUn: m.let('se_unclamped', seU.resize(SU), 'shared exponent before the E8M0 clamp'), special: a['special']!, zero: eNZ.or(fracNZ).not() });
    const seUn = b.seUn;
    const se = m.let(
      'se',
      priority(
        [
          [seUn.lt(E8M0.minExp), lit(E8M0.minExp, SE_SHAPE)],
          [seUn.gt(E8M0.maxExp), lit(E8M0.maxExp, SE_SHAPE)],
        ],
        seUn.resize(SE_SHAPE.width).asSigned(),
      ),
      'clamped shared exponent',
    );
    const code = se.add(E8M0.bias).trunc(E8M0.bits).asUnsigned();
    const out = st.finish({ se, scale: priority([[b.special, lit(E8M0.nanCode, E8M0.bits)], [b.zero, lit(0, E8M0.bits)]], code) });
    m.assign(seO, out.se);
    m.assign(scaleO, out.scale);
  });
}
