// Test vectors of the tile re-quantizer: a stream of tiles in, one packed word per input row; the
// expected output words (codes_o in the LSBs, then scale_o, then last_o: the port order) from a per-tile
// model, which is the golden `quantizeBlock` for the real unit.

import { quantizeBlock, type FormatName, type ScaleMode } from '../../golden/index';
import { inputWidth, tileLines, type TileQuantConfig } from './tilequant';

/** A tile as R*C raw input patterns, row-major: FP32 bits, or BF16 bits (16 bits) for BF16 input. */
export type Tile = Uint32Array;

export interface TileResult {
  readonly scale: number;
  /** R*C codes, row-major (tile order, whatever the output order). */
  readonly codes: ArrayLike<number>;
}

export type TileModel = (tile: Tile) => TileResult;

/** The golden model of one tile: quantize() of the R x C block (a BF16 pattern is the FP32 value bf16 << 16). */
export function goldenTileModel(cfg: Pick<TileQuantConfig, 'format' | 'scaleMode' | 'input'>): TileModel {
  const { format, scaleMode } = cfg;
  if (cfg.input === 'fp32') return (t) => quantizeBlock(format, t, scaleMode);
  return (t) => quantizeBlock(format, t.map((b) => (b << 16) >>> 0), scaleMode);
}

const hex = (v: number, digits: number): string => v.toString(16).padStart(digits, '0');

/** Input words of a tile stream: R words per tile, word r = row r with column 0 in the LSBs. */
export function tileInputVectors(cfg: Pick<TileQuantConfig, 'rows' | 'cols' | 'input'>, tiles: readonly Tile[]): bigint[] {
  const { rows: R, cols: C } = cfg;
  const bytes = inputWidth(cfg.input) / 8;
  const rowBytes = C * bytes;
  // big-endian bytes of every row (column C-1 first), one hex string, one BigInt per row: much faster
  // than per-value string or BigInt arithmetic for millions of rows
  const buf = Buffer.alloc(tiles.length * R * rowBytes);
  let off = 0;
  for (const t of tiles) {
    if (t.length !== R * C) throw new Error(`tile has ${t.length} values, expected ${R * C}`);
    for (let r = 0; r < R; r++) {
      for (let c = C - 1; c >= 0; c--) {
        if (bytes === 4) buf.writeUInt32BE(t[r * C + c]!, off);
        else buf.writeUInt16BE(t[r * C + c]!, off);
        off += bytes;
      }
    }
  }
  const hexAll = buf.toString('hex');
  const n = tiles.length * R;
  const out: bigint[] = new Array<bigint>(n);
  for (let i = 0; i < n; i++) out[i] = BigInt('0x' + hexAll.slice(i * rowBytes * 2, (i + 1) * rowBytes * 2));
  return out;
}

/** One output word: codes (element 0 in the LSBs), then the scale, then last. */
export function packOutput(codes: readonly number[], codeBits: number, scale: number, last: boolean): bigint {
  if (codeBits % 4 === 0) {
    // hex digits line up with the fields: one string, one BigInt (fast for millions of words)
    let s = '0x' + (last ? '1' : '0') + hex(scale, 2);
    for (let i = codes.length - 1; i >= 0; i--) s += hex(codes[i]!, codeBits / 4);
    return BigInt(s);
  }
  let v = last ? 1n : 0n;
  v = (v << 8n) | BigInt(scale);
  for (let i = codes.length - 1; i >= 0; i--) v = (v << BigInt(codeBits)) | BigInt(codes[i]!);
  return v;
}

/** Splits an output word back into its fields. */
export function unpackOutput(word: bigint, perLine: number, codeBits: number): { codes: number[]; scale: number; last: boolean } {
  const mask = (1n << BigInt(codeBits)) - 1n;
  const codes = Array.from({ length: perLine }, (_, i) => Number((word >> BigInt(i * codeBits)) & mask));
  const rest = word >> BigInt(perLine * codeBits);
  return { codes, scale: Number(rest & 0xffn), last: (rest >> 8n) === 1n };
}

/** The codes of output line `line` of a tile, in output order. */
export function lineCodes(cfg: Pick<TileQuantConfig, 'rows' | 'cols' | 'order'>, codes: ArrayLike<number>, line: number): number[] {
  const { rows: R, cols: C } = cfg;
  return cfg.order === 'row'
    ? Array.from({ length: C }, (_, c) => codes[line * C + c]!)
    : Array.from({ length: R }, (_, r) => codes[r * C + line]!);
}

/** Expected output words of a tile stream under `model`. */
export function tileExpectedOutputs(
  cfg: Pick<TileQuantConfig, 'rows' | 'cols' | 'order'>,
  codeBits: number,
  tiles: readonly Tile[],
  model: TileModel,
): bigint[] {
  const { lines, perLine } = tileLines(cfg);
  const byteAligned = codeBits === 8 || (codeBits === 4 && perLine % 2 === 0);
  if (!byteAligned) {
    const out: bigint[] = [];
    for (const t of tiles) {
      const q = model(t);
      for (let l = 0; l < lines; l++) out.push(packOutput(lineCodes(cfg, q.codes, l), codeBits, q.scale, l === lines - 1));
    }
    return out;
  }
  // fast path: every field is whole bytes (a 0/1 byte for last, the scale byte, the codes big-endian)
  const codeBytes = (perLine * codeBits) / 8;
  const lineBytes = 2 + codeBytes;
  const buf = Buffer.alloc(tiles.length * lines * lineBytes);
  let off = 0;
  for (const t of tiles) {
    const q = model(t);
    for (let l = 0; l < lines; l++) {
      const codes = lineCodes(cfg, q.codes, l);
      buf[off++] = l === lines - 1 ? 1 : 0;
      buf[off++] = q.scale;
      if (codeBits === 8) for (let i = perLine - 1; i >= 0; i--) buf[off++] = codes[i]!;
      else for (let i = perLine - 1; i >= 1; i -= 2) buf[off++] = (codes[i]! << 4) | codes[i - 1]!;
    }
  }
  const hexAll = buf.toString('hex');
  const n = tiles.length * lines;
  const out: bigint[] = new Array<bigint>(n);
  for (let i = 0; i < n; i++) out[i] = BigInt('0x' + hexAll.slice(i * lineBytes * 2, (i + 1) * lineBytes * 2));
  return out;
}

/**
 * Most clock cycles a stream of `tiles` tiles may take without stalls (valid always high, ready always high):
 * double-buffered, a tile fills while the previous one drains, so max(R, lines) cycles per tile plus the first
 * tile's fill (R rows); one buffer, R + lines per tile. Plus the 2-cycle latency from a tile's last row to its
 * first line (unit.ts) and 2 cycles of slack. Icarus measures exactly the bound minus the slack (8x8: 48 tiles
 * in 394 cycles, one buffer 770, 16x16 786, 4x16 column-major 774). Output-only checks cannot see a lost buffer
 * (the codes stay right, only in_ready_o drops): this bound is what kills it (mutation campaign).
 */
export function tileCycleBudget(cfg: Pick<TileQuantConfig, 'rows' | 'cols' | 'order' | 'buffers'>, tiles: number): number {
  const { lines } = tileLines(cfg);
  const LATENCY = 2;
  const SLACK = 2;
  if (cfg.buffers === 2) return tiles * Math.max(cfg.rows, lines) + cfg.rows + LATENCY + SLACK;
  return tiles * (cfg.rows + lines) + LATENCY + SLACK;
}
