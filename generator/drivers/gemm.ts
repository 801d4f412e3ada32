// The GEMM of `mxgen gemm` (and the reference of `mxgen sim gemm`): C = A * B (+ C) with the golden model, where
// A and B are FP32 matrices (quantized here) or pre-quantized operands (their codes and scales used as they are).

import { BASELINE_BF16, gemmBf16, gemmQuantized, quantize, type BlockShape, type FormatName, type Matrix, type QuantizedMatrix, type ScaleMode } from '../golden/index';
import { DriverError } from './errors';

/** A GEMM operand: an FP32 matrix, or one already quantized (the output of `mxgen quantize`). */
export type GemmOperand = { readonly kind: 'matrix'; readonly m: Matrix } | { readonly kind: 'quantized'; readonly q: QuantizedMatrix };

export type GemmFormat = FormatName | typeof BASELINE_BF16;

export interface GemmSpec {
  readonly formatA: GemmFormat;
  readonly formatB: GemmFormat;
  readonly blockA: BlockShape;
  readonly blockB: BlockShape;
  readonly scaleMode: ScaleMode;
  readonly a: GemmOperand;
  readonly b: GemmOperand;
  readonly c?: Matrix;
}

export const operandShape = (o: GemmOperand): { rows: number; cols: number } => (o.kind === 'matrix' ? o.m : o.q);

/** A quantized operand: as given, or the golden quantization of the matrix. */
export function quantized(o: GemmOperand, format: FormatName, block: BlockShape, mode: ScaleMode): QuantizedMatrix {
  if (o.kind === 'quantized') {
    if (o.q.format !== format || o.q.block.rows !== block.rows || o.q.block.cols !== block.cols) {
      throw new DriverError(`a pre-quantized ${o.q.format} operand in ${o.q.block.rows}x${o.q.block.cols} blocks is used as ${format} in ${block.rows}x${block.cols} blocks`);
    }
    return o.q;
  }
  return quantize(o.m, format, block, mode);
}

export function fp32Matrix(o: GemmOperand, which: string): Matrix {
  if (o.kind === 'quantized') throw new DriverError(`${which} is pre-quantized (${o.q.format}), but ${BASELINE_BF16} multiplies FP32 matrices`);
  return o.m;
}

/** The golden model's product: the MX GEMM, or the BF16 baseline with chunks of the block edge along K. */
export function goldenGemm(g: GemmSpec): Matrix {
  if (g.formatA === BASELINE_BF16) return gemmBf16(fp32Matrix(g.a, 'A'), fp32Matrix(g.b, 'B'), g.c, g.blockA.cols);
  const qa = quantized(g.a, g.formatA, g.blockA, g.scaleMode);
  const qb = quantized(g.b, g.formatB as FormatName, g.blockB, g.scaleMode);
  return gemmQuantized(qa, qb, g.c);
}

