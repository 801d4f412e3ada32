// The array's generator parameters and every width derived from them (nothing else restates a width).
//
// An R x C grid of T-lane PE cells computes an R x C block of C = op(A) * op(B) per block slot, each cell
// accumulating its output element in place over the ceil(K/T) chunks of the block (output stationary).
// Operands live in three operand buffers as stored T x T tiles (one buffer word = one tile: T rows of T
// codes, plus one E8M0 scale per tile in a scale RAM); FP32 matrices (C in, results out) live in one FP32
// buffer whose word is one row of T FP32 values of a T x T output tile.

import { BASELINE_BF16, FORMAT_TABLE, formatId, type FormatName } from '../../formats/table';
import { codeBits } from '../../formats/derive';
import type { ScaleMode } from '../../golden/scale';
import { clog2 } from '../../hdl/index';

export type ArrayFormat = FormatName | typeof BASELINE_BF16;

export interface ArrayConfig {
  /** element format of every operand (bf16: the BF16 baseline: BF16 PEs and storage, no scales) */
  readonly format: ArrayFormat;
  /** PE rows R (output rows per block) */
  readonly rows: number;
  /** PE columns C (output columns per block) */
  readonly cols: number;
  /** tile edge T: a power of two; the chunk length of every PE (T lanes) */
  readonly tile: number;
  /** shared-scale rule of the re-quantizer on the drain */
  readonly scaleMode: ScaleMode;
  /** register stages inside a PE cell before its accumulator (0..2) */
  readonly depth: number;
  /** tiles per operand buffer (the FP32 buffer holds as many T x T FP32 tiles) */
  readonly bufferTiles: number;
  /**
   * MX chunk reduction inside the PE cells: 'csa' (default: one's-complement lanes, Dadda compression, the
   * smaller circuit of the PE's optimisation log) or 'adders' (negating lanes, a word-level adder tree: larger,
   * but several times faster to simulate). Both are bit-exact (test/rtl/pe.test.ts, the array suite).
   */
  readonly reduction?: 'csa' | 'adders';
}

/** Operand buffers: any of them can be the source of A or B, or the destination of a re-quantized output. */
export const OPERAND_BUFFERS = 3;
/** `host_buf_i` value of the FP32 buffer. */
export const FP32_BUFFER = 3;
export const MAX_ARRAY_EDGE = 16;
export const MAX_ARRAY_TILE = 32;
export const MAX_CELL_DEPTH = 2;

export const isBf16 = (c: Pick<ArrayConfig, 'format'>): boolean => c.format === BASELINE_BF16;

/** Every width of the design. */
export interface ArrayWidths {
  /** log2 T */
  readonly lt: number;
  /** bits per stored element: the format's code bits, 16 for BF16 */
  readonly elem: number;
  /** one stored tile row: T elements */
  readonly line: number;
  /** one stored tile (an operand buffer word): T lines */
  readonly tileBits: number;
  /** tile address (operand buffers) */
  readonly tileAddr: number;
  /** word address (FP32 buffer: T words per tile) = host address */
  readonly wordAddr: number;
  /** FP32 buffer word: T FP32 values */
  readonly fp32Word: number;
  /** host data (write data and read responses): the wider of a FP32 word and a line + its scale */
  readonly host: number;
  /** matrix dimensions M, K, N (up to bufferTiles * T) */
  readonly dim: number;
  /** the formats that have a scale per tile */
  readonly scaled: boolean;
}

export function arrayWidths(c: ArrayConfig): ArrayWidths {
  const lt = clog2(c.tile);
  const elem = isBf16(c) ? 16 : codeBits(FORMAT_TABLE[c.format as FormatName]);
  const line = c.tile * elem;
  const tileAddr = Math.max(1, clog2(c.bufferTiles));
  const scaled = !isBf16(c);
  return {
    lt,
    elem,
    line,
    tileBits: c.tile * line,
    tileAddr,
    wordAddr: tileAddr + lt,
    fp32Word: c.tile * 32,
    host: Math.max(c.tile * 32, line + (scaled ? 8 : 0)),
    dim: clog2(c.bufferTiles * c.tile + 1),
    scaled,
  };
}

/** A parameter problem (one line), or undefined. */
export function arrayConfigProblem(c: ArrayConfig): readonly [key: string, message: string] | undefined {
  const t = c.tile;
  if (!Number.isInteger(t) || t < 2 || t > MAX_ARRAY_TILE || (t & (t - 1)) !== 0)
    return ['tile', `the tile edge must be a power of two from 2 to ${MAX_ARRAY_TILE} (got ${t}): tile rows and lines are addressed by bit fields`];
  if (c.rows > t) return ['rows', `${c.rows} rows are more than the tile edge ${t}: a block of R output rows must lie in one tile row band (use R <= T)`];
  if (c.cols > t) return ['cols', `${c.cols} columns are more than the tile edge ${t}: a block of C output columns must lie in one tile column band (use C <= T)`];
  return undefined;
}

export function arrayName(c: ArrayConfig): string {
  const mode = isBf16(c) ? '' : `_${c.scaleMode}`;
  const red = c.reduction === 'adders' && !isBf16(c) ? '_adders' : '';
  return `${formatId(c.format)}_array_r${c.rows}c${c.cols}_t${c.tile}${mode}_d${c.depth}_n${c.bufferTiles}${red}`;
}
