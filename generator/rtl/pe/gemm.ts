// GEMM through the generated PE (used by `mxgen sim gemm`, the pe suite and the tests): C = Q(A) * Q(B) (+ C)
// with the operands quantized by the golden model, every output element computed by the PE chunk by chunk
// with the FP32 accumulator carried between chunks (formats.md section 4, step 4). One simulator run per
// chunk index: the first chunks of all M x N elements, then the second chunks fed with the first
// results as accumulators, and so on. A partial chunk at the K edge is padded with +0 codes, which leave
// the exact sum unchanged. BF16: the inputs are rounded FP32 -> BF16 (half to even) here, before the PE.
// With `accumulate: 'in-place'` the accumulate-in-place PE holds the accumulator instead: each output element is
// one run of beats (its chunks in increasing k, first_i on the first with acc_i = C, last_i on the last).

import {
  BASELINE_BF16, chunkLength, fp32BitsToBf16Bits, makeMatrix, quantize, scaleAt, type BlockShape, type FormatName, type Matrix,
  type QuantizedMatrix, type ScaleMode,
} from '../../golden/index';
import type { Module } from '../../hdl/index';
import type { SimulatorName } from '../../sim/index';
import { bf16PeModule } from './bf16-pe';
import { mxPeModule } from './mx-pe';
import { MAX_SIM_GEMM_K } from './names';
import { PeSimulator } from './run';
import { type PeCase, type PeKind, peAccInputPacker, peInputPacker } from './vectors';

/** Pipeline depth of the simulated PE (the reference configuration's). */
export const SIM_GEMM_DEPTH = 1;
/** Transactions per simulator run. */
const BATCH = 200_000;

export interface SimGemmOptions {
  readonly formatA: FormatName | typeof BASELINE_BF16;
  readonly formatB?: FormatName | typeof BASELINE_BF16;
  readonly blockA: BlockShape;
  readonly blockB: BlockShape;
  readonly scaleMode: ScaleMode;
  readonly c?: Matrix;
  readonly sim: SimulatorName;
  readonly seed?: number;
  readonly stallPercent?: number;
  /**
   * 'host' (default): one simulator run per chunk index, the accumulators carried by the caller through acc_i;
   * 'in-place': the accumulate-in-place PE (acc: true), each output's chunks as one run of beats (first_i/last_i).
   */
  readonly accumulate?: 'host' | 'in-place';
  /** PE pipeline depth (default SIM_GEMM_DEPTH) and skid option */
  readonly depth?: number;
  readonly skid?: boolean;
}

export interface SimGemmResult {
  readonly result: Matrix;
  /** the PE module that ran */
  readonly top: string;
  /** PE transactions simulated (M * N * chunks) */
  readonly transactions: number;
  readonly chunks: number;
  readonly k: number;
}

/** The per-chunk inputs of every output element, quantized operands already known. */
interface Operands {
  readonly kind: PeKind;
  readonly k: number;
  readonly chunks: number;
  readonly M: number;
  readonly N: number;
  /** transaction of output (i, j) at chunk ch, acc filled in by the caller */
  chunk(i: number, j: number, ch: number, acc: number): PeCase;
}

function mxOperands(qa: QuantizedMatrix, qb: QuantizedMatrix, k: number): Operands {
  const K = qa.cols;
  const N = qb.cols;
  const chunks = Math.ceil(K / k);
  return {
    kind: { kind: 'mx', formatA: qa.format, formatB: qb.format },
    k,
    chunks,
    M: qa.rows,
    N,
    chunk(i, j, ch, acc) {
      const a = new Array<number>(k).fill(0);
      const b = new Array<number>(k).fill(0);
      const k0 = ch * k;
      for (let t = 0; t < k && k0 + t < K; t++) {
        a[t] = qa.codes[i * K + k0 + t]!;
        b[t] = qb.codes[(k0 + t) * N + j]!;
      }
      return { a, b, xa: scaleAt(qa, i, k0), xb: scaleAt(qb, k0, j), acc };
    },
  };
}

function bf16Operands(a: Matrix, b: Matrix, k: number): Operands {
  const K = a.cols;
  const N = b.cols;
  const ab = a.bits.map((x) => fp32BitsToBf16Bits(x) >>> 16);
  const bb = b.bits.map((x) => fp32BitsToBf16Bits(x) >>> 16);
  return {
    kind: { kind: 'bf16' },
    k,
    chunks: Math.ceil(K / k),
    M: a.rows,
    N,
    chunk(i, j, ch, acc) {
      const av = new Array<number>(k).fill(0);
      const bv = new Array<number>(k).fill(0);
      const k0 = ch * k;
      for (let t = 0; t < k && k0 + t < K; t++) {
        av[t] = ab[i * K + k0 + t]!;
        bv[t] = bb[(k0 + t) * N + j]!;
      }
      return { a: av, b: bv, xa: 0, xb: 0, acc };
    },
  };
}

/** C through the PE. Throws ShapeError (golden) for mismatched shapes or block edges. */
export async function simGemm(a: Matrix, b: Matrix, o: SimGemmOptions): Promise<SimGemmResult> {
  const kBlock = chunkLength(o.blockA, o.blockB);
  if (a.cols !== b.rows) throw new Error(`A is ${a.rows}x${a.cols} and B is ${b.rows}x${b.cols}: A's columns must equal B's rows (K)`);
  // a chunk longer than K holds K pairs and zero padding: a PE of length K computes the same sums
  const k = Math.min(kBlock, a.cols);
  if (k > MAX_SIM_GEMM_K) throw new Error(`chunk length ${k} is above ${MAX_SIM_GEMM_K}: too large a PE to build and simulate`);
  const formatB = o.formatB ?? o.formatA;
  const inPlace = o.accumulate === 'in-place';
  const pe = { depth: o.depth ?? SIM_GEMM_DEPTH, skid: o.skid ?? false, acc: inPlace };
  let ops: Operands;
  let top: Module;
  if (o.formatA === BASELINE_BF16 || formatB === BASELINE_BF16) {
    if (o.formatA !== formatB) throw new Error(`'${BASELINE_BF16}' cannot be mixed with an MX format`);
    ops = bf16Operands(a, b, k);
    top = bf16PeModule({ k, ...pe });
  } else {
    const fb = formatB as FormatName;
    const qa = quantize(a, o.formatA, o.blockA, o.scaleMode);
    const qb = quantize(b, fb, o.blockB, o.scaleMode);
    ops = mxOperands(qa, qb, k);
    top = mxPeModule({ formatA: o.formatA, formatB: fb, k, ...pe });
  }
  const { M, N, chunks } = ops;
  const acc = new Uint32Array(M * N);
  if (o.c) acc.set(o.c.bits);
  const sim = new PeSimulator(top);
  if (inPlace) {
    // one run of `chunks` beats per output element, acc_i = C on the first; outputs in element order
    const packAcc = peAccInputPacker(ops.kind, k);
    const per = Math.max(1, Math.floor(BATCH / chunks));
    try {
      for (let from = 0; from < M * N; from += per) {
        const to = Math.min(M * N, from + per);
        const vectors: bigint[] = [];
        for (let e = from; e < to; e++) {
          for (let ch = 0; ch < chunks; ch++) vectors.push(packAcc(ops.chunk(Math.floor(e / N), e % N, ch, ch === 0 ? acc[e]! : 0), ch === 0, ch === chunks - 1));
        }
        const r = await sim.run(vectors, { sim: o.sim, seed: (o.seed ?? 1) + from, stallPercent: o.stallPercent ?? 0, expectedOutputs: to - from });
        for (let e = from; e < to; e++) acc[e] = Number(r.outputs[e - from]!);
      }
    } finally {
      sim.dispose();
    }
    return { result: makeMatrix(M, N, acc), top: top.name, transactions: M * N * chunks, chunks, k };
  }
  const pack = peInputPacker(ops.kind, k);
  try {
    for (let ch = 0; ch < chunks; ch++) {
      for (let from = 0; from < M * N; from += BATCH) {
        const to = Math.min(M * N, from + BATCH);
        const vectors: bigint[] = [];
        for (let e = from; e < to; e++) vectors.push(pack(ops.chunk(Math.floor(e / N), e % N, ch, acc[e]!)));
        const r = await sim.run(vectors, { sim: o.sim, seed: (o.seed ?? 1) + ch, stallPercent: o.stallPercent ?? 0 });
        for (let e = from; e < to; e++) acc[e] = Number(r.outputs[e - from]!);
      }
    }
  } finally {
    sim.dispose();
  }
  return { result: makeMatrix(M, N, acc), top: top.name, transactions: M * N * chunks, chunks, k };
}

/** Where the PE's result differs from the golden one (first few elements), or undefined when they agree. */
export function gemmDiff(golden: Matrix, rtl: Matrix, what: string, maxShown = 5): string | undefined {
  const bad: number[] = [];
  for (let i = 0; i < golden.bits.length; i++) if (golden.bits[i] !== rtl.bits[i]) bad.push(i);
  if (bad.length === 0) return undefined;
  const hex = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');
  const lines = [`the RTL (${what}) disagrees with the golden model: ${bad.length} of ${golden.bits.length} elements of C differ`];
  for (const e of bad.slice(0, maxShown)) {
    lines.push(`  C[${Math.floor(e / golden.cols)},${e % golden.cols}]: expected ${hex(golden.bits[e]!)} actual ${hex(rtl.bits[e]!)}`);
  }
  if (bad.length > maxShown) lines.push(`  ... ${bad.length - maxShown} more`);
  return lines.join('\n');
}
