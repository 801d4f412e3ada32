// The host's view of the array's buffers: stored operands (MX tiles or BF16 tiles) and FP32 matrices as
// host writes, and read responses back as matrices. Layouts (README.md):
//   operand buffer: tile (tr, tc) of a rows x cols matrix at tile base + tr * ceil(cols/T) + tc; host address
//                   tile * T + r holds tile row r: element l in bits [l*E+E-1:l*E], the tile's E8M0 scale above
//                   the T elements; positions outside the matrix are code 0 (+0, formats.md section 3);
//   FP32 buffer:    the same tiles of T x T FP32 values, T words per tile (word = tile row, lane l = column l).

import type { FormatName, Matrix, QuantizedMatrix, ScaleMode } from '../../golden/index';
import { type ArrayConfig, FP32_BUFFER, arrayWidths, isBf16 } from './config';
import type { HostOp } from './sim';

/** A stored operand: MX codes and tile scales, or BF16 patterns (the BF16 baseline). */
export type StoredOperand =
  | { readonly kind: 'mx'; readonly q: QuantizedMatrix }
  | { readonly kind: 'bf16'; readonly rows: number; readonly cols: number; readonly bits: Uint16Array };

export const tileGrid = (rows: number, cols: number, t: number): { gr: number; gc: number } => ({ gr: Math.ceil(rows / t), gc: Math.ceil(cols / t) });

export function operandShape(op: StoredOperand): { rows: number; cols: number } {
  return op.kind === 'mx' ? { rows: op.q.rows, cols: op.q.cols } : { rows: op.rows, cols: op.cols };
}

/** Tiles a rows x cols operand occupies. */
export const operandTiles = (rows: number, cols: number, t: number): number => tileGrid(rows, cols, t).gr * tileGrid(rows, cols, t).gc;

export function loadOperand(c: ArrayConfig, buf: number, baseTile: number, op: StoredOperand): HostOp[] {
  const T = c.tile;
  const w = arrayWidths(c);
  const { rows, cols } = operandShape(op);
  if (op.kind === 'mx') {
    if (isBf16(c)) throw new Error('the bf16 array stores BF16 operands, not MX ones');
    if (op.q.format !== c.format) throw new Error(`operand format ${op.q.format} is not the array's ${c.format}`);
    if (op.q.block.rows !== T || op.q.block.cols !== T) throw new Error(`operand blocks are ${op.q.block.rows}x${op.q.block.cols}; the array stores ${T}x${T} tiles`);
  } else if (!isBf16(c)) throw new Error(`the ${c.format} array stores MX operands`);
  const { gr, gc } = tileGrid(rows, cols, T);
  const ops: HostOp[] = [];
  for (let tr = 0; tr < gr; tr++) {
    for (let tc = 0; tc < gc; tc++) {
      const tile = baseTile + tr * gc + tc;
      for (let r = 0; r < T; r++) {
        const i = tr * T + r;
        let data = 0n;
        for (let l = 0; l < T; l++) {
          const j = tc * T + l;
          if (i >= rows || j >= cols) continue;
          const code = op.kind === 'mx' ? op.q.codes[i * cols + j]! : op.bits[i * cols + j]!;
          data |= BigInt(code) << BigInt(l * w.elem);
        }
        if (op.kind === 'mx') data |= BigInt(op.q.scales[tr * op.q.gridCols + tc]!) << BigInt(w.line);
        ops.push({ op: 'write', buf, addr: tile * T + r, data });
      }
    }
  }
  return ops;
}

export function loadFp32(c: ArrayConfig, baseWord: number, mat: Matrix): HostOp[] {
  const T = c.tile;
  const { gr, gc } = tileGrid(mat.rows, mat.cols, T);
  const ops: HostOp[] = [];
  for (let tr = 0; tr < gr; tr++) {
    for (let tc = 0; tc < gc; tc++) {
      for (let r = 0; r < T; r++) {
        const i = tr * T + r;
        let data = 0n;
        for (let l = 0; l < T && i < mat.rows; l++) {
          const j = tc * T + l;
          if (j < mat.cols) data |= BigInt(mat.bits[i * mat.cols + j]!) << BigInt(32 * l);
        }
        ops.push({ op: 'write', buf: FP32_BUFFER, addr: baseWord + (tr * gc + tc) * T + r, data });
      }
    }
  }
  return ops;
}

/** Reads of every word of a rows x cols FP32 matrix at baseWord (in parseFp32's order). */
export function readFp32(c: ArrayConfig, baseWord: number, rows: number, cols: number): HostOp[] {
  const T = c.tile;
  const { gr, gc } = tileGrid(rows, cols, T);
  const ops: HostOp[] = [];
  for (let t = 0; t < gr * gc; t++) for (let r = 0; r < T; r++) ops.push({ op: 'read', buf: FP32_BUFFER, addr: baseWord + t * T + r });
  return ops;
}

/** X/Z bits of a read inside the matrix: the array left a result element unwritten. */
export class UnknownBitsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownBitsError';
  }
}

export function parseFp32(c: ArrayConfig, words: readonly bigint[], rows: number, cols: number, unknown?: readonly bigint[]): Matrix {
  const T = c.tile;
  const { gr, gc } = tileGrid(rows, cols, T);
  if (words.length !== gr * gc * T) throw new Error(`expected ${gr * gc * T} FP32 words, got ${words.length}`);
  const bits = new Uint32Array(rows * cols);
  for (let tr = 0; tr < gr; tr++)
    for (let tc = 0; tc < gc; tc++)
      for (let r = 0; r < T; r++) {
        const word = words[(tr * gc + tc) * T + r]!;
        const xs = unknown?.[(tr * gc + tc) * T + r] ?? 0n;
        const i = tr * T + r;
        if (i >= rows) continue;
        for (let l = 0; l < T; l++) {
          const j = tc * T + l;
          if (j >= cols) continue;
          if ((xs >> BigInt(32 * l)) & 0xffffffffn) throw new UnknownBitsError(`FP32 result element [${i},${j}] has X/Z bits: it was never written`);
          bits[i * cols + j] = Number((word >> BigInt(32 * l)) & 0xffffffffn);
        }
      }
  return { rows, cols, bits };
}

/** Reads of every tile row of a stored rows x cols operand at baseTile. */
export function readOperand(c: ArrayConfig, buf: number, baseTile: number, rows: number, cols: number): HostOp[] {
  const T = c.tile;
  const ops: HostOp[] = [];
  for (let t = 0; t < operandTiles(rows, cols, T); t++) for (let r = 0; r < T; r++) ops.push({ op: 'read', buf, addr: (baseTile + t) * T + r });
  return ops;
}

/** The stored operand read back, and the codes/scales of positions outside the matrix (must be +0 / unused). */
export function parseOperand(c: ArrayConfig, words: readonly bigint[], rows: number, cols: number, scaleMode: ScaleMode, unknown?: readonly bigint[]): { op: StoredOperand; paddingNonZero: number } {
  const T = c.tile;
  const w = arrayWidths(c);
  const { gr, gc } = tileGrid(rows, cols, T);
  if (words.length !== gr * gc * T) throw new Error(`expected ${gr * gc * T} tile rows, got ${words.length}`);
  const codes = new Uint8Array(rows * cols);
  const b16 = new Uint16Array(rows * cols);
  const scales = new Uint8Array(gr * gc);
  const emask = (1n << BigInt(w.elem)) - 1n;
  let paddingNonZero = 0;
  for (let tr = 0; tr < gr; tr++)
    for (let tc = 0; tc < gc; tc++)
      for (let r = 0; r < T; r++) {
        const word = words[(tr * gc + tc) * T + r]!;
        if (unknown?.[(tr * gc + tc) * T + r]) throw new UnknownBitsError(`stored tile ${tr * gc + tc} row ${r} has X/Z bits: it was never written`);
        if (w.scaled) {
          const s = Number((word >> BigInt(w.line)) & 0xffn);
          if (r === 0) scales[tr * gc + tc] = s;
          else if (s !== scales[tr * gc + tc]) paddingNonZero++;
        }
        for (let l = 0; l < T; l++) {
          const v = Number((word >> BigInt(l * w.elem)) & emask);
          const i = tr * T + r;
          const j = tc * T + l;
          if (i >= rows || j >= cols) {
            if (v !== 0) paddingNonZero++;
            continue;
          }
          if (w.scaled) codes[i * cols + j] = v;
          else b16[i * cols + j] = v;
        }
      }
  if (!w.scaled) return { op: { kind: 'bf16', rows, cols, bits: b16 }, paddingNonZero };
  const format = c.format as FormatName;
  return {
    op: { kind: 'mx', q: { format, block: { rows: T, cols: T }, scaleMode, rows, cols, gridRows: gr, gridCols: gc, scales, codes } },
    paddingNonZero,
  };
}
