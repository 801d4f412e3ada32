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
//
// Operands (operandContexts): when every output of a combinational module M is, everywhere in the top, an input
// of combinational consumers and read nowhere else (checked on the IR), the top sees M only through them. The
// wrapper holds M and, per (consumer, port) use, one consumer with M's output on that port and its other inputs
// free: equal there for all inputs means equal in the top (a consumer fed by two copies of M, as a sum of two
// products, is covered one port at a time). This is a proof, nothing is left to the regression.

import { type Module, allModules } from '../hdl/index';
import type { IrInstance } from '../hdl/ir';
import { inputFloat, type QuantInput } from '../rtl/quantizer/common';
import { range } from '../formal/wrapper';

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

/** True when `x` (any IR node, walked deeply) reads one of `nets`. */
function reads(x: unknown, nets: ReadonlySet<string>): boolean {
  if (x === null || typeof x !== 'object') return false;
  const o = x as { k?: unknown; name?: unknown };
  if (o.k === 'ref' && typeof o.name === 'string') return nets.has(o.name);
  return Object.values(x).some((v) => reads(v, nets));
}

/**
 * The operand context of module `m` in `top`: undefined unless every output net of every instance of m is read
 * only as the whole input of a combinational module's instance (and m itself is combinational).
 */
export function operandContext(top: Module, m: Module): EquivContext | undefined {
  if (m.hasClock) return undefined;
  const mods = new Map(allModules(top).map((x) => [x.name, x]));
  // (consumer, its port, m's output port) per use
  const uses = new Map<string, { consumer: Module; port: string; out: string }>();
  let seen = 0;
  for (const parent of mods.values()) {
    const insts = parent.ir.stmts.filter((s): s is IrInstance => s.k === 'instance' && s.module === m.name);
    if (insts.length === 0) continue;
    seen += insts.length;
    const outOf = new Map<string, string>(); // net -> m's output port
    for (const i of insts) for (const c of i.conns) if (c.dir === 'output') outOf.set(c.net, c.port);
    const nets = new Set(outOf.keys());
    if (parent.interface().ports.some((p) => nets.has(p.name))) return undefined; // an output of the parent
    for (const st of parent.ir.stmts) {
      if (st.k === 'instance') {
        for (const c of st.conns) {
          if (c.dir !== 'input' || !reads(c.expr, nets)) continue;
          const consumer = mods.get(st.module);
          if (!consumer || consumer.hasClock || c.expr.k !== 'ref') return undefined;
          const out = outOf.get(c.expr.name)!;
          uses.set(`${consumer.name}.${c.port}<-${out}`, { consumer, port: c.port, out });
        }
      } else if (reads(st, nets)) return undefined;
    }
  }
  if (seen === 0 || uses.size === 0) return undefined;
  const list = [...uses.values()];
  const ports = (x: Module, dir: 'input' | 'output') => x.interface().ports.filter((p) => p.dir === dir);
  const consumers = [...new Map(list.map((u) => [u.consumer.name, u.consumer])).values()];
  return {
    module: m.name,
    label: `operand use: every output of ${m.name} is read only as ${[...new Set(list.map((u) => `${u.consumer.name}.${u.port}`))].join(', ')}`,
    parts: [m, ...consumers],
    wrapper: (prefix, name) => {
      const ins = ports(m, 'input').map((p) => ({ name: `m_${p.name}`, width: p.width }));
      list.forEach((u, j) => ins.push(...ports(u.consumer, 'input').filter((p) => p.name !== u.port).map((p) => ({ name: `c${j}_${p.name}`, width: p.width }))));
      const outs = list.flatMap((u, j) => ports(u.consumer, 'output').map((p) => ({ name: `c${j}_${p.name}`, width: p.width })));
      const L = ['`default_nettype none', `module ${name} (`];
      [...ins.map((p) => `  input  wire ${range(p.width)}${p.name}`), ...outs.map((p) => `  output wire ${range(p.width)}${p.name}`)].forEach((l, i, a) => L.push(l + (i === a.length - 1 ? '' : ',')));
      L.push(');');
      for (const p of ports(m, 'output')) L.push(`  wire ${range(p.width)}p_${p.name};`);
      L.push(`  ${prefix}${m.name} u_m (${[...ports(m, 'input').map((p) => `.${p.name}(m_${p.name})`), ...ports(m, 'output').map((p) => `.${p.name}(p_${p.name})`)].join(', ')});`);
      list.forEach((u, j) => {
        const conns = [
          ...ports(u.consumer, 'input').map((p) => `.${p.name}(${p.name === u.port ? `p_${u.out}` : `c${j}_${p.name}`})`),
          ...ports(u.consumer, 'output').map((p) => `.${p.name}(c${j}_${p.name})`),
        ];
        L.push(`  ${prefix}${u.consumer.name} u_c${j} (${conns.join(', ')});`);
      });
      L.push('endmodule', '`default_nettype wire', '');
      return L.join('\n');
    },
  };
}

/** The operand contexts of every combinational module of `top` that has one. */
export function operandContexts(top: Module): EquivContext[] {
  return allModules(top).flatMap((m) => (m === top ? [] : (operandContext(top, m) ?? [])));
}
