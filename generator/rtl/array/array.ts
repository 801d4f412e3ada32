// The generated MX accelerator: an R x C array of T-lane PE cells that accumulate in place, fed from tile
// buffers that deliver stored T x T tiles in normal or transposed orientation, drained as FP32 and/or through
// the streaming tile re-quantizer into an operand buffer. README.md in this folder describes the design, the
// host and command ports, and the timing that cycles.ts models.
//
// One command = one GEMM  C_out = op(A) * op(B) (+ C_in). The output is cut into T x T output tiles (row-major
// over tiles), each tile into blocks of R x C outputs (row-major within the tile; a block never leaves its tile,
// and blocks entirely beyond M or N are skipped). A block occupies the array for a slot of P = max(S, R)
// cycles, S = ceil(K/T) chunk steps: in each step every PE row r receives the T-element chunk of op(A) row
// i0+r, every PE column c the chunk of op(B) column j0+c (broadcast along the row / column, from one tile read
// of each operand buffer per step), with the tile's E8M0 scale. During a slot the init registers are filled
// with the next block's C (when accumulating), and the previous block's results leave the drain chain, one
// PE row per cycle (R cycles: hence P >= R).

import { type Expr, type Module, ModuleBuilder, type Signal, concat, lit, mux, pack, select } from '../../hdl/index';
import { clog2 } from '../../hdl/index';
import { quantizerParts } from '../tile/parts';
import { tileQuantModule } from '../tile/tilequant';
import { fp32ToBf16Module } from './bf16-round';
import { type ArrayConfig, OPERAND_BUFFERS, FP32_BUFFER, arrayConfigProblem, arrayName, arrayWidths, isBf16 } from './config';
import { cellLatency, peCellModule } from './pe-cell';
import { ramModule } from './ram';

/** 1 << i for an index expression, n bits (bit i set). */
function onehot(idx: Expr, n: number): Expr {
  if (n === 1) return lit(1, 1);
  return concat(...Array.from({ length: n }, (_, i) => idx.eq(n - 1 - i)));
}

/** `e` if `cond`, else zeros. */
const gate = (cond: Expr, e: Expr): Expr => mux(cond, e, lit(0, e.width));

/** max(1, clog2(n)): a counter over 0..n-1. */
const cw = (n: number): number => Math.max(1, clog2(n));

export function arrayModule(c: ArrayConfig): Module {
  const problem = arrayConfigProblem(c);
  if (problem) throw new Error(`array ${problem[0]}: ${problem[1]}`);
  const R = c.rows;
  const C = c.cols;
  const T = c.tile;
  const W = arrayWidths(c);
  const { lt: LT, elem: E, line: LINE, dim: DW, tileAddr: TA, wordAddr: WA } = W;
  const bf16 = isBf16(c);
  const nqi = Math.ceil(T / R);
  const nqj = Math.ceil(T / C);
  const lat = cellLatency(c.depth);

  const m = new ModuleBuilder(arrayName(c), {
    doc: [
      `${R} x ${C} array of ${T}-lane ${c.format} PE cells accumulating in place (output stationary), ${T} x ${T} tiles.`,
      `Operand buffers 0..${OPERAND_BUFFERS - 1}: ${c.bufferTiles} stored tiles each (codes${W.scaled ? ' + one E8M0 scale' : ''} per tile), read in normal or`,
      `transposed orientation; FP32 buffer (host_buf 3): ${c.bufferTiles * T} words of ${T} FP32 values (rows of T x T tiles).`,
      `One command = one GEMM C = op(A) * op(B) (+ C), op in {n, t}; the output leaves as FP32 and/or`,
      bf16 ? 'rounded to BF16 into an operand buffer.' : `re-quantized (${c.scaleMode}) by the streaming tile re-quantizer into an operand buffer.`,
      `Block slot P = max(ceil(K/${T}), ${R}) cycles; see generator/rtl/array/README.md and cycles.ts for the timing.`,
    ].join('\n'),
    config: { format: c.format, rows: R, cols: C, tile: T, ...(bf16 ? {} : { scaleMode: c.scaleMode }), depth: c.depth, bufferTiles: c.bufferTiles, ...(c.reduction === 'adders' && !bf16 ? { reduction: 'adders' } : {}) },
  });

  // ---------------------------------------------------------------- ports
  const hostValid = m.input('host_valid_i', 1, 'host request valid');
  const hostReady = m.output('host_ready_o', 1, 'host request accepted (only while no command runs)');
  const hostWrite = m.input('host_write_i', 1, '1: write, 0: read (one response on rsp_*)');
  const hostBuf = m.input('host_buf_i', 2, `buffer: 0..${OPERAND_BUFFERS - 1} operand buffers, ${FP32_BUFFER} the FP32 buffer`);
  const hostAddr = m.input('host_addr_i', WA, `operand buffers: tile * ${T} + tile row; FP32 buffer: word`);
  const hostWdata = m.input('host_wdata_i', W.host, bf16 ? 'operand: a tile row of BF16 values; FP32: a word' : 'operand: a tile row of codes, its tile scale above it; FP32: a word');
  const rspValid = m.output('rsp_valid_o', 1, 'read response valid');
  const rspReady = m.input('rsp_ready_i', 1, 'host takes the read response');
  const rspData = m.output('rsp_data_o', W.host, 'read response, in the layout of host_wdata_i');
  const cmdValid = m.input('cmd_valid_i', 1, 'a command (one GEMM) is offered');
  const cmdReady = m.output('cmd_ready_o', 1, 'the command is accepted (idle, no read in flight)');
  const cmdIn = {
    m: m.input('cmd_m_i', DW, 'M: rows of op(A) and of the output (>= 1)'),
    k: m.input('cmd_k_i', DW, 'K: columns of op(A), rows of op(B) (>= 1)'),
    n: m.input('cmd_n_i', DW, 'N: columns of op(B) and of the output (>= 1)'),
    opA: m.input('cmd_op_a_i', 1, '1: op(A) = the stored A (K x M) transposed'),
    opB: m.input('cmd_op_b_i', 1, '1: op(B) = the stored B (N x K) transposed'),
    bufA: m.input('cmd_buf_a_i', 2, 'operand buffer of A'),
    bufB: m.input('cmd_buf_b_i', 2, 'operand buffer of B (not that of A)'),
    baseA: m.input('cmd_base_a_i', TA, 'first tile of the stored A (tiles row-major)'),
    baseB: m.input('cmd_base_b_i', TA, 'first tile of the stored B'),
    acc: m.input('cmd_acc_i', 1, '1: accumulate onto C (FP32 buffer); 0: onto +0'),
    baseC: m.input('cmd_base_c_i', WA, 'first FP32 word of C (tiles row-major, T words per tile)'),
    outF: m.input('cmd_out_fp32_i', 1, '1: write the FP32 result'),
    baseOut: m.input('cmd_base_out_i', WA, 'first FP32 word of the result'),
    outQ: m.input('cmd_out_mx_i', 1, bf16 ? '1: write the result rounded to BF16 tiles' : '1: write the result re-quantized to MX tiles'),
    bufQ: m.input('cmd_buf_q_i', 2, 'operand buffer of the re-quantized result'),
    baseQ: m.input('cmd_base_q_i', TA, 'first tile of the re-quantized result'),
  };
  const busyO = m.output('busy_o', 1, 'a command runs');
  const doneO = m.output('done_o', 1, 'one-cycle pulse: the command finished (all results written)');

  // ---------------------------------------------------------------- command registers
  const running = m.reg('running_q', 1, { doc: 'a command runs' });
  const h1Valid = m.reg('h1_valid_q', 1, { doc: 'a host read is in the RAM output registers' });
  m.assign(cmdReady, running.not().and(h1Valid.not()));
  const cmdFire = m.let('cmd_fire', cmdValid.and(cmdReady), 'a command is accepted');
  const q = <K extends keyof typeof cmdIn>(k: K): Signal => m.register(`cmd_${k.replace(/[A-Z]/g, (x) => `_${x.toLowerCase()}`)}_q`, cmdIn[k], { reset: 'none', en: cmdFire });
  const kq = {
    opA: q('opA'), opB: q('opB'), bufA: q('bufA'), bufB: q('bufB'), acc: q('acc'), baseC: q('baseC'), outF: q('outF'),
    baseOut: q('baseOut'), outQ: q('outQ'), bufQ: q('bufQ'), baseB: q('baseB'), n: q('n'),
  };
  // derived at acceptance: chunk steps per block, tile grid sizes, address strides, the slot length
  const ceilT = (x: Expr): Expr => x.add(T - 1).shr(LT).resize(DW);
  const S = m.register('steps_q', ceilT(cmdIn.k), { reset: 'none', en: cmdFire, doc: 'S = ceil(K/T): chunk steps per block' });
  const gm = ceilT(cmdIn.m);
  const gn = ceilT(cmdIn.n);
  const tr = (x: Expr): Expr => x.resize(TA);
  // A stored M x K (n): step +1 tile, band +S tiles; stored K x M (t): step +ceil(M/T), band +1
  const stepIncA = m.register('step_inc_a_q', mux(cmdIn.opA, tr(gm), lit(1, TA)), { reset: 'none', en: cmdFire, doc: 'A tile address increment per step' });
  const bandIncA = m.register('band_inc_a_q', mux(cmdIn.opA, lit(1, TA), tr(ceilT(cmdIn.k))), { reset: 'none', en: cmdFire, doc: 'A tile address increment per tile row band' });
  // B stored K x N (n): step +ceil(N/T), band +1; stored N x K (t): step +1, band +S
  const stepIncB = m.register('step_inc_b_q', mux(cmdIn.opB, lit(1, TA), tr(gn)), { reset: 'none', en: cmdFire, doc: 'B tile address increment per step' });
  const bandIncB = m.register('band_inc_b_q', mux(cmdIn.opB, tr(ceilT(cmdIn.k)), lit(1, TA)), { reset: 'none', en: cmdFire, doc: 'B tile address increment per tile column band' });
  const P = m.register('slot_q', mux(ceilT(cmdIn.k).lt(R), lit(R, DW), ceilT(cmdIn.k)), { reset: 'none', en: cmdFire, doc: 'P = max(S, R): cycles per block slot' });

  // ---------------------------------------------------------------- block iterator (the next block to start)
  const nx = {
    valid: m.reg('nx_valid_q', 1, { doc: 'a next block exists' }),
    remM: m.reg('nx_rem_m_q', DW, { reset: 'none', doc: 'M - ti*T: output rows from this tile row band on' }),
    remN: m.reg('nx_rem_n_q', DW, { reset: 'none', doc: 'N - tj*T' }),
    qi: m.reg('nx_qi_q', cw(nqi), { reset: 'none', doc: 'block row within the tile' }),
    rowOff: m.reg('nx_row_off_q', LT + 1, { reset: 'none', doc: 'qi * R' }),
    qj: m.reg('nx_qj_q', cw(nqj), { reset: 'none', doc: 'block column within the tile' }),
    colOff: m.reg('nx_col_off_q', LT + 1, { reset: 'none', doc: 'qj * C' }),
    aBand: m.reg('nx_a_band_q', TA, { reset: 'none', doc: 'tile address of A at step 0 of this band' }),
    bBand: m.reg('nx_b_band_q', TA, { reset: 'none', doc: 'tile address of B at step 0 of this band' }),
    tile: m.reg('nx_tile_q', TA, { reset: 'none', doc: 'output tile index ti * ceil(N/T) + tj' }),
  };
  const minT = (x: Expr, name: string): Expr => m.let(name, mux(x.ge(T), lit(T, LT + 1), x.resize(LT + 1)), `min(T, ${name === 'nx_vm' ? 'M' : 'N'} - t*T)`);
  const vm = minT(nx.remM, 'nx_vm');
  const vn = minT(nx.remN, 'nx_vn');
  const lastQj = m.let('nx_last_qj', nx.colOff.add(C).ge(vn), 'last block column of the tile');
  const lastQi = m.let('nx_last_qi', nx.rowOff.add(R).ge(vm), 'last block row of the tile');
  const lastTj = m.let('nx_last_tj', nx.remN.le(T), 'last tile column');
  const lastTi = m.let('nx_last_ti', nx.remM.le(T), 'last tile row');
  const nxLastInTile = m.let('nx_last_in_tile', lastQi.and(lastQj), 'the block is its tile\'s last');
  const advance = m.wire('nx_advance', 1, 'the next block starts: step the iterator');
  const adv = (cond: Expr, e: Expr, keep: Expr): Expr => mux(cond, e, keep);
  // initialised when a command is accepted, stepped when a block starts
  const upd = (r: Signal, init: Expr, next: Expr): void => m.next(r, mux(cmdFire, init, next), { en: cmdFire.or(advance) });
  const tileDone = lastQi.and(lastQj);
  upd(nx.qj, lit(0, nx.qj.width), mux(lastQj, lit(0, nx.qj.width), nx.qj.add(1).trunc(nx.qj.width)));
  upd(nx.colOff, lit(0, LT + 1), mux(lastQj, lit(0, LT + 1), nx.colOff.add(C).trunc(LT + 1)));
  upd(nx.qi, lit(0, nx.qi.width), adv(lastQj, mux(lastQi, lit(0, nx.qi.width), nx.qi.add(1).trunc(nx.qi.width)), nx.qi));
  upd(nx.rowOff, lit(0, LT + 1), adv(lastQj, mux(lastQi, lit(0, LT + 1), nx.rowOff.add(R).trunc(LT + 1)), nx.rowOff));
  upd(nx.tile, lit(0, TA), adv(tileDone, nx.tile.add(1).trunc(TA), nx.tile));
  upd(nx.remN, cmdIn.n, adv(tileDone, mux(lastTj, kq.n, nx.remN.sub(T).trunc(DW).asUnsigned()), nx.remN));
  upd(nx.bBand, cmdIn.baseB, adv(tileDone, mux(lastTj, kq.baseB, nx.bBand.add(bandIncB).trunc(TA)), nx.bBand));
  upd(nx.remM, cmdIn.m, adv(tileDone.and(lastTj), nx.remM.sub(T).trunc(DW).asUnsigned(), nx.remM));
  upd(nx.aBand, cmdIn.baseA, adv(tileDone.and(lastTj), nx.aBand.add(bandIncA).trunc(TA), nx.aBand));
  m.next(nx.valid, mux(cmdFire, lit(1, 1), tileDone.and(lastTj).and(lastTi).not()), { en: cmdFire.or(advance) });

  // ---------------------------------------------------------------- slot sequencer
  const seqOn = m.reg('seq_on_q', 1, { doc: 'blocks remain to be issued (cleared after the last slot)' });
  const real = m.reg('slot_real_q', 1, { doc: 'the current slot is a block (0: the prologue before the first block)' });
  const cnt = m.reg('slot_cnt_q', DW + 1, { reset: 'none', doc: 'cycle within the slot; the step index while < S' });
  const len = m.reg('slot_len_q', DW, { reset: 'none', doc: 'cycles of the current slot (the prologue: 2, or max(2, R) when accumulating)' });
  const since = m.reg('since_last_q', cw(T), { reset: 'none', doc: 'cycles since the last tile-closing block started, saturating at T-1' });
  // MX output: a tile-closing block starts at least T cycles after the previous one, so the re-quantizer
  // (T rows in, T lines out per tile) never back-pressures the drain
  const spaced = m.let('slot_spaced', kq.outQ.not().or(nx.valid.not()).or(nxLastInTile.not()).or(since.eq(T - 1)), 'the next block may start (re-quantizer spacing)');
  const slotEnd = m.let('slot_end', seqOn.and(cnt.ge(len.sub(1).asUnsigned())).and(spaced), 'last cycle of the current slot');
  // at the end of this cycle the current block takes the iterator's block and the iterator steps on
  const start = m.let('block_start', slotEnd.and(nx.valid), 'the next block starts in the next cycle');
  const startQ = m.register('block_started_q', start, { doc: 'first cycle of a block slot' });
  m.assign(advance, start);
  m.next(seqOn, mux(cmdFire, lit(1, 1), lit(0, 1)), { en: cmdFire.or(slotEnd.and(nx.valid.not())) });
  m.next(real, mux(cmdFire, lit(0, 1), lit(1, 1)), { en: cmdFire.or(start) });
  m.next(cnt, mux(cmdFire.or(start), mux(cmdFire, lit(1, DW + 1), lit(0, DW + 1)), cnt.add(1).trunc(DW + 1)), { en: cmdFire.or(seqOn) });
  m.next(len, mux(cmdFire, mux(cmdIn.acc, lit(R < 2 ? 2 : R, DW), lit(2, DW)), P), { en: cmdFire.or(start) });
  m.next(since, mux(cmdFire, lit(T - 1, since.width), mux(start.and(nxLastInTile), lit(0, since.width), mux(since.eq(T - 1), since, since.add(1).trunc(since.width)))), { en: cmdFire.or(seqOn) });

  // the current block: loaded from the iterator when it starts
  const cur = {
    aAddr: m.reg('cur_a_addr_q', TA, { reset: 'none', doc: 'A tile of the current step' }),
    bAddr: m.reg('cur_b_addr_q', TA, { reset: 'none', doc: 'B tile of the current step' }),
    qi: m.register('cur_qi_q', nx.qi, { reset: 'none', en: start }),
    qj: m.register('cur_qj_q', nx.qj, { reset: 'none', en: start }),
    word: m.register('cur_word_q', concat(nx.tile, lit(0, LT)).add(nx.rowOff.zext(WA)).trunc(WA), { reset: 'none', en: start, doc: 'FP32 word of the block\'s first row, relative to the base' }),
    rows: m.register('cur_rows_q', vm.sub(nx.rowOff).trunc(LT + 1).asUnsigned(), { reset: 'none', en: start, doc: 'valid rows of the block (may exceed R)' }),
    cols: m.register('cur_cols_q', vn.sub(nx.colOff).trunc(LT + 1).asUnsigned(), { reset: 'none', en: start, doc: 'valid columns of the block (may exceed C)' }),
    rowOff: m.register('cur_row_off_q', nx.rowOff.trunc(LT), { reset: 'none', en: start }),
    closes: m.register('cur_closes_q', nxLastInTile, { reset: 'none', en: start, doc: 'the block is its tile\'s last' }),
    bank: m.register('cur_bank_q', nx.tile.bit(0), { reset: 'none', en: start, doc: 'assembly bank of the block\'s tile' }),
    vm: m.register('cur_vm_q', vm, { reset: 'none', en: start, doc: 'valid rows of the tile' }),
    vn: m.register('cur_vn_q', vn, { reset: 'none', en: start, doc: 'valid columns of the tile' }),
  };
  const stepIssue = m.let('step_issue', seqOn.and(real).and(cnt.lt(S.zext(DW + 1))), 'a chunk step is issued: tile reads of A and B');
  const firstStep = m.let('step_first', cnt.eq(0), 'the step opens its block');
  const lastStep = m.let('step_last', cnt.eq(S.sub(1).asUnsigned().resize(DW + 1)), 'the step closes its block');
  m.next(cur.aAddr, mux(start, nx.aBand, cur.aAddr.add(stepIncA).trunc(TA)), { en: start.or(stepIssue) });
  m.next(cur.bAddr, mux(start, nx.bBand, cur.bAddr.add(stepIncB).trunc(TA)), { en: start.or(stepIssue) });

  // ---------------------------------------------------------------- operand buffers
  const codeRam = ramModule({ width: T * LINE, depth: c.bufferTiles, granule: LINE });
  const scaleRam = W.scaled ? ramModule({ width: 8, depth: c.bufferTiles }) : undefined;
  const fp32Ram = ramModule({ width: W.fp32Word, depth: c.bufferTiles * T, granule: 32 });
  const asmRam = ramModule({ width: W.fp32Word, depth: 2 * T, granule: 32 });

  const hostFire = m.let('host_fire', hostValid.and(hostReady), 'a host request is accepted');
  const hostTile = hostAddr.slice(WA - 1, LT);
  const hostRow = hostAddr.slice(LT - 1, 0);
  const hostRd = m.let('host_read', hostFire.and(hostWrite.not()), 'a host read is accepted');
  const hostWr = m.let('host_wr', hostFire.and(hostWrite), 'a host write is accepted');

  // the re-quantized output's write (filled in by the drain below)
  const qWrite = m.wire('q_write', 1, 'a re-quantized line is written');
  const qTile = m.reg('q_tile_q', TA, { reset: 'none', doc: 'tile of the re-quantized output being written' });
  const qLine = m.reg('q_line_q', LT, { reset: 'none', doc: 'line of that tile' });
  const qCodes = m.wire('q_codes', LINE, 'the re-quantized line');
  const qScale = W.scaled ? m.wire('q_scale', 8, 'its tile scale') : undefined;

  const rdCode: Expr[] = [];
  const rdScale: Expr[] = [];
  for (let b = 0; b < OPERAND_BUFFERS; b++) {
    const isA = kq.bufA.eq(b);
    const isB = kq.bufB.eq(b);
    const we = mux(running, qWrite.and(kq.bufQ.eq(b)), hostWr.and(hostBuf.eq(b)));
    const waddr = mux(running, qTile, hostTile);
    const re = mux(running, stepIssue.and(isA.or(isB)), hostRd.and(hostBuf.eq(b)));
    const raddr = mux(running, mux(isA, cur.aAddr, cur.bAddr), hostTile);
    const wline = mux(running, qCodes, hostWdata.slice(LINE - 1, 0));
    const u = m.instance(codeRam, `u_buf${b}`, {
      we_i: m.let(`buf${b}_we`, we, `operand buffer ${b} writes a tile row`),
      waddr_i: waddr,
      wdata_i: wline.repeat(T),
      we_mask_i: mux(running, onehot(qLine, T), onehot(hostRow, T)),
      re_i: m.let(`buf${b}_re`, re, `operand buffer ${b} reads a tile`),
      raddr_i: raddr,
    });
    rdCode.push(u.out('rdata_o'));
    if (scaleRam) {
      const s = m.instance(scaleRam, `u_scale${b}`, {
        we_i: m.let(`buf${b}_we_scale`, we, `operand buffer ${b} writes its tile scale`),
        waddr_i: waddr,
        wdata_i: mux(running, qScale!, hostWdata.slice(LINE + 7, LINE)),
        re_i: m.let(`buf${b}_re_scale`, re, `operand buffer ${b} reads a tile scale`),
        raddr_i: raddr,
      });
      rdScale.push(s.out('rdata_o'));
    }
  }

  // ---------------------------------------------------------------- feed: tile lines to the PE rows / columns
  // stage F (the cycle after the issue): the tiles are on the RAM outputs
  const f = {
    step: m.register('f_step_q', stepIssue, { doc: 'stage F holds a step' }),
    first: m.register('f_first_q', firstStep, { reset: 'none', en: stepIssue }),
    last: m.register('f_last_q', lastStep, { reset: 'none', en: stepIssue }),
    qi: m.register('f_qi_q', cur.qi, { reset: 'none', en: stepIssue }),
    qj: m.register('f_qj_q', cur.qj, { reset: 'none', en: stepIssue }),
  };
  const pick3 = (sel: Expr, xs: readonly Expr[], name: string): Expr => select(sel, [...xs, lit(0, xs[0]!.width)]).named(name);
  const tileA = pick3(kq.bufA, rdCode, 'tile_a');
  const tileB = pick3(kq.bufB, rdCode, 'tile_b');
  const elemAt = (tile: Expr, row: number, col: number): Expr => tile.slice((row * T + col) * E + E - 1, (row * T + col) * E);
  const rowOf = (tile: Expr, l: number): Expr => tile.slice((l + 1) * LINE - 1, l * LINE);
  const colOf = (tile: Expr, l: number): Expr => pack(Array.from({ length: T }, (_, j) => elemAt(tile, j, l)));
  // PE row r takes op(A) row qi*R + r of the tile: a tile row (n) or a tile column (stored A transposed, t)
  const lineA = (l: number): Expr => mux(kq.opA, colOf(tileA, l), rowOf(tileA, l));
  // PE column c takes op(B) column qj*C + c: a tile column (n) or a tile row (t)
  const lineB = (l: number): Expr => mux(kq.opB, rowOf(tileB, l), colOf(tileB, l));
  const choose = (sel: Expr, n: number, off: number, stride: number, line: (l: number) => Expr): Expr => {
    const opts = Array.from({ length: n }, (_, qq) => (qq * stride + off < T ? line(qq * stride + off) : lit(0, LINE)));
    return n === 1 ? opts[0]! : select(sel, opts);
  };
  const aOps = Array.from({ length: R }, (_, r) =>
    m.register(`op_a${r}_q`, choose(f.qi, nqi, r, R, lineA), { reset: 'none', en: f.step, doc: `chunk of op(A) for PE row ${r}` }),
  );
  const bOps = Array.from({ length: C }, (_, cc) =>
    m.register(`op_b${cc}_q`, choose(f.qj, nqj, cc, C, lineB), { reset: 'none', en: f.step, doc: `chunk of op(B) for PE column ${cc}` }),
  );
  const xa = W.scaled ? m.register('op_xa_q', pick3(kq.bufA, rdScale, 'scale_a'), { reset: 'none', en: f.step, doc: 'E8M0 scale of the A chunks' }) : undefined;
  const xb = W.scaled ? m.register('op_xb_q', pick3(kq.bufB, rdScale, 'scale_b'), { reset: 'none', en: f.step, doc: 'E8M0 scale of the B chunks' }) : undefined;
  const x = {
    step: m.register('x_step_q', f.step, { doc: 'the PE cells take a chunk' }),
    first: m.register('x_first_q', f.first, { reset: 'none', en: f.step }),
    last: m.register('x_last_q', f.last, { reset: 'none', en: f.step }),
  };

  // ---------------------------------------------------------------- C: init registers filled during the slot before
  const fill = {
    on: m.reg('fill_on_q', 1, { doc: 'the init registers are being filled with the next block\'s C' }),
    row: m.reg('fill_row_q', cw(R), { reset: 'none', doc: 'row being read' }),
    base: m.reg('fill_base_q', WA, { reset: 'none', doc: 'FP32 word of the next block\'s first row of C' }),
    qj: m.reg('fill_qj_q', cw(nqj), { reset: 'none', doc: 'block column of the next block' }),
  };
  // block 0's C is read right after the command is accepted (the prologue), block b+1's in the cycles after
  // block b starts (while block b's first step still holds the init registers' old values)
  const fillNext = m.let('fill_next', kq.acc.and(startQ).and(nx.valid), 'the fill for the block after the one starting begins');
  const fillStart = m.let('fill_start', cmdFire.and(cmdIn.acc).or(fillNext), 'a fill begins next cycle');
  const fillLast = fill.row.eq(R - 1);
  m.next(fill.on, mux(fillStart, lit(1, 1), fill.on.and(fillLast.not())), { en: fillStart.or(fill.on) });
  m.next(fill.row, mux(fillStart, lit(0, fill.row.width), fill.row.add(1).trunc(fill.row.width)), { en: fillStart.or(fill.on) });
  m.next(fill.base, mux(cmdFire, cmdIn.baseC, kq.baseC.add(concat(nx.tile, lit(0, LT))).add(nx.rowOff.zext(WA)).trunc(WA)), { en: fillStart });
  m.next(fill.qj, mux(cmdFire, lit(0, fill.qj.width), nx.qj), { en: fillStart });
  const fillRead = m.let('fill_read', fill.on, 'the FP32 buffer reads a row of C');
  const fillAddr = m.let('fill_addr', fill.base.add(fill.row.zext(WA)).trunc(WA), 'FP32 word of the C row');
  const f1 = {
    valid: m.register('fill1_valid_q', fillRead, { doc: 'a row of C is on the FP32 buffer output' }),
    row: m.register('fill1_row_q', fill.row, { reset: 'none', en: fillRead }),
    qj: m.register('fill1_qj_q', fill.qj, { reset: 'none', en: fillRead }),
  };

  // ---------------------------------------------------------------- the drain chain and its descriptor
  // the block's descriptor travels with its last step to the cycle its results are captured
  const descIn = { word: cur.word, rows: cur.rows, cols: cur.cols, rowOff: cur.rowOff, qj: cur.qj, closes: cur.closes, bank: cur.bank, vm: cur.vm, vn: cur.vn };
  type Desc = Record<keyof typeof descIn, Expr>;
  let dv: Expr = stepIssue.and(lastStep);
  let dd: Desc = descIn;
  const dlValids: Expr[] = [];
  for (let s = 0; s < 2 + lat; s++) {
    const v = m.register(`dl${s}_valid_q`, dv, { doc: `descriptor delay stage ${s} holds a finishing block` });
    dlValids.push(v);
    dd = Object.fromEntries(Object.entries(dd).map(([k, e]) => [k, m.register(`dl${s}_${k}_q`, e, { reset: 'none', en: dv })])) as unknown as Desc;
    dv = v;
  }
  const dlBusy = m.wire('dl_busy', 1, 'a finishing block is in the descriptor delay line');

  // ---------------------------------------------------------------- the PE grid
  const cell = peCellModule({ format: c.format, tile: T, depth: c.depth, ...(c.reduction ? { reduction: c.reduction } : {}) });
  const fp32Rd = m.wire('fp32_rdata', W.fp32Word, 'the FP32 buffer output');
  const initRegs: Signal[][] = [];
  const accs: Expr[][] = [];
  const dones: Expr[] = [];
  for (let r = 0; r < R; r++) {
    initRegs.push([]);
    accs.push([]);
    for (let cc = 0; cc < C; cc++) {
      // C of the next block: lane qj*C + cc of the row read for PE row r
      const lanes = Array.from({ length: nqj }, (_, qq) => (qq * C + cc < T ? fp32Rd.slice((qq * C + cc) * 32 + 31, (qq * C + cc) * 32) : lit(0, 32)));
      const init = m.register(`init_r${r}c${cc}_q`, nqj === 1 ? lanes[0]! : select(f1.qj, lanes), { reset: 'none', en: f1.valid.and(f1.row.eq(r)), doc: `C of PE (${r}, ${cc})` });
      initRegs[r]!.push(init);
      const u = m.instance(cell, `u_pe_r${r}c${cc}`, {
        step_i: x.step,
        first_i: x.first,
        last_i: x.last,
        a_i: aOps[r]!,
        ...(xa ? { xa_i: xa } : {}),
        b_i: bOps[cc]!,
        ...(xb ? { xb_i: xb } : {}),
        init_i: gate(kq.acc, init),
      });
      accs[r]!.push(u.out('acc_o'));
      dones.push(u.out('done_o'));
    }
  }
  // every cell steps together: cell (0, 0)'s done_o marks the capture of the whole block
  const capture = m.let('capture', dones[0]!, 'the block\'s results are in the accumulators');
  if (dones.length > 1) m.unused(concat(...dones.slice(1)), 'all cells step together; cell (0, 0) times the capture');

  // drain: captured into a chain of R rows, row 0 leaving one per cycle while the chain shifts up
  const drainOn = m.reg('drain_on_q', 1, { doc: 'the drain chain holds rows to write' });
  const drainRow = m.reg('drain_row_q', cw(R), { reset: 'none', doc: 'PE row leaving this cycle' });
  const chain = Array.from({ length: R }, (_, r) => m.reg(`drain_r${r}_q`, C * 32, { reset: 'none', doc: `drain chain row ${r}` }));
  chain.forEach((q2, r) => m.next(q2, mux(capture, pack(accs[r]!), r + 1 < R ? chain[r + 1]! : q2), { en: capture.or(drainOn) }));
  const drainLast = drainRow.eq(R - 1);
  m.next(drainOn, mux(capture, lit(1, 1), drainOn.and(drainLast.not())), { en: capture.or(drainOn) });
  m.next(drainRow, mux(capture, lit(0, drainRow.width), drainRow.add(1).trunc(drainRow.width)), { en: capture.or(drainOn) });
  const ddq = Object.fromEntries(Object.entries(dd).map(([k, e]) => [k, m.register(`dd_${k}_q`, e, { reset: 'none', en: capture })])) as unknown as Desc;
  m.assign(dlBusy, concat(...dlValids).any());

  const rowValid = m.let('drain_row_valid', drainOn.and(drainRow.zext(LT + 1).lt(ddq.rows)), 'the row leaving is inside M');
  // lanes: PE column cc goes to lane qj*C + cc of the T-lane word, if inside N
  const placed: Expr[] = [];
  const laneOn: Expr[] = [];
  for (let l = 0; l < T; l++) {
    const srcs: Expr[] = [];
    const ons: Expr[] = [];
    for (let qq = 0; qq < nqj; qq++) {
      const cc = l - qq * C;
      if (cc >= 0 && cc < C) {
        srcs.push(chain[0]!.slice(cc * 32 + 31, cc * 32));
        ons.push(ddq.cols.gt(cc));
      } else {
        srcs.push(lit(0, 32));
        ons.push(lit(0, 1));
      }
    }
    placed.push(nqj === 1 ? srcs[0]! : select(ddq.qj, srcs));
    laneOn.push(nqj === 1 ? ons[0]! : select(ddq.qj, ons));
  }
  const drainWord = m.let('drain_word', pack(placed), 'the row leaving, placed in the lanes of its output tile row');
  const drainMask = m.let('drain_mask', pack(laneOn), 'its lanes inside N');
  const fp32We = m.let('fp32_drain_we', rowValid.and(kq.outF), 'the FP32 result row is written');
  const asmWe = m.let('asm_we', rowValid.and(kq.outQ), 'the row is written into the tile being assembled');

  const fp32 = m.instance(fp32Ram, 'u_fp32', {
    we_i: m.let('fp32_we', mux(running, fp32We, hostWr.and(hostBuf.eq(FP32_BUFFER))), 'the FP32 buffer writes'),
    waddr_i: mux(running, kq.baseOut.add(ddq.word).add(drainRow.zext(WA)).trunc(WA), hostAddr),
    wdata_i: mux(running, drainWord, hostWdata.slice(W.fp32Word - 1, 0)),
    we_mask_i: mux(running, drainMask, lit((1n << BigInt(T)) - 1n, T)),
    re_i: m.let('fp32_re', mux(running, fillRead, hostRd.and(hostBuf.eq(FP32_BUFFER))), 'the FP32 buffer reads'),
    raddr_i: mux(running, fillAddr, hostAddr),
  });
  m.assign(fp32Rd, fp32.out('rdata_o'));

  // ---------------------------------------------------------------- re-quantization: assemble tiles, stream them
  const asmRd = m.wire('asm_rdata', W.fp32Word, 'a row of the tile being streamed');
  const st = {
    on: m.reg('st_on_q', 1, { doc: 'a complete tile is being streamed to the re-quantizer' }),
    row: m.reg('st_row_q', LT, { reset: 'none', doc: 'next row to read' }),
    bank: m.reg('st_bank_q', 1, { reset: 'none' }),
    vm: m.reg('st_vm_q', LT + 1, { reset: 'none', doc: 'valid rows of the tile' }),
    vn: m.reg('st_vn_q', LT + 1, { reset: 'none', doc: 'valid columns of the tile' }),
  };
  const tileReady = m.let('tile_ready', drainOn.and(drainLast).and(ddq.closes).and(kq.outQ), 'the last row of a tile is written: stream it next');
  const s1Valid = m.reg('st1_valid_q', 1, { doc: 'a tile row is on the assembly RAM output' });
  const tqReady = m.wire('tq_ready', 1, 're-quantizer takes a row');
  const stIssue = m.let('st_issue', st.on.and(s1Valid.not().or(tqReady)), 'read the next row of the tile');
  const stLast = st.row.eq(T - 1);
  m.next(st.on, mux(tileReady, lit(1, 1), st.on.and(stIssue.and(stLast).not())), { en: tileReady.or(st.on) });
  m.next(st.row, mux(tileReady, lit(0, LT), st.row.add(1).trunc(LT)), { en: tileReady.or(stIssue) });
  m.next(st.bank, ddq.bank, { en: tileReady });
  m.next(st.vm, ddq.vm, { en: tileReady });
  m.next(st.vn, ddq.vn, { en: tileReady });
  m.next(s1Valid, mux(stIssue, lit(1, 1), s1Valid.and(tqReady.not())), { en: stIssue.or(s1Valid) });
  // the row's tile limits travel with it: the next tile may become ready while this tile's last row is read
  const s1Row = m.register('st1_row_q', st.row, { reset: 'none', en: stIssue });
  const s1Vm = m.register('st1_vm_q', st.vm, { reset: 'none', en: stIssue });
  const s1Vn = m.register('st1_vn_q', st.vn, { reset: 'none', en: stIssue });
  const asmU = m.instance(asmRam, 'u_asm', {
    we_i: asmWe,
    waddr_i: concat(ddq.bank, ddq.rowOff.add(drainRow.zext(LT)).trunc(LT)),
    wdata_i: drainWord,
    we_mask_i: drainMask,
    re_i: stIssue,
    raddr_i: concat(st.bank, st.row),
  });
  m.assign(asmRd, asmU.out('rdata_o'));
  // rows beyond M and lanes beyond N are zero (formats.md section 3: padding), whatever the RAM held
  const rowIn = m.let('st1_row_in', s1Row.zext(LT + 1).lt(s1Vm), 'the streamed row is inside M');
  const tqRow = m.let(
    'tq_row',
    pack(Array.from({ length: T }, (_, l) => gate(rowIn.and(s1Vn.gt(l)), asmRd.slice(l * 32 + 31, l * 32)))),
    'the streamed row, zero outside M x N',
  );
  const qBusy = m.wire('q_busy', 1, 'a tile is in the re-quantizer');
  const tileCount = m.reg('tiles_in_q', TA + 1, { reset: 'none', doc: 'tiles handed to the re-quantizer minus tiles written' });
  if (bf16) {
    // BF16 storage: each streamed row rounded FP32 -> BF16 (half to even) and written as a tile line
    const rnd = fp32ToBf16Module();
    const lineOut = pack(Array.from({ length: T }, (_, l) => m.instance(rnd, `u_bf16_${l}`, { x_i: tqRow.slice(l * 32 + 31, l * 32) }).out('y_o')));
    m.assign(tqReady, lit(1, 1));
    const ov = m.register('q_valid_q', s1Valid, { doc: 'a rounded line is written' });
    const ol = m.register('q_line_bits_q', lineOut, { reset: 'none', en: s1Valid });
    m.assign(qWrite, ov);
    m.assign(qCodes, ol);
  } else {
    const tq = m.instance(tileQuantModule({ format: c.format as Exclude<typeof c.format, 'bf16'>, rows: T, cols: T, scaleMode: c.scaleMode, input: 'fp32', order: 'row', buffers: 2 }, quantizerParts(c.format as Exclude<typeof c.format, 'bf16'>, c.scaleMode, 'fp32')), 'u_requant', {
      in_valid_i: s1Valid,
      row_i: tqRow,
      out_ready_i: lit(1, 1),
    });
    m.assign(tqReady, tq.out('in_ready_o'));
    m.assign(qWrite, tq.out('out_valid_o'));
    m.assign(qCodes, tq.out('codes_o'));
    m.assign(qScale!, tq.out('scale_o'));
    m.unused(tq.out('last_o'), 'the line counter knows the tile\'s last line');
  }
  const qLast = qLine.eq(T - 1);
  m.next(qLine, mux(cmdFire, lit(0, LT), qLine.add(1).trunc(LT)), { en: cmdFire.or(qWrite) });
  m.next(qTile, mux(cmdFire, cmdIn.baseQ, qTile.add(1).trunc(TA)), { en: cmdFire.or(qWrite.and(qLast)) });
  const tileOut = qWrite.and(qLast);
  m.next(tileCount, mux(cmdFire, lit(0, TA + 1), mux(tileReady, mux(tileOut, tileCount, tileCount.add(1).trunc(TA + 1)), tileCount.sub(1).trunc(TA + 1).asUnsigned())), {
    en: cmdFire.or(tileReady.xor(tileOut)),
  });
  m.assign(qBusy, tileCount.ne(0));

  // ---------------------------------------------------------------- completion
  const idle = m.let('all_idle', seqOn.not().and(dlBusy.not()).and(f.step.not()).and(x.step.not()).and(drainOn.not()).and(st.on.not()).and(s1Valid.not()).and(qBusy.not()), 'nothing left to write');
  const finish = m.let('finish', running.and(idle).and(cmdFire.not()), 'the command is complete');
  m.next(running, mux(cmdFire, lit(1, 1), lit(0, 1)), { en: cmdFire.or(finish) });
  const done = m.register('done_q', finish, { doc: 'done pulse' });
  m.assign(busyO, running);
  m.assign(doneO, done);

  // ---------------------------------------------------------------- host reads: RAM output -> response register
  const h1Buf = m.register('h1_buf_q', hostBuf, { reset: 'none', en: hostRd });
  const h1Row = m.register('h1_row_q', hostRow, { reset: 'none', en: hostRd });
  const rspV = m.reg('rsp_valid_q', 1, { doc: 'a read response waits' });
  const h1Move = m.let('h1_move', h1Valid.and(rspV.not().or(rspReady)), 'the read result moves to the response register');
  m.assign(hostReady, running.not().and(cmdFire.not()).and(h1Valid.not().or(h1Move)));
  m.next(h1Valid, mux(hostRd, lit(1, 1), lit(0, 1)), { en: hostRd.or(h1Move) });
  const rows = (tile: Expr): Expr => select(h1Row, Array.from({ length: T }, (_, l) => rowOf(tile, l)));
  const mxRsp = Array.from({ length: OPERAND_BUFFERS }, (_, b) => {
    const lineBits = rows(rdCode[b]!);
    const word = W.scaled ? concat(rdScale[b]!, lineBits) : lineBits;
    return word.resize(W.host);
  });
  const rspWord = select(h1Buf, [...mxRsp, fp32Rd.resize(W.host)]);
  const rspQ = m.register('rsp_data_q', rspWord, { reset: 'none', en: h1Move });
  m.next(rspV, mux(h1Move, lit(1, 1), lit(0, 1)), { en: h1Move.or(rspReady) });
  m.assign(rspValid, rspV);
  m.assign(rspData, rspQ);
  // with one block per tile row (R = T) or column (C = T) the block indices are always 0
  if (nqi === 1) m.unused(f.qi, 'one block row per tile (R = T): the line of a PE row is fixed');
  if (nqj === 1) {
    m.unused(f.qj, 'one block column per tile (C = T): the line of a PE column is fixed');
    m.unused(f1.qj, 'one block column per tile: C of a PE comes from a fixed lane');
    m.unused(ddq.qj, 'one block column per tile: a PE column drains to a fixed lane');
  }
  void initRegs;
  return m.build();
}
