// Generated formal wrappers around a streaming module: Verilog with immediate assert/assume/cover
// (Yosys `read_verilog -formal`) driven by the stream contract of contract.ts, never written per unit.
//
// The environment (assumptions):
//   - reset is asserted in the first cycle and released after it (the DUT's reset is driven by the wrapper);
//   - on every input channel an offered beat stays offered, with the same data, until accepted
//     (AXI-stream rule); data assumptions are only made for the properties that read data.
// Everything else (valid, data, ready on every cycle) is free.
//
// Properties (one per wrapper, so each gets its own result and time):
//   valid-held        out_valid && !out_ready  =>  out_valid in the next cycle
//   data-stable       out_valid && !out_ready  =>  the output data ports unchanged in the next cycle
//   no-output-without-input
//                     out_valid only when a beat is owed: owed = L * (complete input transactions) - output
//                     beats so far (plus, when out_valid depends combinationally on in_valid, the transaction
//                     the offered input beat completes);
//   no-extra-output   an accepted output beat never makes the output count exceed what the accepted inputs
//                     owe (no duplicate, nothing produced without input, counted);
//   no-loss           an owed beat leaves within `latency` cycles in which out_ready is high (a lost or
//                     stuck transaction leaves a beat owed forever);
//   bounded-occupancy the owed count stays below the wrapper counter's range (finite buffering: a DUT that
//                     accepts without end while the output is blocked loses beats);
//   input-progress    with every out_ready high and every input offering a beat, in_ready is low for at most
//                     `progress` consecutive cycles (no deadlock; a join may wait for its other input).
// Covers (non-vacuity): an output beat is delivered; an output beat is held under back-pressure then delivered.

import type { Channel, StreamContract } from './contract';

export type PropertyKind =
  | 'valid-held'
  | 'data-stable'
  | 'no-output-without-input'
  | 'no-extra-output'
  | 'no-loss'
  | 'bounded-occupancy'
  | 'input-progress'
  | 'cover-output'
  | 'cover-held-output';

export interface PropertyRef {
  readonly kind: PropertyKind;
  /** output channel index (properties of an output) */
  readonly out?: number;
  /** input channel index (properties of an input, or of an input/output pair) */
  readonly in?: number;
}

export interface WrapperBounds {
  /** no-loss: ready cycles an owed beat may wait */
  readonly latency: number;
  /** input-progress: consecutive out_ready cycles in_ready may stay low */
  readonly progress: number;
  /** bits of the owed-beat counters (bounded-occupancy checks they never get near the top) */
  readonly counterBits?: number;
}

/** Whether the property reads output data (then input data is assumed stable, too). */
export const readsData = (k: PropertyKind): boolean => k === 'data-stable';
export const isCover = (k: PropertyKind): boolean => k.startsWith('cover-');

/** Every property of a contract, in report order. */
export function allProperties(c: StreamContract): PropertyRef[] {
  const out: PropertyRef[] = [];
  c.outputs.forEach((_, o) => {
    out.push({ kind: 'valid-held', out: o }, { kind: 'data-stable', out: o });
    c.inputs.forEach((_, i) => out.push({ kind: 'no-output-without-input', in: i, out: o }, { kind: 'no-extra-output', in: i, out: o }, { kind: 'bounded-occupancy', in: i, out: o }));
    out.push({ kind: 'no-loss', out: o });
  });
  c.inputs.forEach((_, i) => out.push({ kind: 'input-progress', in: i }));
  c.outputs.forEach((_, o) => out.push({ kind: 'cover-output', out: o }, { kind: 'cover-held-output', out: o }));
  return out;
}

export function propertyLabel(c: StreamContract, p: PropertyRef): string {
  const o = p.out !== undefined ? c.outputs[p.out]!.name : undefined;
  const i = p.in !== undefined ? c.inputs[p.in]!.name : undefined;
  const multi = c.inputs.length > 1 || c.outputs.length > 1;
  if (!multi) return p.kind;
  return `${p.kind} (${[i, o].filter(Boolean).join(' -> ')})`;
}

const bitsFor = (n: number): number => Math.max(1, Math.ceil(Math.log2(n + 1)));

/** `{a, b, c}` of a channel's data ports (MSB first), or undefined when it carries none. */
function dataConcat(ch: Channel): { expr: string; width: number } | undefined {
  if (ch.data.length === 0) return undefined;
  const width = ch.data.reduce((w, p) => w + p.width, 0);
  const names = ch.data.map((p) => p.name);
  return { expr: names.length === 1 ? names[0]! : `{${[...names].reverse().join(', ')}}`, width };
}

/** A declaration's range with its trailing space, none for one bit: `[7:0] `. */
export const range = (w: number): string => (w === 1 ? '' : `[${w - 1}:0] `);

/** Clock, reset and the valid/ready ports of every channel. */
export function controlPorts(c: StreamContract) {
  const names = new Set([c.clock, c.reset, ...[...c.inputs, ...c.outputs].flatMap((ch) => [ch.valid, ch.ready])]);
  return c.ports.filter((p) => names.has(p.name));
}

export const controlShellName = (c: StreamContract): string => `ctl_${c.top}`;

/**
 * `ctl_<top>`: the DUT with only its control ports; the data inputs are left undriven (free in every cycle
 * once yosys' setundef -anyseq has run) and the data outputs unread, so flattening and opt_clean leave the
 * valid/ready logic alone. Control properties proven on it hold for any input data.
 */
export function controlShell(c: StreamContract): Wrapper {
  const top = controlShellName(c);
  const ports = controlPorts(c);
  const decl = ports.map((p) => `  ${p.dir} wire ${range(p.width)}${p.name}`);
  return {
    top,
    text: [
      `// Control shell of ${c.top} (generator/formal/wrapper.ts): data inputs free, data outputs unread.`,
      '`default_nettype none',
      `module ${top} (`,
      decl.join(',\n'),
      ');',
      `  ${c.top} dut (${ports.map((p) => `.${p.name}(${p.name})`).join(', ')});`,
      'endmodule',
      '`default_nettype wire',
      '',
    ].join('\n'),
  };
}

export interface Wrapper {
  readonly top: string;
  readonly text: string;
}

/**
 * The wrapper module `formal_<top>` checking one property of `c`. Its ports are the DUT's free inputs
 * (every input but clock and reset); the clock is the wrapper's `clk_i`.
 */
export function handshakeWrapper(c: StreamContract, prop: PropertyRef, bounds: WrapperBounds, name = `formal_${c.top}`): Wrapper {
  const top = name;
  const L: string[] = [];
  const withData = readsData(prop.kind);
  const visible = withData ? c.ports : controlPorts(c);
  const free = visible.filter((p) => p.dir === 'input' && p.name !== c.clock && p.name !== c.reset);
  const outs = visible.filter((p) => p.dir === 'output');
  const PW = bounds.counterBits ?? 8;

  L.push(`// Formal wrapper of ${c.top}: ${propertyLabel(c, prop)}. Generated by generator/formal/wrapper.ts.`);
  L.push('`default_nettype none');
  L.push(`module ${top} (`);
  L.push(`  input wire ${c.clock}${free.length ? ',' : ''}`);
  free.forEach((p, i) => L.push(`  input wire ${range(p.width)}${p.name}${i === free.length - 1 ? '' : ','}`));
  L.push(');');
  for (const p of outs) L.push(`  wire ${range(p.width)}${p.name};`);
  L.push('');
  L.push('  // reset in the first cycle only');
  L.push('  reg init_q = 1\'b1;');
  L.push(`  always @(posedge ${c.clock}) init_q <= 1'b0;`);
  L.push(`  wire ${c.reset} = !init_q;`);
  L.push('');
  // control properties drive the control shell (controlShell below): the datapath is not in the model at all
  const dut = withData ? c.top : controlShellName(c);
  const conns = (withData ? c.ports : controlPorts(c)).map((p) => `.${p.name}(${p.name})`);
  L.push(`  ${dut} dut (${conns.join(', ')});`);
  L.push('');

  // ---- environment: offered input beats stay offered, with their data, until accepted ----
  c.inputs.forEach((ch, i) => {
    const d = dataConcat(ch);
    L.push(`  // input channel ${ch.name}: an offered beat stays until accepted`);
    L.push(`  reg in${i}_wait_q = 1'b0;`);
    L.push(`  always @(posedge ${c.clock}) in${i}_wait_q <= ${c.reset} && ${ch.valid} && !${ch.ready};`);
    L.push(`  always @(*) if (in${i}_wait_q) assume(${ch.valid});`);
    if (withData && d) {
      L.push(`  reg ${range(d.width)}in${i}_data_q;`);
      L.push(`  always @(posedge ${c.clock}) in${i}_data_q <= ${d.expr};`);
      L.push(`  always @(*) if (in${i}_wait_q) assume(${d.expr} == in${i}_data_q);`);
    }
    L.push(`  wire in${i}_fire = ${c.reset} && ${ch.valid} && ${ch.ready};`);
  });
  c.outputs.forEach((ch, o) => L.push(`  wire out${o}_fire = ${c.reset} && ${ch.valid} && ${ch.ready};`));
  L.push('');

  const k = prop.kind;
  const o = prop.out ?? 0;
  const i = prop.in ?? 0;
  const och = c.outputs[o]!;
  const ich = c.inputs[i]!;

  // ---- transaction counting (input i -> output o) ----
  const counting = k === 'no-output-without-input' || k === 'no-extra-output' || k === 'bounded-occupancy' || k === 'no-loss';
  const pairs: [number, number][] = k === 'no-loss' ? c.inputs.map((_, ii) => [ii, o]) : [[i, o]];
  if (counting) {
    for (const [ii, oo] of pairs) {
      const ch = c.inputs[ii]!;
      const out = c.outputs[oo]!;
      const PH = bitsFor(ch.beats);
      L.push(`  // beats owed on ${out.name} for the transactions accepted on ${ch.name} (${ch.beats} in, ${out.beats} out each)`);
      L.push(`  reg [${PH - 1}:0] ph${ii}_q = ${PH}'d0;`);
      L.push(`  wire done${ii} = in${ii}_fire && ph${ii}_q == ${PH}'d${ch.beats - 1};`);
      L.push(`  wire last${ii} = ${ch.valid} && ph${ii}_q == ${PH}'d${ch.beats - 1};`);
      L.push(`  always @(posedge ${c.clock}) if (!${c.reset}) ph${ii}_q <= ${PH}'d0; else if (in${ii}_fire) ph${ii}_q <= done${ii} ? ${PH}'d0 : ph${ii}_q + ${PH}'d1;`);
      L.push(`  reg [${PW - 1}:0] owed${ii}_${oo}_q = ${PW}'d0;`);
      L.push(`  wire [${PW - 1}:0] gain${ii}_${oo} = done${ii} ? ${PW}'d${out.beats} : ${PW}'d0;`);
      L.push(`  always @(posedge ${c.clock}) if (!${c.reset}) owed${ii}_${oo}_q <= ${PW}'d0;`);
      L.push(`    else owed${ii}_${oo}_q <= owed${ii}_${oo}_q + gain${ii}_${oo} - (out${oo}_fire ? ${PW}'d1 : ${PW}'d0);`);
    }
  }

  L.push('');
  switch (k) {
    case 'valid-held':
    case 'data-stable':
    case 'cover-held-output': {
      const d = dataConcat(och);
      L.push(`  reg out${o}_hold_q = 1'b0;`);
      L.push(`  always @(posedge ${c.clock}) out${o}_hold_q <= ${c.reset} && ${och.valid} && !${och.ready};`);
      if (k === 'valid-held') L.push(`  always @(*) if (${c.reset} && out${o}_hold_q) assert(${och.valid});`);
      else if (k === 'data-stable') {
        if (!d) throw new Error(`${c.top}: output channel ${och.name} carries no data`);
        L.push(`  reg ${range(d.width)}out${o}_data_q;`);
        L.push(`  always @(posedge ${c.clock}) out${o}_data_q <= ${d.expr};`);
        L.push(`  always @(*) if (${c.reset} && out${o}_hold_q) assert(${d.expr} == out${o}_data_q);`);
      } else L.push(`  always @(*) if (${c.reset}) cover(out${o}_hold_q && out${o}_fire);`);
      break;
    }
    case 'cover-output':
      L.push(`  always @(*) if (${c.reset}) cover(out${o}_fire);`);
      break;
    case 'no-output-without-input': {
      // a combinational path from in_valid to out_valid may show the offered beat before it is accepted
      const comb = c.combPaths.get(och.valid)?.has(ich.valid) ?? false;
      const offered = comb ? ` + (last${i} ? ${PW + 1}'d${och.beats} : ${PW + 1}'d0)` : '';
      L.push(`  wire [${PW}:0] owed_now = {1'b0, owed${i}_${o}_q}${offered};`);
      L.push(`  always @(*) if (${c.reset} && ${och.valid}) assert(owed_now != ${PW + 1}'d0);`);
      break;
    }
    case 'no-extra-output':
      L.push(`  always @(*) if (out${o}_fire) assert({1'b0, owed${i}_${o}_q} + {1'b0, gain${i}_${o}} != ${PW + 1}'d0);`);
      break;
    case 'bounded-occupancy': {
      const max = 2 ** PW - 1 - och.beats;
      L.push(`  always @(*) assert(owed${i}_${o}_q <= ${PW}'d${max});`);
      break;
    }
    case 'no-loss': {
      const SW = bitsFor(bounds.latency + 1);
      const owedAll = pairs.map(([ii, oo]) => `owed${ii}_${oo}_q != ${PW}'d0`).join(' && ');
      L.push(`  // ready cycles an owed beat has waited without an output beat`);
      L.push(`  reg [${SW - 1}:0] starve_q = ${SW}'d0;`);
      L.push(`  wire owed_any = ${owedAll};`);
      L.push(`  always @(posedge ${c.clock})`);
      L.push(`    if (!${c.reset} || out${o}_fire || !owed_any) starve_q <= ${SW}'d0;`);
      L.push(`    else if (${och.ready} && starve_q != ${SW}'d${2 ** SW - 1}) starve_q <= starve_q + ${SW}'d1;`);
      L.push(`  always @(*) assert(starve_q <= ${SW}'d${bounds.latency});`);
      break;
    }
    case 'input-progress': {
      const SW = bitsFor(bounds.progress + 1);
      const readyAll = c.outputs.map((x) => x.ready).join(' && ');
      const validAll = c.inputs.map((x) => x.valid).join(' && ');
      L.push(`  // consecutive cycles with every output ready, every input offering a beat, and in_ready low`);
      L.push(`  reg [${SW - 1}:0] block_q = ${SW}'d0;`);
      L.push(`  always @(posedge ${c.clock})`);
      L.push(`    if (!${c.reset} || ${ich.ready} || !(${readyAll}) || !(${validAll})) block_q <= ${SW}'d0;`);
      L.push(`    else if (block_q != ${SW}'d${2 ** SW - 1}) block_q <= block_q + ${SW}'d1;`);
      L.push(`  always @(*) assert(block_q <= ${SW}'d${bounds.progress});`);
      break;
    }
  }
  L.push('endmodule');
  L.push('`default_nettype wire');
  return { top, text: L.join('\n') + '\n' };
}
