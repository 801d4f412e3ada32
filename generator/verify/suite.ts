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

/**
 * One independent piece of a suite (a configuration on one simulator): what `mxgen regress --shard` deals out.
 * Its vectors depend on the suite seed and the item alone, so the items of all shards together give exactly the
 * runs of `run()` with the same seed, in the same order.
 */
export interface WorkItem {
  /** stable name within the suite, e.g. 'mxsf icarus' */
  readonly key: string;
  run(ctx: SuiteContext): Promise<SuiteRun[]>;
}

export interface Suite {
  readonly name: string;
  readonly summary: string;
  run(ctx: SuiteContext): Promise<SuiteRun[]>;
  /** the suite split into work items, in run() order; a suite without it is one item (the whole run()) */
  items?(ctx: SuiteContext): WorkItem[];
}
