// Synthesis configurations of the accelerator (issue 13, item 6): the mxsf, mxfp8-e4m3 and mxfp8-e2m5 arrays and
// the bf16 baseline at 4x4 and 8x8 PEs, 8x8 tiles, one PE-cell stage, 64-tile buffers. Synthesize them with
// arrayArea() (synth.ts), which reports the memory bits apart from the logic (RAMs as black boxes): a plain
// `synth` would map the RAMs to flip-flops.

import type { RtlConfig } from '../config';
import { arrayModule } from './array';
import type { ArrayConfig, ArrayFormat } from './config';

export const ARRAY_SYNTH_FORMATS: readonly ArrayFormat[] = ['mxsf', 'mxfp8-e4m3', 'mxfp8-e2m5', 'bf16'];

export function arraySynthArrayConfigs(): ArrayConfig[] {
  return ARRAY_SYNTH_FORMATS.flatMap((format) =>
    [4, 8].map((e): ArrayConfig => ({ format, rows: e, cols: e, tile: 8, scaleMode: 'floor', depth: 1, bufferTiles: 64 })),
  );
}

export function arraySynthConfigs(): RtlConfig[] {
  return arraySynthArrayConfigs().map((c) => ({
    unit: 'array',
    format: c.format,
    params: { rows: c.rows, cols: c.cols, tile: c.tile, scaleMode: c.scaleMode, depth: c.depth, bufferTiles: c.bufferTiles },
    build: () => arrayModule(c),
  }));
}
