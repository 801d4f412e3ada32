// Is a surviving mutant equivalent to the original? Shown with the formal flow of generator/formal, for all
// survivors of one module at once (one yosys run builds every miter):
//   1. the mutated module alone, when it is combinational: a miter of the original and the mutated module
//      (ABC &cec); equivalent there means equivalent everywhere;
//   2. otherwise (or when 1 finds a difference), every test top of the unit that contains the module, with the
//      original and the mutated module: a combinational top by &cec; a streaming top by a sequential miter
//      under the testbench's rules (reset first, offered beats held with their data), asserting equal
//      valid/ready outputs in every cycle and equal data outputs whenever out_valid; ABC PDR proves it for
//      every input sequence. Registers start at 0 in both copies (only valid beats are compared, and a data
//      register is loaded before a beat reads it).
//   A top may carry contexts (contexts.ts): a bound of the contract that the top gives the module, as a
//      combinational wrapper around the design's own modules. The mutant is tried there first (ABC &cec); when
//      that proves it, it stands for the top; otherwise the top's own miter runs.
// A mutant equivalent in every top but not alone is equivalent in the configurations tested (a difference that
// no input of those tops reaches), and the result says so.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Module, allModules, emitVerilog } from '../hdl/index';
import { abcCec, abcPdr, modelFile, prepareModels, readVerilog, type ModelJob } from '../formal/engines';
import { streamContract } from '../formal/contract';
import { pool } from '../util/pool';
import type { EquivContext } from './contexts';
import type { Mutant } from './operators';
import { range } from '../formal/wrapper';

export interface EquivResult {
  readonly equivalent: boolean;
  /** how: 'module ... alone (ABC &cec)', 'in <tops> (...)', or why not */
  readonly how: string;
}

/** Verilog of `top`'s hierarchy with every module name prefixed; `mutant` replaces its module. */
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
export function streamMiter(top: Module, gold: string, gate: string, name: string): string {
  const c = streamContract(top)!;
  const ich = c.inputs[0]!;
  const och = c.outputs[0]!;
  const free = c.ports.filter((p) => p.dir === 'input' && p.name !== c.clock && p.name !== c.reset);
  const outs = c.ports.filter((p) => p.dir === 'output');
  const L: string[] = ['`default_nettype none', `module ${name} (input wire ${c.clock}${free.map((p) => `, input wire ${range(p.width)}${p.name}`).join('')});`];
  L.push(`  reg init_q = 1'b1;`, `  always @(posedge ${c.clock}) init_q <= 1'b0;`, `  wire ${c.reset} = !init_q;`);
  for (const p of outs) L.push(`  wire ${range(p.width)}g_${p.name};`, `  wire ${range(p.width)}m_${p.name};`);
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

/** Mutants of `open` that the contexts prove (ABC &cec on each wrapper, for the same original and mutated module). */
export async function contextProofs(open: readonly Mutant[], contexts: readonly EquivContext[], dir: string, timeoutSeconds: number, parallel: number): Promise<Map<string, string>> {
  const proven = new Map<string, string>();
  for (const [ci, c] of contexts.entries()) {
    const todo = open.filter((m) => !proven.has(m.id));
    if (todo.length === 0) break;
    const sub = path.join(dir, `context${ci}`);
    mkdirSync(sub, { recursive: true });
    const design = (prefix: string, m?: Mutant) => {
      const texts = new Map<string, string>();
      for (const part of c.parts) for (const [name, text] of prefixedDesign(part, prefix, m)) texts.set(name, text);
      texts.set(`${prefix}ctx`, c.wrapper(prefix, `${prefix}ctx`));
      return texts;
    };
    const files = writeAll(sub, design('o_'));
    const jobs: ModelJob[] = todo.map((m, i) => {
      files.push(...writeAll(sub, design(`m${i}_`, m)));
      return { top: `cm${i}`, kind: 'aig', miter: { gold: 'o_ctx', gate: `m${i}_ctx` } };
    });
    const prep = await prepareModels(sub, [readVerilog(files)], jobs, timeoutSeconds * 4, 'context-miters');
    const rs = await pool(todo, parallel, async (_, i) => (prep.ok ? await abcCec(modelFile(sub, jobs[i]!), timeoutSeconds) : { status: 'error' as const }));
    todo.forEach((m, i) => {
      if (rs[i]!.status === 'proven') proven.set(m.id, c.label);
    });
  }
  return proven;
}

/** Equivalence of every mutant in `ms` (all of module `original`) alone and in `tops` (with their contexts, by top name). */
export async function checkEquivalences(
  ms: readonly Mutant[], original: Module, tops: readonly Module[], dir: string, timeoutSeconds = 300, parallel = 1,
  contexts: ReadonlyMap<string, readonly EquivContext[]> = new Map(),
): Promise<Map<string, EquivResult>> {
  const out = new Map<string, EquivResult>();
  if (ms.length === 0) return out;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const notes = new Map<string, string[]>(ms.map((m) => [m.id, []]));
  // per mutant, how each top was shown
  const via = new Map<string, string[]>(ms.map((m) => [m.id, []]));
  try {
    let open = [...ms];
    if (!original.hasClock) {
      const files = writeAll(dir, prefixedDesign(original, 'o_'));
      const jobs: ModelJob[] = [];
      open.forEach((m, i) => {
        files.push(...writeAll(dir, prefixedDesign(original, `m${i}_`, m)));
        jobs.push({ top: `mm${i}`, kind: 'aig', miter: { gold: `o_${original.name}`, gate: `m${i}_${original.name}` } });
      });
      const prep = await prepareModels(dir, [readVerilog(files)], jobs, timeoutSeconds * 4, 'module-miters');
      const next: Mutant[] = [];
      const rs = await pool(open, parallel, async (_, i) => (prep.ok ? await abcCec(modelFile(dir, jobs[i]!), timeoutSeconds) : { status: 'error' as const }));
      for (const [i, m] of open.entries()) {
        const r = rs[i]!;
        if (r.status === 'proven') out.set(m.id, { equivalent: true, how: `module ${original.name} alone (ABC &cec)` });
        else {
          notes.get(m.id)!.push(`module alone: ${r.status === 'failed' ? 'differs' : r.status}`);
          next.push(m);
        }
      }
      open = next;
    }
    if (open.length && tops.length === 0) for (const m of open) out.set(m.id, { equivalent: false, how: notes.get(m.id)!.join('; ') || 'no top to check it in' });
    for (const top of tops) {
      if (open.length === 0) break;
      const sub = path.join(dir, top.name);
      mkdirSync(sub, { recursive: true });
      const seq = top.hasClock;
      const method = seq ? 'ABC PDR, sequential miter' : 'ABC &cec';
      const mine = (contexts.get(top.name) ?? []).filter((c) => c.module === original.name);
      const byContext = mine.length ? await contextProofs(open, mine, path.join(sub, 'contexts'), timeoutSeconds, parallel) : new Map<string, string>();
      for (const [id, label] of byContext) via.get(id)!.push(`${top.name} by its context (${label}; ABC &cec)`);
      const passed = open.filter((m) => byContext.has(m.id));
      open = open.filter((m) => !byContext.has(m.id));
      if (open.length === 0) {
        open = passed;
        continue;
      }
      const files = writeAll(sub, prefixedDesign(top, 'o_'));
      const jobs: ModelJob[] = [];
      open.forEach((m, i) => {
        files.push(...writeAll(sub, prefixedDesign(top, `m${i}_`, m)));
        if (seq) {
          const w = path.join(sub, `eq${i}.v`);
          writeFileSync(w, streamMiter(top, `o_${top.name}`, `m${i}_${top.name}`, `eq${i}`));
          files.push(w);
          jobs.push({ top: `eq${i}`, kind: 'aig', zeroInit: true });
        } else jobs.push({ top: `tm${i}`, kind: 'aig', miter: { gold: `o_${top.name}`, gate: `m${i}_${top.name}` } });
      });
      const prep = await prepareModels(sub, [readVerilog(files)], jobs, timeoutSeconds * 4, 'top-miters');
      const next: Mutant[] = [];
      const rs = await pool(open, parallel, async (_, i) => {
        const f = modelFile(sub, jobs[i]!);
        return !prep.ok ? { status: 'error' as const, depth: undefined } : seq ? await abcPdr(f, timeoutSeconds) : await abcCec(f, timeoutSeconds);
      });
      for (const [i, m] of open.entries()) {
        const r = rs[i]!;
        if (r.status === 'proven') {
          next.push(m);
          via.get(m.id)!.push(`${top.name} (${method})`);
        } else {
          const why = r.status === 'failed' ? `differs in ${top.name}${seq && 'depth' in r && r.depth !== undefined ? ` (cycle ${r.depth})` : ''}` : `${top.name}: ${r.status}${prep.ok ? '' : ` (${prep.error})`}`;
          out.set(m.id, { equivalent: false, how: [...notes.get(m.id)!, why].join('; ') });
        }
      }
      open = [...passed, ...next];
    }
    for (const m of open) if (!out.has(m.id)) out.set(m.id, { equivalent: true, how: `in ${via.get(m.id)!.join(', ')}, not alone` });
    return out;
  } finally {
    if (!process.env.MXGEN_KEEP_EQUIV) rmSync(dir, { recursive: true, force: true });
  }
}
