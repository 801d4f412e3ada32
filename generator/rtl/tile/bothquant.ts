// The 1-D alternative to the tile re-quantizer, for the hardware comparison (reports/synth.md): a unit that
// yields MX operands in both orientations with 1 x K blocks (K = 32: the OCP layout). Rows of K FP32 values
// arrive one per beat (as from a PE array); a first K-element block quantizer encodes each row on the fly
// (row-wise blocks, for X*W), and a K x K transpose buffer of raw values collects K rows so that a second
// K-element block quantizer can encode its columns (column-wise blocks, for the transposed products).
// Both banks are the block quantizer of generator/rtl/quantizer (blockQuantizerModule, one register stage).
// With two buffer banks, a K-row strip fills while the previous one drains column by column: no bubble.
//
// Ports: the input stream (row_i, in_valid_i/in_ready_o); the row-wise results as a second stream
// (row_valid_o/row_ready_i, row_scale_o, row_codes_o: one beat per input row); the column-wise results on
// the standard output stream (out_valid_o/out_ready_i, col_scale_o, col_codes_o: K beats per strip,
// beat j = column j of the strip, row 0 in the LSBs).

import { ModuleBuilder, type Module } from '../../hdl/index';
import { FORMAT_TABLE, codeBits, type FormatName, type ScaleMode } from '../../golden/index';
import { formatId } from '../../formats/table';
import { blockQuantizerModule } from '../quantizer/index';
import { bufferControlBits, tileBuffer } from './buffer';
import { inputWidth, type TileInput } from './tilequant';

export interface BothQuantConfig {
  readonly format: FormatName;
  /** block length (32 for the OCP 1x32 layout); the transpose buffer is k x k */
  readonly k: number;
  readonly scaleMode: ScaleMode;
  readonly input: TileInput;
  /** transpose-buffer banks: 2 = a strip fills while the previous drains */
  readonly buffers: 1 | 2;
}

export function bothQuantName(c: BothQuantConfig): string {
  return `${formatId(c.format)}_bothquant_1x${c.k}_${c.scaleMode}_${c.input}_${c.buffers === 2 ? 'db' : 'sb'}`;
}

export interface BothQuantStorage {
  /** transpose buffer: banks x k x k x W */
  readonly buffer: number;
  /** counters, bank pointers and full flags */
  readonly control: number;
  /** the two block quantizers' output registers: valid + scale + k codes each */
  readonly output: number;
  readonly total: number;
}

export function bothQuantStorage(c: BothQuantConfig): BothQuantStorage {
  const W = inputWidth(c.input);
  const B = codeBits(FORMAT_TABLE[c.format]);
  const buffer = c.buffers * c.k * c.k * W;
  const control = bufferControlBits(c.k, c.k, c.buffers);
  const output = 2 * (1 + 8 + c.k * B);
  return { buffer, control, output, total: buffer + control + output };
}

export function bothQuantModule(c: BothQuantConfig): Module {
  if (!Number.isInteger(c.k) || c.k < 2 || c.k > 64) throw new Error(`bothquant k must be an integer in 2..64, got ${c.k}`);
  const K = c.k;
  const W = inputWidth(c.input);
  const B = codeBits(FORMAT_TABLE[c.format]);
  const q = blockQuantizerModule({ format: c.format, k: K, scaleMode: c.scaleMode, input: c.input, depth: 1 });
  const st = bothQuantStorage(c);
  const m = new ModuleBuilder(bothQuantName(c), {
    doc: [
      `1-D alternative that yields both orientations of ${c.format} MX operands with 1x${K} blocks (scale mode ${c.scaleMode}, ${c.input.toUpperCase()} input):`,
      `a ${K}-element block quantizer on every input row (row-wise blocks) plus a ${K}x${K} transpose buffer of raw values`,
      `drained column by column into a second ${K}-element block quantizer (column-wise blocks).`,
      `Input: one row of ${K} values per beat. Row results: row_valid_o/row_ready_i, one beat per row.`,
      `Column results: out_valid_o/out_ready_i, ${K} beats per ${K}-row strip, beat j = column j (row 0 in the LSBs).`,
      c.buffers === 2 ? 'Double-buffered transpose buffer: a strip fills while the previous one drains.' : 'Single transpose buffer: input stalls while a strip drains.',
      `Storage: ${st.total} bits = transpose buffer ${c.buffers} x ${K} x ${K} x ${W} = ${st.buffer} bits (register array)`,
      `+ ${st.control} control bits + ${st.output} bits of the two quantizers' output registers.`,
    ].join('\n'),
    config: { format: c.format, k: K, scaleMode: c.scaleMode, input: c.input, buffers: c.buffers, storageBits: st.total },
  });
  const hs = m.stream();
  const rowIn = m.input('row_i', K * W, `${K} ${c.input.toUpperCase()} values, element 0 in bits [${W - 1}:0]`);
  const rowReady = m.input('row_ready_i', 1, 'the row-result consumer accepts the row beat');
  const rowValid = m.output('row_valid_o', 1, 'row-result beat is valid');
  const rowScale = m.output('row_scale_o', 8, 'E8M0 scale of the row block');
  const rowCodes = m.output('row_codes_o', K * B, `${K} codes of the row block, element 0 in bits [${B - 1}:0]`);
  const colScale = m.output('col_scale_o', 8, 'E8M0 scale of the column block');
  const colCodes = m.output('col_codes_o', K * B, `${K} codes of the column block, row 0 in bits [${B - 1}:0]`);

  // a row is taken when the transpose buffer has room and the row quantizer accepts it
  const rowQReady = m.wire('rowq_ready', 1, 'the row quantizer accepts a beat');
  const buf = tileBuffer(m, { rows: K, cols: K, width: W, banks: c.buffers, order: 'col', inValid: hs.inValid, row: rowIn, inAllowed: rowQReady });
  const uRow = m.instance(q, 'u_rowq', { in_valid_i: hs.inValid.and(buf.room), out_ready_i: rowReady, x_i: rowIn });
  m.assign(rowQReady, uRow.out('in_ready_o'));
  m.assign(hs.inReady, buf.room.and(rowQReady));
  m.assign(rowValid, uRow.out('out_valid_o'));
  m.assign(rowScale, uRow.out('scale_o'));
  m.assign(rowCodes, uRow.out('codes_o'));

  const uCol = m.instance(q, 'u_colq', { in_valid_i: buf.drainValid, out_ready_i: hs.outReady, x_i: buf.line });
  buf.connectDrain(uCol.out('in_ready_o'));
  m.assign(hs.outValid, uCol.out('out_valid_o'));
  m.assign(colScale, uCol.out('scale_o'));
  m.assign(colCodes, uCol.out('codes_o'));
  return m.build();
}
