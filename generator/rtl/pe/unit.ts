// `mxgen generate pe`: the dot-product processing element, one chunk of k element pairs with their two
// scales per beat, accumulated into FP32 (`--format bf16` is the BF16 baseline PE).
import { z } from 'zod';
import { BASELINE_BF16, FORMAT_NAMES, type FormatName } from '../../formats/table';
import { defineUnit } from '../../ip/unit';
import { bf16PeModule } from './bf16-pe';
import { mxPeModule } from './mx-pe';

export interface PeParams {
  readonly format: FormatName | typeof BASELINE_BF16;
  /** format of the B operand; absent: the same as A */
  readonly formatB?: FormatName;
  readonly k: number;
  readonly depth: number;
  readonly [key: string]: string | number | undefined;
}

export const peUnit = defineUnit<PeParams>({
  name: 'pe',
  summary: 'dot-product PE: k element pairs and two E8M0 scales per beat, FP32 accumulation (bf16: the baseline PE)',
  schema: z.strictObject({
    format: z.enum([...FORMAT_NAMES, BASELINE_BF16]).describe('element format of A (bf16: the BF16 baseline PE)'),
    formatB: z.enum(FORMAT_NAMES).optional().describe('element format of B (default: the format of A)'),
    k: z.number().int().min(1).max(64).default(32).describe('chunk length: element pairs per beat'),
    depth: z.number().int().min(0).max(8).default(1).describe('pipeline register stages'),
  }),
  check: (p) =>
    p.format === BASELINE_BF16 && p.formatB !== undefined
      ? ['formatB', `the ${BASELINE_BF16} baseline PE has no second format; leave --format-b out`]
      : undefined,
  build: (p) =>
    p.format === BASELINE_BF16
      ? bf16PeModule({ k: p.k, depth: p.depth })
      : mxPeModule({ formatA: p.format, formatB: p.formatB ?? p.format, k: p.k, depth: p.depth }),
  latency: (p) => (p.depth === 0 ? { cycles: 0, note: 'combinational path from the operands to acc_o' } : { cycles: p.depth, note: 'from an accepted chunk to its accumulator result' }),
});
