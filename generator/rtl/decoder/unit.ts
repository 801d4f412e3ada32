// `mxgen generate decoder`: the element decoder of one format (the MXSF mode select for mxsf).
import { z } from 'zod';
import { FORMAT_NAMES, type FormatName } from '../../formats/table';
import { defineUnit } from '../../ip/unit';
import { decoderModule } from './decoder';

export const decoderUnit = defineUnit<{ format: FormatName }>({
  name: 'decoder',
  summary: 'element decoder: a code to sign, significand, exponent and zero/NaN/Inf flags (combinational)',
  schema: z.strictObject({
    format: z.enum(FORMAT_NAMES).describe('element format'),
  }),
  build: (p) => decoderModule(p.format),
  latency: () => null,
});
