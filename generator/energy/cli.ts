// What `mxgen energy` needs below the CLI: option resolution (pure: the fuzz tests call it) and the text table.

import { ENERGY_TILE, arrayValue, formatsValue, layoutsValue, namedWorkloads } from './options';
import type { ArrayShape, Layout } from './model';
import type { EnergyFormat } from './measure';
import type { EnergyRecord } from './run';
import type { Workload } from './workloads';

export interface EnergyPlan {
  /** undefined: --workload names a file (read by the command) */
  readonly workloads: Workload[] | undefined;
  readonly array: ArrayShape;
  readonly formats: EnergyFormat[];
  readonly layouts: Layout[];
}

export function resolveEnergy(o: { workload: string; array: string; format: string; layout: string }): EnergyPlan {
  const { rows, cols } = arrayValue(o.array);
  return { workloads: namedWorkloads(o.workload), array: { rows, cols, tile: ENERGY_TILE, depth: 1 }, formats: formatsValue(o.format), layouts: layoutsValue(o.layout) };
}

const uj = (pj: number): string => (pj / 1e6).toFixed(3);

export function energyText(records: readonly EnergyRecord[]): string {
  const L: string[] = [];
  for (const r of records) {
    L.push(`${r.workload} on a ${r.array} array (${r.description}): uJ`);
    L.push(`${'format'.padEnd(18)}${['total', 'compute', 'requant', 'sram', 'dram', 'leak+idle'].map((h) => h.padStart(11)).join('')}${'cycles'.padStart(12)}  vs bf16`);
    for (const [k, f] of Object.entries(r.formats)) {
      const v = r.vs_bf16[k];
      L.push(`${k.padEnd(18)}${[f.total_pj, f.compute_pj, f.requant_pj, f.sram_pj, f.dram_pj, f.leakage_pj + f.idle_pj].map((x) => uj(x).padStart(11)).join('')}${String(f.cycles).padStart(12)}  ${v === undefined ? '-' : `${v >= 1 ? '+' : ''}${(100 * (v - 1)).toFixed(1)} %`}`);
    }
    L.push('');
  }
  return L.join('\n');
}
