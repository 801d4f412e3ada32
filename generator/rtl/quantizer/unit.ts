// `mxgen generate quantizer`: the k-lane block quantizer (one block of FP32/BF16 values per beat).
import { z } from 'zod';
import { FORMAT_NAMES, type FormatName } from '../../formats/table';
import type { ScaleMode } from '../../golden/scale';
import { plannedOnce } from '../../ip/planned';
import { defineUnit } from '../../ip/unit';
import type { QuantInput } from './common';
import { blockQuantizerPlanned } from './quantizer';

export interface QuantizerParams {
  readonly format: FormatName;
  readonly k: number;
  readonly scaleMode: ScaleMode;
  readonly input: QuantInput;
  readonly depth: number;
  readonly skid: boolean;
  readonly [key: string]: string | number | boolean;
}

const planned = plannedOnce((p: QuantizerParams) => blockQuantizerPlanned(p));

export const quantizerUnit = defineUnit<QuantizerParams>({
  name: 'quantizer',
  summary: 'block quantizer: k FP32 or BF16 values per beat to one E8M0 scale and k element codes (valid/ready)',
  schema: z.strictObject({
    format: z.enum(FORMAT_NAMES).describe('element format'),
    k: z.number().int().min(1).max(1024).default(32).describe('elements per block (one block per beat)'),
    scaleMode: z.enum(['floor', 'rceil']).default('floor').describe('shared-scale rule (formats.md section 2)'),
    input: z.enum(['fp32', 'bf16']).default('fp32').describe('input value format'),
    depth: z.number().int().min(0).max(8).default(1).describe('pipeline register stages, placed where they balance delay'),
    skid: z.boolean().default(false).describe('skid output buffer: in_ready_o has no combinational path from out_ready_i'),
  }),
  check: (p) => {
    if (p.skid && p.depth < 1) return ['depth', '--skid needs --depth 1 or more (it is the output register)'];
    const bad = planned.depthProblem(p, p.depth);
    return bad ? ['depth', bad] : undefined;
  },
  build: (p) => planned.module(p),
  latency: (p) => (p.depth === 0 ? { cycles: 0, note: 'combinational path from x_i to scale_o/codes_o' } : { cycles: p.depth, note: 'from an accepted block to its scale and codes' }),
});
