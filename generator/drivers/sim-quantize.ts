// Quantizing a matrix through RTL (`mxgen sim quantize`, the quantizer regression suite): 1xK row blocks through
// the block quantizer, Kx1 column blocks through it on the transpose, R x C tiles through the streaming tile
// re-quantizer. The RTL is generated for the options, or it is a design folder's own Verilog (its manifest
// fixes the format, k or tile, scale mode and input). Scales and codes come back laid out as the golden
// quantize() lays them out, so the two compare element by element (diffSummary).
// Partial blocks and tiles at the right and bottom edges are padded with +0, which never changes a block's
// amax; the codes of the padding are dropped.

import {
  FORMAT_TABLE, blockShapeText, codeBits, fp32BitsToBf16Bits, makeMatrix, type BlockShape, type FormatName, type Matrix,
  type QuantizedMatrix, type ScaleMode,
} from '../golden/index';
import { dataPorts, packPorts, type SimulatorName } from '../sim/index';
import { describeDesign, type LoadedDesign } from './design';
import { DriverError } from './errors';
import { prepareKeepFolder, RtlRunner, type KeepFolder, type KeptFiles } from './rtl-runner';

/** Largest block the driver builds a quantizer for (the hardware grows linearly with k). */
export const MAX_SIM_K = 1024;
/** Largest tile edge the driver builds a tile re-quantizer for (its buffer grows with R x C). */
export const MAX_SIM_TILE = 64;

export interface SimQuantizeOptions {
  readonly format: FormatName;
  readonly block: BlockShape;
  readonly scaleMode: ScaleMode;
  readonly sim: SimulatorName;
  /** feed the BF16-input quantizer (the matrix is rounded to BF16, half to even, first) */
  readonly bf16: boolean;
  readonly seed?: number;
  readonly stallPercent?: number;
  /** PATH to find the simulators (tests) */
  readonly toolPath?: string;
  /** run this design folder's Verilog instead of generating the unit (format, block, mode, input must match it) */
  readonly design?: LoadedDesign;
  /** keep the RTL, testbench, vectors (and waves) here */
  readonly keep?: KeepFolder;
  readonly waves?: boolean;
}

export interface SimQuantizeResult {
  /** the RTL's scales and codes */
  readonly rtl: QuantizedMatrix;
  /** the matrix the RTL saw (BF16-rounded when bf16) */
  readonly input: Matrix;
  /** the module that ran */
  readonly top: string;
  /** files under the keep folder */
  readonly kept?: KeptFiles;
  /** VCD files (with waves) */
  readonly waves: readonly string[];
}

/**
 * Why a block shape cannot be simulated by a generated unit (too large to build), or undefined: 1xK rows run the
 * block quantizer, Kx1 columns run it on the transpose, R x C tiles (R > 1 and C > 1) the tile re-quantizer.
 */
export function simBlockProblem(block: BlockShape): string | undefined {
  if (block.rows > 1 && block.cols > 1) {
    if (block.rows > MAX_SIM_TILE || block.cols > MAX_SIM_TILE) return `--block ${blockShapeText(block)}: tile edges above ${MAX_SIM_TILE} are too large to build and simulate`;
    return undefined;
  }
  const k = Math.max(block.rows, block.cols);
  if (k > MAX_SIM_K) return `--block ${blockShapeText(block)}: K above ${MAX_SIM_K} is too large to build and simulate`;
  return undefined;
}

/** The block shapes a design runs (a k = 32 quantizer: 1x32 and 32x1; an 8x4 tile unit: 8x4). */
export function designBlocks(d: LoadedDesign): BlockShape[] {
  const s = d.spec;
  if (s.unit === 'quantizer') return s.k === 1 ? [{ rows: 1, cols: 1 }] : [{ rows: 1, cols: s.k }, { rows: s.k, cols: 1 }];
  if (s.unit === 'tile') return [{ rows: s.rows, cols: s.cols }];
  return [];
}

function transposed(m: Matrix): Matrix {
  const bits = new Uint32Array(m.rows * m.cols);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) bits[c * m.rows + r] = m.bits[r * m.cols + c]!;
  return { rows: m.cols, cols: m.rows, bits };
}

function transposedQuantized(q: QuantizedMatrix, block: BlockShape): QuantizedMatrix {
  const codes = new Uint8Array(q.codes.length);
  for (let r = 0; r < q.rows; r++) for (let c = 0; c < q.cols; c++) codes[c * q.rows + r] = q.codes[r * q.cols + c]!;
  const scales = new Uint8Array(q.scales.length);
  for (let r = 0; r < q.gridRows; r++) for (let c = 0; c < q.gridCols; c++) scales[c * q.gridRows + r] = q.scales[r * q.gridCols + c]!;
  return { ...q, block, rows: q.cols, cols: q.rows, gridRows: q.gridCols, gridCols: q.gridRows, scales, codes };
}

/** Row blocks of K through a k-wide block quantizer (k >= min(K, cols)); `input` is already BF16-rounded if bf16. */
async function runRowBlocks(runner: RtlRunner, input: Matrix, K: number, k: number, bf16: boolean, o: SimQuantizeOptions): Promise<QuantizedMatrix> {
  const { rows, cols } = input;
  const gridCols = Math.ceil(cols / K);
  const ins = dataPorts(runner.iface, 'input');
  const outs = dataPorts(runner.iface, 'output');
  const { packBlock, unpackCodes } = await import('../rtl/quantizer/vectors');
  const vectors: bigint[] = [];
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < gridCols; g++) {
      const b = new Array<number>(k).fill(0);
      for (let j = 0; j < K && j < k && g * K + j < cols; j++) {
        const bits = input.bits[r * cols + g * K + j]!;
        b[j] = bf16 ? bits >>> 16 : bits;
      }
      vectors.push(packPorts(ins, { x_i: packBlock(bf16 ? 'bf16' : 'fp32', b) }));
    }
  }
  const run = await runner.run(vectors);
  const scalePort = outs.find((p) => p.name === 'scale_o');
  const codesPort = outs.find((p) => p.name === 'codes_o');
  if (!scalePort || !codesPort) throw new DriverError(`${runner.top} has no scale_o/codes_o outputs`);
  const B = codeBits(FORMAT_TABLE[o.format]);
  const scales = new Uint8Array(rows * gridCols);
  const codes = new Uint8Array(rows * cols);
  run.outputs.forEach((w, i) => {
    const r = Math.floor(i / gridCols);
    const g = i % gridCols;
    scales[i] = Number((w >> BigInt(scalePort.lsb)) & 0xffn);
    const c = unpackCodes(w >> BigInt(codesPort.lsb), k, B);
    for (let j = 0; j < K && j < k && g * K + j < cols; j++) codes[r * cols + g * K + j] = c[j]!;
  });
  return { format: o.format, block: { rows: 1, cols: K }, scaleMode: o.scaleMode, rows, cols, gridRows: rows, gridCols, scales, codes };
}

/** Tiles in grid row-major order through the tile re-quantizer; `m` is the FP32 matrix (BF16 is rounded here). */
async function runTiles(
  runner: RtlRunner,
  m: Matrix,
  cfg: { rows: number; cols: number; input: 'fp32' | 'bf16'; order: 'row' | 'col' },
  o: SimQuantizeOptions,
): Promise<QuantizedMatrix> {
  const { tileLines } = await import('../rtl/tile/tilequant');
  const { tileInputVectors, unpackOutput } = await import('../rtl/tile/vectors');
  const R = cfg.rows;
  const C = cfg.cols;
  const B = codeBits(FORMAT_TABLE[o.format]);
  const gridRows = Math.ceil(m.rows / R);
  const gridCols = Math.ceil(m.cols / C);
  const value = cfg.input === 'fp32' ? (b: number) => b : (b: number) => fp32BitsToBf16Bits(b) >>> 16;
  const tiles: Uint32Array[] = [];
  for (let gr = 0; gr < gridRows; gr++) {
    for (let gc = 0; gc < gridCols; gc++) {
      const t = new Uint32Array(R * C);
      for (let r = 0; r < R && gr * R + r < m.rows; r++) {
        for (let c = 0; c < C && gc * C + c < m.cols; c++) t[r * C + c] = value(m.bits[(gr * R + r) * m.cols + gc * C + c]!);
      }
      tiles.push(t);
    }
  }
  const { lines, perLine } = tileLines(cfg);
  const r = await runner.run(tileInputVectors(cfg, tiles), { expectedOutputs: tiles.length * lines });
  const scales = new Uint8Array(gridRows * gridCols);
  const codes = new Uint8Array(m.rows * m.cols);
  for (let t = 0; t < tiles.length; t++) {
    const gr = Math.floor(t / gridCols);
    const gc = t % gridCols;
    for (let l = 0; l < lines; l++) {
      const w = unpackOutput(r.outputs[t * lines + l]!, perLine, B);
      if (w.last !== (l === lines - 1)) throw new DriverError(`${runner.top}: tile ${t} line ${l}: last_o = ${w.last ? 1 : 0}, expected ${l === lines - 1 ? 1 : 0}`);
      if (l === 0) scales[t] = w.scale;
      else if (w.scale !== scales[t]) throw new DriverError(`${runner.top}: tile ${t} line ${l}: scale 0x${w.scale.toString(16)} differs from the tile's 0x${scales[t]!.toString(16)}`);
      for (let e = 0; e < perLine; e++) {
        // row order: line l = tile row l, element e = column e; column order: line l = column l, element e = row e
        const i = gr * R + (cfg.order === 'row' ? l : e);
        const j = gc * C + (cfg.order === 'row' ? e : l);
        if (i < m.rows && j < m.cols) codes[i * m.cols + j] = w.codes[e]!;
      }
    }
  }
  return { format: o.format, block: { rows: R, cols: C }, scaleMode: o.scaleMode, rows: m.rows, cols: m.cols, gridRows, gridCols, scales, codes };
}

/** Checks that the options describe what a design folder computes; the message names the option to change. */
export function designQuantizeProblem(d: LoadedDesign, o: Pick<SimQuantizeOptions, 'format' | 'block' | 'scaleMode' | 'bf16'>): string | undefined {
  const s = d.spec;
  if (s.unit === 'pe') return `--design ${d.shown}: a PE runs under 'mxgen sim gemm'`;
  const what = `the design ${d.manifest.top} (${describeDesign(s)})`;
  if (o.format !== s.format) return `--format ${o.format} does not match ${what}`;
  if (o.scaleMode !== s.scaleMode) return `--scale-mode ${o.scaleMode} does not match ${what}`;
  if (o.bf16 !== (s.input === 'bf16')) return `${o.bf16 ? '--bf16-input is given' : 'the matrix is FP32 input'}, but ${what} has ${s.input} input${o.bf16 ? '' : '; add --bf16-input'}`;
  const ok = designBlocks(d);
  if (!ok.some((b) => b.rows === o.block.rows && b.cols === o.block.cols)) {
    return `--block ${blockShapeText(o.block)} does not match ${what}; use --block ${ok.map(blockShapeText).join(' or ')}`;
  }
  return undefined;
}

/** Runs the quantizer or tile RTL on a matrix and returns its scales and codes. */
export async function simQuantize(m: Matrix, o: SimQuantizeOptions): Promise<SimQuantizeResult> {
  const problem = o.design ? designQuantizeProblem(o.design, o) : simBlockProblem(o.block);
  if (problem) throw new DriverError(problem);
  const { requireTool } = await import('../sim/tools');
  if (o.sim === 'icarus') {
    requireTool('iverilog', { path: o.toolPath });
    requireTool('vvp', { path: o.toolPath });
  } else requireTool('verilator', { path: o.toolPath });
  if (o.keep) prepareKeepFolder(o.keep);
  const settings = { sim: o.sim, seed: o.seed ?? 1, stallPercent: o.stallPercent ?? 0, ...(o.waves !== undefined ? { waves: o.waves } : {}), ...(o.keep ? { keep: o.keep } : {}), ...(o.toolPath !== undefined ? { toolPath: o.toolPath } : {}) };
  const input = o.bf16 ? makeMatrix(m.rows, m.cols, m.bits.map((b) => fp32BitsToBf16Bits(b))) : m;
  const tile = o.block.rows > 1 && o.block.cols > 1;
  const columns = !tile && o.block.rows > 1;
  let runner: RtlRunner;
  if (o.design) runner = RtlRunner.design(o.design, settings);
  else if (tile) {
    const { tileQuantModule } = await import('../rtl/tile/tilequant');
    const { quantizerParts } = await import('../rtl/tile/parts');
    const kind = o.bf16 ? 'bf16' : 'fp32';
    const cfg = { format: o.format, rows: o.block.rows, cols: o.block.cols, scaleMode: o.scaleMode, input: kind, order: 'row', buffers: 2 } as const;
    runner = RtlRunner.generated(tileQuantModule(cfg, quantizerParts(o.format, o.scaleMode, kind)), settings);
  } else {
    const { blockQuantizerModule } = await import('../rtl/quantizer/quantizer');
    const { REFERENCE_DEPTH } = await import('../rtl/quantizer/configs');
    // a block wider than the matrix holds one row padded with zeros, which never change amax: k = cols is the same
    const k = Math.min(Math.max(o.block.rows, o.block.cols), columns ? m.rows : m.cols);
    runner = RtlRunner.generated(
      blockQuantizerModule({ format: o.format, k, scaleMode: o.scaleMode, input: o.bf16 ? 'bf16' : 'fp32', depth: REFERENCE_DEPTH }),
      settings,
    );
  }
  try {
    let rtl: QuantizedMatrix;
    if (tile) {
      const s = o.design?.spec;
      const cfg = s?.unit === 'tile' ? s : { rows: o.block.rows, cols: o.block.cols, input: o.bf16 ? 'bf16' : 'fp32', order: 'row' } as const;
      rtl = await runTiles(runner, m, cfg, o);
    } else {
      const K = Math.max(o.block.rows, o.block.cols);
      const s = o.design?.spec;
      const rowsIn = columns ? transposed(input) : input;
      const k = s?.unit === 'quantizer' ? s.k : Math.min(K, rowsIn.cols);
      const q = await runRowBlocks(runner, rowsIn, K, k, o.bf16, o);
      rtl = columns ? transposedQuantized(q, o.block) : q;
    }
    const kept = runner.kept();
    return { rtl, input, top: runner.top, waves: runner.waves(), ...(kept ? { kept } : {}) };
  } finally {
    runner.dispose();
  }
}

/** A short summary of where the RTL's result differs from the golden one, or undefined when they agree. */
export function diffSummary(input: Matrix, golden: QuantizedMatrix, rtl: QuantizedMatrix, sim: string, top: string, maxBlocks = 3): string | undefined {
  const { rows: BR, cols: BC } = golden.block;
  const bad: number[] = [];
  let scaleDiffs = 0;
  let codeDiffs = 0;
  const span = (b: number) => {
    const r0 = Math.floor(b / golden.gridCols) * BR;
    const c0 = (b % golden.gridCols) * BC;
    return { r0, r1: Math.min(golden.rows, r0 + BR), c0, c1: Math.min(golden.cols, c0 + BC) };
  };
  for (let b = 0; b < golden.scales.length; b++) {
    const { r0, r1, c0, c1 } = span(b);
    let differs = golden.scales[b] !== rtl.scales[b];
    if (differs) scaleDiffs++;
    for (let r = r0; r < r1; r++) {
      for (let c = c0; c < c1; c++) {
        if (golden.codes[r * golden.cols + c] !== rtl.codes[r * golden.cols + c]) {
          codeDiffs++;
          differs = true;
        }
      }
    }
    if (differs) bad.push(b);
  }
  if (bad.length === 0) return undefined;
  const hex = (v: number, d: number): string => '0x' + v.toString(16).padStart(d, '0');
  const lines = [
    `the RTL (${top}, ${sim}) disagrees with the golden model: ${bad.length} of ${golden.scales.length} blocks differ (${scaleDiffs} scales, ${codeDiffs} codes)`,
  ];
  for (const b of bad.slice(0, maxBlocks)) {
    const { r0, r1, c0, c1 } = span(b);
    const rowsText = r1 - r0 === 1 ? `block row ${r0}` : `block rows ${r0}..${r1 - 1}`;
    lines.push(`  ${rowsText} cols ${c0}..${c1 - 1}: scale expected ${hex(golden.scales[b]!, 2)} actual ${hex(rtl.scales[b]!, 2)}`);
    let shown = 0;
    for (let r = r0; r < r1 && shown < 4; r++) {
      for (let c = c0; c < c1 && shown < 4; c++) {
        const i = r * golden.cols + c;
        if (golden.codes[i] === rtl.codes[i]) continue;
        shown++;
        lines.push(`    [${r},${c}] input ${hex(input.bits[i]!, 8)}: code expected ${hex(golden.codes[i]!, 2)} actual ${hex(rtl.codes[i]!, 2)}`);
      }
    }
  }
  if (bad.length > maxBlocks) lines.push(`  ... ${bad.length - maxBlocks} more blocks`);
  return lines.join('\n');
}
