// `make pe-energy`: the MXSF PE energy optimisation log (issue: physical figures, item 7). Each micro-architecture
// of the reduction (generator/rtl/pe/mx-chunk.ts PeArch) is mapped to the OSU 0.18 um library and measured for
// energy per chunk dot product by the same flow, clock and data as `make power` (generator/phys); the log gives
// each change against the default with its measured effect. Writes reports/pe-energy.{json,md}.
// Usage: tsx generator/verify/pe-energy.ts [--k 8,32] [--data mlp-fwd,normal] [--format mxsf[,F...]] [--only REGEX] [--out DIR]
//        [--merge]  (keep the records of an earlier run in DIR that this one does not measure)

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FORMAT_NAMES, type FormatName } from '../golden/index';
import { mxPeConfig, PE_REFERENCE_DEPTH } from '../rtl/pe/configs';
import { DEFAULT_ARCH, type PeArch } from '../rtl/pe/mx-chunk';
import { mxPeModule } from '../rtl/pe/mx-pe';
import type { RtlConfig } from '../rtl/config';
import { mapDesign, measureEnergy } from '../phys/measure';
import { timing } from '../phys/sta';
import { POWER_CLOCK_MHZ } from '../phys/environment';
import { DATA_SETS, dataSet, dataStream, type DataSet, type DataSetId } from '../phys/workloads';

/** The variants, in the order of the log: the default first, then each change from it. */
export const ENERGY_VARIANTS: readonly { readonly arch: PeArch; readonly change: string }[] = [
  { arch: DEFAULT_ARCH, change: 'the default: one\'s-complement lanes, word-level compressor (csa) tree (the area log\'s step 4)' },
  { arch: { sign: 'negate', tree: 'csa' }, change: 'two\'s-complement lanes (each lane negates its aligned product), csa tree' },
  { arch: { sign: 'ones', tree: 'adders' }, change: 'one\'s-complement lanes, balanced tree of carry-propagate adders (the area log\'s step 2)' },
  { arch: { sign: 'negate', tree: 'adders' }, change: 'two\'s-complement lanes, adder tree (the area log\'s step 1)' },
  {
    arch: { sign: 'ones', tree: 'csa', positiveZero: true },
    change: 'the default with zero products positive (sign forced to 0 when an operand is zero: no one\'s-complement ones for zero lanes)',
  },
  {
    arch: { sign: 'negate', tree: 'csa', positiveZero: true },
    change: 'two\'s-complement lanes, csa tree, zero products positive',
  },
  {
    arch: { sign: 'ones-late', tree: 'csa', positiveZero: true },
    change: 'one\'s-complement lanes XORed after the shift (the shifter sees the magnitude only), zero products positive, csa tree',
  },
  {
    arch: { sign: 'magnitude', tree: 'csa' },
    change: 'sign-magnitude lanes: |P| and its sign; the positive and negative products in two unsigned csa trees, one subtraction',
  },
];

export interface PeEnergyRecord {
  readonly format: string;
  readonly k: number;
  readonly depth: number;
  readonly sign: PeArch['sign'];
  readonly tree: PeArch['tree'];
  readonly positive_zero: boolean;
  readonly top: string;
  readonly data: DataSetId;
  readonly pj_per_op: number;
  readonly toggles_per_op: number;
  readonly area_um2: number;
  readonly critical_path_ns: number;
  readonly gate_level_mismatches: number;
  readonly breakdown: readonly { readonly part: string; readonly pj_per_op: number; readonly share: number }[];
}

const variantIndex = (r: PeEnergyRecord): number =>
  ENERGY_VARIANTS.findIndex((v) => v.arch.sign === r.sign && v.arch.tree === r.tree && (v.arch.positiveZero ?? false) === r.positive_zero);

const r4 = (x: number): number => Number(x.toPrecision(6));
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;

function list<T extends string>(v: string | undefined, dflt: readonly T[], allowed: readonly string[], what: string): T[] {
  const xs = (v ?? dflt.join(',')).split(',').filter(Boolean);
  for (const x of xs) if (!allowed.includes(x)) throw new Error(`--${what}: '${x}' is not one of ${allowed.join(', ')}`);
  return xs as T[];
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      k: { type: 'string', default: '8,32' },
      data: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string', default: 'reports' },
      seed: { type: 'string', default: '1' },
      only: { type: 'string' },
      merge: { type: 'boolean', default: false },
    },
  });
  const ks = values.k!.split(',').map(Number);
  if (ks.some((k) => !Number.isInteger(k) || k < 1 || k > 64)) throw new Error(`--k: integers in 1..64, comma-separated (got '${values.k}')`);
  const dataIds = list<DataSetId>(values.data, ['mlp-fwd', 'normal'], DATA_SETS, 'data');
  const formats = list<FormatName>(values.format, ['mxsf'], FORMAT_NAMES, 'format');
  const seed = Number(values.seed);
  const only = values.only ? new RegExp(values.only) : undefined;
  const depth = PE_REFERENCE_DEPTH;
  const data = new Map<DataSetId, DataSet>(dataIds.map((id) => [id, dataSet(id, seed)]));
  const records: PeEnergyRecord[] = [];
  const t0 = performance.now();
  for (const k of ks) {
    for (const f of formats) {
      const cfg: RtlConfig = mxPeConfig(f, f, k, depth);
      for (const v of ENERGY_VARIANTS) {
        const module = mxPeModule({ formatA: f, formatB: f, k, depth, arch: v.arch });
        if (only && !only.test(module.name)) continue;
        const mapped = await mapDesign(module);
        const hs = module.interface().handshake!;
        const tm = await timing({ verilog: mapped.synth.mapped!.verilog, netlist: mapped.netlist, lib: mapped.lib, clock: hs.clock, reset: hs.reset }, path.resolve('sim/work/pe-energy-sta', module.name));
        for (const id of dataIds) {
          // the same streams as make power (power-all.ts: 3200 chunks, the same stream seed)
          const s = dataStream(cfg, module, data.get(id)!, 3200, seed * 1009 + id.length);
          const r = await measureEnergy({ module, mapped, vectors: s.vectors, expected: s.expected, clockMhz: POWER_CLOCK_MHZ });
          records.push({
            format: f,
            k,
            depth,
            sign: v.arch.sign,
            tree: v.arch.tree,
            positive_zero: v.arch.positiveZero ?? false,
            top: module.name,
            data: id,
            pj_per_op: r4(r.pjPerOp),
            toggles_per_op: r4(r.togglesPerOp),
            area_um2: r4(mapped.synth.mapped!.areaUm2),
            critical_path_ns: r4(tm.criticalPathNs),
            gate_level_mismatches: r.mismatches,
            breakdown: r.breakdown.map((b) => ({ part: b.part, pj_per_op: r4(b.pjPerOp), share: r4(b.share) })),
          });
          console.log(`pe-energy ${module.name.padEnd(36)} ${id.padEnd(8)} ${r.pjPerOp.toFixed(2).padStart(8)} pJ/op  ${r.togglesPerOp.toFixed(0).padStart(6)} toggles/op  ${mapped.synth.mapped!.areaUm2.toFixed(0)} um2  ${r.mismatches} bad`);
        }
      }
    }
  }
  const out = path.resolve(values.out!);
  mkdirSync(out, { recursive: true });
  // --merge: keep the records of an earlier run (other k, variants or data) that this run did not measure
  const jsonFile = path.join(out, 'pe-energy.json');
  if (values.merge && existsSync(jsonFile)) {
    const old = JSON.parse(readFileSync(jsonFile, 'utf8')) as PeEnergyRecord[];
    const fresh = new Set(records.map((r) => `${r.top}\u0000${r.data}`));
    const kept = old.filter((r) => !fresh.has(`${r.top}\u0000${r.data}`));
    for (const r of kept) if (!data.has(r.data)) data.set(r.data, dataSet(r.data, seed));
    records.unshift(...kept);
    records.sort((a, b) => a.k - b.k || a.format.localeCompare(b.format) || variantIndex(a) - variantIndex(b) || a.data.localeCompare(b.data));
  }
  writeFileSync(jsonFile, `[\n${records.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n]\n`);
  // a merged log holds several runs' records: it names no single command
  const cmd = values.merge ? 'runs merged with --merge; each record names its top' : `tsx generator/verify/pe-energy.ts ${process.argv.slice(2).join(' ')}`.trim();
  writeFileSync(path.join(out, 'pe-energy.md'), renderLog(records, data, cmd));
  console.log(`\n${records.length} records (${((performance.now() - t0) / 1000).toFixed(0)} s): ${path.relative('.', out)}/pe-energy.{json,md}`);
  const bad = records.filter((r) => r.gate_level_mismatches > 0);
  if (bad.length) {
    console.log(`${bad.length} gate-level runs differ from the golden model: ${bad.map((r) => `${r.top} ${r.data}`).join(', ')}`);
    return 1;
  }
  return 0;
}

export function renderLog(records: readonly PeEnergyRecord[], data: ReadonlyMap<DataSetId, DataSet>, command: string): string {
  const L: string[] = [
    '# MXSF PE energy optimisation log',
    '',
    `Generated by \`make pe-energy\` (\`${command}\`); do not edit.`,
    '',
    `Each row is one micro-architecture of the PE's reduction (generator/rtl/pe/mx-chunk.ts \`PeArch\`), mapped to the OSU 0.18 um`,
    `library and measured by the flow of \`make power\` (reports/power.md states it: zero-delay gate-level toggle counts, liberty`,
    `internal-power tables + 1/2 C V^2 + clock + leakage, ${POWER_CLOCK_MHZ} MHz, 1.8 V) on the same operand streams; every gate-level`,
    'output was compared with the golden model (column `bad`). The change column is against the default (first row) on the same data.',
    '',
  ];
  for (const [id, d] of data) L.push(`- \`${id}\`: ${d.text}`);
  L.push('');
  const groups = new Map<string, PeEnergyRecord[]>();
  for (const r of records) {
    const key = `${r.format}\u0000${r.k}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const rs of groups.values()) {
    const { format, k, depth } = rs[0]!;
    const dataIds = [...new Set(rs.map((r) => r.data))];
    L.push(`## ${format}, k = ${k}, depth ${depth}: pJ per chunk dot product`, '');
    L.push(`| lanes | tree | zero products | top | um2 | crit. ns | ${dataIds.map((d) => `${d} pJ/op (change)`).join(' | ')} | toggles/op (${dataIds[0]}) | bad |`);
    L.push(`|---|---|---|---|---:|---:|${dataIds.map(() => '---:').join('|')}|---:|---:|`);
    const isDefault = (r: PeEnergyRecord): boolean => r.sign === DEFAULT_ARCH.sign && r.tree === DEFAULT_ARCH.tree && r.positive_zero === (DEFAULT_ARCH.positiveZero ?? false);
    const base = (id: DataSetId): PeEnergyRecord | undefined => rs.find((r) => r.data === id && isDefault(r));
    const variants = [...new Set(rs.map((r) => r.top))];
    const zeros = (r: PeEnergyRecord): string => ((r.sign === 'ones' || r.sign === 'ones-late') && !r.positive_zero ? 'signed (0 or ~0)' : 'positive');
    for (const v of variants) {
      const row = rs.filter((r) => r.top === v);
      const cells = dataIds.map((id) => {
        const r = row.find((x) => x.data === id);
        const b = base(id);
        if (!r) return '-';
        return `${r.pj_per_op.toFixed(2)}${b && b !== r ? ` (${pct(r.pj_per_op / b.pj_per_op - 1)})` : ''}`;
      });
      const r0 = row[0]!;
      const b0 = base(r0.data);
      const area = `${r0.area_um2.toFixed(0)}${b0 && b0 !== r0 ? ` (${pct(r0.area_um2 / b0.area_um2 - 1)})` : ''}`;
      L.push(`| ${r0.sign} | ${r0.tree} | ${zeros(r0)} | \`${r0.top}\` | ${area} | ${r0.critical_path_ns.toFixed(2)} | ${cells.join(' | ')} | ${r0.toggles_per_op.toFixed(0)} | ${row.reduce((s, r) => s + r.gate_level_mismatches, 0)} |`);
    }
    // the lowest energy over the data sets (geometric mean of the ratios to the default), with its area
    const scored = variants
      .map((v) => {
        const row = rs.filter((r) => r.top === v);
        const ratios = row.map((r) => r.pj_per_op / (base(r.data)?.pj_per_op ?? Number.NaN));
        return { r: row[0]!, mean: Math.exp(ratios.reduce((a, x) => a + Math.log(x), 0) / ratios.length), n: ratios.length };
      })
      .filter((x) => x.n === dataIds.length && Number.isFinite(x.mean));
    const best = scored.reduce<(typeof scored)[number] | undefined>((b, x) => (!b || x.mean < b.mean ? x : b), undefined);
    const b0 = base(dataIds[0]!);
    if (best && b0 && best.r.top !== b0.top) {
      L.push('', `Lowest energy: \`${best.r.top}\`, ${pct(best.mean - 1)} energy per op against the default (geometric mean over ${dataIds.join(', ')}), ${pct(best.r.area_um2 / b0.area_um2 - 1)} area.`);
    } else if (best) L.push('', 'Lowest energy: the default.');
    L.push('', `Where the energy goes (data \`${dataIds[0]}\`, per part, shares of the per-part total):`, '');
    for (const v of variants) {
      const r = rs.find((x) => x.top === v && x.data === dataIds[0])!;
      L.push(`- **\`${r.top}\`**: ${r.breakdown.map((b) => `${b.part} ${(100 * b.share).toFixed(0)} %`).join(', ')}`);
    }
    L.push('');
  }
  L.push('## Changes', '');
  for (const v of ENERGY_VARIANTS) L.push(`- **${v.arch.sign} / ${v.arch.tree}${v.arch.positiveZero ? ' / positive zero' : ''}**: ${v.change}.`);
  L.push('');
  return L.join('\n');
}

main().then(
  (c) => (process.exitCode = c),
  (e: unknown) => {
    console.error(`pe-energy: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 2;
  },
);
