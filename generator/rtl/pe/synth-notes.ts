// The written parts of reports/synth.md that concern the PEs: what dominates each PE (computed from the
// measured breakdown, so the text follows the figures), and the MXSF optimisation log (measured by hand
// with the variants that PeArch still builds; see generator/rtl/pe/mx-chunk.ts).

import { FORMAT_TABLE } from '../../golden/index';
import type { SynthRecord } from '../config';
import { peWidths } from './widths';

export interface NotePart {
  readonly name: string;
  readonly count: number;
  /** per instance */
  readonly transistors: number;
}

export interface NoteRow extends SynthRecord {
  readonly parts: readonly NotePart[];
}

const pct = (x: number, total: number): string => `${((100 * x) / total).toFixed(0)} %`;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function share(row: NoteRow, match: (name: string) => boolean): number {
  return row.parts.filter((p) => match(p.name)).reduce((s, p) => s + p.count * p.transistors, 0);
}

function peNote(rows: readonly NoteRow[]): string {
  if (rows.length === 0) return '';
  const k = rows[0]!.k;
  const L: string[] = [];
  const mx = rows.filter((r) => r.format !== 'bf16');
  const bf = rows.find((r) => r.format === 'bf16');
  const lanes = (r: NoteRow): number => share(r, (n) => n.includes('_pe_lane'));
  const tree = (r: NoteRow): number => share(r, (n) => n.startsWith('pe_tree'));
  const round = (r: NoteRow): number => share(r, (n) => n.startsWith('fp32_round'));
  const add = (r: NoteRow): number => share(r, (n) => n.startsWith('fp32_add'));
  if (mx.length) {
    const desc = mx
      .map((r) => `${r.format} ${pct(lanes(r), r.transistors)} lanes + ${pct(tree(r), r.transistors)} reduction`)
      .join(', ');
    L.push(
      `**MX PEs, k = ${k}.** The k product lanes dominate (inline decode, a sig x sig multiplier, the alignment shifter), ` +
        `then the exact reduction (the adder tree and |S|); the fixed FP32 back end (one fp32_round and one fp32_add, ` +
        `the same for every format up to the width of |S|) is the rest: ${desc}. ` +
        'The lane grows with the significand widths (multiplier) and the exponent range of the format (alignment shifter); the ' +
        'reduction grows with the fixed-point width, i.e. with the dynamic range of the format pair: mxfp8-e5m2 ' +
        '(32 binades per element) needs the widest word, mxint8 and mxfp4-e2m1 the narrowest.',
    );
  }
  const sf = mx.find((r) => r.format === 'mxsf');
  const e25 = mx.find((r) => r.format === 'mxfp8-e2m5');
  if (sf && e25) {
    const dl = lanes(sf) - lanes(e25);
    const dt = tree(sf) - tree(e25);
    const dr = round(sf) - round(e25);
    const d = sf.transistors - e25.transistors;
    L.push(
      '',
      `**mxsf against mxfp8-e2m5, k = ${k}:** ${fmt(sf.transistors)} T against ${fmt(e25.transistors)} T (x ${(sf.transistors / e25.transistors).toFixed(2)}), ` +
        `+${fmt(d)} T: the lanes +${fmt(dl)} T, the reduction +${fmt(dt)} T, the rounding +${fmt(dr)} T. Both share the 6-bit significand ` +
        'and the same multiplier; what MXSF adds is range, not mode-select logic: its FP5 region reaches 2^-9 instead of 2^-5, so a product ' +
        'is aligned over 13 positions instead of 5 (one more shifter stage, 24 instead of 16 bits) and the exact chunk sum needs ' +
        `${peWidths(FORMAT_TABLE.mxsf, FORMAT_TABLE.mxsf, k).sumWidth} instead of ${peWidths(FORMAT_TABLE['mxfp8-e2m5'], FORMAT_TABLE['mxfp8-e2m5'], k).sumWidth} bits. The mode select itself (the ee == 00 test and the FP5 fields) is a few gates ` +
        'per element (see the optimisation log).',
    );
  }
  if (bf) {
    const mul = share(bf, (n) => n.startsWith('bf16_mul'));
    L.push(
      '',
      `**bf16, k = ${k}:** the k - 1 tree additions plus the accumulator addition are full FP32 adders (${fmt(add(bf))} T, ` +
        `${pct(add(bf), bf.transistors)}), each with its own alignment, normalisation and rounding; the k BF16 multipliers with their ` +
        `FP32 rounding are ${fmt(mul)} T (${pct(mul, bf.transistors)}). An MX PE replaces the k - 1 rounding adders by one exact ` +
        'fixed-point tree and a single rounding, which is why every MX PE is cheaper than bf16 at the same k.',
    );
  }
  return L.join('\n');
}

/** Unit -> paragraph(s) appended under that unit's tables. */
export const UNIT_NOTES: Readonly<Record<string, (rows: readonly NoteRow[]) => string>> = {
  pe: peNote,
};

/**
 * The MXSF optimisation log (markdown). Each step was measured with this flow (transistors incl. flops) on the
 * PE at k = 32, depth 1; the variants are still built by mxPeModule's `arch` option (suffix _negate_adders,
 * _ones_adders, ... in the module name), except step 0, whose $shl shifter was replaced.
 */
export const PE_OPTIMISATION_LOG: readonly string[] = [
  '## MXSF PE optimisation log',
  '',
  'Goal: the mxsf PE within 10 % of mxfp8-e2m5 (the same 6-bit significand without the FP5 region) and below bf16.',
  'Measured at k = 32, depth 1 (whole PE, flops included); k = 8 screening runs in brackets. These steps were measured',
  'with the `yosys-default` flow (the only flow then); the tables above use `bounded-sat`, which moves single designs by',
  'a few per cent (k = 8 PEs and a k = 32 quantizer: -0.2 % to +1.7 %), so compare ratios within one table.',
  '',
  '| step | change | mxsf T | mxfp8-e2m5 T | mxsf / e2m5 |',
  '|---|---|---:|---:|---:|',
  '| 0 | first correct PE: alignment by a Verilog `<<` ($shl), each lane negates its aligned product (two\'s complement), balanced tree of adders | 131,578 | 98,700 | 1.33 |',
  '| 1 | alignment as explicit mux stages, smallest shift first (the high bits stay constant longer). Also halves Yosys time: `share` no longer runs SAT on 496 pairs of $shl cells | 128,742 | 99,562 | 1.29 |',
  '| 2 | one\'s-complement lanes: the narrow product (12 bits) is XORed with the sign before the shift and the sign is shifted in from below, giving ~(P << s) without a 25-bit negation per lane; the +1 per negative lane is added once in the reduction [k=8: 42,822 -> 39,782 / 34,106 -> 32,662] | 123,246 | 95,276 | 1.29 |',
  '| 3 | Dadda column compression of the k terms instead of the adder tree: sign extensions folded into one constant (each term contributes its bits and its inverted sign bit), the +1 corrections are column-0 bits, one carry-propagate adder at the end [k=8: 38,818 / 31,538] | 114,048 | 91,512 | 1.25 |',
  '| 4 | the reduction as a word-level Dadda tree of csa_w* compressor cells (one constant row, the +1 corrections in the carry words\' free LSBs), so the Verilog is instances instead of inline full adders (the mxsf tree 15 KB instead of 270 KB; bounded-sat flow, measured with `npx tsx generator/rtl/pe/bench-tree.ts --pe`: bit-level 113,252 / 92,530, tree alone 30,278 -> 30,162 T and 51 -> 42 levels for mxsf) | 112,660 | 90,434 | 1.25 |',
  '',
  'Measured and rejected:',
  '',
  '- two\'s-complement lanes with the Dadda reduction (k = 8: 40,216 / 32,666): the per-lane negation costs more than the',
  '  one\'s-complement corrections;',
  '- MXSF elements as 12-bit fixed-point magnitudes (sig << sh in the decoder, one 12 x 12 multiplier, no shifter after it):',
  '  one lane 6,256 T against 2,064 T for sig x sig then shift (mxfp8-e2m5: 2,572 against 1,750): the multiplier quadruples.',
  '',
  'Where the remaining gap comes from (measured per element / lane, final design): the mode select itself, i.e. decoding',
  'an mxsf code (ee == 00 test, FP5 exponent and significand) instead of an E2M5 code, costs 74 T instead of 18 T per',
  'element, +3.6 k T for the 64 elements of a k = 32 PE (about 4 % of the mxfp8-e2m5 PE). The rest is range: the FP5',
  'region reaches 2^-9 where E2M5 stops at 2^-5, so each product is aligned over 13 instead of 5 positions (one more',
  'shifter stage; a lane is 2,064 T against 1,750 T) and the exact chunk sum needs 30 instead of 22 bits, so the',
  'reduction has 25 instead of 17 bits per term. An exact fixed-point sum pays for range linearly; within 10 % of E2M5',
  'would need either a narrower exact word (impossible: 32 products of 7.875 * 7.875 with LSB 2^-18 need 29 magnitude',
  'bits) or giving up the exact sum, which the contract (section 4, one rounding) does not allow.',
  'Not reached: mxsf stays about 1.25 x mxfp8-e2m5 at k = 32 (this flow: the paragraph under the PE tables); it is far below bf16.',
];
