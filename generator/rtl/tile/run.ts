// Writes a built module's Verilog into a scratch directory and streams vectors through it with the
// generator/sim harness (the build is cached by content, so the scratch directory is thrown away).

import { rmSync } from 'node:fs';
import path from 'node:path';
import { writeDesign, type Module } from '../../hdl/index';
import { runSimulation, type SimResult, type SimulatorName } from '../../sim/index';
import { scratchDir } from '../../sim/paths';

export interface RunModuleOptions {
  readonly sim: SimulatorName;
  readonly vectors: readonly bigint[];
  readonly expectedOutputs: number;
  readonly seed: number;
  readonly stallPercent?: number;
  readonly waves?: boolean;
  readonly timeoutCycles?: number;
}

export async function simulateModule(top: Module, o: RunModuleOptions): Promise<SimResult> {
  const dir = scratchDir(`rtl-${top.name}-`);
  try {
    const rtlFiles = writeDesign(top, dir, { bindings: false });
    return await runSimulation({
      sim: o.sim,
      iface: top.interface(),
      rtlFiles,
      vectors: o.vectors,
      expectedOutputs: o.expectedOutputs,
      seed: o.seed,
      stallPercent: o.stallPercent ?? 0,
      ...(o.waves !== undefined ? { waves: o.waves } : {}),
      ...(o.timeoutCycles !== undefined ? { timeoutCycles: o.timeoutCycles } : {}),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
