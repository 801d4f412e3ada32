// `mxgen generate array`: the accelerator, an R x C array of T-lane PE cells accumulating in place, with
// operand tile buffers (normal and transposed reads), an FP32 buffer, and the streaming tile re-quantizer on
// its drain (bf16: the BF16 baseline array, BF16 storage, BF16-rounding drain).
import { z } from 'zod';
import { BASELINE_BF16, FORMAT_NAMES } from '../../formats/table';
import type { ScaleMode } from '../../golden/scale';
import { defineUnit } from '../../ip/unit';
import { arrayModule } from './array';
import { type ArrayConfig, type ArrayFormat, MAX_ARRAY_EDGE, MAX_CELL_DEPTH, arrayConfigProblem } from './config';
import { quoteText } from '../../util/shown';

export interface ArrayParams {
  readonly format: ArrayFormat;
  readonly rows: number;
  readonly cols: number;
  readonly tile: string;
  readonly scaleMode: ScaleMode;
  readonly depth: number;
  readonly bufferTiles: number;
  readonly reduction: 'csa' | 'adders';
  readonly [key: string]: string | number;
}

/** `8` or `8x8` -> 8; undefined for another form, `[rows, cols]` for a non-square RxC. */
export function parseArrayTile(text: string): number | readonly [number, number] | undefined {
  const m = /^([1-9][0-9]*)(?:x([1-9][0-9]*))?$/.exec(text.trim());
  if (!m) return undefined;
  const r = Number(m[1]);
  const c = m[2] === undefined ? r : Number(m[2]);
  return r === c ? r : [r, c];
}

export function arrayConfigOf(p: ArrayParams): ArrayConfig {
  const t = parseArrayTile(p.tile);
  if (typeof t !== 'number') throw new Error(`array tile '${p.tile}' is not square`);
  return { format: p.format, rows: p.rows, cols: p.cols, tile: t, scaleMode: p.scaleMode, depth: p.depth, bufferTiles: p.bufferTiles, ...(p.reduction === 'adders' ? { reduction: 'adders' } : {}) };
}

export const arrayUnit = defineUnit<ArrayParams>({
  name: 'array',
  summary: 'the accelerator: R x C PEs accumulating in place, T x T tile buffers read normal or transposed, re-quantizing drain (bf16: the baseline)',
  schema: z.strictObject({
    format: z.enum([...FORMAT_NAMES, BASELINE_BF16]).describe('element format of the PEs and the stored operands (bf16: the BF16 baseline array)'),
    rows: z.number().int().min(1).max(MAX_ARRAY_EDGE).default(4).describe('PE rows R: output rows per block (R <= T)'),
    cols: z.number().int().min(1).max(MAX_ARRAY_EDGE).default(4).describe('PE columns C: output columns per block (C <= T)'),
    tile: z
      .string()
      .refine((s) => parseArrayTile(s) !== undefined, 'must be T or TxT, e.g. 8 or 8x8 (square tiles)')
      .default('8x8')
      .describe('square tile edge T (T or TxT, a power of two): the chunk length of every PE'),
    scaleMode: z.enum(['floor', 'rceil']).default('floor').describe('shared-scale rule of the re-quantizer on the drain (formats.md section 2)'),
    depth: z.number().int().min(0).max(MAX_CELL_DEPTH).default(1).describe('register stages inside each PE cell before its accumulator'),
    bufferTiles: z.number().int().min(2).max(65536).default(256).describe('tiles per operand buffer (3 buffers; the FP32 buffer holds as many T x T FP32 tiles)'),
    reduction: z
      .enum(['csa', 'adders'])
      .default('csa')
      .describe('MX chunk reduction in the PE cells: csa (Dadda compression, smaller) or adders (word-level adder tree, faster to simulate)'),
  }),
  check: (p) => {
    const t = parseArrayTile(p.tile);
    if (t === undefined) return ['tile', `must be T or TxT, e.g. 8 or 8x8 (got ${quoteText(String(p.tile))})`];
    if (typeof t !== 'number')
      return ['tile', `array tiles must be square (got ${p.tile}): one stored T x T tile is read along its rows and along its columns (transposed); use e.g. ${t[0]}x${t[0]}`];
    return arrayConfigProblem(arrayConfigOf(p));
  },
  build: (p) => arrayModule(arrayConfigOf(p)),
  latency: () => ({ cycles: 2, note: 'host read: from an accepted request to its response; a command takes the cycles of generator/rtl/array/cycles.ts' }),
});
