// The PE's reduction tree (pe_tree_*): the exact sum of the k lane terms, then sign and |S|.
//
// tree 'csa' (default): a word-level Dadda tree of carry-save compressor cells (csa_w<W>: three W-bit words
// -> sum word and carry word, one full adder per bit) and one carry-propagate adder. Rows are unsigned: a
// two's-complement term t of tw bits is (~t[tw-1]) * 2^(tw-1) + t[tw-2:0] - 2^(tw-1), so each row is the
// term with its MSB inverted, and the k offsets -2^(tw-1) are one constant row C = -k * 2^(tw-1) mod 2^S
// (no sign extension anywhere). The +1 of each one's-complement lane goes into a free bit: the LSB of every
// compressor's carry word (a carry word is the majority shifted left by one) and bit 0 of C, which are
// exactly k slots (k + 1 rows need k - 1 compressors). Each level reduces the row count to the next Dadda
// height (2, 3, 4, 6, 9, 13, 19, 28, ...), combining the narrowest rows first, so the wide constant row joins
// last; rows are only as wide as their values (carries grow a row by one bit, capped at S).
// tree 'adders': a balanced tree of carry-propagate adders (the earlier architecture).
// tree 'dadda': bit-level Dadda column compression with inline full/half adders (compress.ts; the earlier
// default, kept for the area comparison: its Verilog is large).
// Stage points: 'l<i>' after compressor level i (or adder level i), 'sum' after the carry-propagate adder,
// 'out' (neg_o, mag_o).
import { type Expr, type Module, ModuleBuilder, concat, lit, mux, sumTree } from '../../hdl/index';
import { type StageSpec, type Stager, UNSTAGED, stagedModule } from '../../hdl/lib/stager';
import { compressColumns } from './compress';
import type { PeWidths } from './widths';

export type TreeKind = 'csa' | 'adders' | 'dadda';

const csaCache = new Map<number, Module>();

/** csa_w<W>: word-level 3:2 compressor. c_o = {maj(x, y, z), ci_i} (the carry word, already shifted). */
export function csaModule(W: number): Module {
  const hit = csaCache.get(W);
  if (hit) return hit;
  const m = new ModuleBuilder(`csa_w${W}`, {
    doc: `Carry-save 3:2 compressor of three ${W}-bit words: x + y + z + ci = s_o + c_o.\nOne full adder per bit; the carry word's LSB is the free slot ci_i. Combinational.`,
    config: { width: W },
  });
  const x = m.input('x_i', W, 'addend');
  const y = m.input('y_i', W, 'addend');
  const z = m.input('z_i', W, 'addend');
  const ci = m.input('ci_i', 1, 'carry-in: a bit of weight 1 placed in the free LSB of the carry word');
  const p = m.let('p', x.xor(y), 'x ^ y');
  m.assign(m.output('s_o', W, 'sum word: x ^ y ^ z'), p.xor(z));
  m.assign(m.output('c_o', W + 1, 'carry word: {majority(x, y, z), ci_i}'), concat(x.and(y).or(z.and(p)), ci));
  const mod = m.build();
  csaCache.set(W, mod);
  return mod;
}

/** Dadda's height sequence 2, 3, 4, 6, 9, 13, 19, 28, 42, 63, ... */
function daddaHeights(max: number): number[] {
  const d = [2];
  while (d[d.length - 1]! < max) d.push(Math.floor((d[d.length - 1]! * 3) / 2));
  return d;
}

interface Row {
  readonly e: Expr;
  /** index in creation order (ties in the width sort keep this order) */
  readonly id: number;
}

export interface TreeOptions {
  readonly termWidth: number;
  /** one's-complement lanes: a neg_i input, one +1 per lane */
  readonly corrections: boolean;
  readonly tree: TreeKind;
  /**
   * sign-magnitude lanes: terms_i are unsigned magnitudes and neg_i their signs; the positive and the negative
   * terms are summed in two unsigned trees and subtracted once (fewer transitions than two's- or one's-complement
   * rows, whose high bits all flip when a lane's sign does). Tree 'csa' only.
   */
  readonly signMagnitude?: boolean;
}

export function treeName(w: PeWidths, o: TreeOptions): string {
  return `pe_tree_t${o.termWidth}_k${w.k}_s${w.sumWidth}${o.signMagnitude ? '_sm' : o.corrections ? '_c' : ''}${o.tree === 'adders' ? '' : `_${o.tree}`}`;
}

/** Exact sum of k two's-complement terms (+ the count of neg_i), then sign and magnitude. */
export function treeModule(w: PeWidths, o: TreeOptions, spec: StageSpec = UNSTAGED): Module {
  const tw = o.termWidth;
  const S = w.sumWidth;
  const how = {
    csa: 'by a word-level Dadda tree of csa_w* compressors\n(the sign extensions folded into one constant row, the +1 corrections in the carry words\' free LSBs)\nand one carry-propagate adder',
    adders: 'by a balanced tree of adders',
    dadda: 'by bit-level Dadda column compression (the sign extensions folded into one constant) and one adder',
  }[o.tree];
  return stagedModule(
    treeName(w, o),
    {
      doc: [
        o.signMagnitude
          ? `Exact sum of ${w.k} signed terms given as ${tw}-bit magnitudes terms_i and signs neg_i: the positive and the negative ones\nin two unsigned trees, then one subtraction`
          : `Exact sum of ${w.k} ${tw}-bit two's-complement terms${o.corrections ? ' plus the count of set bits of neg_i (one\'s-complement corrections)' : ''}`,
        `in a ${S}-bit word (the range analysis of the caller guarantees no overflow), ${how};`.replace(', by', ',\nby'),
        `neg_o = sign, mag_o = |sum| (${w.magWidth} bits). Stage points: l<i> after each level, sum, out.`,
      ].join('\n'),
      config: { termWidth: tw, k: w.k, sumWidth: S, magWidth: w.magWidth, corrections: o.corrections, tree: o.tree },
    },
    spec,
    (m, st) => {
      const terms = m.input('terms_i', w.k * tw, `${w.k} ${o.signMagnitude ? 'magnitudes' : 'terms'}, term i in bits [i*${tw}+${tw - 1}:i*${tw}]`);
      if (o.signMagnitude && o.tree !== 'csa') throw new Error(`treeModule: sign-magnitude terms need tree 'csa', not '${o.tree}'`);
      const list = o.signMagnitude ? terms.chunks(tw) : terms.chunks(tw).map((t) => t.asSigned());
      const negsIn = o.corrections || o.signMagnitude ? m.input('neg_i', w.k, o.signMagnitude ? 'bit i: term i is negative' : 'bit i: add 1 for term i') : null;
      let total: Expr;
      if (o.signMagnitude) total = splitTree(m, st, list, negsIn!, S);
      else if (o.tree === 'csa') total = csaTree(m, st, list, negsIn, tw, S);
      else if (o.tree === 'dadda') {
        const columns: Expr[][] = Array.from({ length: tw }, () => []);
        for (const t of list) {
          for (let j = 0; j < tw - 1; j++) columns[j]!.push(t.bit(j));
          columns[tw - 1]!.push(t.bit(tw - 1).not());
        }
        if (negsIn) for (let i = 0; i < w.k; i++) columns[0]!.push(negsIn.bit(i));
        total = compressColumns(columns, -BigInt(w.k) << BigInt(tw - 1), S, 'csa').asSigned();
      } else {
        // balanced adder tree, one stage point per level
        let layer: Expr[] = list;
        let negs: Expr | null = negsIn;
        for (let level = 0; layer.length > 1; level++) {
          const next: Expr[] = [];
          for (let i = 0; i + 1 < layer.length; i += 2) next.push(layer[i]!.add(layer[i + 1]!).named(`sum_l${level}_${i / 2}`));
          if (layer.length % 2 === 1) next.push(layer[layer.length - 1]!);
          const live: Record<string, Expr> = Object.fromEntries(next.map((e, i) => [`r${i}`, e]));
          if (negs) live['negs'] = negs;
          const p = st.point(`l${level}`, live);
          layer = next.map((_, i) => p[`r${i}`]!);
          if (negs) negs = p['negs']!;
        }
        let t = layer[0]!;
        if (negs) t = t.add(m.let('neg_count', sumTree(negs.chunks(1), 'cnt'), 'number of one\'s-complement terms'));
        total = t.resize(S);
      }
      const sum = st.point('sum', { sum: m.let('sum', total, 'exact sum') }).sum;
      const neg = sum.msb();
      const mag = mux(neg, sum.neg(), sum.extend(S + 1)).trunc(w.magWidth).asUnsigned();
      const out = st.finish({ neg, mag });
      m.assign(m.output('neg_o', 1, 'the sum is negative'), out.neg);
      m.assign(m.output('mag_o', w.magWidth, '|sum|'), out.mag);
    },
  );
}

/** The word-level Dadda tree: rows -> two rows -> one adder; returns the signed S-bit sum. */
function csaTree(m: ModuleBuilder, st: Stager, list: readonly Expr[], negsIn: Expr | null, tw: number, S: number): Expr {
  const k = list.length;
  // rows: each term with its MSB inverted (unsigned, tw bits); the constant row C = -k * 2^(tw-1) mod 2^S
  const rows: Expr[] = list.map((t) => concat(t.bit(tw - 1).not(), t.slice(tw - 2, 0)));
  const C = (((-BigInt(k) << BigInt(tw - 1)) % (1n << BigInt(S))) + (1n << BigInt(S))) % (1n << BigInt(S));
  // the +1 corrections: neg_i bits, one per free slot (bit 0 of C, then each compressor's carry LSB)
  const negs: Expr[] = negsIn ? negsIn.chunks(1) : [];
  if ((C & 1n) !== 0n) throw new Error('csaTree: the constant row has a set LSB'); // C is a multiple of 2^(tw-1)
  const cRow: Expr = negs.length ? concat(lit(C >> 1n, S - 1), negs.shift()!) : lit(C, S);
  const r = new CsaReducer(m, st, S, negs);
  const [[a, b]] = r.reduce([[...rows, cRow]]);
  r.done();
  return a!.add(b ?? lit(0, S)).trunc(S).asSigned().named('cpa');
}

/**
 * Sign-magnitude terms: P = sum of the positive magnitudes and N = of the negative ones, each by a word-level Dadda
 * tree (reduced level by level together), then P - N = P0 + P1 + ~N0 + ~N1 + 2 by two more compressors (the two
 * +1s in their free carry slots) and one carry-propagate adder, modulo 2^S.
 */
function splitTree(m: ModuleBuilder, st: Stager, mags: readonly Expr[], negs: Expr, S: number): Expr {
  const sign = negs.chunks(1);
  const pos = mags.map((t, i) => m.let(`pos${i}`, t.and(sign[i]!.not().repeat(t.width)), `term ${i} if positive`));
  const neg = mags.map((t, i) => m.let(`neg${i}`, t.and(sign[i]!.repeat(t.width)), `term ${i} if negative`));
  const r = new CsaReducer(m, st, S, []);
  const [[p0, p1], [n0, n1]] = r.reduce([pos, neg]);
  const zero = lit(0, S);
  const inv = (x: Expr | undefined): Expr => (x ?? zero).zext(S).not();
  const [s1, c1] = r.compress(p0!.zext(S), (p1 ?? zero).zext(S), inv(n0), lit(1, 1));
  const [s2, c2] = r.compress(s1, c1, inv(n1), lit(1, 1));
  return s2.add(c2).trunc(S).asSigned().named('cpa');
}

/** Word-level Dadda reduction with csa_w* cells; `slots` are bits of weight 1 placed in free carry LSBs. */
class CsaReducer {
  private cells = 0;
  private nextId = 0;
  private level = 0;

  constructor(
    private readonly m: ModuleBuilder,
    private readonly st: Stager,
    private readonly S: number,
    private slots: Expr[],
  ) {}

  private takeSlot(): Expr {
    return this.slots.shift() ?? lit(0, 1);
  }

  /** x + y + z + ci as a sum row and a carry row, each at most S bits. */
  compress(x: Expr, y: Expr, z: Expr, ci: Expr = this.takeSlot()): [Expr, Expr] {
    const S = this.S;
    const W = Math.min(S, Math.max(x.width, y.width, z.width));
    const cell = this.m.instance(csaModule(W), `u_csa${this.cells++}`, { x_i: x.zext(W), y_i: y.zext(W), z_i: z.zext(W), ci_i: ci });
    const c = cell.out('c_o');
    if (W + 1 > S) this.m.unused(c.bit(S), 'weight 2^S: the sum is exact modulo 2^S (range analysis)');
    return [cell.out('s_o'), W + 1 > S ? c.slice(S - 1, 0) : c];
  }

  /** Each group of rows down to at most two, all groups level by level (one stage point per level). */
  reduce(groups: readonly (readonly Expr[])[]): Expr[][] {
    let rows: Row[][] = groups.map((g) => g.map((e) => ({ e, id: this.nextId++ })));
    const heights = daddaHeights(Math.max(...rows.map((g) => g.length)));
    for (let h = heights.length - 1; h >= 0; h--) {
      const target = heights[h]!;
      if (rows.every((g) => g.length <= target)) continue;
      rows = rows.map((g) => {
        if (g.length <= target) return g;
        const n = g.length - target; // each compressor removes one row
        const sorted = [...g].sort((a, b) => a.e.width - b.e.width || a.id - b.id);
        const used = sorted.slice(0, 3 * n);
        const out: Row[] = [];
        for (let i = 0; i < n; i++) {
          const [x, y, z] = used.slice(3 * i, 3 * i + 3);
          const [s, c] = this.compress(x!.e, y!.e, z!.e);
          out.push({ e: s, id: this.nextId++ }, { e: c, id: this.nextId++ });
        }
        return [...sorted.slice(3 * n), ...out].sort((a, b) => a.id - b.id);
      });
      // a single group keeps the names r<i>; groups are r<g>_<i>
      const key = (g: number, i: number): string => (rows.length === 1 ? `r${i}` : `r${g}_${i}`);
      const live: Record<string, Expr> = {};
      rows.forEach((g, gi) => g.forEach((r, i) => (live[key(gi, i)] = r.e)));
      this.slots.forEach((b, i) => (live[`n${i}`] = b));
      const p = this.st.point(`l${this.level++}`, live);
      rows = rows.map((g, gi) => g.map((r, i) => ({ e: p[key(gi, i)]!, id: r.id })));
      this.slots = this.slots.map((_, i) => p[`n${i}`]!);
    }
    return rows.map((g) => g.map((r) => r.e.zext(this.S)));
  }

  /** Every slot bit must have been placed. */
  done(): void {
    if (this.slots.length) throw new Error(`csaTree: ${this.slots.length} corrections left without a slot`);
  }
}
