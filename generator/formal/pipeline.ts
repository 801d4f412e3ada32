// A pipelined stream module against its depth-0 version, in two parts:
//
//  1. datapath (every k, the reference k = 32 included): the depth-d design with every datapath register
//     (a register without reset, IR `reg` with reset null) replaced by a wire carrying its D input, so its data
//     outputs are a combinational function of its data inputs, checked equal to the depth-0 design's by a
//     combinational miter (ABC cec). The two are built by the same generator code, so structural hashing
//     merges most of the miter and the check is quick even for the largest PE. It shows the register cuts
//     change nothing but timing; it cannot see a register loaded at the wrong time.
//  2. timing (small k): the real depth-d design and the depth-0 design side by side in a scoreboard wrapper:
//     the depth-0 result of every accepted input beat is queued, and every output beat of the depth-d design
//     must equal the head of the queue. Bounded model checking (ABC bmc3) to the stated depth, with random
//     valid/ready on both sides. The valid/ready control and the stage plan do not depend on k (only data
//     widths do), so this covers the register enables and the beat order of every k.

import type { IrModule, IrStmt } from '../hdl/ir';
import { type Module, allModules, emitVerilog } from '../hdl/index';
import type { StreamContract } from './contract';
import { range } from './wrapper';

/**
 * Verilog of every module under `top` with datapath registers made wires, names prefixed with `prefix`;
 * `replace` substitutes the IR of one module (a mutant, in the tests).
 */
export function transparentDesign(top: Module, prefix: string, replace?: IrModule): Map<string, string> {
  const out = new Map<string, string>();
  for (const m0 of allModules(top)) {
    const m = { ir: replace && replace.name === m0.name ? replace : m0.ir, name: m0.name };
    const stmts: IrStmt[] = m.ir.stmts.map((s) => (s.k === 'reg' && s.reset === null ? { k: 'assign', target: s.target, expr: s.d } : s));
    const ir: IrModule = { ...m.ir, stmts };
    out.set(prefix + m.name, emitVerilog(ir, { prefix }));
  }
  return out;
}

/** Number of datapath registers (reset-less) in the hierarchy, counted per module definition. */
export function datapathRegisters(top: Module): number {
  return allModules(top).reduce((n, m) => n + m.ir.stmts.filter((s) => s.k === 'reg' && s.reset === null).length, 0);
}

/**
 * `<name>`: the data ports of a stream module only (clock 0, reset released, in_valid 1, out_ready 1), so two
 * designs with different handshake behaviour can be compared on their data outputs.
 */
export function dataView(c: StreamContract, module: string, name: string): string {
  const hs = new Set([c.clock, c.reset, ...[...c.inputs, ...c.outputs].flatMap((ch) => [ch.valid, ch.ready])]);
  const data = c.ports.filter((p) => !hs.has(p.name));
  const tie = (p: (typeof c.ports)[number]): string => {
    if (p.name === c.clock) return `1'b0`;
    if (p.name === c.reset) return `1'b1`;
    if (c.inputs.some((ch) => ch.valid === p.name) || c.outputs.some((ch) => ch.ready === p.name)) return `1'b1`;
    return '';
  };
  const conns = c.ports.map((p) => `.${p.name}(${hs.has(p.name) ? tie(p) : p.name})`);
  return [
    '`default_nettype none',
    `module ${name} (${data.map((p) => `${p.dir} wire ${range(p.width)}${p.name}`).join(', ')});`,
    `  ${module} u (${conns.join(', ')});`,
    'endmodule',
    '`default_nettype wire',
    '',
  ].join('\n');
}

/**
 * The scoreboard wrapper `<name>`: `gate` (the pipelined design, contract c) and `gold` (the depth-0 design with
 * the same ports) on the same inputs. A queue of `capacity` entries holds the gold outputs of accepted beats;
 * every gate output beat must match the head (and the queue must not overflow or be empty then).
 * Reset in the first cycle only; offered input beats stay offered with their data until accepted.
 */
export interface DataRestriction {
  readonly port: string;
  /** the low `free` bits vary freely; the bits above are fixed to `fixed`'s */
  readonly free: number;
  readonly fixed: bigint;
}

export function scoreboardWrapper(c: StreamContract, gate: string, gold: string, capacity: number, name: string, restrict: readonly DataRestriction[] = []): string {
  if (c.inputs.length !== 1 || c.outputs.length !== 1) throw new Error(`${c.top}: the scoreboard handles one input and one output channel`);
  const ich = c.inputs[0]!;
  const och = c.outputs[0]!;
  if (ich.beats !== 1 || och.beats !== 1) throw new Error(`${c.top}: the scoreboard handles one beat per transaction`);
  const free = c.ports.filter((p) => p.dir === 'input' && p.name !== c.clock && p.name !== c.reset);
  const W = och.data.reduce((w, p) => w + p.width, 0);
  const cat = (ps: readonly { name: string }[], pre = ''): string => (ps.length === 1 ? `${pre}${ps[0]!.name}` : `{${[...ps].reverse().map((p) => pre + p.name).join(', ')}}`);
  const inW = ich.data.reduce((w, p) => w + p.width, 0);
  const CB = Math.max(1, Math.ceil(Math.log2(capacity + 2)));
  const L: string[] = [];
  L.push(`// Scoreboard: ${gate} against ${gold} (generator/formal/pipeline.ts).`);
  L.push('`default_nettype none');
  L.push(`module ${name} (`);
  L.push(`  input wire ${c.clock}${free.length ? ',' : ''}`);
  free.forEach((p, i) => L.push(`  input wire ${range(p.width)}${p.name}${i === free.length - 1 ? '' : ','}`));
  L.push(');');
  L.push(`  reg init_q = 1'b1;`);
  L.push(`  always @(posedge ${c.clock}) init_q <= 1'b0;`);
  L.push(`  wire ${c.reset} = !init_q;`);
  for (const p of c.ports.filter((x) => x.dir === 'output')) L.push(`  wire ${range(p.width)}${p.name};`);
  for (const p of och.data) L.push(`  wire ${range(p.width)}gold_${p.name};`);
  L.push(`  ${gate} dut (${c.ports.map((p) => `.${p.name}(${p.name})`).join(', ')});`);
  const goldConns = c.ports.map((p) => {
    if (p.name === ich.valid || p.name === och.ready) return `.${p.name}(1'b1)`;
    if (p.name === ich.ready || p.name === och.valid) return `.${p.name}()`;
    if (och.data.some((d) => d.name === p.name)) return `.${p.name}(gold_${p.name})`;
    return `.${p.name}(${p.name})`;
  });
  L.push(`  ${gold} ref (${goldConns.join(', ')});`);
  L.push(`  reg in_wait_q = 1'b0;`);
  L.push(`  reg ${range(inW)}in_data_q;`);
  L.push(`  always @(posedge ${c.clock}) begin in_wait_q <= ${c.reset} && ${ich.valid} && !${ich.ready}; in_data_q <= ${cat(ich.data)}; end`);
  L.push(`  always @(*) if (in_wait_q) begin assume(${ich.valid}); assume(${cat(ich.data)} == in_data_q); end`);
  for (const r of restrict) {
    const p = c.ports.find((x) => x.name === r.port);
    if (!p || r.free >= p.width) continue;
    const hi = (r.fixed >> BigInt(r.free)) & ((1n << BigInt(p.width - r.free)) - 1n);
    L.push(`  always @(*) assume(${p.name}[${p.width - 1}:${r.free}] == ${p.width - r.free}'h${hi.toString(16)});`);
  }
  L.push(`  wire in_fire = ${c.reset} && ${ich.valid} && ${ich.ready};`);
  L.push(`  wire out_fire = ${c.reset} && ${och.valid} && ${och.ready};`);
  L.push(`  wire ${range(W)}expect_now = ${cat(och.data, 'gold_')};`);
  L.push(`  wire ${range(W)}actual = ${cat(och.data)};`);
  L.push(`  // the queue: entry 0 is the oldest`);
  L.push(`  reg [${CB - 1}:0] n_q = ${CB}'d0;`);
  for (let e = 0; e < capacity; e++) L.push(`  reg ${range(W)}e${e}_q;`);
  L.push(`  wire [${CB - 1}:0] n_pop = n_q - (out_fire ? ${CB}'d1 : ${CB}'d0);`);
  L.push(`  always @(posedge ${c.clock}) begin`);
  L.push(`    if (!${c.reset}) n_q <= ${CB}'d0; else n_q <= n_pop + (in_fire ? ${CB}'d1 : ${CB}'d0);`);
  for (let e = 0; e < capacity; e++) {
    const shifted = e + 1 < capacity ? `e${e + 1}_q` : `e${e}_q`;
    const kept = `(out_fire ? ${shifted} : e${e}_q)`;
    L.push(`    e${e}_q <= (in_fire && n_pop == ${CB}'d${e}) ? expect_now : ${kept};`);
  }
  L.push('  end');
  L.push(`  // a depth-0 design shows the offered beat in the same cycle: it is compared with the gold output directly`);
  L.push(`  wire ${range(W)}head = (n_q == ${CB}'d0) ? expect_now : e0_q;`);
  L.push(`  always @(*) if (out_fire) assert(actual == head);`);
  L.push(`  always @(*) if (out_fire) assert(n_q != ${CB}'d0 || in_fire);`);
  L.push(`  always @(*) assert(n_q <= ${CB}'d${capacity});`);
  L.push('endmodule');
  L.push('`default_nettype wire');
  return L.join('\n') + '\n';
}
