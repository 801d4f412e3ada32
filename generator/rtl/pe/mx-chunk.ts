// The MX chunk datapath (formats.md section 4, steps 1-3), in three parts:
//   lane  (<pair>_pe_lane, k instances): inline decode of one code of A and one of B (for mxsf the
//         ee != 00 / ee == 00 mode select) -> exact product sigA*sigB -> alignment by shA+shB into the
//         product unit 2^(lsbA+lsbB) -> signed term (by default the one's complement of a negative
//         product plus a +1 flag, see PeArch); NaN / Inf flags of the pair;
//   tree  (pe_tree_*): exact sum of the k terms in the narrowest two's-complement word (by default Dadda
//         column compression and one adder), then |S|;
//   round (fp32_round_*): leading-zero count, normalisation and one FP32 rounding with
//         2^(xa+xb+lsbA+lsbB-254); then the NaN scale / NaN element / Inf*0 / Inf override.
// The PE (mx-pe.ts) adds the FP32 accumulation. Every part is staged (hdl/lib/stager.ts): the pipeline
// planner may cut inside the lanes, between tree levels and inside the rounding.

import { type Expr, type Module, concat, lit, mux } from '../../hdl/index';
import { type StageSpec, type Stager, UNSTAGED, stagedModule } from '../../hdl/lib/stager';
import { E8M0, FP32_CANONICAL_NAN, FP32_POS_INF, codeBits, type FormatSpec } from '../../golden/index';
import { fp32RoundModule } from '../fp32/index';
import { decodeElement } from './decode';
import { pairId } from './names';
import { type TreeKind, treeModule } from './tree';
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
 *    sign 'ones-late': the same one's complement, XORed after the shift (more XORs, but the shifter sees the
 *    magnitude only, so a sign flip no longer toggles the shifter);
 *    sign 'magnitude': each lane gives the aligned magnitude and the sign; the reduction sums the positive and
 *    the negative terms in two unsigned trees and subtracts once (tree 'csa' only). More area, fewer
 *    transitions: a lane whose sign flips no longer flips every high bit of its term (the energy log,
 *    reports/pe-energy.md);
 *  - tree 'adders': balanced tree of carry-propagate adders; 'csa': a word-level Dadda tree of csa_w*
 *    compressor cells with the sign-extension constants folded in, then one carry-propagate adder; 'dadda':
 *    bit-level Dadda column compression with inline full/half adders (tree.ts).
 */
export interface PeArch {
  readonly sign: 'negate' | 'ones' | 'ones-late' | 'magnitude';
  readonly tree: TreeKind;
  /**
   * A zero product is positive: its sign is forced to 0, so a lane with a zero operand hands the tree an all-zero
   * term instead of one's-complement ones (ReLU activations make that common). Two gates per lane.
   */
  readonly positiveZero?: boolean;
}

export const DEFAULT_ARCH: PeArch = { sign: 'ones', tree: 'csa' };

export const archSuffix = (a: PeArch): string =>
  `${a.sign === DEFAULT_ARCH.sign && a.tree === DEFAULT_ARCH.tree ? '' : `_${a.sign.replace('-', '')}_${a.tree}`}${(a.positiveZero ?? false) === (DEFAULT_ARCH.positiveZero ?? false) ? '' : a.positiveZero ? '_pz' : '_sz'}`;

/** Bits of one lane's aligned product magnitude. */
export function productWidth(w: PeWidths): number {
  return unsignedWidth(w.maxP > -w.minP ? w.maxP : -w.minP);
}

/** Width of the signed term a lane hands to the tree. */
export function laneTermWidth(w: PeWidths, arch: PeArch): number {
  return { negate: w.termWidth, ones: productWidth(w) + 1, 'ones-late': productWidth(w) + 1, magnitude: productWidth(w) }[arch.sign];
}

/** One lane: a code of A times a code of B, aligned to the product unit, as a two's-complement term. */
export function laneModule(fa: FormatSpec, fb: FormatSpec, w: PeWidths, arch: PeArch = DEFAULT_ARCH, spec: StageSpec = UNSTAGED): Module {
  const tw = laneTermWidth(w, arch);
  const ones = arch.sign === 'ones';
  const late = arch.sign === 'ones-late';
  const magnitude = arch.sign === 'magnitude';
  const specials = hasSpecials(fa) || hasSpecials(fb);
  return stagedModule(
    `${pairId(fa.name, fb.name)}_pe_lane${archSuffix(arch)}`,
    {
      doc: [
        `One product lane of the ${pairId(fa.name, fb.name)} PE: the exact product P_a * P_b in units of 2^${w.unitExp} (${w.derivation[2]}).`,
        `Inline decode to sig * 2^(sh + lsbExp) (sig ${w.sigA}/${w.sigB} bits, sh ${w.shA}/${w.shB} bits), product sigA*sigB, left shift by shA+shB.`,
        magnitude
          ? `term_o = |P_a * P_b| (${tw} bits), neg_o = its sign.`
          : late
          ? `term_o = the ${tw}-bit one's complement of the signed product (sign ? ~|P| : |P|), XORed after the shift (the shifter\nsees the magnitude only); neg_o = sign, the +1 the reduction adds.`
          : ones
          ? `term_o = the ${tw}-bit one's complement of the signed product (sign ? ~|P| : |P|): the product is XORed with its sign before\nthe shift, which shifts the sign in from below; neg_o = sign, the +1 the reduction adds.`
          : `term_o = the signed product, ${tw}-bit two's complement.`,
        'Stage points: dec (decoded), prod (product), out.',
      ].join('\n'),
      config: { formatA: fa.name, formatB: fb.name, termWidth: tw, sign: arch.sign },
    },
    spec,
    (m, st) => {
      const a = m.input('a_i', codeBits(fa), `${fa.name} code`);
      const b = m.input('b_i', codeBits(fb), `${fb.name} code`);
      const term = m.output('term_o', tw, magnitude ? `|P_a * P_b| in units of 2^${w.unitExp}` : ones || late ? `sign ? ~|P| : |P| in units of 2^${w.unitExp}` : `P_a * P_b in units of 2^${w.unitExp}, two's complement`);
      const da = decodeElement(fa, a, 'a');
      const db = decodeElement(fb, b, 'b');
      const flags: Record<string, Expr> = {};
      if (specials) {
        flags['nan'] = [da.isNaN, db.isNaN, da.isInf.and(db.isZero), db.isInf.and(da.isZero)].reduce((x, y) => x.or(y));
        flags['inf'] = da.isInf.or(db.isInf);
      }
      const sh = da.sh && db.sh ? da.sh.add(db.sh) : (da.sh ?? db.sh);
      const sign0 = da.sign.xor(db.sign);
      const signX = arch.positiveZero ? sign0.and(da.isZero.or(db.isZero).not()) : sign0;
      const decLive: Record<string, Expr> = { sign: m.let('sign', signX, arch.positiveZero ? 'sign of the product (0 for a zero product)' : 'sign of the product'), sigA: da.sig, sigB: db.sig, ...flags };
      if (sh) decLive['sh'] = m.let('sh', sh, 'alignment shift shA + shB');
      const dec = st.point('dec', decLive);
      const prodW = productWidth(w);
      const prod = m.let('prod', dec['sigA']!.mul(dec['sigB']!), 'exact significand product');
      if (prod.width > prodW) m.unused(prod.slice(prod.width - 1, prodW), 'zero for every pair of codes (range analysis)');
      const narrow0 = prod.width > prodW ? prod.trunc(prodW) : prod;
      const prodLive: Record<string, Expr> = { narrow: narrow0 };
      for (const [key, v] of Object.entries(dec)) if (key !== 'sigA' && key !== 'sigB') prodLive[key] = v;
      const p = st.point('prod', prodLive);
      const sign = p['sign']!;
      const narrow = p['narrow']!;
      const shS = p['sh'] ?? null;
      const outs: Record<string, Expr> = {};
      if (ones) {
        const x = narrow.xor(sign.repeat(narrow.width));
        const framed = narrow.width < prodW ? concat(sign.repeat(prodW - narrow.width), x) : x;
        const t = shS ? shiftLeft(framed, shS, 'align', sign) : framed;
        outs['term'] = concat(sign, t);
        outs['neg'] = sign;
      } else {
        const wide = narrow.zext(prodW);
        const mag = m.let('mag', shS ? shiftLeft(wide, shS, 'align') : wide, '|product| in product units');
        if (magnitude) {
          outs['term'] = mag;
          outs['neg'] = sign;
        } else if (late) {
          outs['term'] = concat(sign, mag.xor(sign.repeat(prodW)));
          outs['neg'] = sign;
        } else outs['term'] = mux(sign, mag.neg(), mag.toSigned()).resize(tw);
      }
      if (specials) {
        outs['nan'] = p['nan']!;
        outs['pinf'] = p['inf']!.and(sign.not());
        outs['ninf'] = p['inf']!.and(sign);
      }
      const o = st.finish(outs);
      m.assign(term, o['term']!);
      if (ones || late) m.assign(m.output('neg_o', 1, 'the product is negative: add 1 to term_o'), o['neg']!);
      if (magnitude) m.assign(m.output('neg_o', 1, 'the product is negative'), o['neg']!);
      if (specials) {
        m.assign(m.output('nan_o', 1, 'NaN code, or Inf times zero'), o['nan']!);
        m.assign(m.output('pinf_o', 1, 'the product is +Inf (unless nan_o)'), o['pinf']!);
        m.assign(m.output('ninf_o', 1, 'the product is -Inf (unless nan_o)'), o['ninf']!);
      }
    },
  );
}

/**
 * Steps 1 and 3 up to |S|: lanes, tree, exponent and flags, with the stage points 'terms' (after the lanes) and
 * 'sum' (after the tree). `carry` (the accumulator input, flags of the caller) travels along.
 */
export function reduceChunk<K extends string>(
  st: Stager,
  fa: FormatSpec,
  fb: FormatSpec,
  w: PeWidths,
  inp: ChunkInputs,
  arch: PeArch,
  carry: Readonly<Record<K, Expr>>,
): { red: ReducedChunk; carry: Readonly<Record<K, Expr>> } {
  const m = st.m;
  const { k } = w;
  const codesA = inp.a.chunks(codeBits(fa));
  const codesB = inp.b.chunks(codeBits(fb));
  const laneFactory = (spec: StageSpec): Module => laneModule(fa, fb, w, arch, spec);
  const lanes = Array.from({ length: k }, (_, i) => st.instance(laneFactory, `u_lane${i}`, { a_i: codesA[i]!, b_i: codesB[i]! }));
  const exp = m.let(
    'sum_exp',
    inp.xa.add(inp.xb).toSigned().add(lit(w.expOffset, { width: unsignedWidth(Math.abs(w.expOffset)) + 1, signed: true })).resize(w.expWidth),
    `weight of |S| bit 0: xa + xb + lsbA + lsbB - ${2 * E8M0.bias}`,
  );
  let nan = inp.xa.eq(E8M0.nanCode).or(inp.xb.eq(E8M0.nanCode));
  const flags: Record<string, Expr> = {};
  if (hasSpecials(fa) || hasSpecials(fb)) {
    const any = (port: string): Expr => concat(...lanes.map((l) => l.out(port))).any();
    const posInf = m.let('pos_inf', any('pinf_o'), 'some product is +Inf');
    const negInf = m.let('neg_inf', any('ninf_o'), 'some product is -Inf');
    nan = m.let('chunk_nan', nan.or(any('nan_o')).or(posInf.and(negInf)), 'NaN scale, NaN element, Inf*0, or +Inf and -Inf products');
    flags['inf'] = m.let('chunk_inf', posInf.or(negInf), 'an Inf product (and no NaN)');
    flags['infNeg'] = negInf;
  } else {
    nan = m.let('chunk_nan', nan, 'a NaN scale');
  }
  const ones = arch.sign !== 'negate'; // a neg_o per lane
  const t = st.point('terms', {
    ...carry,
    terms: concat(...lanes.map((l) => l.out('term_o')).reverse()),
    ...(ones ? { negs: concat(...lanes.map((l) => l.out('neg_o')).reverse()) } : {}),
    exp,
    nan,
    ...flags,
  } as Record<string, Expr>);
  const treeFactory = (spec: StageSpec): Module => treeModule(w, { termWidth: laneTermWidth(w, arch), corrections: arch.sign === 'ones' || arch.sign === 'ones-late', tree: arch.tree, signMagnitude: arch.sign === 'magnitude' }, spec);
  const tree = st.instance(treeFactory, 'u_tree', { terms_i: t['terms']!, ...(ones ? { neg_i: t['negs']! } : {}) });
  const s = st.point('sum', {
    ...Object.fromEntries(Object.keys(carry).map((key) => [key, t[key]!])),
    neg: tree.out('neg_o'),
    mag: tree.out('mag_o'),
    exp: t['exp']!,
    nan: t['nan']!,
    ...(flags['inf'] ? { inf: t['inf']!, infNeg: t['infNeg']! } : {}),
  } as Record<string, Expr>);
  const red: ReducedChunk = { neg: s['neg']!, mag: s['mag']!, exp: s['exp']!, nan: s['nan']!, ...(flags['inf'] ? { inf: s['inf']!, infNeg: s['infNeg']! } : {}) };
  return { red, carry: Object.fromEntries(Object.keys(carry).map((key) => [key, s[key]!])) as Record<K, Expr> };
}

/** Step 2 and the special-value override: r as FP32 bits, at the stage point 'r' (with `carry`). */
export function roundChunk<K extends string>(st: Stager, w: PeWidths, red: ReducedChunk, carry: Readonly<Record<K, Expr>>): { r: Expr; carry: Readonly<Record<K, Expr>> } {
  const m = st.m;
  const roundFactory = (spec: StageSpec): Module => fp32RoundModule(w.magWidth, w.expWidth, spec);
  const round = st.instance(roundFactory, 'u_round', { sign_i: red.neg, mag_i: red.mag, exp_i: red.exp });
  // the flags (and carried values) meet the rounded value here, after the rounding's internal stages
  const late = st.point('rounded', { x: round.out('result_o'), nan: red.nan, ...(red.inf && red.infNeg ? { inf: red.inf, infNeg: red.infNeg } : {}), ...carry } as Record<string, Expr>);
  let r: Expr = late['x']!;
  if (late['inf'] && late['infNeg']) r = mux(late['inf'], concat(late['infNeg'], lit(FP32_POS_INF, 31)), r);
  const p = st.point('r', { ...Object.fromEntries(Object.keys(carry).map((key) => [key, late[key]!])), r: m.let('chunk_r', mux(late['nan']!, lit(FP32_CANONICAL_NAN, 32), r), 'r = fp32(S * 2^(xa+xb-254)), or NaN/Inf') } as Record<string, Expr>);
  return { r: p['r']!, carry: Object.fromEntries(Object.keys(carry).map((key) => [key, p[key]!])) as Record<K, Expr> };
}
