// `make sim-gl` / `make sim-gl-ci` / `make sim-gl-long`: gate-level simulation of the netlists mapped to the OSU
// 0.18 um library against the golden model, with the vectors of the RTL regression (generator/phys/workloads.ts).
// Per design: Verilator with the cell models generated from the liberty (random valid/ready stalls), Icarus with
// the library's own osu018_stdcells.v on a sample, and the TypeScript toggle simulator of the energy figures on
// the Verilator vectors (its outputs must agree as well).
//   --set reference   every reference top (rtl-out/), the default
//   --set ci          a small configuration per unit type (make test: the CI cost stays low)
//   --level long      more vectors per design
// Usage: tsx generator/verify/sim-gl.ts [--set reference|ci] [--level ci|long] [--seed N] [--only REGEX]

import { parseArgs } from 'node:util';
import type { RtlConfig } from '../rtl/config';
import { referenceConfigs, referencePhysConfigs } from '../rtl/configs';
import { bf16PeConfig, mxPeConfig } from '../rtl/pe/configs';
import { quantizerConfig } from '../rtl/quantizer/configs';
import { tileConfig, tileReference } from '../rtl/tile/configs';
import { mapDesign } from '../phys/measure';
import { simulateGateLevel, type GateLevelRun, type GateSim } from '../phys/glsim';
import { supportsUnit, verificationStream } from '../phys/workloads';

/** The CI sample: one small configuration per unit type (decoders: two formats). */
export function ciConfigs(): RtlConfig[] {
  return [
    ...referenceConfigs().filter((c) => c.unit === 'decoder' && (c.format === 'mxsf' || c.format === 'mxint8')),
    quantizerConfig({ format: 'mxsf', k: 4, scaleMode: 'floor', input: 'fp32', depth: 1 }),
    tileConfig({ ...tileReference('mxsf'), rows: 2, cols: 2 }),
    mxPeConfig('mxsf', 'mxsf', 2, 1),
    bf16PeConfig(2, 1),
  ];
}

type Counts = Readonly<Record<'verilator' | 'icarus', number>>;
/** transactions per design (decoders: every code, whatever the count) */
const COUNTS: Readonly<Record<string, Counts>> = {
  ci: { verilator: 10_000, icarus: 200 },
  reference: { verilator: 20_000, icarus: 200 },
  long: { verilator: 1_000_000, icarus: 2_000 },
};

interface Row {
  readonly top: string;
  readonly cells: number;
  readonly runs: GateLevelRun[];
  readonly error?: string;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      set: { type: 'string', default: 'reference' },
      level: { type: 'string', default: 'ci' },
      seed: { type: 'string', default: process.env.SEED ?? '1' },
      only: { type: 'string' },
    },
  });
  if (values.set !== 'reference' && values.set !== 'ci') throw new Error(`--set must be reference or ci, not '${values.set}'`);
  if (values.level !== 'ci' && values.level !== 'long') throw new Error(`--level must be ci or long, not '${values.level}'`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, not '${values.seed}'`);
  const counts = COUNTS[values.level === 'long' ? 'long' : values.set]!;
  const only = values.only ? new RegExp(values.only) : undefined;
  const all = values.set === 'ci' ? ciConfigs() : referencePhysConfigs();
  const configs = all.filter(supportsUnit);
  const skipped = all.filter((c) => !supportsUnit(c));
  const seen = new Set<string>();
  const rows: Row[] = [];
  const t0 = performance.now();
  for (const cfg of configs) {
    const top = cfg.build();
    if (seen.has(top.name) || (only && !only.test(top.name))) continue;
    seen.add(top.name);
    const runs: GateLevelRun[] = [];
    try {
      // the flat netlist is all a gate-level check needs (no per-part mapping: about half the Yosys time)
      const d = await mapDesign(top, { parts: false });
      const s = verificationStream(cfg, top, counts.verilator, seed * 7919 + rows.length);
      // a whole number of groups (a tile's rows)
      const first = (n: number) => {
        const m = Math.max(s.group, Math.floor(n / s.group) * s.group);
        return { vectors: s.vectors.slice(0, m), expected: s.expected.slice(0, m * s.outputsPerInput) };
      };
      const plan: [GateSim, number, number][] = [
        ['verilator', s.vectors.length, 20],
        ['icarus', Math.min(s.vectors.length, counts.icarus), 10],
        ['gatesim', s.vectors.length, 0],
      ];
      for (const [sim, n, stall] of plan) {
        const v = first(n);
        const r = await simulateGateLevel(d, { sim, vectors: v.vectors, expected: v.expected, seed: seed + rows.length, stallPercent: stall, outputsPerInput: s.outputsPerInput, group: s.group });
        runs.push(r);
      }
      rows.push({ top: top.name, cells: d.synth.mapped!.cells, runs });
      console.log(
        `sim-gl ${top.name.padEnd(40)} ${String(d.synth.mapped!.cells).padStart(6)} cells  ` +
          runs.map((r) => `${r.sim} ${r.vectors} vec ${r.mismatches} bad ${r.seconds.toFixed(1)} s${r.buildSeconds ? ` (+${r.buildSeconds.toFixed(0)} s build)` : ''}`).join(' | '),
      );
    } catch (e) {
      rows.push({ top: top.name, cells: 0, runs, error: e instanceof Error ? e.message : String(e) });
      console.log(`sim-gl ${top.name.padEnd(40)} FAILED: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (rows.length === 0) throw new Error('no design to simulate');
  console.log('\ntop                                        lib cells   verilator vec/bad   icarus vec/bad   gatesim vec/bad');
  let failed = 0;
  for (const r of rows) {
    const by = (s: GateSim) => r.runs.find((x) => x.sim === s);
    const cell = (s: GateSim) => {
      const x = by(s);
      return x ? `${x.vectors}/${x.mismatches}` : '-';
    };
    const bad = r.error !== undefined || r.runs.length < 3 || r.runs.some((x) => x.mismatches > 0 || x.vectors === 0);
    if (bad) failed++;
    console.log(`${r.top.padEnd(42)} ${String(r.cells).padStart(9)}   ${cell('verilator').padStart(17)}   ${cell('icarus').padStart(14)}   ${cell('gatesim').padStart(15)}${bad ? '  FAIL' : ''}`);
  }
  for (const r of rows) {
    if (r.error) console.log(`\n${r.top}: ${r.error}`);
    for (const x of r.runs) if (x.report) console.log(`\n${x.report}`);
  }
  // every reference top is the promise: a unit without a driver fails the run rather than thinning it
  if (skipped.length) console.log(`\nnot simulated at gate level (unit without a driver): ${skipped.map((c) => c.unit).join(', ')}`);
  const without = skipped.length ? `, ${skipped.length} without a driver` : '';
  console.log(`\n${rows.length - failed} passed, ${failed} failed${without} (${values.set} set, seed ${seed}, ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  return failed || skipped.length ? 1 : 0;
}

main().then(
  (c) => (process.exitCode = c),
  (e: unknown) => {
    console.error(`sim-gl: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
