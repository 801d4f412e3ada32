// Measured per-operation energies of the energy model (generator/energy/model.ts), from the project's physical
// flow (generator/phys): each design mapped to the OSU 0.18 um library (Yosys, the make synth flow), driven by an
// operand stream drawn from a data set (generator/phys/workloads.ts), every gate-level output checked against the
// golden model, toggles turned into energy at POWER_CLOCK_MHZ in DEFAULT_ENVIRONMENT.
//
// Which designs: the array's PE is a T-lane chunk dot product with an FP32 accumulator (pe-cell.ts). The cell has
// no stream handshake (step_i, no ready/valid), which the toggle simulator's stream driver needs, so the figure is
// measured on the mx PE of generator/rtl/pe at k = T (same chunk datapath reduceChunk + roundChunk, same
// fp32_add accumulation; bf16: the bf16 PE at k = T). The drain's tile re-quantizer (generator/rtl/tile, 8x8,
// floor, FP32 in) gives pJ per re-quantized element; the 1-D scheme's extra quantization uses the 1x32 block
// quantizer (generator/rtl/quantizer, k = 32, FP32 in) per element.
//
// Results are cached on disk (sim/work/energy-cache/<design>-<data>-<hash>.json), keyed by the design's emitted
// RTL, the data set, the stream length and seed, the clock and MEASURE_VERSION, so a rerun of `make energy` is fast.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { allModules, emitVerilog, type Module } from '../hdl/index';
import type { RtlConfig } from '../rtl/config';
import { bf16PeConfig, mxPeConfig } from '../rtl/pe/configs';
import { quantizerConfig } from '../rtl/quantizer/configs';
import { tileConfig, tileReference } from '../rtl/tile/configs';
import { WORK_DIR } from '../sim/paths';
import type { FormatName } from '../formats/table';
import type { DataSetId } from '../phys/workloads';
import { POWER_CLOCK_MHZ } from '../phys/environment';

/** make power's clock: the leakage time base. */
export const ENERGY_CLOCK_MHZ = POWER_CLOCK_MHZ;
/** Bump when the measuring code changes so cached figures are recomputed. */
export const MEASURE_VERSION = 1;
export const DEFAULT_CACHE_DIR = path.join(WORK_DIR, 'energy-cache');

export type EnergyFormat = FormatName | 'bf16';
export type MeasuredKind = 'pe' | 'requant' | 'quant1d';

/** One measured figure (what the cache holds). */
export interface OpEnergy {
  readonly kind: MeasuredKind;
  readonly format: EnergyFormat;
  readonly top: string;
  readonly data: DataSetId;
  /** dynamic energy per op (pe: one T-element chunk dot product + accumulation; quantizers: one element), pJ */
  readonly dynamic_pj: number;
  /** clock energy per clock cycle of the design (its flip-flops' clock pins + an ideal clock net), pJ: an idle cycle */
  readonly clock_pj_per_cycle: number;
  /** library leakage power of the mapped design, uW */
  readonly leakage_uw: number;
  readonly ops: number;
  readonly toggles_per_op: number;
  readonly gate_level_outputs_checked: number;
  readonly gate_level_mismatches: number;
  readonly lib_cells: number;
  readonly area_um2: number;
  readonly clock_mhz: number;
  readonly transactions: number;
  readonly seed: number;
  /** 'measured' (this flow); a test fixture says 'test input' */
  readonly source: string;
}

export function designConfig(kind: MeasuredKind, format: EnergyFormat, tile: number): RtlConfig {
  if (kind === 'pe') return format === 'bf16' ? bf16PeConfig(tile, 1) : mxPeConfig(format, format, tile, 1);
  if (format === 'bf16') throw new Error(`no ${kind} for bf16 (the bf16 drain rounds, it does not re-quantize)`);
  if (kind === 'requant') return tileConfig({ ...tileReference(format), rows: tile, cols: tile });
  return quantizerConfig({ format, k: 32, scaleMode: 'floor', input: 'fp32', depth: 1 });
}

function rtlHash(m: Module): string {
  const h = createHash('sha256');
  for (const x of allModules(m).sort((a, b) => a.name.localeCompare(b.name))) h.update(emitVerilog(x));
  return h.digest('hex').slice(0, 16);
}

export interface MeasureRequest {
  readonly kind: MeasuredKind;
  readonly format: EnergyFormat;
  readonly data: DataSetId;
  readonly tile: number;
  readonly transactions?: number;
  readonly seed?: number;
  readonly cacheDir?: string;
  /** progress lines */
  readonly log?: (line: string) => void;
}

export function cacheKey(r: MeasureRequest, top: string, hash: string, clockMhz: number): string {
  return `${top}-${r.data}-${createHash('sha256').update(JSON.stringify([hash, r.transactions ?? 1600, r.seed ?? 1, clockMhz, MEASURE_VERSION])).digest('hex').slice(0, 12)}`;
}

/** A cached figure, or undefined (nothing is measured). */
export function cachedOpEnergy(r: MeasureRequest, clockMhz: number): OpEnergy | undefined {
  const cfg = designConfig(r.kind, r.format, r.tile);
  const module = cfg.build();
  const file = path.join(r.cacheDir ?? DEFAULT_CACHE_DIR, `${cacheKey(r, module.name, rtlHash(module), clockMhz)}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as OpEnergy) : undefined;
}

/** Measures (or reads from the cache) one design on one data set. */
export async function opEnergy(r: MeasureRequest): Promise<OpEnergy> {
  const clockMhz = ENERGY_CLOCK_MHZ;
  const cfg = designConfig(r.kind, r.format, r.tile);
  const module = cfg.build();
  const dir = r.cacheDir ?? DEFAULT_CACHE_DIR;
  const file = path.join(dir, `${cacheKey(r, module.name, rtlHash(module), clockMhz)}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as OpEnergy;
  const { mapDesign, measureEnergy } = await import('../phys/measure');
  const { dataSet, dataStream } = await import('../phys/workloads');
  const transactions = r.transactions ?? 1600;
  const seed = r.seed ?? 1;
  const t0 = performance.now();
  const mapped = await mapDesign(module);
  const s = dataStream(cfg, module, dataSet(r.data, seed), transactions, seed * 1009 + r.data.length);
  const m = await measureEnergy({ module, mapped, vectors: s.vectors, expected: s.expected, clockMhz, opsPerTransaction: s.opsPerTransaction, outputsPerInput: s.outputsPerInput, group: s.group });
  if (m.mismatches) throw new Error(`${module.name} on ${r.data}: ${m.mismatches} gate-level outputs differ from the golden model (${m.firstMismatch})`);
  const laneCycles = m.toggles.cycles * m.toggles.lanes;
  const periodNs = 1000 / clockMhz;
  const out: OpEnergy = {
    kind: r.kind,
    format: r.format,
    top: module.name,
    data: r.data,
    dynamic_pj: m.dynamicPj,
    clock_pj_per_cycle: m.energy.clockPj / laneCycles,
    // leakage energy over the window / window time: pJ / ns = mW -> uW
    leakage_uw: (m.energy.leakagePj / (laneCycles * periodNs)) * 1000,
    ops: m.ops,
    toggles_per_op: m.togglesPerOp,
    gate_level_outputs_checked: m.outputs,
    gate_level_mismatches: m.mismatches,
    lib_cells: mapped.synth.mapped!.cells,
    area_um2: mapped.synth.mapped!.areaUm2,
    clock_mhz: clockMhz,
    transactions,
    seed,
    source: `measured: ${module.name}, data ${r.data}, OSU 0.18 um zero-delay toggles (generator/phys), ${clockMhz} MHz`,
  };
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(out, null, 2)}\n`);
  renameSync(tmp, file);
  r.log?.(`energy: measured ${module.name} on ${r.data}: ${out.dynamic_pj.toFixed(3)} pJ/op dynamic, ${out.leakage_uw.toFixed(3)} uW leakage (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  return out;
}
