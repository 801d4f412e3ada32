// Element decoder: code_i -> the unpacked form of generator/rtl/common/unpacked.ts (combinational).
//   sign_o, sig_o (unsigned, sigWidth bits), exp_o (signed, expWidth bits): |value| = sig * 2^exp;
//   is_zero_o, is_nan_o, is_inf_o. Zero, NaN and Inf codes give sig_o = 0 and exp_o = expMin.
// Float formats: the regions of regionLayout() top down; a code in region r (magnitude >= its base code)
// gives sig = {1, low manBits of the code} and exp = (code >> manBits) + emin - 1 - manBits; codes below the
// lowest region are the linear floor: sig = the code, exp = the floor quantum. For MXSF this is the mode
// select: ee != 00 -> E2M5 (6-bit sig), ee == 00 -> FP5 E3M2 (3-bit sig) or its floor.
// Integer formats: sig = |n|, exp = -fracBits.

import { ModuleBuilder, concat, lit, mux, priority, type Expr, type Module } from '../../hdl';
import { codeBits, maxMagCode, regionLayout, FORMAT_TABLE, type FormatName } from '../../golden';
import { signedWidth, unpackedLayout } from '../common/unpacked';
import { formatId } from '../../formats/table';

export const decoderName = (format: FormatName): string => `${formatId(format)}_decode`;

export function decoderModule(format: FormatName): Module {
  const f = FORMAT_TABLE[format];
  const B = codeBits(f);
  const lay = unpackedLayout(f);
  const sExp = { width: lay.expWidth, signed: true } as const;
  const m = new ModuleBuilder(decoderName(format), {
    doc: [
      `Element decoder of ${format}: code_i -> sign, sig, exp (|value| = sig * 2^exp) and zero/NaN/Inf flags.`,
      `sig_o is ${lay.sigWidth} bits unsigned, exp_o ${lay.expWidth} bits signed in [${lay.expMin}, ${lay.expMax}];`,
      'zero, NaN and Inf codes give sig_o = 0, exp_o = expMin.',
      f.kind === 'float' && f.subnormal.kind === 'fp'
        ? `Mode select: exponent field != 0 -> wide-mantissa E${f.expBits}M${f.manBits}; == 0 -> subnormal-FP E${f.subnormal.expBits}M${f.subnormal.manBits} (bias ${f.subnormal.bias}).`
        : '',
      'Combinational.',
    ].filter(Boolean).join('\n'),
    config: { format },
  });
  const code = m.input('code_i', B, `${format} element code`);
  const signO = m.output('sign_o', 1, 'sign');
  const sigO = m.output('sig_o', lay.sigWidth, 'unsigned significand');
  const expO = m.output('exp_o', sExp, 'signed exponent of the significand LSB');
  const zeroO = m.output('is_zero_o', 1, 'the code is a zero');
  const nanO = m.output('is_nan_o', 1, 'the code is NaN');
  const infO = m.output('is_inf_o', 1, 'the code is +-Inf');

  if (f.kind === 'int') {
    const sign = code.msb();
    const mag = m.let('mag', mux(sign, lit(0, B).sub(code).trunc(B).asUnsigned(), code), '|n| (2^(bits-1) for the most negative code)');
    m.assign(signO, sign);
    m.assign(sigO, mag.resize(lay.sigWidth));
    m.assign(expO, lit(-f.fracBits, sExp));
    m.assign(zeroO, code.any().not());
    m.assign(nanO, lit(0, 1));
    m.assign(infO, lit(0, 1));
    return m.build();
  }

  const { regions, floorQuantumExp, floorManBits } = regionLayout(f);
  const sign = code.msb();
  const mag = code.slice(B - 2, 0);
  const MB = B - 1;
  const arms = regions.map((r, i) => {
    const cond = m.let(`in_r${i}`, mag.ge(r.baseCode), `code in region ${i} (2^${r.emin} and up, ${r.manBits} mantissa bits)`);
    const sig = concat(lit(1, 1), mag.slice(r.manBits - 1, 0)).resize(lay.sigWidth);
    const field = mag.slice(MB - 1, r.manBits);
    const off = r.emin - 1 - r.manBits; // exp = field + off
    const expW = signedWidth(Math.min(0, off), 2 ** field.width - 1 + Math.max(0, off));
    const exp: Expr = field.zext(expW).asSigned().add(off).resize(lay.expWidth);
    return { cond, sig, exp };
  });
  const sigF = mag.slice(floorManBits - 1, 0).resize(lay.sigWidth);
  const expF = lit(floorQuantumExp, sExp);
  const isZero = m.let('zero', mag.any().not(), 'magnitude code 0');
  let isNaN: Expr = lit(0, 1);
  let isInf: Expr = lit(0, 1);
  const maxMag = maxMagCode(f);
  if (f.specials !== 'none') {
    const special = m.let('special', mag.gt(maxMag), 'code above the largest finite magnitude');
    if (f.specials === 'ieee') {
      const manZero = mag.slice(f.manBits - 1, 0).any().not();
      isInf = m.let('inf', special.and(manZero), 'Inf: all-ones exponent, zero mantissa');
      isNaN = m.let('nan', special.and(manZero.not()), 'NaN: all-ones exponent, non-zero mantissa');
    } else {
      isNaN = special;
    }
    const sig = priority([[special, lit(0, lay.sigWidth)], ...arms.map((a) => [a.cond, a.sig] as const)], sigF);
    const exp = priority([[special, lit(lay.expMin, sExp)], ...arms.map((a) => [a.cond, a.exp] as const)], expF);
    m.assign(sigO, m.let('sig', sig, 'significand'));
    m.assign(expO, m.let('exp', exp, 'exponent of the LSB'));
  } else {
    m.assign(sigO, m.let('sig', priority(arms.map((a) => [a.cond, a.sig] as const), sigF), 'significand'));
    m.assign(expO, m.let('exp', priority(arms.map((a) => [a.cond, a.exp] as const), expF), 'exponent of the LSB'));
  }
  m.assign(signO, sign);
  m.assign(zeroO, isZero);
  m.assign(nanO, isNaN);
  m.assign(infO, isInf);
  return m.build();
}
