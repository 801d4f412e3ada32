// The MX chunk datapath (formats.md section 4, steps 1-3), in three parts:
//   lane  (<pair>_pe_lane, k instances): inline decode of one code of A and one of B (for mxsf the
//         ee != 00 / ee == 00 mode select) -> exact product sigA*sigB -> alignment by shA+shB into the
//         product unit 2^(lsbA+lsbB) -> signed term (by default the one's complement of a negative
//         product plus a +1 flag, see PeArch); NaN / Inf flags of the pair;
//   tree  (pe_tree_*): exact sum of the k terms in the narrowest two's-complement word (by default Dadda
//         column compression and one adder), then |S|;
//   round (fp32_round_*): leading-zero count, normalisation and one FP32 rounding with
//         2^(xa+xb+lsbA+lsbB-254); then the NaN scale / NaN element / Inf*0 / Inf override.
// The PE (mx-pe.ts) adds the FP32 accumulation; a register cut can be placed after the tree.

import { type Expr, type Module, ModuleBuilder, concat, lit, mux, sumTree } from '../../hdl/index';
import { E8M0, FP32_CANONICAL_NAN, FP32_POS_INF, codeBits, type FormatSpec } from '../../golden/index';
import { fp32RoundModule } from '../fp32/index';
import { compressColumns } from './compress';
import { decodeElement } from './decode';
import { pairId } from './names';
import { type PeWidths, unsignedWidth } from './widths';

/** Whether a format has NaN/Inf codes (then the lane reports them). */
const hasSpecials = (f: FormatSpec): boolean => f.kind === 'float' && f.specials !== 'none';

export interface ChunkInputs {
  readonly a: Expr;
  readonly b: Expr;
  readonly xa: Expr;
  readonly xb: Expr;
}

/** Signals that cross the register cut after the reduction. */
export interface ReducedChunk {
  /** sign of S */
  readonly neg: Expr;
  /** |S|, magWidth bits */
  readonly mag: Expr;
  /** exponent of |S|'s LSB, expWidth bits signed */
  readonly exp: Expr;
  /** the result is the canonical NaN */
  readonly nan: Expr;
  /** the result is an infinity with sign infNeg (when not NaN); absent when neither format has Inf */
  readonly inf?: Expr;
  readonly infNeg?: Expr;
}

/**
 * x << amount within x's width, as explicit mux stages (smallest shift first, so the high bits stay constant
 * zero as long as possible; stage j named `<name>_s<j>`). Synthesis sees plain multiplexers: Yosys' `share`
 * pass would otherwise run SAT queries on every pair of $shl cells of the k lanes.
 */
export function shiftLeft(x: Expr, amount: Expr, name: string, fill?: Expr): Expr {
  let cur = x;
  const pad = (n: number): Expr => (fill ? fill.repeat(n) : lit(0, n));
  for (let j = 0; j < amount.width; j++) {
    const step = 2 ** j;
    if (step >= x.width) {
      cur = mux(amount.bit(j), pad(x.width), cur).named(`${name}_s${j}`);
      continue;
    }
    cur = mux(amount.bit(j), concat(cur.slice(x.width - 1 - step, 0), pad(step)), cur).named(`${name}_s${j}`);
  }
  return cur;
}

/**
 * Micro-architecture of the reduction (the MXSF optimisation log in reports/synth.md compares them):
 *  - sign 'negate': each lane negates its aligned product (two's complement, termWidth bits);
 *    sign 'ones': each lane XORs the narrow product with its sign before the shift and shifts the sign in
 *    from below, which gives the one's complement of the aligned product; the +1 per negative lane is
 *    added in the reduction;
 *  - tree 'adders': balanced tree of carry-propagate adders; 'csa': Dadda column compression with the
 *    sign-extension constants folded in, then one carry-propagate adder.
 */
export interface PeArch {
  readonly sign: 'negate' | 'ones';
  readonly tree: 'adders' | 'csa';
}

export const DEFAULT_ARCH: PeArch = { sign: 'ones', tree: 'csa' };

export const archSuffix = (a: PeArch): string =>
  a.sign === DEFAULT_ARCH.sign && a.tree === DEFAULT_ARCH.tree ? '' : `_${a.sign}_${a.tree}`;

/** Bits of one lane's aligned product magnitude. */
export function productWidth(w: PeWidths): number {
  return unsignedWidth(w.maxP > -w.minP ? w.maxP : -w.minP);
}

/** Width of the signed term a lane hands to the tree. */
export function laneTermWidth(w: PeWidths, arch: PeArch): number {
  return arch.sign === 'negate' ? w.termWidth : productWidth(w) + 1;
}

/** One lane: a code of A times a code of B, aligned to the product unit, as a two's-complement term. */
export function laneModule(fa: FormatSpec, fb: FormatSpec, w: PeWidths, arch: PeArch = DEFAULT_ARCH): Module {
  const tw = laneTermWidth(w, arch);
  const ones = arch.sign === 'ones';
  const m = new ModuleBuilder(`${pairId(fa.name, fb.name)}_pe_lane${archSuffix(arch)}`, {
    doc: [
      `One product lane of the ${pairId(fa.name, fb.name)} PE: the exact product P_a * P_b in units of 2^${w.unitExp} (${w.derivation[2]}).`,
      `Inline decode to sig * 2^(sh + lsbExp) (sig ${w.sigA}/${w.sigB} bits, sh ${w.shA}/${w.shB} bits), product sigA*sigB, left shift by shA+shB.`,
      ones
        ? `term_o = the ${tw}-bit one's complement of the signed product (sign ? ~|P| : |P|): the product is XORed with its sign before\nthe shift, which shifts the sign in from below; neg_o = sign, the +1 the reduction adds. Combinational.`
        : `term_o = the signed product, ${tw}-bit two's complement. Combinational.`,
    ].join('\n'),
    config: { formatA: fa.name, formatB: fb.name, termWidth: tw, sign: arch.sign },
  });
  const a = m.input('a_i', codeBits(fa), `${fa.name} code`);
  const b = m.input('b_i', codeBits(fb), `${fb.name} code`);
  const term = m.output('term_o', tw, ones ? `sign ? ~|P| : |P| in units of 2^${w.unitExp}` : `P_a * P_b in units of 2^${w.unitExp}, two's complement`);
  const da = decodeElement(fa, a, 'a');
  const db = decodeElement(fb, b, 'b');
  const sign = m.let('sign', da.sign.xor(db.sign), 'sign of the product');
  const prodW = productWidth(w);
  const prod = m.let('prod', da.sig.mul(db.sig), 'exact significand product');
  if (prod.width > prodW) m.unused(prod.slice(prod.width - 1, prodW), 'zero for every pair of codes (range analysis)');
  const narrow = prod.width > prodW ? prod.trunc(prodW) : prod;
  const sh = da.sh && db.sh ? da.sh.add(db.sh) : (da.sh ?? db.sh);
  const shS = sh ? m.let('sh', sh, 'alignment shift shA + shB') : null;
  if (ones) {
    const x = narrow.xor(sign.repeat(narrow.width));
    const framed = narrow.width < prodW ? concat(sign.repeat(prodW - narrow.width), x) : x;
    const t = shS ? shiftLeft(framed, shS, 'align', sign) : framed;
    m.assign(term, concat(sign, t));
    m.assign(m.output('neg_o', 1, 'the product is negative: add 1 to term_o'), sign);
  } else {
    const wide = narrow.zext(prodW);
    const mag = m.let('mag', shS ? shiftLeft(wide, shS, 'align') : wide, '|product| in product units');
    m.assign(term, mux(sign, mag.neg(), mag.toSigned()).resize(tw));
  }
  if (hasSpecials(fa) || hasSpecials(fb)) {
    const nan = [da.isNaN, db.isNaN, da.isInf.and(db.isZero), db.isInf.and(da.isZero)];
    m.assign(m.output('nan_o', 1, 'NaN code, or Inf times zero'), nan.reduce((x, y) => x.or(y)));
    const inf = m.let('inf', da.isInf.or(db.isInf), 'an Inf code (the product is Inf unless nan_o)');
    m.assign(m.output('pinf_o', 1, 'the product is +Inf (unless nan_o)'), inf.and(sign.not()));
    m.assign(m.output('ninf_o', 1, 'the product is -Inf (unless nan_o)'), inf.and(sign));
  }
  return m.build();
}

/** Exact sum of k two's-complement terms, then sign and magnitude. */
export function treeModule(w: PeWidths, arch: PeArch = DEFAULT_ARCH): Module {
  const tw = laneTermWidth(w, arch);
  const ones = arch.sign === 'ones';
  const m = new ModuleBuilder(`pe_tree_t${tw}_k${w.k}_s${w.sumWidth}${ones ? '_c' : ''}${arch.tree === 'csa' ? '_csa' : ''}`, {
    doc: [
      `Exact sum of ${w.k} ${tw}-bit two's-complement terms${ones ? ' plus the count of set bits of neg_i (one\'s-complement corrections)' : ''}`,
      `in a ${w.sumWidth}-bit word (the range analysis of the caller guarantees no overflow), ${arch.tree === 'csa' ? 'by Dadda column compression (the sign\nextensions folded into one constant) and one carry-propagate adder' : 'by a balanced tree of adders'}; neg_o = sign, mag_o = |sum| (${w.magWidth} bits). Combinational.`,
    ].join('\n'),
    config: { termWidth: tw, k: w.k, sumWidth: w.sumWidth, magWidth: w.magWidth, corrections: ones, tree: arch.tree },
  });
  const terms = m.input('terms_i', w.k * tw, `${w.k} terms, term i in bits [i*${tw}+${tw - 1}:i*${tw}]`);
  const list = terms.chunks(tw).map((t) => t.asSigned());
  const negs = ones ? m.input('neg_i', w.k, 'bit i: add 1 for term i') : null;
  let total: Expr;
  if (arch.tree === 'csa') {
    // term = (~msb) * 2^(tw-1) + low - 2^(tw-1): no sign extension, one constant for all terms
    const columns: Expr[][] = Array.from({ length: tw }, () => []);
    for (const t of list) {
      for (let j = 0; j < tw - 1; j++) columns[j]!.push(t.bit(j));
      columns[tw - 1]!.push(t.bit(tw - 1).not());
    }
    if (negs) for (let i = 0; i < w.k; i++) columns[0]!.push(negs.bit(i));
    total = compressColumns(columns, -BigInt(w.k) << BigInt(tw - 1), w.sumWidth, 'csa').asSigned();
  } else {
    let t = sumTree(list, 'sum');
    if (negs) t = t.add(m.let('neg_count', sumTree(negs.chunks(1), 'cnt'), 'number of one\'s-complement terms'));
    total = t.resize(w.sumWidth);
  }
  const sum = m.let('sum', total, 'exact sum');
  const neg = sum.msb();
  m.assign(m.output('neg_o', 1, 'the sum is negative'), neg);
  m.assign(m.output('mag_o', w.magWidth, '|sum|'), mux(neg, sum.neg(), sum.extend(w.sumWidth + 1)).trunc(w.magWidth).asUnsigned());
  return m.build();
}

/** Steps 1 and 3 up to |S|: lanes, tree, exponent and flags. */
export function reduceChunk(m: ModuleBuilder, fa: FormatSpec, fb: FormatSpec, w: PeWidths, inp: ChunkInputs, arch: PeArch = DEFAULT_ARCH): ReducedChunk {
  const { k } = w;
  const codesA = inp.a.chunks(codeBits(fa));
  const codesB = inp.b.chunks(codeBits(fb));
  const lane = laneModule(fa, fb, w, arch);
  const lanes = Array.from({ length: k }, (_, i) => m.instance(lane, `u_lane${i}`, { a_i: codesA[i]!, b_i: codesB[i]! }));
  const treeMod = treeModule(w, arch);
  const tree = m.instance(treeMod, 'u_tree', {
    terms_i: concat(...lanes.map((l) => l.out('term_o')).reverse()),
    ...(arch.sign === 'ones' ? { neg_i: concat(...lanes.map((l) => l.out('neg_o')).reverse()) } : {}),
  });
  const exp = m.let(
    'sum_exp',
    inp.xa.add(inp.xb).toSigned().add(lit(w.expOffset, { width: unsignedWidth(Math.abs(w.expOffset)) + 1, signed: true })).resize(w.expWidth),
    `weight of |S| bit 0: xa + xb + lsbA + lsbB - ${2 * E8M0.bias}`,
  );
  let nan = inp.xa.eq(E8M0.nanCode).or(inp.xb.eq(E8M0.nanCode));
  if (!(hasSpecials(fa) || hasSpecials(fb))) {
    return { neg: tree.out('neg_o'), mag: tree.out('mag_o'), exp, nan: m.let('chunk_nan', nan, 'a NaN scale') };
  }
  const any = (port: string): Expr => concat(...lanes.map((l) => l.out(port))).any();
  const posInf = m.let('pos_inf', any('pinf_o'), 'some product is +Inf');
  const negInf = m.let('neg_inf', any('ninf_o'), 'some product is -Inf');
  nan = nan.or(any('nan_o')).or(posInf.and(negInf));
  return {
    neg: tree.out('neg_o'),
    mag: tree.out('mag_o'),
    exp,
    nan: m.let('chunk_nan', nan, 'NaN scale, NaN element, Inf*0, or +Inf and -Inf products'),
    inf: m.let('chunk_inf', posInf.or(negInf), 'an Inf product (and no NaN)'),
    infNeg: negInf,
  };
}

/** Step 2 and the special-value override: r as FP32 bits. */
export function roundChunk(m: ModuleBuilder, w: PeWidths, red: ReducedChunk): Expr {
  const round = m.instance(fp32RoundModule(w.magWidth, w.expWidth), 'u_round', { sign_i: red.neg, mag_i: red.mag, exp_i: red.exp });
  let r: Expr = round.out('result_o');
  if (red.inf && red.infNeg) r = mux(red.inf, concat(red.infNeg, lit(FP32_POS_INF, 31)), r);
  return m.let('chunk_r', mux(red.nan, lit(FP32_CANONICAL_NAN, 32), r), 'r = fp32(S * 2^(xa+xb-254)), or NaN/Inf');
}
