// Is a surviving mutant equivalent to the original? Shown with the formal flow of generator/formal:
//   1. the mutated module alone, when it is combinational: a miter of the original and the mutated module
//      (ABC cec); equivalent there means equivalent everywhere;
//   2. otherwise (or when 1 finds a difference), every test top of the unit that contains the module, with the
//      original and the mutated module: a combinational top by cec; a streaming top by a sequential miter
//      under the testbench's rules (reset first, offered beats held with their data), asserting equal
//      valid/ready outputs in every cycle and equal data outputs whenever out_valid; ABC PDR proves it for
//      every input sequence. Registers start at 0 in both copies (only valid beats are compared, and a data
//      register is loaded before a beat reads it).
// A mutant equivalent in every top but not alone is equivalent in the configurations tested (a difference that
// no input of those tops reaches), and the report says so.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Module, allModules, emitVerilog } from '../hdl/index';
import { abcPdr, cecMiter, modelFile, prepareModels, readVerilog, type ModelJob } from '../formal/engines';
import { streamContract } from '../formal/contract';
import type { Mutant } from './operators';

export interface EquivResult {
  readonly equivalent: boolean;
  /** how: 'module (cec)', 'in <top> (PDR)', or why not */
  readonly how: string;
  readonly seconds: number;
}

const range = (w: number): string => (w === 1 ? '' : `[${w - 1}:0] `);

/** The hierarchy of `top` as Verilog with every module name prefixed; `mutant` replaces its module. */
function prefixedDesign(top: Module, prefix: string, mutant?: Mutant): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of allModules(top)) out.set(prefix + m.name, emitVerilog(mutant && m.name === mutant.module ? mutant.ir : m.ir, { prefix }));
  return out;
}

function writeAll(dir: string, texts: Map<string, string>): string[] {
  return [...texts].map(([name, text]) => {
    const f = path.join(dir, `${name}.v`);
    writeFileSync(f, text);
    return f;
  });
}

/** Sequential miter of two copies of a streaming top under the stream rules. */
function streamMiter(top: Module, gold: string, gate: string, name: string): string {
  const c = streamContract(top)!;
  const ich = c.inputs[0]!;
  const och = c.outputs[0]!;
  const free = c.ports.filter((p) => p.dir === 'input' && p.name !== c.clock && p.name !== c.reset);
  const outs = c.ports.filter((p) => p.dir === 'output');
  const L: string[] = ['`default_nettype none', `module ${name} (input wire ${c.clock}${free.map((p) => `, input wire ${range(p.width)}${p.name}`).join('')});`];
  L.push(`  reg init_q = 1'b1;`, `  always @(posedge ${c.clock}) init_q <= 1'b0;`, `  wire ${c.reset} = !init_q;`);
  for (const p of outs) L.push(`  wire ${range(p.width)}g_${p.name}, ${range(p.width)}m_${p.name};`);
  const conns = (pre: string) => c.ports.map((p) => `.${p.name}(${p.dir === 'output' ? pre + p.name : p.name})`).join(', ');
  L.push(`  ${gold} ug (${conns('g_')});`, `  ${gate} um (${conns('m_')});`);
  const data = ich.data.map((p) => p.name);
  const cat = data.length === 1 ? data[0]! : `{${data.join(', ')}}`;
  const inW = ich.data.reduce((w, p) => w + p.width, 0);
  L.push(`  reg wait_q = 1'b0;`, `  reg ${range(inW)}data_q;`);
  L.push(`  always @(posedge ${c.clock}) begin wait_q <= ${c.reset} && ${ich.valid} && !g_${ich.ready}; data_q <= ${cat}; end`);
  L.push(`  always @(*) if (wait_q) begin assume(${ich.valid}); assume(${cat} == data_q); end`);
  for (const p of [ich.ready, och.valid]) L.push(`  always @(*) if (${c.reset}) assert(g_${p} == m_${p});`);
  for (const p of och.data) L.push(`  always @(*) if (${c.reset} && g_${och.valid}) assert(g_${p.name} == m_${p.name});`);
  L.push('endmodule', '`default_nettype wire', '');
  return L.join('\n');
}

export async function checkEquivalence(m: Mutant, original: Module, tops: readonly Module[], dir: string, timeoutSeconds = 300): Promise<EquivResult> {
  const t0 = performance.now();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const elapsed = () => (performance.now() - t0) / 1000;
  try {
    const notes: string[] = [];
    if (!original.hasClock) {
      const files = [...writeAll(dir, prefixedDesign(original, 'o_')), ...writeAll(dir, prefixedDesign(original, 'm_', m))];
      const r = await cecMiter(dir, [readVerilog(files)], `o_${original.name}`, `m_${original.name}`, timeoutSeconds, 'module_miter');
      if (r.status === 'proven') return { equivalent: true, how: `module ${original.name} alone (ABC cec)`, seconds: elapsed() };
      notes.push(`module alone: ${r.status === 'failed' ? 'differs' : r.status}`);
    }
    for (const top of tops) {
      const sub = path.join(dir, top.name);
      mkdirSync(sub, { recursive: true });
      const files = [...writeAll(sub, prefixedDesign(top, 'o_')), ...writeAll(sub, prefixedDesign(top, 'm_', m))];
      if (!top.hasClock) {
        const r = await cecMiter(sub, [readVerilog(files)], `o_${top.name}`, `m_${top.name}`, timeoutSeconds, 'top_miter');
        if (r.status !== 'proven') return { equivalent: false, how: [...notes, `${top.name}: ${r.status === 'failed' ? 'differs' : r.status}`].join('; '), seconds: elapsed() };
        continue;
      }
      const w = path.join(sub, 'eq_top.v');
      writeFileSync(w, streamMiter(top, `o_${top.name}`, `m_${top.name}`, 'eq_top'));
      const job: ModelJob = { top: 'eq_top', kind: 'aig', zeroInit: true };
      const prep = await prepareModels(sub, [readVerilog([...files, w])], [job], timeoutSeconds, 'eq');
      if (!prep.ok) return { equivalent: false, how: [...notes, `${top.name}: yosys ${prep.error}`].join('; '), seconds: elapsed() };
      const r = await abcPdr(modelFile(sub, job), timeoutSeconds);
      if (r.status !== 'proven')
        return { equivalent: false, how: [...notes, `${top.name}: ${r.status === 'failed' ? `differs (cycle ${r.depth})` : r.status}`].join('; '), seconds: elapsed() };
    }
    return { equivalent: true, how: `in ${tops.map((t) => t.name).join(', ')} (${tops.some((t) => t.hasClock) ? 'ABC PDR sequential miter' : 'ABC cec'})${notes.length ? `; ${notes.join('; ')}` : ''}`, seconds: elapsed() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

