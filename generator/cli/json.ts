// JSON output shared by commands: the quantize output form (also printed by `mxgen sim quantize`),
// the matrix form, and a writer that puts each top-level key on its own line. Numbers are written in the
// `--values` form (values.ts); without it the shapes are the integer forms below.

import { dequantize, type Matrix, type QuantizedMatrix } from '../golden/quantize';
import { codeJson, fp32Json, RawJson, scaleJson, type ValueForm } from './values';

type JsonNumber = number | string | RawJson;

/** The output of `mxgen quantize`. */
export interface QuantizeJson {
  readonly format: string;
  readonly block: readonly [number, number];
  readonly scaleMode: string;
  readonly rows: number;
  readonly cols: number;
  /** E8M0 codes, block grid row-major. */
  readonly scales: readonly JsonNumber[];
  /** element codes as unsigned integers, row-major. */
  readonly codes: readonly JsonNumber[];
  /** dequantized values as FP32 bit patterns, row-major. */
  readonly values: readonly JsonNumber[];
}

/** Builds the quantize output; `values` defaults to the golden dequantization of `q`. */
export function quantizeJson(q: QuantizedMatrix, values: ArrayLike<number> = dequantize(q), form?: ValueForm): QuantizeJson {
  return {
    format: q.format,
    block: [q.block.rows, q.block.cols],
    scaleMode: q.scaleMode,
    rows: q.rows,
    cols: q.cols,
    scales: Array.from(q.scales, (s) => scaleJson(s, form)),
    codes: Array.from(q.codes, (c) => codeJson(c, q.format, form)),
    values: Array.from(values, (v) => fp32Json(v, form)),
  };
}

/**
 * The matrix form `{"rows","cols","bits"}` (also a valid matrix input); with `--values decimal` it is
 * `{"rows","cols","data"}`, also a valid input.
 */
export function matrixJson(m: Matrix, form?: ValueForm): Record<string, unknown> {
  const key = form === 'decimal' ? 'data' : 'bits';
  return { rows: m.rows, cols: m.cols, [key]: Array.from(m.bits, (b) => fp32Json(b, form)) };
}

/** Compact JSON text of a value; RawJson fragments are written as they are. */
export function jsonText(v: unknown): string {
  if (v instanceof RawJson) return v.text;
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** JSON text with one top-level key per line and compact values, ending in a newline. */
export function formatJson(value: object): string {
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `  ${JSON.stringify(k)}: ${jsonText(v)}`);
  return `{\n${entries.join(',\n')}\n}\n`;
}
