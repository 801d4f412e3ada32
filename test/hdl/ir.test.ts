// IR snapshots (inline, reviewed by hand): explicit extends/truncs, hoisting, signedness in op names.
import { describe, expect, test } from 'vitest';
import { ModuleBuilder, caseOf, concat, lit, printModule, signed } from '../../generator/hdl/index';

describe('IR printer', () => {
  test('arithmetic: explicit extension, trunc pushed into modular ops, hoisted part-selects', () => {
    const m = new ModuleBuilder('ir_arith');
    const a = m.input('a_i', 8);
    const b = m.input('b_i', 8);
    const s = m.input('s_i', signed(8));
    m.assign(m.output('sum_o', 8), a.add(b).trunc(8));
    m.assign(m.output('lt_o', 1), a.lt(s));
    const d = a.sub(b);
    m.assign(m.output('d_o', 9), d.asUnsigned());
    m.assign(m.output('neg_o', 1), d.lt(0));
    m.assign(m.output('mid_o', 4), a.mul(b).slice(11, 8));
    m.unused(a.mul(b).named('prod').slice(3, 0), 'demo');
    expect(printModule(m.build().ir)).toBe(
      [
        '(module ir_arith',
        '  (input a_i u8)',
        '  (input b_i u8)',
        '  (input s_i s8)',
        '  (output sum_o u8)',
        '  (output lt_o u1)',
        '  (output d_o u9)',
        '  (output neg_o u1)',
        '  (output mid_o u4)',
        '  (net d_sub s9 temp)',
        '  (net mid_mul u12 temp)',
        '  (net prod u16 temp)',
        '  (net unused_prod u1 sink)',
        '  (net unused_dropped u1 sink)',
        '  (assign sum_o (add u8 a_i:u8 b_i:u8))',
        '  (assign lt_o (slt u1 (zext u9 a_i:u8) (sext s9 s_i:s8)))',
        '  (assign d_sub (sub s9 (zext u9 a_i:u8) (zext u9 b_i:u8)))',
        '  (assign d_o d_sub:s9)',
        '  (assign neg_o (slt u1 d_sub:s9 (const s9 0)))',
        '  (assign mid_mul (mul u12 (zext u12 a_i:u8) (zext u12 b_i:u8)))',
        '  (assign mid_o (slice u4 mid_mul:u12 11 8))',
        '  (assign prod (mul u16 (zext u16 a_i:u8) (zext u16 b_i:u8)))',
        '  (assign unused_prod (reduce-xor u1 (trunc u4 prod:u16)))',
        '  (assign unused_dropped (reduce-xor u1 (concat u20 (trunc u8 mid_mul:u12) (slice u12 prod:u16 15 4)))))',
      ].join('\n'),
    );
  });

  test('shifts, case, localparam and an enabled register without reset', () => {
    const m = new ModuleBuilder('ir_shift');
    const x = m.input('x_i', signed(8));
    const n = m.input('n_i', 3);
    const sel = m.input('sel_i', 2);
    m.assign(m.output('sra_o', 8), x.shrBy(n).asUnsigned());
    m.assign(m.output('mix_o', 9), x.shrBy(n).add(1).asUnsigned());
    m.assign(m.output('t_o', 4), caseOf(sel, [[0, x.slice(3, 0)], [[1, 3], x.slice(7, 4)]], lit(0, 4)));
    m.assign(m.output('c_o', 11), concat(x.shl(3).asUnsigned()));
    m.assign(m.output('e_o', 12), x.sext(12).asUnsigned());
    const r = m.reg('acc_q', 8, { reset: 'none' });
    const step = m.localparam('STEP', 3, 8, 'increment');
    m.next(r, r.add(step).trunc(8), { en: sel.eq(2) });
    m.assign(m.output('r_o', 8), r);
    expect(printModule(m.build().ir)).toBe(
      [
        '(module ir_shift',
        '  (input clk_i u1 clock)',
        '  (input x_i s8)',
        '  (input n_i u3)',
        '  (input sel_i u2)',
        '  (output sra_o u8)',
        '  (output mix_o u9)',
        '  (output t_o u4)',
        '  (output c_o u11)',
        '  (output e_o u12)',
        '  (output r_o u8)',
        '  (localparam STEP u8 3)',
        '  (net acc_q u8)',
        '  (net mix_shrby s8 temp)',
        '  (assign sra_o (ashr s8 x_i:s8 n_i:u3))',
        '  (assign mix_shrby (ashr s8 x_i:s8 n_i:u3))',
        '  (assign mix_o (add s9 (sext s9 mix_shrby:s8) (const s9 1)))',
        '  (case t_o sel_i:u2 (0 (trunc u4 x_i:s8)) (1 3 (slice u4 x_i:s8 7 4)) (default (const u4 0)))',
        '  (assign c_o (concat s11 x_i:s8 (const u3 0)))',
        '  (assign e_o (sext s12 x_i:s8))',
        '  (reg acc_q (no-reset) (en (eq u1 sel_i:u2 (const u2 2))) (add u8 acc_q:u8 (param u8 STEP)))',
        '  (assign r_o acc_q:u8))',
      ].join('\n'),
    );
  });

  test('shared subexpressions are named once; constants fold; slices compose through layout nodes', () => {
    const m = new ModuleBuilder('ir_share');
    const a = m.input('a_i', 4);
    const b = m.input('b_i', 4);
    const sum = a.add(b);
    m.assign(m.output('x_o', 5), sum.xor(sum.shl(1).trunc(5)));
    m.assign(m.output('y_o', 4), concat(a, b).slice(5, 2)); // {a[1:0], b[3:2]}
    m.assign(m.output('z_o', 1), a.ge(0)); // unsigned >= 0 folds to 1 (Verilator would flag it)
    expect(printModule(m.build().ir)).toBe(
      [
        '(module ir_share',
        '  (input a_i u4)',
        '  (input b_i u4)',
        '  (output x_o u5)',
        '  (output y_o u4)',
        '  (output z_o u1)',
        '  (net x_add u5 temp)',
        '  (assign x_add (add u5 (zext u5 a_i:u4) (zext u5 b_i:u4)))',
        '  (assign x_o (xor u5 x_add:u5 (concat u5 (trunc u4 x_add:u5) (const u1 0))))',
        '  (assign y_o (concat u4 (trunc u2 a_i:u4) (slice u2 b_i:u4 3 2)))',
        '  (assign z_o (const u1 1)))',
      ].join('\n'),
    );
  });
});
