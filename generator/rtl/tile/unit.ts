// `mxgen generate tile`: the streaming tile re-quantizer (one tile row of FP32/BF16 values per beat in, one
// line of codes per beat out, row- or column-major): the stored, transposable MX operand of training.
import { z } from 'zod';
import { FORMAT_NAMES, type FormatName } from '../../formats/table';
import type { ScaleMode } from '../../golden/scale';
import { TILE_PATTERN, parseTile } from '../../ip/params';
import { defineUnit } from '../../ip/unit';
import { quantizerParts } from './parts';
import { type TileInput, type TileOrder, tileQuantModule } from './tilequant';

export interface TileParams {
  readonly format: FormatName;
  readonly tile: string;
  readonly scaleMode: ScaleMode;
  readonly input: TileInput;
  readonly order: TileOrder;
  readonly buffers: 1 | 2;
  readonly [key: string]: string | number;
}

/** Largest tile edge (the raw tile is buffered in flip-flops). */
export const MAX_TILE_EDGE = 64;

export const tileUnit = defineUnit<TileParams>({
  name: 'tile',
  summary: 'streaming tile re-quantizer: R x C tiles in by rows, one E8M0 scale per tile, codes out by rows or columns',
  schema: z.strictObject({
    format: z.enum(FORMAT_NAMES).describe('element format'),
    tile: z.string().regex(new RegExp(TILE_PATTERN)).default('8x8').describe('tile rows x columns, RxC'),
    scaleMode: z.enum(['floor', 'rceil']).default('floor').describe('shared-scale rule (formats.md section 2)'),
    input: z.enum(['fp32', 'bf16']).default('fp32').describe('input value format'),
    order: z.enum(['row', 'col']).default('row').describe('output order: a tile row or a tile column per beat'),
    buffers: z.literal([1, 2]).default(2).describe('tile buffers: 2 fills one tile while the previous drains'),
  }),
  check: (p) => {
    const { rows, cols } = parseTile(p.tile);
    if (rows > MAX_TILE_EDGE || cols > MAX_TILE_EDGE) return ['tile', `each tile edge must be at most ${MAX_TILE_EDGE} (got ${p.tile}): the raw tile is buffered in flip-flops`];
    return undefined;
  },
  build: (p) => {
    const { rows, cols } = parseTile(p.tile);
    return tileQuantModule({ format: p.format, rows, cols, scaleMode: p.scaleMode, input: p.input, order: p.order, buffers: p.buffers }, quantizerParts(p.format, p.scaleMode, p.input));
  },
  latency: () => ({ cycles: 2, note: "from the tile's last accepted row to its first output line" }),
});
