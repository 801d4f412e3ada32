// GEMM drivers with op(A), op(B) in {n, t}: the matrices given are the STORED operands; `t` uses a stored
// operand transposed. The golden model quantizes the stored matrix once and transposes the stored codes and
// scale grid (transposeQuantized, no re-quantization): that is what the array does, so `mxgen gemm --op-a t`
// and `mxgen sim gemm --array ... --op-a t` answer the same question. A transposed 1x32-blocked operand would
// have its blocks across K, not along it, hence `t` needs square blocks.
//
// goldenGemmOps: the golden answer (used by `mxgen gemm`); simGemmArray: the same product through the
// generated array (used by `mxgen sim gemm --array`).

import {
  BASELINE_BF16, blockShapeText, chunkLength, fp32BitsToBf16Bits, gemm, gemmBf16, gemmQuantized, quantize, type BlockShape, type FormatName, type Matrix, type ScaleMode,
} from '../../golden/index';
import type { SimulatorName } from '../../sim/index';
import { transposeMatrix, transposeQuantized } from '../../train/transpose';
import { type ArrayConfig, arrayConfigProblem, isBf16 } from './config';
import { commandCycles, type CycleModel } from './cycles';
import { operandTiles } from './host';
import { ArraySession, type Op } from './session';
import { ArraySimulator } from './sim';

export type { Op } from './session';

/** A problem with the request (ops, blocks, shapes): one line for the user. */
export class GemmOpError extends Error {
  readonly userError = true;
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'GemmOpError';
  }
}

export interface GemmOpsRequest {
  readonly formatA: FormatName | typeof BASELINE_BF16;
  readonly formatB: FormatName | typeof BASELINE_BF16;
  readonly blockA: BlockShape;
  readonly blockB: BlockShape;
  readonly scaleMode: ScaleMode;
  /** the stored A: M x K for op n, K x M for op t */
  readonly a: Matrix;
  readonly b: Matrix;
  readonly c?: Matrix;
  readonly opA: Op;
  readonly opB: Op;
}

/** Checks the ops against the blocks; throws GemmOpError. */
export function checkOps(r: Pick<GemmOpsRequest, 'blockA' | 'blockB' | 'opA' | 'opB' | 'formatA'>): void {
  for (const [op, block, name] of [[r.opA, r.blockA, 'a'], [r.opB, r.blockB, 'b']] as const) {
    if (op === 't' && r.formatA !== BASELINE_BF16 && block.rows !== block.cols)
      throw new GemmOpError(
        `--op-${name} t needs square tiles: the ${blockShapeText(block)}-blocked stored ${name.toUpperCase()} transposed has ${blockShapeText({ rows: block.cols, cols: block.rows })} blocks, ` +
          `whose scales run across the reduction axis instead of along it; store it with --block-${name} TxT (e.g. 8x8)`,
      );
  }
}

/** op(A), op(B) shapes: M, K, N, or a GemmOpError naming the mismatch. */
export function opShapes(r: Pick<GemmOpsRequest, 'a' | 'b' | 'c' | 'opA' | 'opB'>): { m: number; k: number; n: number } {
  const [m, ka] = r.opA === 'n' ? [r.a.rows, r.a.cols] : [r.a.cols, r.a.rows];
  const [kb, n] = r.opB === 'n' ? [r.b.rows, r.b.cols] : [r.b.cols, r.b.rows];
  if (ka !== kb) throw new GemmOpError(`op(A) is ${m}x${ka} (--op-a ${r.opA}) and op(B) is ${kb}x${n} (--op-b ${r.opB}): their K edges differ`);
  if (r.c && (r.c.rows !== m || r.c.cols !== n)) throw new GemmOpError(`C is ${r.c.rows}x${r.c.cols} but op(A) * op(B) is ${m}x${n}`);
  return { m, k: ka, n };
}

/** The golden product op(A) * op(B) (+ C) of the stored operands. */
export function goldenGemmOps(r: GemmOpsRequest): Matrix {
  checkOps(r);
  opShapes(r);
  if (r.formatA === BASELINE_BF16) {
    // BF16 storage has no scales: the transpose of the stored BF16 values is the BF16 of the transpose
    return gemmBf16(r.opA === 't' ? transposeMatrix(r.a) : r.a, r.opB === 't' ? transposeMatrix(r.b) : r.b, r.c, r.blockA.cols);
  }
  if (r.opA === 'n' && r.opB === 'n')
    return gemm(r.a, r.b, { formatA: r.formatA, formatB: r.formatB as FormatName, blockA: r.blockA, blockB: r.blockB, scaleMode: r.scaleMode, ...(r.c ? { c: r.c } : {}) });
  const qa = quantize(r.a, r.formatA, r.blockA, r.scaleMode);
  const qb = quantize(r.b, r.formatB as FormatName, r.blockB, r.scaleMode);
  const oa = r.opA === 't' ? transposeQuantized(qa) : qa;
  const ob = r.opB === 't' ? transposeQuantized(qb) : qb;
  chunkLength(oa.block, ob.block);
  return gemmQuantized(oa, ob, r.c);
}

export interface SimGemmArrayOptions {
  readonly rows: number;
  readonly cols: number;
  readonly depth?: number;
  readonly sim: SimulatorName;
  readonly seed?: number;
  readonly stallPercent?: number;
}

export interface SimGemmArrayResult {
  readonly result: Matrix;
  readonly top: string;
  readonly cycles: number;
  readonly model: CycleModel;
  readonly seconds: number;
}

/** Buffer capacity for a problem: a power of 4 (few distinct builds), at least 64 tiles. */
export function bufferTilesFor(tilesNeeded: number): number {
  let n = 64;
  while (n < tilesNeeded) n *= 4;
  return n;
}

/** The array configuration `mxgen sim gemm --array RxC --block-a TxT` simulates. */
export function simArrayConfig(r: Pick<GemmOpsRequest, 'formatA' | 'formatB' | 'blockA' | 'blockB' | 'scaleMode'>, o: Pick<SimGemmArrayOptions, 'rows' | 'cols' | 'depth'>, tilesNeeded: number): ArrayConfig {
  if (r.formatA !== r.formatB) throw new GemmOpError(`the array has one element format: --format-b ${r.formatB} differs from --format ${r.formatA}`);
  const { blockA: a, blockB: b } = r;
  if (a.rows !== a.cols || b.rows !== b.cols || a.rows !== b.rows)
    throw new GemmOpError(`--array needs square tiles of the array's edge T on both operands (--block-a TxT --block-b TxT, e.g. 8x8); got ${blockShapeText(a)} and ${blockShapeText(b)}`);
  const cfg: ArrayConfig = { format: r.formatA, rows: o.rows, cols: o.cols, tile: a.rows, scaleMode: r.scaleMode, depth: o.depth ?? 1, bufferTiles: bufferTilesFor(tilesNeeded) };
  const p = arrayConfigProblem(cfg);
  if (p) throw new GemmOpError(`--${p[0] === 'tile' ? 'block-a' : 'array'}: ${p[1]}`);
  return cfg;
}

/** op(A) * op(B) (+ C) through the generated array: operands stored as T x T tiles, one command, the FP32 result read back. */
export async function simGemmArray(r: GemmOpsRequest, o: SimGemmArrayOptions): Promise<SimGemmArrayResult> {
  checkOps(r);
  const { m, k, n } = opShapes(r);
  const T = r.blockA.rows;
  const need = Math.max(operandTiles(r.a.rows, r.a.cols, T), operandTiles(r.b.rows, r.b.cols, T), operandTiles(m, n, T));
  const cfg = simArrayConfig(r, o, need);
  const s = new ArraySession(cfg);
  const tile = { rows: T, cols: T };
  const stored = (x: Matrix, f: typeof r.formatA) =>
    isBf16(cfg)
      ? { kind: 'bf16' as const, rows: x.rows, cols: x.cols, bits: Uint16Array.from(x.bits, (v) => fp32BitsToBf16Bits(v) >>> 16) }
      : { kind: 'mx' as const, q: quantize(x, f as FormatName, tile, r.scaleMode) };
  const a = s.store(0, stored(r.a, r.formatA), 'A');
  const b = s.store(1, stored(r.b, r.formatB), 'B');
  // C is accumulated in place: the result overwrites it in the FP32 buffer
  const out = r.c ? s.storeFp32(r.c, 'C') : s.allocFp32(m, n, 'the result');
  s.gemm({ a, b, opA: r.opA, opB: r.opB, ...(r.c ? { c: out } : {}), out });
  const res = s.readFp32(out);
  const sim = new ArraySimulator(cfg);
  try {
    const run = await s.run(sim, { sim: o.sim, seed: o.seed ?? 1, stallPercent: o.stallPercent ?? 0 });
    return { result: res.value!, top: sim.top.name, cycles: run.commandCycles[0]!, model: commandCycles(cfg, { m, k, n, acc: r.c !== undefined, outMx: false }), seconds: run.seconds };
  } finally {
    sim.dispose();
  }
}
