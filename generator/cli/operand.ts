// GEMM operands: an FP32 matrix (the matrix input form of io.ts) or a pre-quantized operand, the JSON that
// `mxgen quantize` writes ({"format","block","scaleMode","rows","cols","scales","codes","values"}). A file is
// pre-quantized when it has "codes" or "scales". Its "values" are not read (they are derived from the codes).

import { BASELINE_BF16, FORMAT_NAMES, FORMAT_TABLE, isFormatName } from '../formats/table';
import { codeBits } from '../formats/derive';
import type { GemmOperand } from '../drivers/gemm';
import type { QuantizedMatrix } from '../golden/quantize';
import { SCALE_MODES, type ScaleMode } from '../golden/scale';
import { withSuggestion } from '../util/did-you-mean';
import { quoteText } from '../util/shown';
import { InputError } from './errors';
import { describe, matrixFromJson, parseJsonText, readInputText, sourceName, type CliIO } from './io';
import { MAX_BLOCK_EDGE } from './options';
import { readUnsigned } from './values';

export { operandShape } from '../drivers/gemm';

/** The pre-quantized input form, for commands' help text. */
export const QUANTIZED_INPUT_HELP = [
  "Pre-quantized operands: --a/--b may also be the JSON that 'mxgen quantize' writes (any --values form):",
  '{"format","block":[br,bc],"scaleMode","rows","cols","scales":[E8M0 codes],"codes":[element codes]}; its',
  '"values" are not read. Its format must agree with --format (--format-b for B) or supplies it; its block shape',
  'must agree with --block-a (--block-b) or supplies it. The codes and scales are used as they are.',
].join('\n');

const positive = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;

/** Validates the quantize output form; every problem is one InputError naming the file and the key. */
export function quantizedFromJson(json: Record<string, unknown>, where: string): QuantizedMatrix {
  for (const key of ['bits', 'data']) {
    if (json[key] !== undefined) {
      throw new InputError(`${where}: has both "${key}" (a matrix) and "codes"/"scales" (a quantized operand); give one form`);
    }
  }
  for (const key of ['format', 'block', 'rows', 'cols', 'scales', 'codes']) {
    if (json[key] === undefined) throw new InputError(`${where}: a quantized operand needs "${key}" (the JSON that 'mxgen quantize' writes)`);
  }
  const format = json.format;
  if (typeof format !== 'string') throw new InputError(`${where}: "format" must be a string, got ${describe(format)}`);
  if (format === BASELINE_BF16) throw new InputError(`${where}: "format" ${BASELINE_BF16} is not an MX format; a quantized operand has an MX format`);
  if (!isFormatName(format)) {
    throw new InputError(withSuggestion(`${where}: unknown "format" ${quoteText(format)}; choose one of: ${FORMAT_NAMES.join(', ')}`, format, FORMAT_NAMES));
  }
  const block = json.block;
  if (!Array.isArray(block) || block.length !== 2 || !block.every(positive) || block.some((e: number) => e > MAX_BLOCK_EDGE)) {
    throw new InputError(`${where}: "block" must be [rows, cols] with positive integers up to ${MAX_BLOCK_EDGE}, got ${describe(block)}`);
  }
  let scaleMode: ScaleMode = 'floor';
  if (json.scaleMode !== undefined) {
    if (typeof json.scaleMode !== 'string' || !(SCALE_MODES as readonly string[]).includes(json.scaleMode)) {
      throw new InputError(`${where}: "scaleMode" must be one of ${SCALE_MODES.join(', ')}, got ${describe(json.scaleMode)}`);
    }
    scaleMode = json.scaleMode as ScaleMode;
  }
  for (const key of ['rows', 'cols'] as const) {
    if (!positive(json[key])) throw new InputError(`${where}: "${key}" must be a positive integer, got ${describe(json[key])}`);
  }
  const rows = json.rows as number;
  const cols = json.cols as number;
  const [br, bc] = block as [number, number];
  const gridRows = Math.ceil(rows / br);
  const gridCols = Math.ceil(cols / bc);
  const width = codeBits(FORMAT_TABLE[format]);
  const list = (key: 'scales' | 'codes', n: number, bits: number, what: string): Uint8Array => {
    const v = json[key];
    if (!Array.isArray(v)) throw new InputError(`${where}: "${key}" must be an array, got ${describe(v)}`);
    if (v.length !== n) throw new InputError(`${where}: "${key}" has ${v.length} entries; ${what} needs ${n}`);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = readUnsigned(v[i], bits);
      if (c === undefined) {
        throw new InputError(`${where}: ${key}[${i}] must be ${bits === 8 ? 'an' : 'a'} ${bits}-bit code (0..${2 ** bits - 1}, "0x..." or "0b..."), got ${describe(v[i])}`);
      }
      out[i] = c;
    }
    return out;
  };
  const scales = list('scales', gridRows * gridCols, 8, `a ${rows}x${cols} matrix in ${br}x${bc} blocks (a ${gridRows}x${gridCols} grid)`);
  const codes = list('codes', rows * cols, width, `a ${rows}x${cols} matrix`);
  return { format, block: { rows: br, cols: bc }, scaleMode, rows, cols, gridRows, gridCols, scales, codes };
}

/** Reads a GEMM operand file (or stdin for '-'): a matrix or a pre-quantized operand. */
export async function readOperand(file: string, label: string, io: CliIO): Promise<GemmOperand> {
  const where = sourceName(file, label);
  const text = await readInputText(file, label, io);
  const json = parseJsonText(text, where);
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const o = json as Record<string, unknown>;
    if (o.codes !== undefined || o.scales !== undefined) return { kind: 'quantized', q: quantizedFromJson(o, where) };
  }
  return { kind: 'matrix', m: matrixFromJson(json, where, text) };
}
