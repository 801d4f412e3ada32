// Runs a built PE module under a simulator: writes its Verilog into a scratch directory under sim/work/
// (the simulator build is cached by content, so the scratch directory is thrown away) and streams the
// packed vectors through the generator/sim harness, in batches so millions of vectors never sit in memory
// as one array.

import { rmSync } from 'node:fs';
import path from 'node:path';
import { type Module, writeDesign } from '../../hdl/index';
import { runSimulation, type SimResult, type SimulatorName } from '../../sim/index';
import { scratchDir } from '../../sim/paths';

export interface SimulatePeOptions {
  readonly sim: SimulatorName;
  readonly seed: number;
  readonly stallPercent?: number;
  readonly waves?: boolean;
  /** output beats to wait for (default one per input beat; accumulate-in-place PEs emit one per run) */
  readonly expectedOutputs?: number;
}

/** A module written once to a scratch directory, simulated as often as needed; call dispose() at the end. */
export class PeSimulator {
  private readonly dir: string;
  private readonly files: string[];

  constructor(readonly top: Module) {
    this.dir = scratchDir(`rtl-${top.name}-`);
    this.files = writeDesign(top, this.dir, { bindings: false });
  }

  async run(vectors: readonly bigint[], o: SimulatePeOptions): Promise<SimResult> {
    return runSimulation({
      sim: o.sim,
      iface: this.top.interface(),
      rtlFiles: this.files,
      vectors,
      seed: o.seed,
      stallPercent: o.stallPercent ?? 0,
      ...(o.waves !== undefined ? { waves: o.waves } : {}),
      ...(o.expectedOutputs !== undefined ? { expectedOutputs: o.expectedOutputs } : {}),
    });
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function simulateOnce(top: Module, vectors: readonly bigint[], o: SimulatePeOptions): Promise<SimResult> {
  const s = new PeSimulator(top);
  try {
    return await s.run(vectors, o);
  } finally {
    s.dispose();
  }
}
