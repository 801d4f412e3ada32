// Shared facts of the block quantizer's RTL: the input float layouts (FP32, BF16), the shape of the
// shared exponent that travels from the scale module to the element encoders, and module naming.
// Every number of the MX formats themselves comes from generator/formats (table.ts / derive.ts).

import { signed, type Shape } from '../../hdl';
import { E8M0 } from '../../formats/table';
import { signedWidth } from '../common/unpacked';

export type QuantInput = 'fp32' | 'bf16';
export const QUANT_INPUTS: readonly QuantInput[] = ['fp32', 'bf16'];

/** Bit layout of an input float: sign | exponent (expBits) | fraction (manBits). */
export interface InputFloat {
  readonly name: QuantInput;
  readonly width: number;
  readonly expBits: number;
  readonly manBits: number;
  readonly bias: number;
}

/** IEEE binary32 and bfloat16 (its top 16 bits): same exponent field, shorter fraction. */
export const INPUT_FLOATS: Readonly<Record<QuantInput, InputFloat>> = {
  fp32: { name: 'fp32', width: 32, expBits: 8, manBits: 23, bias: 127 },
  bf16: { name: 'bf16', width: 16, expBits: 8, manBits: 7, bias: 127 },
};

export function inputFloat(input: QuantInput): InputFloat {
  const f = INPUT_FLOATS[input];
  if (!f) throw new Error(`unknown quantizer input '${String(input)}' (expected fp32 or bf16)`);
  return f;
}

/** The clamped shared exponent (E8M0 range [minExp, maxExp]) as a signed port shape: s8. */
export const SE_SHAPE: Shape = signed(signedWidth(E8M0.minExp, E8M0.maxExp));

