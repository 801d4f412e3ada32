// The banked tile buffer shared by the tile re-quantizer and the 1-D comparison unit: rows of C raw values
// are written one per accepted input beat into bank `wb`; a full bank is read one line per drained beat
// (a row in row-major order, a column in column-major order) from bank `rb`. Two banks = ping-pong (a
// tile fills while the other drains); one bank = fill, then drain. The storage is a register array (the
// DSL has no memory primitive): banks x R registers of C*W bits, without reset (only the control resets).

import { type Expr, type ModuleBuilder, type Signal, clog2, lit, mux, pack, select } from '../../hdl/index';

export type LineOrder = 'row' | 'col';

export interface TileBufferOptions {
  readonly rows: number;
  readonly cols: number;
  /** bits per value */
  readonly width: number;
  readonly banks: 1 | 2;
  readonly order: LineOrder;
  /** the upstream offers a row */
  readonly inValid: Expr;
  /** the row: C values, column 0 in the LSBs */
  readonly row: Expr;
  /** extra condition for accepting a row (e.g. another consumer of the row is ready); default 1 */
  readonly inAllowed?: Expr;
}

export interface TileBuffer {
  /** a row can be written (the bank being filled is not full) */
  readonly room: Expr;
  readonly inFire: Expr;
  /** the accepted row opens a tile */
  readonly firstRow: Expr;
  /** the accepted row closes a tile */
  readonly tileDone: Expr;
  /** the bank being drained holds a tile */
  readonly drainValid: Expr;
  /** the line being read is the tile's last */
  readonly lastLine: Expr;
  /** the raw values of the line being read (element 0 in the LSBs) */
  readonly line: Expr;
  /** number of lines per tile */
  readonly lines: number;
  /** One register per bank loaded with `d` when that bank's tile closes; returns the drained bank's value. */
  perTile(name: string, d: Expr, doc: string): Expr;
  /** Call once: `accept` = the consumer takes the line this cycle (when drainValid). */
  connectDrain(accept: Expr): { readonly drainFire: Expr };
}

export const counterWidth = (n: number): number => Math.max(1, clog2(n));

/** Control bits of the buffer: counters, bank pointers and full flags. */
export function bufferControlBits(rows: number, lines: number, banks: 1 | 2): number {
  return counterWidth(rows) + counterWidth(lines) + (banks === 2 ? 2 : 0) + banks;
}

export function tileBuffer(m: ModuleBuilder, o: TileBufferOptions): TileBuffer {
  const { rows: R, cols: C, width: W, banks } = o;
  const L = o.order === 'row' ? R : C;
  const wb: Expr = banks === 2 ? m.reg('wr_bank_q', 1, { doc: 'bank being filled' }) : lit(0, 1);
  const rb: Expr = banks === 2 ? m.reg('rd_bank_q', 1, { doc: 'bank being drained' }) : lit(0, 1);
  const full = Array.from({ length: banks }, (_, b) => m.reg(`bank${b}_full_q`, 1, { doc: `bank ${b} holds a complete tile` }));
  const isBank = (sel: Expr, b: number): Expr => (b === 1 ? sel : sel.not());
  const pick = (sel: Expr, xs: readonly Expr[]): Expr => (banks === 2 ? mux(sel, xs[1]!, xs[0]!) : xs[0]!);

  // ---- write side ----
  const wcnt = m.reg('wr_row_q', counterWidth(R), { doc: 'next row of the tile being filled' });
  const room = m.let('wr_room', pick(wb, full).not(), 'the bank being filled has room');
  const inFire = m.let('in_fire', o.inValid.and(room).and(o.inAllowed ?? lit(1, 1)), 'a row is accepted');
  const wLast = m.let('wr_last_row', wcnt.eq(R - 1), 'the accepted row is the last of its tile');
  const tileDone = m.let('tile_done', inFire.and(wLast), 'the last row of a tile is accepted');
  m.next(wcnt, mux(wLast, lit(0, wcnt.width), wcnt.add(1).trunc(wcnt.width)), { en: inFire });
  if (banks === 2) m.next(wb as Signal, wb.not(), { en: tileDone });

  const rowSel = Array.from({ length: R }, (_, r) => (R === 1 ? inFire : m.let(`wr_row${r}`, inFire.and(wcnt.eq(r)), `row ${r} is written`)));
  const wrBank = Array.from({ length: banks }, (_, b) => (banks === 2 ? m.let(`wr_bank${b}`, isBank(wb, b), `bank ${b} is being filled`) : null));
  let bankDone: Expr[] | undefined; // created on first use (perTile)
  let firstRow: Expr | undefined;
  const store = wrBank.map((w, b) =>
    Array.from({ length: R }, (_, r) => {
      const q = m.reg(`bank${b}_row${r}_q`, C * W, { reset: 'none', doc: `bank ${b}, tile row ${r} (raw values)` });
      m.next(q, o.row, { en: w ? rowSel[r]!.and(w) : rowSel[r]! });
      return q;
    }),
  );

  // ---- read side ----
  const rcnt = m.reg('rd_line_q', counterWidth(L), { doc: 'next line of the tile being drained' });
  const drainValid = m.let('drain_valid', pick(rb, full), 'the bank being drained holds a tile');
  const lastLine = m.let('rd_last_line', rcnt.eq(L - 1), 'the line is the last of its tile');
  const bankLines = store.map((rs, b) => {
    const ls: Expr[] = o.order === 'row' ? rs : Array.from({ length: C }, (_, j) => pack(rs.map((r) => r.slice(j * W + W - 1, j * W))));
    return L === 1 ? ls[0]! : select(rcnt, ls).named(`bank${b}_line`);
  });
  const line = m.let('rd_line', pick(rb, bankLines), `the raw values of the line being read`);

  let connected = false;
  return {
    room,
    inFire,
    get firstRow() {
      firstRow ??= m.let('wr_first_row', wcnt.eq(0), 'the row opens a tile');
      return firstRow;
    },
    tileDone,
    drainValid,
    lastLine,
    line,
    lines: L,
    perTile(name, d, doc) {
      bankDone ??= wrBank.map((w, b) => (w ? m.let(`tile_done${b}`, tileDone.and(w), `bank ${b} receives its last row`) : tileDone));
      const regs = bankDone.map((done, b) => m.register(`bank${b}_${name}_q`, d, { en: done, reset: 'none', doc: `bank ${b}: ${doc}` }));
      return pick(rb, regs);
    },
    connectDrain(accept) {
      if (connected) throw new Error('tileBuffer.connectDrain called twice');
      connected = true;
      const drainFire = m.let('drain_fire', drainValid.and(accept), 'a line leaves the buffer');
      const drainDone = m.let('drain_done', drainFire.and(lastLine), "a tile's last line leaves the buffer");
      m.next(rcnt, mux(lastLine, lit(0, rcnt.width), rcnt.add(1).trunc(rcnt.width)), { en: drainFire });
      if (banks === 2) m.next(rb as Signal, rb.not(), { en: drainDone });
      full.forEach((f, b) => {
        // set and clear never coincide for one bank: filling needs it empty, draining needs it full
        const set = banks === 2 ? tileDone.and(isBank(wb, b)) : tileDone;
        const clr = banks === 2 ? drainDone.and(isBank(rb, b)) : drainDone;
        m.next(f, set.or(f.and(clr.not())));
      });
      return { drainFire };
    },
  };
}
