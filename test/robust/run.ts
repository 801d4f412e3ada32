// Reset and X runs of one design (test/robust/cases.ts):
//  - Icarus: random stalls, resets in the middle of the stream, every output bit checked for X from the first valid
//    output on (xCheck 'sticky'; registers without reset start at X in Icarus), outputs bit-exact to the golden model
//    of the beats that were not lost;
//  - Verilator built with --x-initial unique --x-assign unique: per X seed every register without reset starts at a
//    random value (+verilator+seed+N +verilator+rand+reset+2), with the same stalls and resets; outputs bit-exact.
// The reset schedule comes from the seed: the first reset follows an acceptance at once (a beat is always in flight),
// the others come at random beat counts with random delays and lengths.

import { compareOutputs, expectedAfterResets, runSimulation, type ResetEvent, type ResetRecord, type SimulatorName } from '../../generator/sim/index';
import { deriveSeed, Prng } from '../../generator/util/prng';
import { type CombCase, type StreamCase, withRtl } from './cases';

export interface RobustPlan {
  readonly seed: number;
  /** transactions per run */
  readonly transactions: number;
  /** resets per run */
  readonly resets: number;
  /** Icarus runs (stall percentages, one run each) */
  readonly icarusStalls: readonly number[];
  /** Verilator random-X runs (one X seed each, stalls drawn from the seed) */
  readonly xSeeds: number;
}

export interface RobustRun {
  readonly what: string;
  readonly sim: SimulatorName;
  readonly seed: number;
  readonly vectors: number;
  readonly mismatches: number;
  readonly resets: readonly ResetRecord[];
  /** why the run failed (mismatch report or testbench message), if it did */
  readonly failure?: string;
}

/** `count` resets over a stream of `beats` input beats. */
export function resetSchedule(beats: number, count: number, rng: Prng): ResetEvent[] {
  const at = new Set<number>();
  while (at.size < Math.min(count, beats - 1)) at.add(rng.range(1, Math.max(1, Math.floor(beats * 0.8))));
  return [...at]
    .sort((a, b) => a - b)
    .map((afterAccepted, i) => ({ afterAccepted, delay: i === 0 ? 0 : rng.pick([0, 0, 1, 2, 3, 5, 8, 13]), cycles: rng.range(2, 6) }));
}

async function streamRun(c: StreamCase, files: string[], sim: SimulatorName, seed: number, plan: RobustPlan, extra: { stall: number; xSeed?: number }): Promise<RobustRun> {
  const rng = new Prng(seed);
  const { inputs, expected } = c.stream(plan.transactions, seed);
  const resets = resetSchedule(inputs.length, plan.resets, rng);
  const what = `${c.label} ${sim}${extra.xSeed !== undefined ? ` X seed ${extra.xSeed}` : ''} stall ${extra.stall}% ${resets.length} resets`;
  try {
    const r = await runSimulation({
      sim,
      iface: c.top.interface(),
      rtlFiles: files,
      vectors: inputs,
      seed,
      stallPercent: extra.stall,
      group: c.group,
      resets,
      xCheck: 'sticky',
      ...(extra.xSeed !== undefined ? { verilatorX: { seed: extra.xSeed } } : {}),
    });
    const rep = compareOutputs({ expected: expectedAfterResets(expected, r), actual: r.outputs, iface: c.top.interface(), inputs: [], seed, describe: what, maxShown: 3 });
    const fired = r.resets.length === resets.length ? undefined : `only ${r.resets.length} of ${resets.length} resets fired`;
    return { what, sim, seed, vectors: rep.vectors, mismatches: rep.mismatches, resets: r.resets, ...(rep.ok && !fired ? {} : { failure: rep.ok ? fired : rep.text }) };
  } catch (e) {
    return { what, sim, seed, vectors: 0, mismatches: 1, resets: [], failure: e instanceof Error ? e.message : String(e) };
  }
}

/** Every Icarus and Verilator run of one streaming design under the plan. */
export async function robustStream(c: StreamCase, plan: RobustPlan, sims: readonly SimulatorName[] = ['icarus', 'verilator']): Promise<RobustRun[]> {
  return withRtl(c.top, async (files) => {
    const runs: RobustRun[] = [];
    const base = deriveSeed(plan.seed, c.label);
    if (sims.includes('icarus')) {
      for (const [i, stall] of plan.icarusStalls.entries()) runs.push(await streamRun(c, files, 'icarus', (base + i) >>> 1, plan, { stall }));
    }
    if (sims.includes('verilator')) {
      for (let i = 0; i < plan.xSeeds; i++) {
        const seed = (deriveSeed(base, `x${i}`) >>> 1) | 0;
        runs.push(await streamRun(c, files, 'verilator', seed, plan, { stall: [30, 0, 50, 10][i % 4]!, xSeed: seed }));
      }
    }
    return runs;
  });
}

/** The combinational bundle: every input once under Icarus (X on any output fails) and under Verilator random X. */
export async function robustComb(c: CombCase, plan: RobustPlan, sims: readonly SimulatorName[] = ['icarus', 'verilator']): Promise<RobustRun[]> {
  return withRtl(c.top, async (files) => {
    const runs: RobustRun[] = [];
    for (const sim of sims) {
      const n = sim === 'verilator' ? plan.xSeeds : 1;
      for (let i = 0; i < n; i++) {
        const seed = (deriveSeed(plan.seed, `${c.label} ${sim} ${i}`) >>> 1) | 0;
        const what = `${c.label} ${sim}${sim === 'verilator' ? ` X seed ${seed}` : ''}`;
        try {
          const r = await runSimulation({ sim, iface: c.top.interface(), rtlFiles: files, vectors: c.inputs, seed, ...(sim === 'verilator' ? { verilatorX: { seed } } : {}) });
          const rep = compareOutputs({ expected: c.expected, actual: r.outputs, iface: c.top.interface(), inputs: c.inputs, seed, describe: what, maxShown: 3 });
          runs.push({ what, sim, seed, vectors: rep.vectors, mismatches: rep.mismatches, resets: [], ...(rep.ok ? {} : { failure: rep.text }) });
        } catch (e) {
          runs.push({ what, sim, seed, vectors: 0, mismatches: 1, resets: [], failure: e instanceof Error ? e.message : String(e) });
        }
      }
    }
    return runs;
  });
}
