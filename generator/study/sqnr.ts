// Quantization error metrics: SQNR, worst relative error, and the fraction of non-zero inputs flushed to zero,
// for an MX format (quantize + dequantize of the golden model, via the bit-identical fast quantizer) or BF16.

import { bitsToFloat, dequantize, fp32BitsToBf16Bits, quantize, type BlockShape, type FormatName } from '../golden/index';
import { mat, type BlockScheme, type StudyFormat } from './mlp';

export interface ErrorStats {
  /** 10 log10(sum x^2 / sum (q - x)^2); null when the quantization is exact (infinite SQNR) */
  readonly sqnrDb: number | null;
  /** max over non-zero x of |q - x| / |x| */
  readonly maxRelErr: number;
  /** fraction of the non-zero inputs that quantize to zero */
  readonly flushToZero: number;
}

/** Error statistics of a reference x against its quantized version q (both FP32). */
export function errorStats(x: ArrayLike<number>, q: ArrayLike<number>): ErrorStats {
  let sig = 0;
  let noise = 0;
  let maxRel = 0;
  let nonzero = 0;
  let flushed = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const d = q[i] - xi;
    sig += xi * xi;
    noise += d * d;
    if (xi !== 0) {
      nonzero++;
      const rel = Math.abs(d) / Math.abs(xi);
      if (rel > maxRel) maxRel = rel;
      if (q[i] === 0) flushed++;
    }
  }
  return {
    sqnrDb: noise === 0 ? null : 10 * Math.log10(sig / noise),
    maxRelErr: maxRel,
    flushToZero: nonzero === 0 ? 0 : flushed / nonzero,
  };
}

export function blockOf(scheme: BlockScheme): BlockShape {
  return scheme === '1x32' ? { rows: 1, cols: 32 } : { rows: 8, cols: 8 };
}

/** FP32 values of x (rows x cols, blocks along rows) after a round trip through a format. */
export function roundTrip(x: Float32Array, rows: number, cols: number, format: StudyFormat, scheme: BlockScheme): Float32Array {
  if (format === 'fp32') return x.slice();
  const out = new Float32Array(x.length);
  if (format === 'bf16') {
    const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
    for (let i = 0; i < x.length; i++) out[i] = bitsToFloat(fp32BitsToBf16Bits(bits[i]));
    return out;
  }
  const q = quantize(mat(rows, cols, x), format as FormatName, blockOf(scheme));
  out.set(new Float32Array(dequantize(q).buffer));
  return out;
}

export function quantizationStats(x: Float32Array, rows: number, cols: number, format: StudyFormat, scheme: BlockScheme): ErrorStats {
  return errorStats(x, roundTrip(x, rows, cols, format, scheme));
}
