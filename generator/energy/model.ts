// The energy model of the accelerator (generator/rtl/array) on a workload: operation, access and byte counts from
// the array's cycle model and stored layouts, times per-operation energies measured at gate level
// (generator/energy/measure.ts) and per-access / per-bit memory energies from cited sources (ASSUMPTIONS below).
// Pure arithmetic: no measurement happens here, so tests can check every count by hand.
//
// Per GEMM C[m x n] = op(A) op(B) on an R x C array with T x T tiles (commandCycles of cycles.ts):
//   PE ops        = blocks * R * C * ceil(K/T)    (every cell of a block steps each chunk, padding included)
//   idle PE-cycles = cycles * R * C - PE ops     (flip-flops are clocked every cycle: no clock gating)
//   operand reads = 2 * blocks * ceil(K/T) tile words (one A tile and one B tile per step feed the whole array)
//   output writes = tiles words of a stored tile (re-quantized or BF16-rounded) or tiles * T FP32 words
//   drain requant = tiles * T * T elements (a re-quantized output; the tile re-quantizer takes padded tiles)
//   L1 fills      = tile words copied from the global buffer into the array's operand buffers (ARRAY_BUFFER_TILES
//                   tiles each, the synthesized arrays' size), output tiles row-major: an A row band (S tiles) is
//                   loaded once per output tile row when it fits, else per output tile; all of B once when its
//                   gn * S tiles fit, else its column band per output tile
//   off-chip      = A and B read in their stored layout, the output written (stored or FP32), each GEMM once:
//                   a global buffer (L2) holds the workload's largest operand (no re-fetch from DRAM); every word
//                   from DRAM is written into it once, every word to DRAM read from it once, and every L1 fill
//                   read from it; outputs go array -> L1 -> L2 -> DRAM.
// Per workload: training adds the SGD-momentum update of each weight: FP32 master and momentum read and written,
// the FP32 weight gradient read, the weight re-quantized into its stored copies and written (the update arithmetic
// itself is the same for every format and not counted). The 1-D scheme (1x32 blocks along K) stores a second copy
// of every tensor that some GEMM reduces along its other axis: that copy costs a 1x32 quantization of each
// element, an FP32 write and read of the element in the transpose buffer, and its write to the buffer and DRAM.

import { commandCycles } from '../rtl/array/cycles';
import { FORMAT_TABLE, type FormatName } from '../formats/table';
import { codeBits } from '../formats/derive';
import type { GemmSpec, Workload } from './workloads';
import type { DataSetId } from '../phys/workloads';
import type { EnergyFormat } from './measure';

export type Layout = 'tile' | '1x32';
export const MX_FORMATS: readonly FormatName[] = ['mxsf', 'mxfp8-e2m5', 'mxfp8-e4m3', 'mxint8'];
export const ALL_FORMATS: readonly EnergyFormat[] = [...MX_FORMATS, 'bf16'];
export const BLOCK_1D = 32;
export const SCALE_BITS = 8;

/** A format key of the report: the format (tile layout, and bf16) or `<format>-1x32` (the 1-D scheme). */
export const formatKey = (f: EnergyFormat, layout: Layout): string => (layout === 'tile' ? f : `${f}-1x32`);

export interface ArrayShape {
  readonly rows: number;
  readonly cols: number;
  readonly tile: number;
  /** PE-cell register stages (the synthesized arrays use 1) */
  readonly depth: number;
}

/** Per-op energies of one format (measured, or a labelled test input). */
export interface FormatEnergies {
  /** PE: dynamic pJ per chunk op, clock pJ per idle cycle, leakage uW; per data set */
  readonly pe: (data: DataSetId) => { dynamicPj: number; idlePj: number; leakageUw: number };
  /** tile re-quantizer per element (absent for bf16: its drain rounds; not measured, counted as 0) */
  readonly requant?: (data: DataSetId) => { dynamicPj: number; idlePj: number; leakageUw: number };
  /** 1x32 block quantizer per element (the 1-D scheme) */
  readonly quant1d?: (data: DataSetId) => { dynamicPj: number; idlePj: number; leakageUw: number };
}

export interface MemoryAssumptions {
  /** 64-bit SRAM access energy at 45 nm, 0.9 V vs capacity (Horowitz ISSCC 2014) */
  readonly sramAnchors: readonly { readonly kib: number; readonly pj64: number }[];
  /** multiplier from the anchors' node to the library's: (L_lib / L_ref) * (V_lib / V_ref)^2 */
  readonly sramScale: number;
  readonly dramPjPerBit: number;
  readonly clockMhz: number;
}

export const HOROWITZ_SRAM = [
  { kib: 8, pj64: 10 },
  { kib: 32, pj64: 20 },
  { kib: 1024, pj64: 100 },
] as const;
export const HOROWITZ_NODE_NM = 45;
export const HOROWITZ_VOLTAGE = 0.9;
/** OSU018: 0.18 um drawn, nominal 1.8 V (the liberty's nom_voltage; a test reads it) */
export const LIB_NODE_NM = 180;
export const LIB_VOLTAGE = 1.8;
/** C V^2 with the capacitance proportional to the feature size */
export const SRAM_NODE_SCALE = (LIB_NODE_NM / HOROWITZ_NODE_NM) * (LIB_VOLTAGE / HOROWITZ_VOLTAGE) ** 2;
/** Horowitz ISSCC 2014: DRAM 1.3-2.6 nJ per 64-bit access; the low end, not scaled (off-chip: no logic node) */
export const DRAM_PJ_PER_BIT = 1300 / 64;

/** SRAM energy per bit accessed for a buffer of `bits` capacity: log-log interpolation of the anchors, scaled. */
export function sramPjPerBit(bits: number, m: Pick<MemoryAssumptions, 'sramAnchors' | 'sramScale'>): number {
  const kib = Math.max(bits, 1) / 8192;
  const a = m.sramAnchors;
  let i = 0;
  while (i < a.length - 2 && kib > a[i + 1]!.kib) i++;
  const lo = a[i]!;
  const hi = a[i + 1]!;
  const slope = Math.log(hi.pj64 / lo.pj64) / Math.log(hi.kib / lo.kib);
  return ((lo.pj64 * (kib / lo.kib) ** slope) / 64) * m.sramScale;
}

export const elemBits = (f: EnergyFormat): number => (f === 'bf16' ? 16 : codeBits(FORMAT_TABLE[f]));
const up = (x: number, q: number): number => Math.ceil(x / q) * q;

/**
 * Stored bits of a rows x cols tensor: padded to T x T tiles; MX tile layout + one scale per tile; 1-D + one scale
 * per 32 elements along `axis` ('cols': blocks run along a row; 'rows': along a column); bf16 16 bits, no scales.
 */
export function storedBits(f: EnergyFormat, layout: Layout, rows: number, cols: number, T: number, axis: 'rows' | 'cols' = 'cols'): number {
  const r = up(rows, T);
  const c = up(cols, T);
  if (f === 'bf16') return r * c * 16;
  if (layout === 'tile') return r * c * elemBits(f) + (r / T) * (c / T) * SCALE_BITS;
  const blocks = axis === 'cols' ? r * Math.ceil(c / BLOCK_1D) : c * Math.ceil(r / BLOCK_1D);
  return r * c * elemBits(f) + blocks * SCALE_BITS;
}

/** Stored shape of the A / B operand and the axis its reduction (K) runs along. */
export function operandShape(g: GemmSpec, which: 'a' | 'b'): { rows: number; cols: number; axis: 'rows' | 'cols' } {
  if (which === 'a') return g.opA === 'n' ? { rows: g.m, cols: g.k, axis: 'cols' } : { rows: g.k, cols: g.m, axis: 'rows' };
  return g.opB === 'n' ? { rows: g.k, cols: g.n, axis: 'rows' } : { rows: g.n, cols: g.k, axis: 'cols' };
}

export interface GemmCounts {
  readonly name: string;
  readonly cls: string;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly cycles: number;
  readonly macs: number;
  readonly pe_ops: number;
  readonly idle_pe_cycles: number;
  readonly blocks: number;
  readonly tiles: number;
  readonly steps: number;
  readonly operand_reads: number;
  readonly operand_read_bits: number;
  /** tile words filled into the operand buffers from the global buffer */
  readonly l1_fill_words: number;
  readonly l1_fill_bits: number;
  readonly output_writes: number;
  readonly output_write_bits: number;
  readonly requant_elements: number;
  readonly dram_read_bits: number;
  readonly dram_write_bits: number;
}

/** Tiles per operand buffer of the array (the synthesized configurations, rtl/array/configs.ts). */
export const ARRAY_BUFFER_TILES = 64;

/** Tile words copied into the array's two operand buffers for a GEMM (see the header). */
export function l1Fills(g: Pick<GemmSpec, 'm' | 'k' | 'n'>, T: number, bufferTiles = ARRAY_BUFFER_TILES): number {
  const gm = Math.ceil(g.m / T);
  const gn = Math.ceil(g.n / T);
  const S = Math.ceil(g.k / T);
  const a = S <= bufferTiles ? gm * S : gm * gn * S;
  const b = gn * S <= bufferTiles ? gn * S : gm * gn * S;
  return a + b;
}

/** Counts of one GEMM on the array (format f, layout). */
export function gemmCounts(g: GemmSpec, f: EnergyFormat, layout: Layout, a: ArrayShape): GemmCounts {
  const T = a.tile;
  const cm = commandCycles({ format: f, rows: a.rows, cols: a.cols, tile: T, depth: a.depth }, { m: g.m, k: g.k, n: g.n, acc: false, outMx: g.outQuantized });
  const peOps = cm.blocks * a.rows * a.cols * cm.steps;
  const E = elemBits(f);
  // one operand buffer word: a T x T tile of codes + its scale(s): one per tile, or one per line (1-D: each line of
  // T elements lies in one 1x32 block along K)
  const scaleBits = f === 'bf16' ? 0 : layout === 'tile' ? SCALE_BITS : T * SCALE_BITS;
  const wordBits = T * T * E + scaleBits;
  const operandReads = 2 * cm.blocks * cm.steps;
  const outWrites = g.outQuantized ? cm.tiles : cm.tiles * T;
  const outWordBits = g.outQuantized ? wordBits : T * 32;
  const sa = operandShape(g, 'a');
  const sb = operandShape(g, 'b');
  const outBits = g.outQuantized ? storedBits(f, layout, g.m, g.n, T, 'cols') : up(g.m, T) * up(g.n, T) * 32;
  return {
    name: g.name,
    cls: g.cls,
    m: g.m,
    k: g.k,
    n: g.n,
    cycles: cm.cycles,
    macs: cm.macs,
    pe_ops: peOps,
    idle_pe_cycles: cm.cycles * a.rows * a.cols - peOps,
    blocks: cm.blocks,
    tiles: cm.tiles,
    steps: cm.steps,
    operand_reads: operandReads,
    operand_read_bits: operandReads * wordBits,
    l1_fill_words: l1Fills(g, T),
    l1_fill_bits: l1Fills(g, T) * wordBits,
    output_writes: outWrites,
    output_write_bits: outWrites * outWordBits,
    requant_elements: g.outQuantized && f !== 'bf16' ? cm.tiles * T * T : 0,
    dram_read_bits: storedBits(f, layout, sa.rows, sa.cols, T, sa.axis) + storedBits(f, layout, sb.rows, sb.cols, T, sb.axis),
    dram_write_bits: outBits,
  };
}

export interface TensorUse {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  readonly axes: ReadonlySet<'rows' | 'cols'>;
}

/** Every stored operand tensor, its shape and the axes GEMMs reduce it along. */
export function tensorUses(w: Workload): TensorUse[] {
  const m = new Map<string, { rows: number; cols: number; axes: Set<'rows' | 'cols'> }>();
  for (const g of w.gemms) {
    for (const which of ['a', 'b'] as const) {
      const s = operandShape(g, which);
      const name = which === 'a' ? g.a : g.b;
      const have = m.get(name);
      if (have && (have.rows !== s.rows || have.cols !== s.cols)) throw new Error(`tensor ${name} is ${have.rows} x ${have.cols} in one GEMM and ${s.rows} x ${s.cols} in ${g.name}`);
      const t = have ?? { rows: s.rows, cols: s.cols, axes: new Set() };
      t.axes.add(s.axis);
      m.set(name, t);
    }
  }
  return [...m].map(([name, t]) => ({ name, ...t }));
}

export interface ExtraCounts {
  /** weights updated in a training step */
  readonly weight_elements: number;
  /** elements quantized outside the drain (weights from their master copy; the 1-D scheme's second copies) */
  readonly quant_elements: number;
  /** 1-D: elements written to and read from the transpose buffer (FP32) */
  readonly transpose_elements: number;
  readonly transpose_bits: number;
  readonly dram_read_bits: number;
  readonly dram_write_bits: number;
  /** buffer traffic of the words moved to/from DRAM here */
  readonly sram_bits: number;
  /** tensors with a second 1-D copy */
  readonly second_copies: readonly string[];
}

/** Per-workload counts beyond the GEMMs: the training update and the 1-D scheme's second copies. */
export function extraCounts(w: Workload, f: EnergyFormat, layout: Layout, T: number): ExtraCounts {
  const uses = tensorUses(w);
  const weights = w.training ? w.tensors.filter((t) => t.role === 'weight') : [];
  let quant = 0;
  let dramR = 0;
  let dramW = 0;
  let sram = 0;
  let weightElems = 0;
  const copiesOf = (name: string): ('rows' | 'cols')[] => {
    const u = uses.find((x) => x.name === name);
    const axes = u ? [...u.axes] : [];
    return layout === 'tile' || f === 'bf16' ? [axes[0] ?? 'cols'] : axes.length ? axes : ['cols'];
  };
  for (const t of weights) {
    const e = t.rows * t.cols;
    weightElems += e;
    // master + momentum read and written, the FP32 gradient read: 2 * 32 + 2 * 32 + 32 bits per element
    dramR += e * (32 + 32 + 32);
    dramW += e * (32 + 32);
    // the updated weight quantized into its stored copies (bf16: rounded, not counted) and written
    for (const axis of copiesOf(t.name)) {
      if (f !== 'bf16') quant += e;
      const b = storedBits(f, layout, t.rows, t.cols, T, axis);
      dramW += b;
      sram += b;
    }
  }
  const isWeight = new Set(weights.map((t) => t.name));
  const second: string[] = [];
  let transpose = 0;
  if (layout === '1x32' && f !== 'bf16') {
    for (const u of uses) {
      if (u.axes.size < 2 || isWeight.has(u.name)) continue;
      second.push(u.name);
      const e = up(u.rows, T) * up(u.cols, T);
      quant += e;
      transpose += e;
      const b = storedBits(f, layout, u.rows, u.cols, T, 'rows');
      dramW += b;
      sram += b;
    }
  }
  return {
    weight_elements: weightElems,
    quant_elements: quant,
    transpose_elements: transpose,
    transpose_bits: transpose * 2 * 32,
    dram_read_bits: dramR,
    dram_write_bits: dramW,
    sram_bits: sram,
    second_copies: second,
  };
}

export interface FormatResult {
  readonly format: EnergyFormat;
  readonly layout: Layout;
  readonly total_pj: number;
  readonly compute_pj: number;
  readonly requant_pj: number;
  readonly sram_pj: number;
  readonly dram_pj: number;
  readonly leakage_pj: number;
  /** clock energy of idle cycles (PE cells and the drain quantizer; part of total_pj, drawn with leakage) */
  readonly idle_pj: number;
  readonly idle_pe_pj: number;
  /** the drain quantizer's clock in cycles it quantizes nothing (no clock gating: it is clocked every cycle) */
  readonly idle_requant_pj: number;
  readonly cycles: number;
  readonly macs: number;
  readonly pe_ops: number;
  readonly idle_pe_cycles: number;
  readonly requant_elements: number;
  readonly sram_bits: number;
  readonly dram_bits: number;
  readonly dram_read_bits: number;
  readonly dram_write_bits: number;
  /** the global buffer (L2): the largest stored operand, and its energy per bit */
  readonly operand_buffer_bits: number;
  readonly sram_pj_per_bit: number;
  /** the array's operand buffers (L1) */
  readonly l1_buffer_bits: number;
  readonly l1_pj_per_bit: number;
  readonly fp32_buffer_pj_per_bit: number;
  readonly transpose_pj_per_bit?: number;
  readonly extra: ExtraCounts;
  readonly gemms: readonly (GemmCounts & { compute_pj: number; requant_pj: number; data: DataSetId })[];
}

/** Which data set a GEMM's per-op energy comes from. */
export type DataOf = (g: GemmSpec) => DataSetId;

/** The transpose buffer of the 1-D scheme: two 32 x 32 FP32 banks (bothquant.ts), 8 KiB. */
export const TRANSPOSE_BUFFER_BITS = 2 * BLOCK_1D * BLOCK_1D * 32;

export function formatEnergy(w: Workload, f: EnergyFormat, layout: Layout, a: ArrayShape, e: FormatEnergies, mem: MemoryAssumptions, dataOf: DataOf): FormatResult {
  const T = a.tile;
  const gemms = w.gemms.map((g) => ({ g, c: gemmCounts(g, f, layout, a), data: dataOf(g) }));
  const extra = extraCounts(w, f, layout, T);
  // one operand buffer size for the workload: the largest stored operand or re-quantized output (three of them)
  let opBits = 0;
  for (const { g } of gemms) {
    for (const which of ['a', 'b'] as const) {
      const s = operandShape(g, which);
      opBits = Math.max(opBits, storedBits(f, layout, s.rows, s.cols, T, s.axis));
    }
    if (g.outQuantized) opBits = Math.max(opBits, storedBits(f, layout, g.m, g.n, T));
  }
  // L2: the global buffer; L1: the array's operand buffers (tile words + scales) and FP32 buffer (as many T x T
  // FP32 tiles)
  const opPj = sramPjPerBit(opBits, mem);
  const wordBits = T * T * elemBits(f) + (f === 'bf16' ? 0 : layout === 'tile' ? SCALE_BITS : T * SCALE_BITS);
  const l1Bits = ARRAY_BUFFER_TILES * wordBits;
  const l1Pj = sramPjPerBit(l1Bits, mem);
  const fp32Pj = sramPjPerBit(ARRAY_BUFFER_TILES * T * T * 32, mem);
  const trPj = sramPjPerBit(TRANSPOSE_BUFFER_BITS, mem);
  // the quantizers are measured on one data set per workload (its first GEMM's): their input is a GEMM's FP32
  // output, which no operand data set is anyway
  const dataAll = gemms[0]?.data ?? 'normal';
  const drainQuant = (): number => (f === 'bf16' ? 0 : layout === 'tile' ? e.requant!(dataAll).dynamicPj : e.quant1d!(dataAll).dynamicPj);
  let compute = 0;
  let requant = 0;
  let idle = 0;
  let sramPj = 0;
  let sramBits = 0;
  let cycles = 0;
  let dramR = extra.dram_read_bits;
  let dramW = extra.dram_write_bits;
  const rows = gemms.map(({ g, c, data }) => {
    const pe = e.pe(data);
    const cp = c.pe_ops * pe.dynamicPj;
    const rq = c.requant_elements * drainQuant();
    compute += cp;
    requant += rq;
    idle += c.idle_pe_cycles * pe.idlePj;
    cycles += c.cycles;
    // operand reads; the output into an operand buffer (re-quantized) or the FP32 buffer, then out to DRAM
    // (read once more); the operands' words come in from DRAM (written once)
    // per-step reads from L1; L1 fills (L2 read + L1 write); the output into L1 (an operand buffer or the FP32
    // buffer), read out, written to L2 and read for DRAM; the operands' words written into L2 from DRAM
    const outL1 = g.outQuantized ? l1Pj : fp32Pj;
    sramPj += c.operand_read_bits * l1Pj + c.l1_fill_bits * (l1Pj + opPj) + c.output_write_bits * outL1 + c.dram_write_bits * (outL1 + 2 * opPj) + c.dram_read_bits * opPj;
    sramBits += c.operand_read_bits + 2 * c.l1_fill_bits + c.output_write_bits + 3 * c.dram_write_bits + c.dram_read_bits;
    dramR += c.dram_read_bits;
    dramW += c.dram_write_bits;
    return { ...c, compute_pj: cp, requant_pj: rq, data };
  });
  requant += extra.quant_elements * (f === 'bf16' ? 0 : layout === 'tile' ? e.requant!(dataAll).dynamicPj : e.quant1d!(dataAll).dynamicPj);
  sramPj += extra.sram_bits * opPj + extra.transpose_bits * trPj;
  sramBits += extra.sram_bits + extra.transpose_bits;
  const dram = (dramR + dramW) * mem.dramPjPerBit;
  // leakage of the mapped logic over the whole run: R x C PE cells + the drain's quantizer (1-D: two 1x32 quantizers)
  const peLeak = e.pe(dataAll).leakageUw;
  const qLeak = f === 'bf16' ? 0 : layout === 'tile' ? e.requant!(dataAll).leakageUw : 2 * e.quant1d!(dataAll).leakageUw;
  const seconds = cycles / (mem.clockMhz * 1e6);
  const leakage = (a.rows * a.cols * peLeak + qLeak) * 1e-6 * seconds * 1e12;
  // the drain's quantizer is clocked every cycle: cycles it takes no row (T elements per cycle; 1-D: two units of
  // 32 elements per cycle) pay
  // its clock energy
  const q = f === 'bf16' ? undefined : layout === 'tile' ? e.requant!(dataAll) : e.quant1d!(dataAll);
  const units = layout === 'tile' ? 1 : 2;
  const busy = rows.reduce((s, r) => s + r.requant_elements, 0) / (layout === 'tile' ? T : BLOCK_1D);
  const idleQ = q ? Math.max(0, units * cycles - busy) * q.idlePj : 0;
  const idlePe = idle;
  idle += idleQ;
  const total = compute + requant + sramPj + dram + leakage + idle;
  return {
    format: f,
    layout,
    total_pj: total,
    compute_pj: compute,
    requant_pj: requant,
    sram_pj: sramPj,
    dram_pj: dram,
    leakage_pj: leakage,
    idle_pj: idle,
    idle_pe_pj: idlePe,
    idle_requant_pj: idleQ,
    cycles,
    macs: rows.reduce((s, r) => s + r.macs, 0),
    pe_ops: rows.reduce((s, r) => s + r.pe_ops, 0),
    idle_pe_cycles: rows.reduce((s, r) => s + r.idle_pe_cycles, 0),
    requant_elements: rows.reduce((s, r) => s + r.requant_elements, 0) + extra.quant_elements,
    sram_bits: sramBits,
    dram_bits: dramR + dramW,
    dram_read_bits: dramR,
    dram_write_bits: dramW,
    operand_buffer_bits: opBits,
    sram_pj_per_bit: opPj,
    l1_buffer_bits: l1Bits,
    l1_pj_per_bit: l1Pj,
    fp32_buffer_pj_per_bit: fp32Pj,
    ...(layout === '1x32' ? { transpose_pj_per_bit: trPj } : {}),
    extra,
    gemms: rows,
  };
}
