// Prints one markdown table of the physical figures from reports/synth.json and reports/power.json: per design the
// library area, cells, flop bits, critical path, Fmax and pJ per operation on every data set.
// Usage: tsx generator/verify/phys-summary.ts [--reports DIR]

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface Rec {
  readonly unit: string;
  readonly format: string;
  readonly k: number;
  readonly top: string;
  readonly [key: string]: unknown;
}

function main(): void {
  const { values } = parseArgs({ options: { reports: { type: 'string', default: 'reports' } } });
  const dir = path.resolve(values.reports!);
  const read = (f: string): Rec[] => {
    try {
      return JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Rec[];
    } catch {
      throw new Error(`cannot read ${path.join(dir, f)}; run make synth and make power first`);
    }
  };
  const synth = read('synth.json');
  const power = read('power.json');
  const ids = [...new Set(power.map((r) => String(r.data)))];
  const tops = [...new Set([...synth.map((r) => r.top), ...power.map((r) => r.top)])];
  console.log(`| unit | format | k | area um2 | lib cells | flop bits | critical path ns | Fmax MHz | ${ids.map((d) => `pJ/op ${d}`).join(' | ')} |`);
  console.log(`|---|---|---:|---:|---:|---:|---:|---:|${ids.map(() => '---:').join('|')}|`);
  for (const top of tops) {
    const s = synth.find((r) => r.top === top);
    const p = power.filter((r) => r.top === top);
    const any = s ?? p[0]!;
    const n = (v: unknown, d = 0): string => (typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '-');
    const e = (d: string): string => {
      const r = p.find((x) => x.data === d);
      return r ? n(r.pj_per_op, Number(r.pj_per_op) >= 100 ? 1 : 2) : '-';
    };
    console.log(
      `| ${any.unit} | ${any.format} | ${any.k} | ${n(s?.area_um2 ?? p[0]?.area_um2)} | ${n(s?.lib_cells ?? p[0]?.lib_cells)} | ${n(s?.flop_bits ?? p[0]?.flop_bits)} | ${n(s?.critical_path_ns ?? p[0]?.critical_path_ns, 2)} | ${n(s?.fmax_mhz ?? p[0]?.fmax_mhz, 1)} | ${ids.map(e).join(' | ')} |`,
    );
  }
}

try {
  main();
} catch (e) {
  console.error(`phys-summary: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
