// Input streams of the physical flow, per unit: (1) the verification vectors of the RTL regression (the same
// generators and golden models as generator/verify/suites/*), for gate-level simulation; (2) operand streams
// from data sets (the study's MLP operands, N(0,1), sparse, zero), for the energy figures. Every stream carries
// its golden outputs, so every gate-level run is also checked bit for bit.
// This file (with data.ts) is where the flow depends on the units' vector APIs (generator/rtl/*/vectors.ts).

import { FORMAT_TABLE, codeBits, fp32BitsToBf16Bits, floatToBits, quantizeBlock, type FormatName } from '../golden/index';
import type { RtlConfig } from '../rtl/config';
import type { Module } from '../hdl/index';
import { dataPorts, packPorts } from '../sim/pack';
import { Prng } from '../util/prng';
import { peInputPacker, peModel, randomBf16Cases, randomMxCases, type PeCase, type PeKind } from '../rtl/pe/vectors';
import { cornerBlocks, goldenBlock, packBlock, packCodes, randomBlocks, type Block } from '../rtl/quantizer/vectors';
import type { QuantInput } from '../rtl/quantizer/common';
import { goldenTileModel, tileExpectedOutputs, tileInputVectors } from '../rtl/tile/vectors';
import { makeTiles } from '../rtl/tile/tiles';
import type { TileQuantConfig } from '../rtl/tile/tilequant';
import { decoderExpected } from '../verify/suites/decoder';
import { captureMlp, type F32Matrix, type GemmOperands } from './data';
import { HarnessError } from '../sim/errors';
import type { ScaleMode } from '../golden/scale';

export class WorkloadError extends HarnessError {}

/** A stream for one unit: packed inputs, golden outputs, and what one transaction is worth. */
export interface UnitStream {
  readonly vectors: bigint[];
  readonly expected: bigint[];
  /** operations per input transaction (a PE chunk: 1 dot product; a quantizer block: k elements; a tile row: C) */
  readonly opsPerTransaction: number;
  readonly outputsPerInput: number;
  /** what an operation is, for the reports */
  readonly opName: string;
  /** transactions that belong together (a tile's rows): a stream is only cut at multiples of this */
  readonly group: number;
}

// ---- data sets ----

export type DataSetId = 'mlp-fwd' | 'mlp-bwd' | 'normal' | 'sparse' | 'zero';
export const DATA_SETS: readonly DataSetId[] = ['mlp-fwd', 'mlp-bwd', 'normal', 'sparse', 'zero'];

export interface DataSet {
  readonly id: DataSetId;
  readonly text: string;
  readonly gemms: readonly GemmOperands[];
}

function synthetic(rows: number, cols: number, rng: Prng, zeroFraction: number): F32Matrix {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.next() < zeroFraction ? 0 : rng.normal();
  return { rows, cols, data };
}

/** Fraction of zeros of the 'sparse' set. */
export const SPARSE_ZEROS = 0.9;

export function dataSet(id: DataSetId, seed = 1): DataSet {
  if (id === 'mlp-fwd' || id === 'mlp-bwd') {
    const m = captureMlp({ seed });
    return id === 'mlp-fwd'
      ? { id, text: `MLP forward operands: ${m.description}`, gemms: m.forward }
      : { id, text: `MLP backward operands: ${m.description}`, gemms: m.backward };
  }
  const rng = new Prng(seed * 7919 + id.length);
  const z = id === 'zero' ? 1 : id === 'sparse' ? SPARSE_ZEROS : 0;
  const gemms = [0, 1].map((i) => ({ label: `${id} ${i}`, a: synthetic(16, 256, rng, z), b: synthetic(256, 16, rng, z) }));
  const text =
    id === 'normal'
      ? 'N(0,1) FP32 operands (seeded), quantized to each format by the golden model'
      : id === 'sparse'
        ? `N(0,1) FP32 operands with ${SPARSE_ZEROS * 100} % of the elements zero (independently), quantized by the golden model`
        : 'all-zero operands';
  return { id, text, gemms };
}

const bitsOf = (x: number): number => floatToBits(x);
/** The 16-bit BF16 pattern of FP32 bits (round to nearest even), as BF16 ports take it. */
const bf16Of = (bits: number): number => fp32BitsToBf16Bits(bits) >>> 16;

/** Element (r, c) of a matrix as FP32 bits, 0 outside it (padding). */
function at(m: F32Matrix, r: number, c: number): number {
  return r < m.rows && c < m.cols ? bitsOf(m.data[r * m.cols + c]!) : 0;
}

// ---- per unit ----

export function peKindOf(cfg: RtlConfig): { kind: PeKind; k: number } {
  const p = cfg.params;
  const k = Number(p.k);
  if (cfg.format === 'bf16') return { kind: { kind: 'bf16' }, k };
  return { kind: { kind: 'mx', formatA: p.formatA as FormatName, formatB: p.formatB as FormatName }, k };
}

function peStream(cfg: RtlConfig, cases: readonly PeCase[], kind: PeKind, k: number): UnitStream {
  const pack = peInputPacker(kind, k);
  const model = peModel(kind);
  return { vectors: cases.map(pack), expected: cases.map((c) => BigInt(model(c) >>> 0)), opsPerTransaction: 1, outputsPerInput: 1, opName: `k = ${k} chunk dot product`, group: 1 };
}

/** PE transactions from GEMM operands: output elements C[i][j] in turn, each a run of chunks along K, acc chained. */
function peDataCases(kind: PeKind, k: number, data: DataSet, count: number, seed: number): PeCase[] {
  const rng = new Prng(seed);
  const model = peModel(kind);
  const out: PeCase[] = [];
  const BLOCK = 32; // MX blocks along K (OCP 1x32); a k < 32 chunk uses its block's scale
  for (let g = 0; out.length < count; g++) {
    const { a, b } = data.gemms[g % data.gemms.length]!;
    const K = a.cols;
    const i = rng.int(a.rows);
    const j = rng.int(b.cols);
    const Kp = Math.ceil(K / BLOCK) * BLOCK;
    const rowA = Array.from({ length: Kp }, (_, t) => at(a, i, t));
    const colB = Array.from({ length: Kp }, (_, t) => at(b, t, j));
    let acc = 0;
    for (let c0 = 0; c0 < Kp && out.length < count; c0 += k) {
      let x: PeCase;
      if (kind.kind === 'bf16') {
        x = { a: rowA.slice(c0, c0 + k).map((v) => bf16Of(v)), b: colB.slice(c0, c0 + k).map((v) => bf16Of(v)), xa: 0, xb: 0, acc };
      } else {
        const b0 = Math.floor(c0 / BLOCK) * BLOCK;
        const qa = quantizeBlock(kind.formatA, rowA.slice(b0, b0 + BLOCK), 'floor');
        const qb = quantizeBlock(kind.formatB, colB.slice(b0, b0 + BLOCK), 'floor');
        x = { a: Array.from(qa.codes.subarray(c0 - b0, c0 - b0 + k)), b: Array.from(qb.codes.subarray(c0 - b0, c0 - b0 + k)), xa: qa.scale, xb: qb.scale, acc };
      }
      out.push(x);
      acc = model(x) >>> 0;
    }
  }
  return out;
}

interface QuantParams {
  readonly format: FormatName;
  readonly k: number;
  readonly scaleMode: ScaleMode;
  readonly input: QuantInput;
}

function quantParams(cfg: RtlConfig): QuantParams {
  const p = cfg.params;
  return { format: cfg.format as FormatName, k: Number(p.k), scaleMode: p.scaleMode as ScaleMode, input: p.input as QuantInput };
}

function quantStream(top: Module, q: QuantParams, blocks: readonly Block[]): UnitStream {
  const iface = top.interface();
  const ins = dataPorts(iface, 'input');
  const outs = dataPorts(iface, 'output');
  const B = codeBits(FORMAT_TABLE[q.format]);
  return {
    vectors: blocks.map((blk) => packPorts(ins, { x_i: packBlock(q.input, blk) })),
    expected: blocks.map((blk) => {
      const g = goldenBlock(q.format, q.scaleMode, q.input, blk);
      return packPorts(outs, { scale_o: BigInt(g.scale), codes_o: packCodes(g.codes, B) });
    }),
    opsPerTransaction: q.k,
    outputsPerInput: 1,
    opName: 'quantized element',
    group: 1,
  };
}

/** Blocks of k consecutive values along K (rows of A, columns of B), at random positions. */
function dataBlocks(k: number, input: QuantInput, data: DataSet, count: number, seed: number): Block[] {
  const rng = new Prng(seed);
  const out: Block[] = [];
  const cvt = (v: number): number => (input === 'bf16' ? bf16Of(v) : v);
  for (let g = 0; out.length < count; g++) {
    const { a, b } = data.gemms[g % data.gemms.length]!;
    if (g % 2 === 0) {
      const i = rng.int(a.rows);
      const c0 = rng.int(Math.ceil(a.cols / k)) * k;
      out.push(Array.from({ length: k }, (_, t) => cvt(at(a, i, c0 + t))));
    } else {
      const j = rng.int(b.cols);
      const r0 = rng.int(Math.ceil(b.rows / k)) * k;
      out.push(Array.from({ length: k }, (_, t) => cvt(at(b, r0 + t, j))));
    }
  }
  return out;
}

function tileParams(cfg: RtlConfig): TileQuantConfig {
  const p = cfg.params;
  return {
    format: cfg.format as FormatName,
    rows: Number(p.rows),
    cols: Number(p.cols),
    scaleMode: p.scaleMode as ScaleMode,
    input: p.input as QuantInput,
    order: p.order as 'row' | 'col',
    buffers: Number(p.buffers) as 1 | 2,
  } as TileQuantConfig;
}

function tileStream(t: TileQuantConfig, tiles: readonly Uint32Array[]): UnitStream {
  const B = codeBits(FORMAT_TABLE[t.format]);
  return {
    vectors: tileInputVectors(t, tiles),
    expected: tileExpectedOutputs(t, B, tiles, goldenTileModel(t)),
    opsPerTransaction: t.cols,
    outputsPerInput: 1,
    opName: 'quantized element',
    group: t.rows,
  };
}

function dataTiles(t: TileQuantConfig, data: DataSet, count: number, seed: number): Uint32Array[] {
  const rng = new Prng(seed);
  const out: Uint32Array[] = [];
  const cvt = (v: number): number => (t.input === 'bf16' ? bf16Of(v) : v);
  for (let g = 0; out.length < count; g++) {
    const { a, b } = data.gemms[g % data.gemms.length]!;
    const m = g % 2 === 0 ? a : b;
    const r0 = rng.int(Math.ceil(m.rows / t.rows)) * t.rows;
    const c0 = rng.int(Math.ceil(m.cols / t.cols)) * t.cols;
    out.push(Uint32Array.from({ length: t.rows * t.cols }, (_, e) => cvt(at(m, r0 + Math.floor(e / t.cols), c0 + (e % t.cols)))));
  }
  return out;
}

/** Units the physical flow knows how to drive. */
export function supportsUnit(cfg: RtlConfig): boolean {
  return cfg.unit === 'pe' || cfg.unit === 'quantizer' || cfg.unit === 'tile-requant' || cfg.unit === 'decoder';
}

/**
 * The RTL regression's vectors for a unit: random and corner chunks (PE), corner + random blocks (quantizer),
 * the tile kinds of the tile suite (tile), every code (decoder; `count` is ignored). `count` transactions.
 */
export function verificationStream(cfg: RtlConfig, top: Module, count: number, seed: number): UnitStream {
  switch (cfg.unit) {
    case 'pe': {
      const { kind, k } = peKindOf(cfg);
      const cases = kind.kind === 'bf16' ? randomBf16Cases(k, count, seed) : randomMxCases(kind, k, count, seed);
      return peStream(cfg, cases, kind, k);
    }
    case 'quantizer': {
      const q = quantParams(cfg);
      const corners = cornerBlocks(q.format, q.k, q.scaleMode, q.input);
      return quantStream(top, q, [...corners, ...randomBlocks(q.format, q.k, q.input, Math.max(0, count - corners.length), seed)]);
    }
    case 'tile-requant': {
      const t = tileParams(cfg);
      return tileStream(t, makeTiles(Math.max(1, Math.ceil(count / t.rows)), t.rows, t.cols, t.input, seed));
    }
    case 'decoder': {
      const { inputs, expected } = decoderExpected(cfg.format as FormatName);
      return { vectors: inputs, expected, opsPerTransaction: 1, outputsPerInput: 1, opName: 'decoded element', group: 1 };
    }
    default:
      throw new WorkloadError(`no gate-level vectors for unit '${cfg.unit}'`);
  }
}

/** An operand stream from a data set: `count` transactions. */
export function dataStream(cfg: RtlConfig, top: Module, data: DataSet, count: number, seed: number): UnitStream {
  switch (cfg.unit) {
    case 'pe': {
      const { kind, k } = peKindOf(cfg);
      return peStream(cfg, peDataCases(kind, k, data, count, seed), kind, k);
    }
    case 'quantizer': {
      const q = quantParams(cfg);
      return quantStream(top, q, dataBlocks(q.k, q.input, data, count, seed));
    }
    case 'tile-requant': {
      const t = tileParams(cfg);
      return tileStream(t, dataTiles(t, data, Math.max(1, Math.ceil(count / t.rows)), seed));
    }
    default:
      throw new WorkloadError(`no data streams for unit '${cfg.unit}'`);
  }
}
