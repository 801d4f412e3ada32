// Simulation throughput (vectors/second) per simulator, for any module the harness can drive.
import type { ModuleInterface } from '../hdl/ports.js';
import { runSimulation, type SimulatorName } from './harness.js';

export interface ThroughputOptions {
  readonly iface: ModuleInterface;
  readonly rtlFiles: readonly string[];
  readonly vectors: readonly bigint[];
  readonly sims?: readonly SimulatorName[];
  readonly seed?: number;
  readonly stallPercent?: number;
  /** Called with one line per simulator; default console.log. Pass null to stay quiet. */
  readonly log?: ((line: string) => void) | null;
}

export interface Throughput {
  readonly sim: SimulatorName;
  readonly vectors: number;
  readonly cycles: number;
  /** Run time only; the (cached) build is reported separately. */
  readonly seconds: number;
  readonly vectorsPerSecond: number;
  readonly buildSeconds: number;
  readonly outputs: bigint[];
}

export async function measureThroughput(opts: ThroughputOptions): Promise<Throughput[]> {
  const log = opts.log === undefined ? console.log : opts.log;
  const results: Throughput[] = [];
  for (const sim of opts.sims ?? (['icarus', 'verilator'] as const)) {
    const r = await runSimulation({ sim, iface: opts.iface, rtlFiles: opts.rtlFiles, vectors: opts.vectors, seed: opts.seed ?? 1, stallPercent: opts.stallPercent ?? 0 });
    const t: Throughput = { sim, vectors: opts.vectors.length, cycles: r.cycles, seconds: r.seconds, vectorsPerSecond: opts.vectors.length / r.seconds, buildSeconds: r.buildSeconds, outputs: r.outputs };
    results.push(t);
    log?.(
      `${opts.iface.name} ${sim.padEnd(9)} ${t.vectors} vectors in ${t.seconds.toFixed(2)} s = ${Math.round(t.vectorsPerSecond).toLocaleString('en-US')} vectors/s` +
        ` (${t.cycles} cycles, stall ${opts.stallPercent ?? 0}%, build ${t.buildSeconds.toFixed(1)} s)`,
    );
  }
  return results;
}
