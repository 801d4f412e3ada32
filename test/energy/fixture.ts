// Test inputs of the energy tests: per-op figures that are NOT measurements (source says so), chosen to make the
// arithmetic visible; and a tiny training workload (one 8 x 8 layer, batch 4).

import type { OpEnergy } from '../../generator/energy/measure';
import type { Workload } from '../../generator/energy/workloads';

const fig = (kind: OpEnergy['kind'], format: OpEnergy['format'], dynamic: number): OpEnergy => ({
  kind,
  format,
  top: `${format}_${kind}_k8_test`,
  data: 'normal',
  dynamic_pj: dynamic,
  clock_pj_per_cycle: dynamic / 10,
  leakage_uw: 0.5,
  ops: 0,
  toggles_per_op: 0,
  gate_level_outputs_checked: 0,
  gate_level_mismatches: 0,
  lib_cells: 0,
  area_um2: 0,
  clock_mhz: 10,
  transactions: 0,
  seed: 0,
  source: 'test input (not a measurement)',
});

export const TEST_FIGURES: readonly OpEnergy[] = [
  fig('pe', 'mxsf', 100),
  fig('requant', 'mxsf', 10),
  fig('quant1d', 'mxsf', 12),
  fig('pe', 'bf16', 200),
];

export function tinyWorkload(): Workload {
  return {
    name: 'tiny-train',
    description: 'one 8x8 layer, batch 4 (test)',
    training: true,
    tensors: [
      { name: 'X', rows: 4, cols: 8, role: 'activation' },
      { name: 'W', rows: 8, cols: 8, role: 'weight' },
    ],
    gemms: [
      { name: 'Y = X W', cls: 'forward', m: 4, k: 8, n: 8, a: 'X', opA: 'n', b: 'W', opB: 'n', out: 'Y', outQuantized: true },
      { name: 'dX = dY W^T', cls: 'activation-gradient', m: 4, k: 8, n: 8, a: 'dY', opA: 'n', b: 'W', opB: 't', out: 'dX', outQuantized: true },
      { name: 'dW = X^T dY', cls: 'weight-gradient', m: 8, k: 4, n: 8, a: 'X', opA: 't', b: 'dY', opB: 'n', out: 'dW', outQuantized: false },
    ],
  };
}
