// Configurations of the tile re-quantizer and of its 1-D comparison unit.
//  reference (rtl-out/): the 8x8 tile re-quantizer, floor, FP32 input, row-major, double-buffered, for mxsf
//    and mxfp8-e4m3.
//  synthesis: the same two tiles (unit 'tile-requant') and, for mxsf, the 1-D alternative that yields both
//    orientations with 1x32 blocks (unit 'both-1d': two 1x32 block quantizers + a double-buffered 32x32 transpose
//    buffer), for the saving section of reports/synth.md (tileSavingSection in ./report.ts).
import type { FormatName } from '../../golden/index';
import type { RtlConfig } from '../config';
import { bothQuantModule, bothQuantStorage, type BothQuantConfig } from './bothquant';
import { quantizerParts } from './parts';
import { tileQuantModule, tileStorage, type TileQuantConfig } from './tilequant';
import { SE_SHAPE } from '../quantizer/index';
import { referenceDesigns } from '../configs';
import { parseTile } from '../../ip/params';
import type { TileParams } from './unit';

export const TILE_UNIT = 'tile-requant';
export const BOTH_1D_UNIT = 'both-1d';

/** The formats of the reference and synthesis sets. */
export const TILE_CONFIG_FORMATS: readonly FormatName[] = ['mxsf', 'mxfp8-e4m3'];
/**
 * Formats of the synthesized 1-D comparison unit. Its 66k flops make one Yosys run ~13 min (ABC dominates),
 * and the transpose buffer, which dominates it, does not depend on the format: mxsf only.
 */
export const BOTH_1D_FORMATS: readonly FormatName[] = ['mxsf'];

export function tileReference(format: FormatName): TileQuantConfig {
  return { format, rows: 8, cols: 8, scaleMode: 'floor', input: 'fp32', order: 'row', buffers: 2 };
}

export function bothReference(format: FormatName): BothQuantConfig {
  return { format, k: 32, scaleMode: 'floor', input: 'fp32', buffers: 2 };
}

export function tileConfig(c: TileQuantConfig): RtlConfig {
  return {
    unit: TILE_UNIT,
    format: c.format,
    params: {
      k: c.rows * c.cols,
      rows: c.rows,
      cols: c.cols,
      scaleMode: c.scaleMode,
      input: c.input,
      order: c.order,
      buffers: c.buffers,
      elementsPerCycle: c.cols,
      storageBits: tileStorage(c, SE_SHAPE.width).total,
      bufferBits: tileStorage(c, SE_SHAPE.width).buffer,
    },
    build: () => tileQuantModule(c, quantizerParts(c.format, c.scaleMode, c.input)),
  };
}

export function bothConfig(c: BothQuantConfig): RtlConfig {
  const st = bothQuantStorage(c);
  return {
    unit: BOTH_1D_UNIT,
    format: c.format,
    params: { k: c.k, scaleMode: c.scaleMode, input: c.input, buffers: c.buffers, elementsPerCycle: c.k, storageBits: st.total, bufferBits: st.buffer },
    build: () => bothQuantModule(c),
  };
}

/** The tile re-quantizers of the reference set (configs/reference.json). */
export function tileConfigs(): RtlConfig[] {
  return referenceDesigns()
    .filter((d) => d.unit.name === 'tile')
    .map((d) => {
      const p = d.params as TileParams;
      const { rows, cols } = parseTile(p.tile);
      return tileConfig({ format: p.format, rows, cols, scaleMode: p.scaleMode, input: p.input, order: p.order, buffers: p.buffers });
    });
}

export function tileSynthConfigs(): RtlConfig[] {
  return [...TILE_CONFIG_FORMATS.map((f) => tileConfig(tileReference(f))), ...BOTH_1D_FORMATS.map((f) => bothConfig(bothReference(f)))];
}
