// JSON output shared by commands: the quantize output form (also printed by `mxgen sim quantize`),
// the matrix form, and a writer that puts each top-level key on its own line.

import { dequantize, type Matrix, type QuantizedMatrix } from '../golden/quantize';

/** The output of `mxgen quantize`. */
export interface QuantizeJson {
  readonly format: string;
  readonly block: readonly [number, number];
  readonly scaleMode: string;
  readonly rows: number;
  readonly cols: number;
  /** E8M0 codes, block grid row-major. */
  readonly scales: readonly number[];
  /** element codes as unsigned integers, row-major. */
  readonly codes: readonly number[];
  /** dequantized values as FP32 bit patterns, row-major. */
  readonly values: readonly number[];
}

/** Builds the quantize output; `values` defaults to the golden dequantization of `q`. */
export function quantizeJson(q: QuantizedMatrix, values: ArrayLike<number> = dequantize(q)): QuantizeJson {
  return {
    format: q.format,
    block: [q.block.rows, q.block.cols],
    scaleMode: q.scaleMode,
    rows: q.rows,
    cols: q.cols,
    scales: Array.from(q.scales),
    codes: Array.from(q.codes),
    values: Array.from(values),
  };
}

/** The matrix form `{"rows","cols","bits"}` (also a valid matrix input). */
export function matrixJson(m: Matrix): { rows: number; cols: number; bits: number[] } {
  return { rows: m.rows, cols: m.cols, bits: Array.from(m.bits) };
}

/** JSON text with one top-level key per line and compact values, ending in a newline. */
export function formatJson(value: object): string {
  const entries = Object.entries(value).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{\n${entries.join(',\n')}\n}\n`;
}
