// fp32_round_m<M>_e<E>: (-1)^sign * mag * 2^exp rounded once to FP32 (round half to even, gradual
// underflow, overflow to Inf), the last step of every MX dot product (formats.md section 4, step 2).
//
// One left shift places both normal and subnormal results: the 24-bit significand window starts at the
// leading one of mag (normal) or at the bit of weight 2^-126 (subnormal), whichever is higher. With
// X = {25'b0, mag}, the window is X'[W+24:W+1], the guard bit X'[W] and the sticky bits X'[W-1:0] of
// X' = X << shamt, shamt = min(lz + 25, W + 150 + exp) (clamped at 0; W = magWidth):
//   normal    (biased exponent be = exp + W + 126 - lz >= 1): shamt = lz + 25
//   subnormal (be <= 0): shamt = W + 150 + exp, which is below lz + 25, so the window's MSB is 0.
// Only the 25 kept bits are built by the shifter; the sticky bit is the OR of the mag bits that the
// shift leaves below the guard (mag[i] with i + shamt < W), read through a thermometer mask.
// Packing: with N = window + round-up (up to 2^24), the FP32 bits are ((be - 1 or 0) << 23) + N, so the
// rounding carry moves into the exponent field by itself (next binade, subnormal -> min normal,
// max finite -> Inf once the exponent field reaches 255).
import { type Module, clog2, concat, leadingZeros, lit, mux } from '../../hdl/index';
import { type StageSpec, UNSTAGED, stagedModule } from '../../hdl/lib/stager';
import { shiftLeftTop, thermometer } from './shift';

export function fp32RoundModule(magWidth: number, expWidth: number, spec: StageSpec = UNSTAGED): Module {
  if (!Number.isInteger(magWidth) || magWidth < 1) throw new Error(`fp32RoundModule: magWidth must be an integer >= 1, got ${magWidth}`);
  if (!Number.isInteger(expWidth) || expWidth < 2 || expWidth > 24)
    throw new Error(`fp32RoundModule: expWidth must be an integer in 2..24, got ${expWidth}`);
  const W = magWidth;
  return stagedModule(
    `fp32_round_m${W}_e${expWidth}`,
    {
      doc:
        `Rounds (-1)^sign_i * mag_i * 2^exp_i (exp_i two's complement) once to FP32: round half to even,\n` +
        `gradual underflow, overflow to +-Inf. mag_i = 0 gives +0 whatever sign_i.\nStage points: lz, shamt, shift, round, out.`,
      config: { magWidth, expWidth },
    },
    spec,
    (m, st) => {
      const sign = m.input('sign_i', 1, 'sign of the value');
      const mag = m.input('mag_i', W, 'magnitude, unsigned integer');
      const exp = m.input('exp_i', { width: expWidth, signed: true }, 'weight of mag_i bit 0: value = mag_i * 2^exp_i');
      const result = m.output('result_o', 32, 'FP32 bits of the rounded value');

      const nonzero0 = m.let('nonzero', mag.any(), 'mag_i != 0');
      const lz0 = m.let('lz', leadingZeros(mag, 'lzc'), 'leading zeros of mag_i (W when 0)');
      const a = st.point('lz', { sign: sign.and(nonzero0), mag, exp, nonzero: nonzero0, lz: lz0 });
      // biased exponent of the leading one: floor(log2 value) + 127
      const be0 = m.let('be', a.exp.add(lit(W + 126, clog2(W + 127))).sub(a.lz), 'biased exponent if the result were normal');
      const isNormal0 = m.let('is_normal', be0.gt(0), 'the leading one lies at or above 2^-126');

      // shift amount (0 .. W+25)
      const shW = clog2(W + 26);
      const subShift = m.let('sub_shift', a.exp.add(lit(W + 150, clog2(W + 151))), 'W + 150 + exp_i: shift that puts 2^-126 at the window MSB');
      const subShiftSat = mux(subShift.lt(0), lit(0, shW), subShift.resize(shW + 1).trunc(shW).asUnsigned());
      const shamt0 = m.let('shamt', mux(isNormal0, a.lz.add(lit(25, 5)).resize(shW), subShiftSat), 'left shift of {25 zeros, mag_i}');
      const expBase0 = m.let('exp_base', mux(isNormal0.and(a.nonzero), be0.sub(1), 0), 'exponent field before the rounding carry');
      const b = st.point('shamt', { sign: a.sign, mag: a.mag, shamt: shamt0, expBase: expBase0 });

      const framed = concat(lit(0, 25), b.mag).named('framed');
      const top0 = m.let('top', shiftLeftTop(framed, b.shamt, 25, 'sh'), 'significand window (24 bits) and guard bit');
      // sticky: mag[i] ends below the guard iff i + shamt < W, i.e. !(shamt > W-1-i)
      const above = thermometer(b.shamt, W, 'shamt');
      const belowGuard = m.let(
        'below_guard',
        concat(...Array.from({ length: W }, (_, k) => {
          const t = above[k]; // bit W-1-k of the mask: shamt > k means mag[W-1-k] stays at or above the guard
          return t === null || t === undefined ? lit(1, 1) : t.not();
        })),
        'bit i: mag_i[i] lands below the guard (i + shamt < W)',
      );
      const sticky0 = m.let('sticky', b.mag.and(belowGuard).any(), 'a mag_i bit below the guard is set');
      const c = st.point('shift', { sign: b.sign, top: top0, sticky: sticky0, expBase: b.expBase });
      const sig = c.top.slice(24, 1);
      const guard = c.top.bit(0);
      const roundUp = m.let('round_up', guard.and(c.sticky.or(sig.bit(0))), 'round half to even');
      const rounded0 = m.let('rounded', sig.add(roundUp), 'N: rounded significand, up to 2^24');
      const d = st.point('round', { sign: c.sign, rounded: rounded0, expBase: c.expBase });
      const expField = m.let('exp_field', d.expBase.add(d.rounded.slice(24, 23)), 'exponent field incl. the rounding carry');
      const overflow = m.let('overflow', expField.gt(254), 'rounds beyond the largest finite value');
      const magnitude = mux(overflow, lit(0x7f800000, 31), concat(expField.slice(7, 0), d.rounded.slice(22, 0)));
      m.assign(result, st.finish({ r: concat(d.sign, magnitude) }).r);
    },
  );
}
