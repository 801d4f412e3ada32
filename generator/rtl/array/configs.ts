// Synthesis configurations of the accelerator (issue 13, item 6): the mxsf, mxfp8-e4m3 and mxfp8-e2m5 arrays and
// the bf16 baseline at 4x4 and 8x8 PEs, 8x8 tiles, with the array's defaults of `mxgen generate array` (unit.ts:
// PE-cell depth, buffer tiles, scale mode, reduction). Synthesize them with arrayArea() (synth.ts), which reports
// the memory bits apart from the logic (RAMs as black boxes, the logic hierarchically): a plain `synth` would map
// the RAMs to flip-flops and a flat 8x8 array is far too slow in ABC. `make synth` runs them (synth-all.ts).

import type { RtlConfig } from '../config';
import { arrayModule } from './array';
import type { ArrayConfig, ArrayFormat } from './config';
import { arrayConfigOf, arrayUnit, type ArrayParams } from './unit';

export const ARRAY_SYNTH_FORMATS: readonly ArrayFormat[] = ['mxsf', 'mxfp8-e4m3', 'mxfp8-e2m5', 'bf16'];
export const ARRAY_SYNTH_EDGES: readonly number[] = [4, 8];
export const ARRAY_SYNTH_TILE = 8;

/** The unit's defaults for an R x R array of format F with T x T tiles. */
export function defaultArrayConfig(format: ArrayFormat, edge: number, tile: number): ArrayConfig {
  return arrayConfigOf(arrayUnit.schema.parse({ format, rows: edge, cols: edge, tile: String(tile) }) as ArrayParams);
}

export function arraySynthArrayConfigs(): ArrayConfig[] {
  return ARRAY_SYNTH_FORMATS.flatMap((format) => ARRAY_SYNTH_EDGES.map((e) => defaultArrayConfig(format, e, ARRAY_SYNTH_TILE)));
}

export function arraySynthConfigs(): RtlConfig[] {
  return arraySynthArrayConfigs().map((c) => ({
    unit: 'array',
    format: c.format,
    params: { rows: c.rows, cols: c.cols, tile: c.tile, scaleMode: c.scaleMode, depth: c.depth, bufferTiles: c.bufferTiles },
    build: () => arrayModule(c),
  }));
}
