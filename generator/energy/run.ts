// The energy study: per workload and array, every format (tile layout) and the 1-D scheme of each MX format,
// from measured per-op energies (measure.ts) and the model (model.ts). Records are the rows of reports/energy.json.

import type { DataSetId } from '../phys/workloads';
import { ENERGY_CLOCK_MHZ, opEnergy, type EnergyFormat, type MeasuredKind, type OpEnergy } from './measure';
import {
  DRAM_PJ_PER_BIT,
  HOROWITZ_NODE_NM,
  HOROWITZ_SRAM,
  HOROWITZ_VOLTAGE,
  LIB_NODE_NM,
  LIB_VOLTAGE,
  SRAM_NODE_SCALE,
  TRANSPOSE_BUFFER_BITS,
  formatEnergy,
  formatKey,
  type ArrayShape,
  type DataOf,
  type FormatEnergies,
  type FormatResult,
  type Layout,
  type MemoryAssumptions,
} from './model';
import { workloadMacs, type GemmSpec, type Workload } from './workloads';

export interface EnergyRecord {
  readonly workload: string;
  readonly description: string;
  readonly array: string;
  readonly macs: number;
  readonly assumptions: Record<string, unknown>;
  /** keys: the format (8x8 tile layout; bf16) and `<format>-1x32` (1-D scheme) */
  readonly formats: Record<string, FormatResult>;
  readonly vs_bf16: Record<string, number>;
  readonly measured: readonly OpEnergy[];
}

export const DEFAULT_MEMORY: MemoryAssumptions = { sramAnchors: HOROWITZ_SRAM, sramScale: SRAM_NODE_SCALE, dramPjPerBit: DRAM_PJ_PER_BIT, clockMhz: ENERGY_CLOCK_MHZ };

/** Data sets of a workload's GEMMs: the MLP's own tensors (forward / backward), N(0,1) otherwise. */
export function dataOfWorkload(w: Workload): DataOf {
  if (w.name === 'mlp-train' || w.name === 'mlp-infer') return (g: GemmSpec) => (g.cls === 'forward' ? 'mlp-fwd' : 'mlp-bwd');
  return () => 'normal';
}

/** What must be measured for a set of formats and data sets. */
export function measurePlan(formats: readonly EnergyFormat[], workloads: readonly Workload[], layouts: readonly Layout[]): { kind: MeasuredKind; format: EnergyFormat; data: DataSetId }[] {
  const out: { kind: MeasuredKind; format: EnergyFormat; data: DataSetId }[] = [];
  const peData = [...new Set(workloads.flatMap((w) => w.gemms.map(dataOfWorkload(w))))];
  // quantizers: the data set of each workload's first GEMM (model.ts formatEnergy)
  const qData = [...new Set(workloads.map((w) => dataOfWorkload(w)(w.gemms[0]!)))];
  for (const f of formats) {
    for (const d of peData) out.push({ kind: 'pe', format: f, data: d });
    if (f === 'bf16') continue;
    for (const d of qData) {
      if (layouts.includes('tile')) out.push({ kind: 'requant', format: f, data: d });
      if (layouts.includes('1x32')) out.push({ kind: 'quant1d', format: f, data: d });
    }
  }
  return out;
}

/** The per-op energy table from measured (or test-input) figures. */
export function energiesFrom(figs: readonly OpEnergy[], f: EnergyFormat): FormatEnergies {
  const find = (kind: MeasuredKind, d: DataSetId): OpEnergy => {
    const x = figs.find((r) => r.kind === kind && r.format === f && r.data === d);
    if (!x) throw new Error(`no ${kind} energy for ${f} on ${d}`);
    return x;
  };
  return {
    pe: (d) => {
      const x = find('pe', d);
      return { dynamicPj: x.dynamic_pj, idlePj: x.clock_pj_per_cycle, leakageUw: x.leakage_uw };
    },
    ...(f === 'bf16'
      ? {}
      : {
          requant: (d: DataSetId) => ({ dynamicPj: find('requant', d).dynamic_pj, idlePj: find('requant', d).clock_pj_per_cycle, leakageUw: find('requant', d).leakage_uw }),
          quant1d: (d: DataSetId) => ({ dynamicPj: find('quant1d', d).dynamic_pj, idlePj: find('quant1d', d).clock_pj_per_cycle, leakageUw: find('quant1d', d).leakage_uw }),
        }),
  };
}

export function assumptions(a: ArrayShape, mem: MemoryAssumptions): Record<string, unknown> {
  return {
    library: 'OSU 0.18 um osu018_stdcells.lib (qflow-tech-osu018), typical, 1.8 V, 25 C; Yosys 0.23 + abc mapping (generator/sim/synth.ts, flow bounded-sat)',
    activity: 'zero-delay gate-level toggles (generator/phys/gatesim.ts), 32 lanes, every output checked against the golden model; glitches not counted',
    clock_mhz: mem.clockMhz,
    array: { rows: a.rows, cols: a.cols, tile: a.tile, pe_cell_depth: a.depth },
    compute: `pJ per PE op (one ${a.tile}-element chunk dot product + FP32 accumulation) measured on the mx PE at k = T (mxsf_pe_k${a.tile}_d1 etc.; the array's PE cell has the same chunk datapath and accumulator but no stream handshake to drive it standalone) times PE ops = blocks * R * C * ceil(K/T) from generator/rtl/array/cycles.ts (padding included)`,
    operand_data: 'mlp: the study MLP\'s own operands (generator/phys/data.ts captureMlp; forward GEMMs on mlp-fwd, gradient GEMMs on mlp-bwd); transformer: N(0,1) FP32 operands (data set normal), quantized by the golden model, 1x32 blocks along K for the PE stream',
    requant: 'drain: tile re-quantizer (generator/rtl/tile, T x T, floor, FP32 in) pJ per element, measured; 1-D: the 1x32 block quantizer (generator/rtl/quantizer k = 32, FP32 in) pJ per element; bf16 drain rounding not measured (counted 0)',
    sram: {
      source: 'M. Horowitz, "Computing\'s energy problem (and what we can do about it)", ISSCC 2014: 64-bit SRAM access at 45 nm, 0.9 V: 8 KB 10 pJ, 32 KB 20 pJ, 1 MB 100 pJ',
      anchors_pj_per_64b_45nm: mem.sramAnchors,
      scaling: `E = E_45nm * (L/${HOROWITZ_NODE_NM} nm) * (V/${HOROWITZ_VOLTAGE} V)^2 with L = ${LIB_NODE_NM} nm, V = ${LIB_VOLTAGE} V (C V^2, capacitance proportional to feature size): x ${mem.sramScale}`,
      interpolation: 'per bit, log-log between the anchors (extrapolated with the nearest segment\'s slope)',
      sizing: 'L1 = the array\'s operand buffers, 64 tiles each (the synthesized arrays), read once per chunk step (a whole tile word) and filled from L2 (A row band per output tile row, B once or per output tile when it does not fit); L1 FP32 buffer = 64 T x T FP32 tiles; L2 = a global buffer holding the largest stored operand of the workload in that format (no re-fetch from DRAM); 1-D transpose buffer = two 32 x 32 FP32 banks (8 KiB)',
      transpose_buffer_bits: TRANSPOSE_BUFFER_BITS,
    },
    dram: {
      source: 'M. Horowitz, ISSCC 2014: DRAM 1.3-2.6 nJ per 64-bit access; the low end 1.3 nJ / 64 bit, not node-scaled (off-chip)',
      pj_per_bit: mem.dramPjPerBit,
      layout: 'MX: code bits per element + 8 bits per T x T tile (1-D: per 1x32 block), padded to T x T tiles; bf16 16 bits; FP32 outputs 32 bits; training: FP32 master weights and momentum read + written, FP32 weight gradient read',
      traffic: 'each GEMM reads its operands and writes its output once (buffers hold a GEMM\'s operands)',
    },
    leakage: 'library cell_leakage_power of the mapped PE cells (R * C) and drain quantizer over the cycles at the clock; SRAM leakage not included',
    idle: 'clock energy of a PE cycle without an op and of a drain-quantizer cycle without a row (no clock gating: every flip-flop is clocked every cycle), from the measured clock component per cycle',
    not_counted: 'array control, operand broadcast registers, the FP32 weight-update arithmetic (equal for every format), softmax/nonlinearities, SRAM leakage',
  };
}

export interface StudyRequest {
  readonly workloads: readonly Workload[];
  readonly arrays: readonly ArrayShape[];
  readonly formats: readonly EnergyFormat[];
  readonly layouts: readonly Layout[];
  readonly cacheDir?: string;
  readonly memory?: MemoryAssumptions;
  readonly log?: (line: string) => void;
  /** figures to use instead of measuring (tests: labelled test inputs) */
  readonly figures?: readonly OpEnergy[];
}

export async function energyStudy(r: StudyRequest): Promise<EnergyRecord[]> {
  const mem = r.memory ?? DEFAULT_MEMORY;
  const tiles = [...new Set(r.arrays.map((a) => a.tile))];
  const figs: OpEnergy[] = [...(r.figures ?? [])];
  if (!r.figures) {
    for (const T of tiles) {
      for (const p of measurePlan(r.formats, r.workloads, r.layouts)) figs.push(await opEnergy({ ...p, tile: T, ...(r.cacheDir ? { cacheDir: r.cacheDir } : {}), ...(r.log ? { log: r.log } : {}) }));
    }
  }
  const out: EnergyRecord[] = [];
  for (const w of r.workloads)
    for (const a of r.arrays) {
      const formats: Record<string, FormatResult> = {};
      const dataOf = dataOfWorkload(w);
      const used = figs.filter((x) => x.top.includes(`_k${a.tile}_`) || x.kind !== 'pe');
      for (const f of r.formats)
        for (const layout of r.layouts) {
          if (f === 'bf16' && layout !== 'tile') continue;
          formats[formatKey(f, layout)] = formatEnergy(w, f, layout, a, energiesFrom(used, f), mem, dataOf);
        }
      const bf = formats['bf16'];
      const vs: Record<string, number> = {};
      if (bf) for (const [k, v] of Object.entries(formats)) if (k !== 'bf16') vs[k] = v.total_pj / bf.total_pj;
      const dataUsed = new Set(w.gemms.map(dataOf));
      out.push({
        workload: w.name,
        description: w.description,
        array: `${a.rows}x${a.cols}`,
        macs: workloadMacs(w),
        assumptions: assumptions(a, mem),
        formats,
        vs_bf16: vs,
        measured: used.filter((x) => dataUsed.has(x.data) && r.formats.includes(x.format)),
      });
    }
  return out;
}
