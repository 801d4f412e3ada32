// fp32_add: IEEE-754 binary32 addition, round half to even, subnormals in and out (no flushing),
// canonical NaN 0x7fc00000 (formats.md section 4, step 4: acc = fp32(acc + r)). Combinational, or with
// internal register stages when a pipeline plan cuts inside it (hdl/lib/stager.ts).
//
// Classic single-path structure (each step ends at a stage point):
//   1. swap so |x| >= |y| (31-bit magnitude compare; on equality x = a);                     point 'order'
//   2. align y to x's exponent in a 27-bit frame {sig24, guard, round, sticky}; the bits shifted out
//      are ORed into the sticky bit (read through a thermometer mask of the shift amount, which
//      saturates at 31 >= 27: beyond that all of y is sticky);                                 point 'align'
//   3. add or subtract (28 bits: the carry bit on top; |x| >= |y| keeps the difference >= 0);  point 'sum'
//   4. normalize left by min(leading zeros, exponent of x), which stops at the subnormal exponent; point 'norm'
//   5. round the 24-bit window (guard bit and the OR of the bits below), and pack with the
//      ((exponent - 1) << 23) + significand trick, so a rounding carry moves into the exponent
//      field (next binade, subnormal -> min normal, overflow to Inf at field 255).             point 'out'
// Window of the normalized 28-bit sum z << shift: bits [27:4]; its exponent is ex + 1 - shift.
import { type Module, concat, leadingZeros, lit, mux, priority } from '../../hdl/index';
import { type StageSpec, UNSTAGED, stagedModule } from '../../hdl/lib/stager';
import { thermometer } from './shift';

export function fp32AddModule(spec: StageSpec = UNSTAGED): Module {
  return stagedModule(
    'fp32_add',
    {
      doc:
        'IEEE-754 binary32 addition sum_o = a_i + b_i: round half to even, subnormal inputs and outputs,\n' +
        'NaN in -> canonical NaN 0x7fc00000, Inf + -Inf = NaN, x + -x = +0, -0 + -0 = -0, overflow to +-Inf.\n' +
        'Stage points: order, align, sum, norm, out.',
      config: {},
    },
    spec,
    (m, st) => {
      const a = m.input('a_i', 32, 'FP32 addend');
      const b = m.input('b_i', 32, 'FP32 addend');
      const sumO = m.output('sum_o', 32, 'FP32 bits of a_i + b_i');

      // 1. order by magnitude
      const swap = m.let('swap', b.slice(30, 0).gt(a.slice(30, 0)), '|b| > |a|: b is the larger operand');
      const o = st.point('order', { x: m.let('x', mux(swap, b, a), 'operand of larger magnitude'), y: m.let('y', mux(swap, a, b), 'operand of smaller magnitude') });
      const { x, y } = o;
      const xSign = x.bit(31);
      const ySign = y.bit(31);
      const xNormal = m.let('x_normal', x.slice(30, 23).any(), 'x has a hidden one');
      const yNormal = m.let('y_normal', y.slice(30, 23).any(), 'y has a hidden one');
      // effective exponents: subnormals (field 0) have exponent 1
      const xExp = m.let('x_exp', concat(x.slice(30, 24), x.bit(23).or(xNormal.not())), 'max(x exponent field, 1)');
      const yExp = m.let('y_exp', concat(y.slice(30, 24), y.bit(23).or(yNormal.not())), 'max(y exponent field, 1)');
      const xSig = concat(xNormal, x.slice(22, 0), lit(0, 3)).named('x_frame'); // {sig24, g, r, s}
      const ySig = concat(yNormal, y.slice(22, 0), lit(0, 3)).named('y_frame');

      // 2. align y: shift right by the exponent difference, saturated at 31
      const expDiff = m.let('exp_diff', xExp.sub(yExp).trunc(8).asUnsigned(), 'x_exp - y_exp (>= 0)');
      const alignShift = m.let('align_shift', expDiff.slice(4, 0).or(expDiff.slice(7, 5).any().repeat(5)), 'min(exp_diff, 31)');
      const yShifted = m.let('y_shifted', ySig.shrBy(alignShift), 'y frame >> align_shift');
      // y frame bit k (k >= 3) is lost iff k < align_shift
      const gt = thermometer(alignShift, 27, 'align');
      const lostMask = concat(...Array.from({ length: 24 }, (_, i) => gt[26 - i] ?? lit(0, 1))).named('align_lost_mask');
      const alignSticky = m.let('align_sticky', y.slice(22, 0).and(lostMask.slice(22, 0)).any().or(yNormal.and(lostMask.bit(23))), 'a bit of y was shifted out');
      const yAligned = m.let('y_aligned', concat(yShifted.slice(26, 1), yShifted.bit(0).or(alignSticky)), 'aligned y with sticky bit');
      // specials: |x| >= |y|, so any NaN or Inf is in x
      const xNaN = m.let('x_nan', x.slice(30, 0).gt(0x7f800000), 'x (hence a_i or b_i) is NaN');
      const xInf = m.let('x_inf', x.slice(30, 0).eq(0x7f800000), 'x is +-Inf');
      const yInf = m.let('y_inf', y.slice(30, 0).eq(0x7f800000), 'y is +-Inf');
      const subtract0 = m.let('subtract', xSign.xor(ySign), 'effective subtraction');
      const nan0 = m.let('nan', xNaN.or(xInf.and(yInf).and(subtract0)), 'NaN operand or Inf - Inf');
      const al = st.point('align', { xSig, yAligned, xExp, xSign, ySign, subtract: subtract0, nan: nan0, xInf });

      // 3. add or subtract (x + ~y + 1 for the difference)
      const yOperand = mux(al.subtract, al.yAligned.zext(28).not(), al.yAligned.zext(28));
      const sum0 = m.let('sum', al.xSig.zext(28).add(yOperand).add(al.subtract).trunc(28), '|x| +- |y| aligned, 28 bits (bit 27: carry)');
      const s = st.point('sum', { sum: sum0, xExp: al.xExp, xSign: al.xSign, ySign: al.ySign, nan: al.nan, xInf: al.xInf });
      const sumZero = m.let('sum_zero', s.sum.any().not(), 'exact zero (cancellation or zero operands)');

      // 4. normalize, stopping at the subnormal exponent
      const lz = m.let('lz', leadingZeros(s.sum, 'lzc'), 'leading zeros of sum (28 when zero)');
      const normShift0 = m.let('norm_shift', mux(s.xExp.lt(lz), s.xExp.slice(4, 0), lz), 'min(lz, x_exp): left shift of sum');
      const normalized0 = m.let('normalized', s.sum.shlBy(normShift0), 'window [27:4], guard [3], sticky [2:0]');
      const finiteSign0 = m.let('finite_sign', mux(sumZero, s.xSign.and(s.ySign), s.xSign), 'sign: -0 only for -0 + -0; else the larger operand');
      const n = st.point('norm', { normalized: normalized0, normShift: normShift0, xExp: s.xExp, sumZero, finiteSign: finiteSign0, xSign: s.xSign, nan: s.nan, xInf: s.xInf });

      // 5. round and pack
      const guard = n.normalized.bit(3);
      const sticky = n.normalized.slice(2, 0).any();
      const window = n.normalized.slice(27, 4);
      const roundUp = m.let('round_up', guard.and(sticky.or(window.bit(0))), 'round half to even');
      const rounded = m.let('rounded', window.add(roundUp), 'rounded significand, up to 2^24');
      const expField = m.let(
        'exp_field',
        n.xExp.sub(n.normShift).add(rounded.slice(24, 23)),
        'exponent field: x_exp - norm_shift (window exponent - 1) + rounding carry',
      );
      const overflow = m.let('overflow', expField.gt(254), 'rounds beyond the largest finite value');
      const finite = m.let(
        'finite',
        priority([[n.sumZero, 0], [overflow, 0x7f800000]], concat(expField.slice(7, 0), rounded.slice(22, 0))),
        'magnitude of a finite-operand sum',
      );
      const result = mux(n.nan, lit(0x7fc00000, 32), mux(n.xInf, concat(n.xSign, lit(0x7f800000, 31)), concat(n.finiteSign, finite)));
      m.assign(sumO, st.finish({ sum: result }).sum);
    },
  );
}
