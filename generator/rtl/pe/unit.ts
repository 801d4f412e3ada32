// `mxgen generate pe`: the dot-product processing element, one chunk of k element pairs with their two
// scales per beat, accumulated into FP32 (`--format bf16` is the BF16 baseline PE). Options: a skid output
// buffer, and the accumulator held inside for runs of chunks (the PE array's cell).
import { z } from 'zod';
import { BASELINE_BF16, FORMAT_NAMES, type FormatName } from '../../formats/table';
import { plannedOnce } from '../../ip/planned';
import { defineUnit } from '../../ip/unit';
import { bf16PePlanned } from './bf16-pe';
import { mxPePlanned } from './mx-pe';
import { DEFAULT_ARCH, type PeArch } from './mx-chunk';

export interface PeParams {
  readonly format: FormatName | typeof BASELINE_BF16;
  /** format of the B operand; absent: the same as A */
  readonly formatB?: FormatName;
  readonly k: number;
  readonly depth: number;
  readonly skid: boolean;
  readonly accumulate: 'port' | 'in-place';
  /** the lanes' sign handling (PeArch.sign; reports/pe-energy.md measures each) */
  readonly lanes: PeArch['sign'];
  readonly positiveZero: boolean;
  readonly [key: string]: string | number | boolean | undefined;
}

const planned = plannedOnce((p: PeParams) => {
  const opts = { k: p.k, depth: p.depth, skid: p.skid, acc: p.accumulate === 'in-place' };
  if (p.format === BASELINE_BF16) return bf16PePlanned(opts);
  const arch: PeArch = { sign: p.lanes, tree: DEFAULT_ARCH.tree, ...(p.positiveZero ? { positiveZero: true } : {}) };
  return mxPePlanned({ formatA: p.format, formatB: p.formatB ?? p.format, ...opts, arch });
});

export const peUnit = defineUnit<PeParams>({
  name: 'pe',
  summary: 'dot-product PE: k element pairs and two E8M0 scales per beat, FP32 accumulation (bf16: the baseline PE)',
  schema: z.strictObject({
    format: z.enum([...FORMAT_NAMES, BASELINE_BF16]).describe('element format of A (bf16: the BF16 baseline PE)'),
    formatB: z.enum(FORMAT_NAMES).optional().describe('element format of B (default: the format of A)'),
    k: z.number().int().min(1).max(64).default(32).describe('chunk length: element pairs per beat'),
    depth: z.number().int().min(0).max(16).default(1).describe('pipeline register stages, placed where they balance delay'),
    skid: z.boolean().default(false).describe('skid output buffer: in_ready_o has no combinational path from out_ready_i'),
    accumulate: z
      .enum(['port', 'in-place'])
      .default('port')
      .describe('port: acc_o = acc_i + chunk per beat; in-place: the FP32 accumulator inside, first_i/last_i delimit a run of chunks'),
    lanes: z
      .enum(['ones', 'ones-late', 'negate', 'magnitude'])
      .default(DEFAULT_ARCH.sign)
      .describe("lane signs: ones (one's complement, least area), ones-late (XOR after the shift), negate (two's complement), magnitude (two unsigned trees); energy in reports/pe-energy.md"),
    positiveZero: z.boolean().default(false).describe('a zero product is positive (less energy with many zeros, e.g. ReLU activations; two gates per lane)'),
  }),
  check: (p) => {
    if (p.format === BASELINE_BF16 && p.formatB !== undefined) return ['formatB', `the ${BASELINE_BF16} baseline PE has no second format; leave --format-b out`];
    if (p.format === BASELINE_BF16 && p.lanes !== DEFAULT_ARCH.sign) return ['lanes', `the ${BASELINE_BF16} baseline PE has no MX lanes; leave --lanes out`];
    if (p.format === BASELINE_BF16 && p.positiveZero) return ['positiveZero', `the ${BASELINE_BF16} baseline PE has no MX lanes; leave --positive-zero out`];
    if ((p.skid || p.accumulate === 'in-place') && p.depth < 1) return ['depth', `${p.skid ? '--skid' : '--accumulate in-place'} needs --depth 1 or more (it lives in the output register)`];
    const bad = planned.depthProblem(p, p.depth);
    return bad ? ['depth', bad] : undefined;
  },
  build: (p) => planned.module(p),
  latency: (p) =>
    p.depth === 0
      ? { cycles: 0, note: 'combinational path from the operands to acc_o' }
      : p.accumulate === 'in-place'
        ? { cycles: p.depth, note: "from a run's last chunk (last_i) to its accumulator result; one chunk per cycle within and across runs" }
        : { cycles: p.depth, note: 'from an accepted chunk to its accumulator result' },
});
