// FP32 -> BF16 rounding, half to even (formats.md section 4, baseline bf16): the BF16 array's drain stores its
// results as BF16 tiles (the next layer's stored input) with this, element by element. A NaN becomes the
// canonical NaN; a carry out of the mantissa rounds into the exponent (up to +-Inf), as fp32BitsToBf16Bits does.

import { type Module, ModuleBuilder, lit, mux } from '../../hdl/index';

let cached: Module | undefined;

export function fp32ToBf16Module(): Module {
  if (cached) return cached;
  const m = new ModuleBuilder('fp32_to_bf16', {
    doc: 'y_o = the BF16 pattern of x_i rounded half to even; NaN -> 0x7FC0 (canonical). Combinational.',
  });
  const x = m.input('x_i', 32, 'FP32 bits');
  const upper = x.slice(31, 16);
  const lower = x.slice(15, 0);
  const nan = m.let('is_nan', x.slice(30, 23).all().and(x.slice(22, 0).any()), 'x is a NaN');
  const up = m.let('round_up', lower.gt(0x8000).or(lower.eq(0x8000).and(upper.bit(0))), 'the dropped half rounds up (ties to even)');
  const rounded = mux(up, upper.add(1).trunc(16), upper);
  m.assign(m.output('y_o', 16, 'BF16 bits'), mux(nan, lit(0x7fc0, 16), rounded));
  cached = m.build();
  return cached;
}
