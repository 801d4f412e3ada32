// bf16_mul_fp32: the product of two BF16 values rounded once to FP32, as in the `bf16` baseline of
// formats.md section 4 (exact unless it under- or overflows). The 8x8-bit significand product is exact;
// fp32_round_m16_e10 rounds it (subnormal results, overflow to Inf). Combinational, or with internal
// register stages when a pipeline plan cuts inside it (stage points: prod, u_round/*, rounded, out).
import { type Module, concat, lit, mux } from '../../hdl/index';
import { type StageSpec, UNSTAGED, stagedModule } from '../../hdl/lib/stager';
import { fp32RoundModule } from './round';

/** Bits of the signed exponent of the significand product: expA + expB - 268 lies in [-266, 240]. */
const PRODUCT_EXP_WIDTH = 10;

export function bf16MulModule(spec: StageSpec = UNSTAGED): Module {
  return stagedModule(
    'bf16_mul_fp32',
    {
      doc:
        'a_i * b_i for BF16 inputs, rounded once to FP32 (round half to even, subnormal results, overflow to Inf).\n' +
        'NaN in or Inf * 0 -> canonical NaN 0x7fc00000; the sign of a zero or Inf product is sign(a) ^ sign(b).',
      config: {},
    },
    spec,
    (m, st) => {
      const a = m.input('a_i', 16, 'BF16 factor');
      const b = m.input('b_i', 16, 'BF16 factor');
      const product = m.output('product_o', 32, 'FP32 bits of a_i * b_i');

      const unpack = (x: typeof a, n: string) => {
        const normal = m.let(`${n}_normal`, x.slice(14, 7).any(), `${n} has a hidden one`);
        return {
          sig: m.let(`${n}_sig`, concat(normal, x.slice(6, 0)), `significand of ${n} (integer, weight 2^(exp-134))`),
          exp: m.let(`${n}_exp`, concat(x.slice(14, 8), x.bit(7).or(normal.not())), `max(${n} exponent field, 1)`),
          nan: m.let(`${n}_nan`, x.slice(14, 0).gt(0x7f80), `${n} is NaN`),
          inf: m.let(`${n}_inf`, x.slice(14, 0).eq(0x7f80), `${n} is +-Inf`),
          zero: m.let(`${n}_zero`, x.slice(14, 0).eq(0), `${n} is +-0`),
        };
      };
      const ua = unpack(a, 'a');
      const ub = unpack(b, 'b');
      const p = st.point('prod', {
        sign: m.let('sign', a.bit(15).xor(b.bit(15)), 'sign of the product'),
        sigProduct: m.let('sig_product', ua.sig.mul(ub.sig), 'exact 16-bit significand product'),
        prodExp: m.let('prod_exp', ua.exp.add(ub.exp).toSigned().sub(268).resize(PRODUCT_EXP_WIDTH), 'weight of sig_product bit 0: exp_a + exp_b - 2*127 - 2*7'),
        nan: m.let('nan', ua.nan.or(ub.nan).or(ua.inf.and(ub.zero)).or(ub.inf.and(ua.zero)), 'NaN operand or Inf * 0'),
        inf: m.let('inf', ua.inf.or(ub.inf), 'Inf operand (and no NaN)'),
      });
      const u = st.instance((s: StageSpec) => fp32RoundModule(16, PRODUCT_EXP_WIDTH, s), 'u_round', { sign_i: lit(0, 1), mag_i: p.sigProduct, exp_i: p.prodExp });
      const r = st.point('rounded', { rounded: u.out('result_o'), sign: p.sign, nan: p.nan, inf: p.inf });
      m.unused(r.rounded.bit(31), 'the sign is applied here (zero products keep sign(a) ^ sign(b))');
      const out = mux(r.nan, lit(0x7fc00000, 32), concat(r.sign, mux(r.inf, lit(0x7f800000, 31), r.rounded.slice(30, 0))));
      m.assign(product, st.finish({ product: out }).product);
    },
  );
}
