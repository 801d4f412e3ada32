// `mxgen sim quantize --block RxC` for 2-D blocks: streams a matrix through the generated tile
// re-quantizer (R x C, C = block cols, R = block rows), tile by tile in grid row-major order, and returns the
// scales and codes laid out exactly as the golden quantize() lays them out (grid row-major, codes row-major).
// Partial tiles at the right and bottom edges are padded with +0 (which never changes a tile's amax) and
// the codes of the padding are dropped.

import { fp32BitsToBf16Bits, type BlockShape, type FormatName, type Matrix, type ScaleMode, codeBits, FORMAT_TABLE } from '../../golden/index';
import type { SimulatorName } from '../../sim/index';
import { quantizerParts } from './parts';
import { simulateModule } from './run';
import { tileLines, tileQuantModule, type TileInput, type TileOrder, type TileQuantConfig } from './tilequant';
import { tileInputVectors, unpackOutput, type Tile } from './vectors';

export interface SimQuantizeTilesOptions {
  readonly sim: SimulatorName;
  readonly format: FormatName;
  readonly block: BlockShape;
  readonly scaleMode?: ScaleMode;
  readonly matrix: Matrix;
  /** output order of the unit ('row' default); the result layout is the same either way */
  readonly order?: TileOrder;
  /**
   * 'fp32' (default) streams the FP32 values; 'bf16' streams each value rounded to BF16 (half to even), so
   * compare with quantize() of the rounded matrix.
   */
  readonly input?: TileInput;
  /** 2 = double-buffered (default), 1 = single buffer */
  readonly buffers?: 1 | 2;
  /** stall / back-pressure probability in percent (default 0) and its seed */
  readonly stallPercent?: number;
  readonly seed?: number;
  readonly waves?: boolean;
}

export interface SimQuantizeTilesResult {
  /** block grid, row-major: gridRows x gridCols E8M0 codes (as QuantizedMatrix.scales) */
  readonly scales: Uint8Array;
  /** element codes, row-major, rows x cols (as QuantizedMatrix.codes) */
  readonly codes: Uint8Array;
  readonly gridRows: number;
  readonly gridCols: number;
  /** the simulated module */
  readonly module: string;
  readonly tiles: number;
  readonly cycles: number;
  readonly seconds: number;
}

export class TileStreamError extends Error {
  readonly userError = true;
  constructor(message: string) {
    super(message);
    this.name = 'TileStreamError';
  }
}

export async function simQuantizeTiles(o: SimQuantizeTilesOptions): Promise<SimQuantizeTilesResult> {
  const { matrix: mat, block } = o;
  const cfg: TileQuantConfig = {
    format: o.format,
    rows: block.rows,
    cols: block.cols,
    scaleMode: o.scaleMode ?? 'floor',
    input: o.input ?? 'fp32',
    order: o.order ?? 'row',
    buffers: o.buffers ?? 2,
  };
  const R = cfg.rows;
  const C = cfg.cols;
  const top = tileQuantModule(cfg, quantizerParts(cfg.format, cfg.scaleMode, cfg.input));
  const B = codeBits(FORMAT_TABLE[cfg.format]);
  const gridRows = Math.ceil(mat.rows / R);
  const gridCols = Math.ceil(mat.cols / C);
  const value = cfg.input === 'fp32' ? (b: number) => b : (b: number) => fp32BitsToBf16Bits(b) >>> 16;

  // tiles in grid row-major order, padded with +0
  const tiles: Tile[] = [];
  for (let gr = 0; gr < gridRows; gr++) {
    for (let gc = 0; gc < gridCols; gc++) {
      const t = new Uint32Array(R * C);
      for (let r = 0; r < R; r++) {
        const i = gr * R + r;
        if (i >= mat.rows) break;
        for (let c = 0; c < C; c++) {
          const j = gc * C + c;
          if (j < mat.cols) t[r * C + c] = value(mat.bits[i * mat.cols + j]!);
        }
      }
      tiles.push(t);
    }
  }
  const { lines, perLine } = tileLines(cfg);
  const vectors = tileInputVectors(cfg, tiles);
  const seed = o.seed ?? 1;
  const r = await simulateModule(top, {
    sim: o.sim,
    vectors,
    expectedOutputs: tiles.length * lines,
    seed,
    stallPercent: o.stallPercent ?? 0,
    ...(o.waves !== undefined ? { waves: o.waves } : {}),
  });

  const scales = new Uint8Array(gridRows * gridCols);
  const codes = new Uint8Array(mat.rows * mat.cols);
  for (let t = 0; t < tiles.length; t++) {
    const gr = Math.floor(t / gridCols);
    const gc = t % gridCols;
    for (let l = 0; l < lines; l++) {
      const w = unpackOutput(r.outputs[t * lines + l]!, perLine, B);
      if (w.last !== (l === lines - 1)) throw new TileStreamError(`${top.name}: tile ${t} line ${l}: last_o = ${w.last ? 1 : 0}, expected ${l === lines - 1 ? 1 : 0}`);
      if (l === 0) scales[t] = w.scale;
      else if (w.scale !== scales[t]) throw new TileStreamError(`${top.name}: tile ${t} line ${l}: scale 0x${w.scale.toString(16)} differs from the tile's 0x${scales[t]!.toString(16)}`);
      for (let e = 0; e < perLine; e++) {
        // row-major: line l = tile row l, element e = column e; column-major: line l = column l, element e = row e
        const tr = cfg.order === 'row' ? l : e;
        const tc = cfg.order === 'row' ? e : l;
        const i = gr * R + tr;
        const j = gc * C + tc;
        if (i < mat.rows && j < mat.cols) codes[i * mat.cols + j] = w.codes[e]!;
      }
    }
  }
  return { scales, codes, gridRows, gridCols, module: top.name, tiles: tiles.length, cycles: r.cycles, seconds: r.seconds };
}
