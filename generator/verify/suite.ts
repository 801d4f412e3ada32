// A verification suite: one unit's bit-exact regression against the golden model, run by `make sim`
// (level 'ci') and `make sim-long` (level 'long', 10 M vectors). Suites are listed in suites.ts.

import type { SimulatorName } from '../sim';

export type RegressLevel = 'ci' | 'long';

export interface SuiteContext {
  readonly sims: readonly SimulatorName[];
  readonly seed: number;
  readonly level: RegressLevel;
  readonly waves: boolean;
  log(line: string): void;
}

export interface SuiteRun {
  /** what was checked, e.g. 'mxsf_quant_k32 random blocks' */
  readonly label: string;
  readonly sim: SimulatorName;
  readonly vectors: number;
  readonly mismatches: number;
  readonly seconds: number;
  /** the first mismatches with their inputs and the seed, when any */
  readonly report?: string;
}

export interface Suite {
  readonly name: string;
  readonly summary: string;
  run(ctx: SuiteContext): Promise<SuiteRun[]>;
}
