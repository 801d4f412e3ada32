// Streaming tile re-quantizer (issue item 1): one row of C FP32 (or BF16) values per input beat, an
// R x C tile buffered as raw values (the shared scale is known only after the last row), the tile's amax
// tracked as the rows arrive, then the E8M0 scale and the element codes leave one line per output beat,
// row-major (R beats of C codes) or column-major (C beats of R codes).
//
// Structure (B = code bits, W = 32 for FP32 or 16 for BF16, L = lines out, N = codes per line):
//   write side:  row_i -> |x| -> maxTree -> running amax (amax_acc_q) ; tile_amax -> shared-scale module
//                row_i -> bank[wb].row[wcnt] (a register array: the DSL has no memory primitive)
//                last row: bank[wb] <- scale, shared exponent, special flag; bank[wb] full
//   read side:   line mux bank[rb] line rcnt -> N element encoders (se of bank rb) -> special mask
//                -> one valid/ready output register (no combinational path from any input to any output)
// With two banks (double buffering) a tile fills while the previous one drains: when R == L (always in
// row-major order; for square tiles in column-major order) the unit streams one row in and one line out per
// cycle with no bubble between tiles; otherwise the longer side sets the rate. With one bank the fill and the
// drain alternate.
//
// The shared-scale and element-encoder submodules are the block quantizer's (generator/rtl/quantizer);
// they are passed in (TileParts) so the control, buffer and ordering can be tested on their own.

import { ModuleBuilder, type Module, type Expr, concat, lit, maxTree, mux, pack, pipeline } from '../../hdl/index';
import { FORMAT_TABLE, codeBits, type FormatName, type ScaleMode } from '../../golden/index';
import { formatId } from '../../formats/table';
import { bufferControlBits, tileBuffer } from './buffer';

export type TileInput = 'fp32' | 'bf16';
export type TileOrder = 'row' | 'col';

export interface TileQuantConfig {
  readonly format: FormatName;
  /** tile rows R (input beats per tile) */
  readonly rows: number;
  /** tile columns C (values per input beat) */
  readonly cols: number;
  readonly scaleMode: ScaleMode;
  readonly input: TileInput;
  /** output order: 'row' = R beats of the C codes of a row; 'col' = C beats of the R codes of a column */
  readonly order: TileOrder;
  /** 2 = double-buffered (fill while draining), 1 = single buffer */
  readonly buffers: 1 | 2;
}

/**
 * The two combinational submodules of the block quantizer that the tile reuses.
 *  - scale:   amax_i (magnitude bits of the tile maximum), special_i -> scale_o [7:0] (E8M0), se_o (signed)
 *  - encoder: x_i (one FP32/BF16 value), se_i -> code_o
 */
export interface TileParts {
  readonly scale: Module;
  readonly encoder: Module;
  /**
   * True when the scale module already returns 0x00 for amax_i == 0 (an all-zero tile); otherwise the
   * tile forces it. (Codes of an all-zero tile are the encoder's signed zeros either way.)
   */
  readonly scaleHandlesZero: boolean;
  /** True when the scale module already returns 0xFF for special_i; otherwise the tile forces it. */
  readonly scaleHandlesSpecial: boolean;
}

export const inputWidth = (input: TileInput): number => (input === 'fp32' ? 32 : 16);

/** Lines per tile on the output and codes per line. */
export function tileLines(cfg: Pick<TileQuantConfig, 'rows' | 'cols' | 'order'>): { lines: number; perLine: number } {
  return cfg.order === 'row' ? { lines: cfg.rows, perLine: cfg.cols } : { lines: cfg.cols, perLine: cfg.rows };
}

export function tileQuantName(cfg: TileQuantConfig): string {
  return `${formatId(cfg.format)}_tilequant_r${cfg.rows}c${cfg.cols}_${cfg.scaleMode}_${cfg.input}_${cfg.order}_${cfg.buffers === 2 ? 'db' : 'sb'}`;
}

/** Storage of the unit in bits, by kind (the header states it; the synth report cross-checks the flops). */
export interface TileStorage {
  /** raw value buffer: banks x R x C x W */
  readonly buffer: number;
  /** running amax, per-bank scale / shared exponent / special flag, counters, bank pointers and full flags */
  readonly control: number;
  /** the output register: N codes, scale, last, valid */
  readonly output: number;
  readonly total: number;
}

export function tileStorage(cfg: TileQuantConfig, seWidth: number): TileStorage {
  const W = inputWidth(cfg.input);
  const { lines, perLine } = tileLines(cfg);
  const B = codeBits(FORMAT_TABLE[cfg.format]);
  const buffer = cfg.buffers * cfg.rows * cfg.cols * W;
  const control = W - 1 + cfg.buffers * (8 + seWidth + 1) + bufferControlBits(cfg.rows, lines, cfg.buffers);
  const output = perLine * B + 8 + 1 + 1;
  return { buffer, control, output, total: buffer + control + output };
}

function checkConfig(cfg: TileQuantConfig): void {
  for (const [k, v] of [['rows', cfg.rows], ['cols', cfg.cols]] as const)
    if (!Number.isInteger(v) || v < 1 || v > 256) throw new Error(`tile ${k} must be an integer in 1..256, got ${v}`);
  if (cfg.buffers !== 1 && cfg.buffers !== 2) throw new Error(`tile buffers must be 1 or 2, got ${String(cfg.buffers)}`);
  if (cfg.order !== 'row' && cfg.order !== 'col') throw new Error(`tile order must be 'row' or 'col', got '${String(cfg.order)}'`);
  if (!(cfg.format in FORMAT_TABLE)) throw new Error(`unknown format '${cfg.format}'`);
}

function portWidth(mod: Module, port: string, dir: 'in' | 'out'): number {
  const s = (dir === 'in' ? mod.inputShapes : mod.outputShapes).get(port);
  if (!s) throw new Error(`module '${mod.name}' has no ${dir === 'in' ? 'input' : 'output'} '${port}'`);
  return s.width;
}

export function tileQuantModule(cfg: TileQuantConfig, parts: TileParts): Module {
  checkConfig(cfg);
  const R = cfg.rows;
  const C = cfg.cols;
  const W = inputWidth(cfg.input);
  const B = codeBits(FORMAT_TABLE[cfg.format]);
  const banks = cfg.buffers;
  const { lines: L, perLine: N } = tileLines(cfg);
  const amaxW = portWidth(parts.scale, 'amax_i', 'in');
  const seShape = parts.scale.outputShapes.get('se_o');
  if (!seShape) throw new Error(`module '${parts.scale.name}' has no output 'se_o'`);
  if (portWidth(parts.scale, 'scale_o', 'out') !== 8) throw new Error(`'${parts.scale.name}'.scale_o must be 8 bits`);
  if (portWidth(parts.encoder, 'x_i', 'in') !== W) throw new Error(`'${parts.encoder.name}'.x_i must be ${W} bits for ${cfg.input} input`);
  if (portWidth(parts.encoder, 'se_i', 'in') !== seShape.width) throw new Error(`'${parts.encoder.name}'.se_i and '${parts.scale.name}'.se_o differ in width`);
  if (portWidth(parts.encoder, 'code_o', 'out') !== B) throw new Error(`'${parts.encoder.name}'.code_o must be ${B} bits for ${cfg.format}`);
  if (amaxW !== W - 1 && amaxW !== 31) throw new Error(`'${parts.scale.name}'.amax_i has ${amaxW} bits; expected ${W - 1} (${cfg.input} magnitude) or 31`);

  const st = tileStorage(cfg, seShape.width);
  const orderText =
    cfg.order === 'row'
      ? `row-major: ${L} output beats per tile, beat i carries the ${N} codes of tile row i (column 0 in the LSBs)`
      : `column-major: ${L} output beats per tile, beat j carries the ${N} codes of tile column j (row 0 in the LSBs)`;
  const m = new ModuleBuilder(tileQuantName(cfg), {
    doc: [
      `Streaming ${R}x${C} tile re-quantizer, ${cfg.format}, scale mode ${cfg.scaleMode}, ${cfg.input.toUpperCase()} input.`,
      `Input: one tile row of ${C} ${cfg.input.toUpperCase()} values per beat (column 0 in the LSBs), ${R} beats per tile.`,
      `Output: ${orderText};`,
      `every beat carries the tile's E8M0 scale, last_o marks the tile's final beat.`,
      `Bit-exact to quantize(matrix, '${cfg.format}', {rows: ${R}, cols: ${C}}, '${cfg.scaleMode}') of docs/formats.md:`,
      `all-zero tile -> scale 0x00 and signed-zero codes; a NaN/Inf in the tile -> scale 0xFF and all codes +0.`,
      banks === 2
        ? `Double-buffered: a tile fills while the previous one drains; ${R} rows in and ${L} lines out per tile, so ${R === L ? 'one row in and one line out per cycle, no bubble' : `max(${R}, ${L}) cycles per tile`}.`
        : `Single buffer: a tile is filled, then drained; input stalls while draining.`,
      `Storage: ${st.total} bits of flip-flops = raw tile buffer ${banks} x ${R} x ${C} x ${W} = ${st.buffer} bits`,
      `(a register array; the DSL has no memory primitive) + ${st.control} control bits (running amax, per-bank`,
      `scale/shared exponent/special flag, counters, bank flags) + ${st.output} output-register bits.`,
      `Latency: a tile's first output beat leaves 2 cycles after its last row is accepted.`,
    ].join('\n'),
    config: { format: cfg.format, rows: R, cols: C, scaleMode: cfg.scaleMode, input: cfg.input, order: cfg.order, buffers: banks, storageBits: st.total },
  });
  const hs = m.stream();
  const rowIn = m.input('row_i', C * W, `one tile row: ${C} ${cfg.input.toUpperCase()} values, column 0 in bits [${W - 1}:0]`);
  const codesO = m.output('codes_o', N * B, `${N} ${cfg.format} codes of one ${cfg.order === 'row' ? 'row' : 'column'}, element 0 in bits [${B - 1}:0]`);
  const scaleO = m.output('scale_o', 8, "the tile's E8M0 scale");
  const lastO = m.output('last_o', 1, "the tile's final output beat");

  const buf = tileBuffer(m, { rows: R, cols: C, width: W, banks, order: cfg.order, inValid: hs.inValid, row: rowIn });
  m.assign(hs.inReady, buf.room);

  // ---- amax as the rows arrive, then the tile's scale ----
  const xs = rowIn.chunks(W);
  const rowAmax = m.let('row_amax', maxTree(xs.map((x) => x.slice(W - 2, 0)), 'row_max'), 'largest magnitude of the row (NaN/Inf are the largest)');
  const acc = m.reg('amax_acc_q', W - 1, { reset: 'none', doc: 'largest magnitude of the rows accepted so far' });
  const tileAmax = m.let('tile_amax', mux(buf.firstRow, rowAmax, mux(acc.ge(rowAmax), acc, rowAmax)), 'amax including this row');
  m.next(acc, tileAmax, { en: buf.inFire });
  // Inf and NaN magnitudes (exponent field all ones) exceed every finite one, so they show in the amax.
  const special = m.let('tile_special', tileAmax.slice(W - 2, W - 9).all(), 'the tile holds a NaN or an Inf');
  // A BF16 value is the FP32 value with 16 zero LSBs: a 31-bit amax port takes the BF16 magnitude on top.
  const amaxIn = amaxW === W - 1 ? tileAmax : concat(tileAmax, lit(0, amaxW - (W - 1)));
  const uScale = m.instance(parts.scale, 'u_scale', { amax_i: amaxIn, special_i: special });
  let scale: Expr = uScale.out('scale_o');
  if (!parts.scaleHandlesZero) scale = mux(tileAmax.eq(0), lit(0, 8), scale);
  if (!parts.scaleHandlesSpecial) scale = mux(special, lit(0xff, 8), scale);
  // computed once per tile, when its last row arrives; held per bank while the tile drains
  const tileScale = buf.perTile('scale', scale, 'E8M0 scale');
  const tileSe = buf.perTile('se', uScale.out('se_o'), 'clamped shared exponent');
  const tileSpecial = buf.perTile('special', special, 'NaN/Inf tile: codes forced to +0');

  // ---- one line out per beat: N encoders, then the output register ----
  const codes = buf.line.chunks(W).map((x, i) => {
    const u = m.instance(parts.encoder, `u_enc${i}`, { x_i: x, se_i: tileSe });
    return mux(tileSpecial, lit(0, B), u.out('code_o'));
  });
  const p = pipeline(m, {
    name: 'out',
    depth: 1,
    inValid: buf.drainValid,
    outReady: hs.outReady,
    data: { codes: pack(codes), scale: tileScale, last: buf.lastLine },
  });
  buf.connectDrain(p.inReady);

  m.assign(hs.outValid, p.outValid);
  m.assign(codesO, p.data.codes);
  m.assign(scaleO, p.data.scale);
  m.assign(lastO, p.data.last);
  return m.build();
}
