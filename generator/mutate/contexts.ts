// Equivalence within the inputs a configuration can give a module (equiv.ts, between "alone" and "in each top").
// A mutant can differ in its module alone yet not for any input its unit feeds it. When that rests on a bound of
// the contract that a whole streaming top carries through many cycles, PDR on the top may not find the invariant
// in time. A context states the bound as a small combinational wrapper around the design's own modules, whose
// output is the mutated module's output where the bound holds and 0 elsewhere; ABC &cec then compares the wrapper
// with the original and with the mutated module.
//
// rceil (contract 2): se is the smallest e with amax <= max_normal * 2^e, so no element of the block scales past
// max normal and the encoder's saturation path is never taken. The wrapper feeds the encoder an element x and
// the se that the design's own scale module computes from a block maximum a with |x| <= a, a finite. What it
// leaves to the regression: that the tile pairs every element with the maximum of its own tile.

import { type Module, allModules } from '../hdl/index';
import { inputFloat, type QuantInput } from '../rtl/quantizer/common';

export interface EquivContext {
  /** the module whose mutants this context can show equivalent */
  readonly module: string;
  /** the bound, for the report */
  readonly label: string;
  /** the modules the wrapper instantiates (the mutated one among them), each without submodules */
  readonly parts: readonly Module[];
  /** Verilog of the wrapper module `name`, instantiating each part as `${prefix}${part.name}` */
  wrapper(prefix: string, name: string): string;
}

const range = (w: number): string => (w === 1 ? '' : `[${w - 1}:0] `);

function portWidth(m: Module, port: string): number {
  const p = m.interface().ports.find((x) => x.name === port);
  if (!p) throw new Error(`context: module ${m.name} has no port ${port}`);
  return p.width;
}

const hasPorts = (m: Module, names: readonly string[]): boolean => names.every((n) => m.interface().ports.some((p) => p.name === n));

/** The rceil contexts of a top: one per element encoder fed by a shared-scale module in its hierarchy; none for floor. */
export function rceilContexts(top: Module, scaleMode: string, input: QuantInput): EquivContext[] {
  if (scaleMode !== 'rceil') return [];
  const mods = allModules(top);
  const scale = mods.find((m) => hasPorts(m, ['amax_i', 'special_i', 'scale_o', 'se_o']));
  if (!scale) return [];
  return mods.filter((m) => hasPorts(m, ['x_i', 'se_i', 'code_o'])).map((enc) => rceilContext(scale, enc, input));
}

/** The rceil bound for an element encoder fed by a shared-scale module (their port names as in generator/rtl/quantizer). */
export function rceilContext(scale: Module, encoder: Module, input: QuantInput): EquivContext {
  const f = inputFloat(input);
  const mag = f.width - 1;
  const codeW = portWidth(encoder, 'code_o');
  const seW = portWidth(scale, 'se_o');
  const scaleW = portWidth(scale, 'scale_o');
  if (portWidth(scale, 'amax_i') !== mag || portWidth(encoder, 'x_i') !== f.width) throw new Error(`context: ${scale.name} / ${encoder.name} do not take ${input}`);
  const expHi = f.width - 2;
  const expLo = f.manBits;
  return {
    module: encoder.name,
    label: `rceil bound: every element no larger than its block's finite maximum, se from ${scale.name}`,
    parts: [scale, encoder],
    wrapper: (prefix, name) => [
      '`default_nettype none',
      `module ${name} (`,
      `  input  wire ${range(f.width)}x,     // one element`,
      `  input  wire ${range(mag)}a,     // the block maximum (magnitude bits)`,
      `  output wire ${range(codeW)}code   // the element's code where the bound holds, else 0`,
      ');',
      `  wire signed ${range(seW)}se;`,
      `  wire        ${range(scaleW)}scale_unused;`,
      `  wire        ${range(codeW)}c;`,
      `  // the bound: |x| <= a (bit order is value order for magnitudes), a neither NaN nor Inf`,
      `  wire        in_bound = (x[${mag - 1}:0] <= a) && !(&a[${expHi}:${expLo}]);`,
      `  ${prefix}${scale.name} u_scale (.amax_i(a), .special_i(1'b0), .scale_o(scale_unused), .se_o(se));`,
      `  ${prefix}${encoder.name} u_enc (.x_i(x), .se_i(se), .code_o(c));`,
      `  assign code = in_bound ? c : ${codeW}'d0;`,
      'endmodule',
      '`default_nettype wire',
      '',
    ].join('\n'),
  };
}
