// Modules shared by the hdl tests.
import { Prng } from '../../generator/util/prng';
import {
  type Expr,
  ModuleBuilder,
  type Module,
  caseOf,
  concat,
  leadingZeros,
  lit,
  maxTree,
  mux,
  pack,
  priority,
  select,
  signed,
  slit,
  sumTree,
} from '../../generator/hdl/index';

/** Deterministic bigint source for test vectors (the project PRNG). */
export function rng(seed: bigint): (bits: number) => bigint {
  const p = new Prng(Number(BigInt.asUintN(32, seed)));
  return (bits: number) => p.bits(bits);
}

/** A combinational module exercising every operator, with the DSL expression of each output. */
export function opsModule(): { module: Module; outputs: Map<string, Expr> } {
  const m = new ModuleBuilder('ops_sink', { doc: 'Every DSL operator once, for differential simulation.', config: { seed: 1 } });
  const a = m.input('a_i', 8, 'unsigned operand');
  const b = m.input('b_i', 5, 'unsigned operand');
  const s = m.input('s_i', signed(8), 'signed operand');
  const t = m.input('t_i', signed(6), 'signed operand');
  const n = m.input('n_i', 3, 'shift amount');
  const sel = m.input('sel_i', 2, 'case selector');
  const outputs = new Map<string, Expr>();
  const out = (name: string, e: Expr) => {
    outputs.set(name, e);
    m.assign(m.output(name, e.width), e);
  };
  out('add_uu_o', a.add(b));
  out('add_us_o', a.add(t).asUnsigned());
  out('sub_uu_o', a.sub(b).asUnsigned());
  out('sub_su_o', s.sub(a).asUnsigned());
  out('mul_uu_o', a.mul(b));
  out('mul_ss_o', s.mul(t).asUnsigned());
  out('mul_us_o', b.mul(s).asUnsigned());
  out('neg_o', s.neg().asUnsigned());
  out('bits_o', a.and(s.asUnsigned()).or(a.xor(lit(0x5a, 8))).not());
  out('shl_o', s.shl(3).asUnsigned());
  out('shr_o', s.shr(2).asUnsigned());
  out('shlv_o', a.shlBy(n));
  out('shrv_u_o', a.shrBy(n));
  out('shrv_s_o', s.shrBy(n).asUnsigned());
  out('shrv_mix_o', s.shrBy(n).add(t).trunc(7).asUnsigned()); // signed shift inside an expression
  out('cmp_o', concat(a.lt(s), s.lt(t), a.ge(b), s.le(slit(-3, 8)), t.gt(a), a.eq(b), s.ne(t), b.le(lit(31, 5))));
  out('red_o', concat(a.reduceAnd(), a.reduceOr(), s.reduceXor(), b.all(), b.any()));
  out('ext_o', concat(t.sext(10), b.zext(7), s.trunc(3).extend(5)));
  out('slice_o', a.add(s).slice(8, 3).asUnsigned()); // part-select of a compound expression
  out('mux_o', mux(a.bit(0), s, s.not()).asUnsigned());
  out('prio_o', priority([[a.bit(7), lit(1, 3)], [s.lt(0), lit(2, 3)], [b.eq(0), lit(3, 3)]], 0));
  out('case_o', caseOf(sel, [[0, a.slice(4, 0)], [[1, 2], b]], a.add(b).trunc(5)));
  out('select_o', select(n, [a.slice(3, 0), b.slice(3, 0), lit(5, 4), a.slice(7, 4), t.slice(3, 0)]));
  out('pack_o', pack(a.chunks(2).map((c, i) => (i % 2 ? c.not() : c))));
  out('repl_o', b.slice(1, 0).repeat(3));
  out('tosigned_o', a.toSigned().add(t).asUnsigned());
  out('lzc_o', leadingZeros(concat(a, b), 'lz'));
  out('max_o', maxTree([s, t.sext(8), slit(-100, 8), a.shr(1).toSigned().trunc(8)], 'mx').asUnsigned());
  out('sum_o', sumTree([a, b.zext(8), a.shr(3), lit(200, 8)]));
  return { module: m.build(), outputs };
}

/** NaN canonicalisation: a small module with a localparam, a doc'd wire and a marked-unused bit. */
export function nanBox(): Module {
  const m = new ModuleBuilder('nan_box', {
    doc: 'Replaces NaN codes by the canonical quiet NaN.\nPasses everything else through.',
    config: { lanes: 1, format: 'fp32', strict: true },
  });
  const x = m.input('x_i', 32, 'FP32 code');
  const en = m.input('en_i', 1);
  const y = m.output('y_o', 32, 'FP32 code, NaNs canonical');
  const isNan = m.let('is_nan', x.slice(30, 23).all().and(x.slice(22, 0).any()), 'exponent all ones, mantissa non-zero');
  const qnan = m.localparam('QNAN', 0x7fc00000, 32, 'canonical quiet NaN');
  m.assign(y, mux(isNan.and(en), qnan, x));
  m.unused(x.bit(31), 'the sign of a NaN is not kept');
  return m.build();
}

/**
 * The shape of an MX quantizer front end: per-lane FP32 exponents, their maximum (shared scale),
 * mantissas aligned to it with round-half-up, and a leading-zero count of a product sum.
 */
export function blockAlign(lanes: number): { module: Module; outputs: Map<string, Expr> } {
  const m = new ModuleBuilder(`block_align_l${lanes}`, { doc: 'Block exponent alignment probe.', config: { lanes } });
  const x = m.input('x_i', 32 * lanes, 'FP32 codes, lane i at [32i+31:32i]');
  const outputs = new Map<string, Expr>();
  const codes = x.chunks(32);
  const exps = codes.map((c, i) => m.let(`exp${i}`, c.slice(30, 23)));
  const amax = m.let('amax', maxTree(exps, 'amax'), 'shared block exponent');
  const aligned = codes.map((c, i) => {
    const dist = m.let(`dist${i}`, amax.sub(exps[i]!).trunc(8).asUnsigned(), 'amax - exp, >= 0');
    const shift = mux(dist.gt(24), lit(24, 5), dist.trunc(5));
    const man = concat(exps[i]!.any(), c.slice(22, 0)).zext(25); // hidden bit, one guard bit below
    const shifted = man.shl(1).trunc(25).shrBy(shift);
    const rounded = shifted.shr(1).add(shifted.bit(0)).trunc(24); // round half up
    return concat(c.bit(31), rounded.slice(23, 17));
  });
  const y = pack(aligned);
  outputs.set('y_o', y);
  m.assign(m.output('y_o', 8 * lanes, 'sign + 7 aligned magnitude bits per lane'), y);
  outputs.set('amax_o', amax);
  m.assign(m.output('amax_o', 8), amax);
  const prods = codes.map((c, i) => c.slice(7, 0).mul(codes[(i + 1) % lanes]!.slice(15, 8)));
  const total = sumTree(prods);
  const lz = leadingZeros(total, 'sum_lz');
  outputs.set('lz_o', lz);
  m.assign(m.output('lz_o', lz.width, 'leading zeros of the product sum'), lz);
  m.unused(x, 'lanes carry more than this probe reads');
  return { module: m.build(), outputs };
}
