// Equivalence of each generated reduction tree (pe_tree_*) with a behavioural sum of the same terms.
//
// A tree is found in a PE's hierarchy by its contract: a module whose configuration has the integers
// termWidth, k, sumWidth, magWidth and the flag corrections, with ports terms_i (k terms of termWidth bits,
// two's complement), neg_i (k bits, present when corrections), neg_o and mag_o. The behavioural model is
//   sum   = sum_i sext(term_i) + sum_i neg_i      (modulo 2^sumWidth, as the tree computes it)
//   neg_o = sum[sumWidth-1],   mag_o = (neg_o ? -sum : sum) in sumWidth+1 bits, truncated to magWidth
// written with Verilog '+' (what the architecture stands for), and the miter spec(x) != tree(x) is handed to
// ABC's combinational equivalence checker (`cec`: SAT sweeping over the AIG of the miter).

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Module, allModules } from '../hdl/index';
import type { IrModule } from '../hdl/ir';
import type { SumSpec } from './algebra';

export interface TreeContract {
  readonly module: Module;
  readonly k: number;
  readonly termWidth: number;
  readonly sumWidth: number;
  readonly magWidth: number;
  readonly corrections: boolean;
}

const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);

/** The reduction trees in a design's hierarchy (by their configuration contract), one per module name. */
export function findTrees(top: Module): TreeContract[] {
  const out: TreeContract[] = [];
  for (const m of allModules(top)) {
    const c = m.ir.config;
    const k = int(c['k']);
    const termWidth = int(c['termWidth']);
    const sumWidth = int(c['sumWidth']);
    const magWidth = int(c['magWidth']);
    if (!k || !termWidth || !sumWidth || !magWidth || typeof c['corrections'] !== 'boolean') continue;
    const corrections = c['corrections'];
    const want: [string, number][] = [['terms_i', k * termWidth], ['neg_o', 1], ['mag_o', magWidth], ...(corrections ? ([['neg_i', k]] as [string, number][]) : [])];
    for (const [p, w] of want) {
      const shape = m.inputShapes.get(p) ?? m.outputShapes.get(p);
      if (!shape || shape.width !== w) throw new Error(`${m.name}: looks like a reduction tree but port ${p} is not ${w} bits`);
    }
    out.push({ module: m, k, termWidth, sumWidth, magWidth, corrections });
  }
  return out;
}

/** `spec_<tree>`: the behavioural sum with the tree's ports (clock/reset ports of a staged tree are not read). */
export function behaviouralTree(t: TreeContract, name = `spec_${t.module.name}`): string {
  const { k, termWidth: tw, sumWidth: S, magWidth: M } = t;
  const L: string[] = [];
  L.push(`// Behavioural sum of ${k} ${tw}-bit two's-complement terms${t.corrections ? ' plus the set bits of neg_i' : ''}, modulo 2^${S}.`);
  L.push('`default_nettype none');
  const ports = [`input wire [${k * tw - 1}:0] terms_i`, ...(t.corrections ? [`input wire [${k - 1}:0] neg_i`] : []), 'output wire neg_o', `output wire [${M - 1}:0] mag_o`];
  L.push(`module ${name} (${ports.join(', ')});`);
  const ext = (i: number): string => {
    const lo = i * tw;
    const term = `terms_i[${lo + tw - 1}:${lo}]`;
    if (S === tw) return term;
    if (S < tw) return `terms_i[${lo + S - 1}:${lo}]`;
    return `{{${S - tw}{terms_i[${lo + tw - 1}]}}, ${term}}`;
  };
  for (let i = 0; i < k; i++) L.push(`  wire [${S - 1}:0] t${i} = ${ext(i)};`);
  const addends = Array.from({ length: k }, (_, i) => `t${i}`);
  if (t.corrections) for (let i = 0; i < k; i++) addends.push(`{${S - 1}'d0, neg_i[${i}]}`);
  L.push(`  wire [${S - 1}:0] sum = ${addends.join(' + ')};`);
  L.push(`  wire [${S}:0] wide = {sum[${S - 1}], sum};`);
  L.push(`  wire [${S}:0] abs = sum[${S - 1}] ? -wide : wide;`);
  L.push(`  assign neg_o = sum[${S - 1}];`);
  L.push(M <= S + 1 ? `  assign mag_o = abs[${M - 1}:0];` : `  assign mag_o = {{${M - S - 1}{1'b0}}, abs};`);
  L.push('endmodule');
  L.push('`default_nettype wire');
  return L.join('\n') + '\n';
}

/** Writes the spec next to the tree's files; returns its path and module name. */
export function writeBehaviouralTree(t: TreeContract, dir: string): { file: string; top: string } {
  const top = `spec_${t.module.name}`;
  const file = path.join(dir, `${top}.v`);
  writeFileSync(file, behaviouralTree(t, top));
  return { file, top };
}

/** The specification of the tree's `sum` net for the algebraic proof (algebra.ts). */
export function sumSpec(t: TreeContract): SumSpec {
  const terms: { port: string; bit: number; c: bigint }[] = [];
  for (let i = 0; i < t.k; i++) {
    for (let j = 0; j < t.termWidth - 1; j++) terms.push({ port: 'terms_i', bit: i * t.termWidth + j, c: 1n << BigInt(j) });
    terms.push({ port: 'terms_i', bit: i * t.termWidth + t.termWidth - 1, c: -(1n << BigInt(t.termWidth - 1)) });
    if (t.corrections) terms.push({ port: 'neg_i', bit: i, c: 1n });
  }
  return { sumNet: 'sum', width: t.sumWidth, terms };
}

/**
 * The tree with its `sum` net cut into an input (everything before it is left undriven-free, yosys removes
 * it): with the behavioural tail below, the SAT check that neg_o and mag_o are the sign and |sum|.
 */
export function cutAtSum(ir: IrModule, sumWidth: number): IrModule {
  const st = ir.stmts.find((s) => s.k === 'assign' && s.target === 'sum');
  const n = ir.nets.find((x) => x.name === 'sum');
  if (!st || !n || n.w !== sumWidth) throw new Error(`${ir.name}: no ${sumWidth}-bit net 'sum' assigned in the tree`);
  return {
    ...ir,
    name: `${ir.name}_tail`,
    ports: [...ir.ports, { name: 'sum', dir: 'input', w: n.w, s: n.s, role: 'data' }],
    nets: ir.nets.filter((x) => x !== n),
    stmts: ir.stmts.filter((s) => s !== st),
  };
}

/** `spec_<tree>_tail`: sign and magnitude of an S-bit input `sum`, the tree's data ports unused. */
export function behaviouralTail(t: TreeContract, name: string): string {
  const { k, termWidth: tw, sumWidth: S, magWidth: M } = t;
  const ports = [`input wire [${k * tw - 1}:0] terms_i`, ...(t.corrections ? [`input wire [${k - 1}:0] neg_i`] : []), `input wire [${S - 1}:0] sum`, 'output wire neg_o', `output wire [${M - 1}:0] mag_o`];
  return [
    '`default_nettype none',
    `module ${name} (${ports.join(', ')});`,
    `  wire [${S}:0] wide = {sum[${S - 1}], sum};`,
    `  wire [${S}:0] abs = sum[${S - 1}] ? -wide : wide;`,
    `  assign neg_o = sum[${S - 1}];`,
    M <= S + 1 ? `  assign mag_o = abs[${M - 1}:0];` : `  assign mag_o = {{${M - S - 1}{1'b0}}, abs};`,
    'endmodule',
    '`default_nettype wire',
    '',
  ].join('\n');
}
