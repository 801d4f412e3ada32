// The --op-a/--op-b options of `mxgen gemm` and `mxgen sim gemm`, and `mxgen sim gemm --array RxC` (the GEMM
// through the generated accelerator). The files hold the STORED operands; `t` uses one transposed (square tiles
// only). Parse, call, print: the work is in generator/rtl/array/gemm-driver.ts.

import type { OptionSpec, ParsedArgs } from '../command';
import { InputError, UsageError } from '../errors';
import { gemmFileArgs, gemmOptionValues } from '../gemm-args';
import { DEFAULT_BLOCK_A, DEFAULT_BLOCK_B } from '../../golden/gemm';
import { readMatrixJson, sourceName, writeOutput, type CliIO } from '../io';
import { formatJson, matrixJson } from '../json';
import type { Matrix } from '../../golden/quantize';
import { quoteText } from '../../util/shown';

export const OP_OPTIONS: readonly OptionSpec[] = [
  { name: 'op-a', value: 'n|t', choices: ['n', 't'], default: 'n', help: 'op(A): the stored A as is (n) or transposed (t; needs square --block-a)' },
  { name: 'op-b', value: 'n|t', choices: ['n', 't'], default: 'n', help: 'op(B): the stored B as is (n) or transposed (t; needs square --block-b)' },
];

export const ARRAY_OPTION: OptionSpec = {
  name: 'array',
  value: 'RxC',
  help: 'run the GEMM through the generated R x C accelerator (mxgen generate array) instead of the PE; needs --block-a TxT --block-b TxT',
};

/** The format and block options of the accelerator paths (FP32 operand files only; blocks default 1x32 / 32x1). */
function gemmFormatArgs(args: ParsedArgs) {
  const o = gemmOptionValues(args);
  if (o.formatA === undefined) throw new UsageError('missing required option --format (--op-a/--op-b t and --array take FP32 matrices, not pre-quantized files)');
  return { formatA: o.formatA, formatB: o.formatB ?? o.formatA, blockA: o.blockA ?? DEFAULT_BLOCK_A, blockB: o.blockB ?? DEFAULT_BLOCK_B, scaleMode: o.scaleMode };
}

type Ops = { readonly opA: 'n' | 't'; readonly opB: 'n' | 't' };

export const opsOf = (args: ParsedArgs): Ops => ({ opA: args.require('op-a') as 'n' | 't', opB: args.require('op-b') as 'n' | 't' });
export const usesOps = (args: ParsedArgs): boolean => args.require('op-a') === 't' || args.require('op-b') === 't';

/** A, B, C read with the shape check of op(A) * op(B). */
async function readOperands(args: ParsedArgs, io: CliIO, ops: Ops): Promise<{ a: Matrix; b: Matrix; c: Matrix | undefined }> {
  const files = gemmFileArgs(args);
  const a = await readMatrixJson(files.a, 'A', io);
  const b = await readMatrixJson(files.b, 'B', io);
  const c = files.c === undefined ? undefined : await readMatrixJson(files.c, 'C', io);
  const { opShapes, GemmOpError } = await import('../../rtl/array/gemm-driver');
  try {
    opShapes({ a, b, c, ...ops });
  } catch (e) {
    if (e instanceof GemmOpError) throw new InputError(`${sourceName(files.a, 'A')} and ${sourceName(files.b, 'B')}: ${e.message}`);
    throw e;
  }
  return { a, b, c };
}

/** `mxgen gemm` with --op-a/--op-b t: the golden product of the stored operands. */
export async function goldenGemmWithOps(args: ParsedArgs, io: CliIO): Promise<void> {
  const formats = gemmFormatArgs(args);
  const ops = opsOf(args);
  const { goldenGemmOps, checkOps } = await import('../../rtl/array/gemm-driver');
  checkOps({ ...formats, ...ops });
  const m = await readOperands(args, io, ops);
  await writeOutput(args.require('output'), formatJson(matrixJson(goldenGemmOps({ ...formats, ...m, ...ops }))), io);
}

function arrayShape(text: string): { rows: number; cols: number } {
  const m = /^([1-9][0-9]*)x([1-9][0-9]*)$/.exec(text.trim());
  if (!m) throw new UsageError(`--array ${quoteText(text)} is not RxC with positive integers (e.g. 4x4)`);
  return { rows: Number(m[1]), cols: Number(m[2]) };
}

/** Largest multiply-add count `sim gemm --array` simulates. */
export const MAX_ARRAY_MACS = 1 << 28;

/** `mxgen sim gemm --array RxC`: the product through the generated array, checked against goldenGemmOps. */
export async function simGemmWithArray(args: ParsedArgs, io: CliIO, sim: 'verilator' | 'icarus', noCheck: boolean): Promise<void> {
  const shape = arrayShape(args.require('array'));
  const formats = gemmFormatArgs(args);
  const ops = opsOf(args);
  const drv = await import('../../rtl/array/gemm-driver');
  drv.checkOps({ ...formats, ...ops });
  drv.simArrayConfig(formats, shape, 1);
  const m = await readOperands(args, io, ops);
  const { m: M, k: K, n: N } = drv.opShapes({ ...m, ...ops });
  if (M * N * K > MAX_ARRAY_MACS) throw new InputError(`the product needs ${M * N * K} multiply-adds, more than ${MAX_ARRAY_MACS} for a simulation`);
  const { requireTool } = await import('../../sim/tools');
  if (sim === 'icarus') {
    requireTool('iverilog');
    requireTool('vvp');
  } else requireTool('verilator');
  const r = await drv.simGemmArray({ ...formats, ...m, ...ops }, { ...shape, sim });
  await writeOutput(args.require('output'), formatJson(matrixJson(r.result)), io);
  io.err(`sim gemm: ${r.top} (${sim}): ${r.cycles} cycles (cycle model ${r.model.cycles}), ${r.model.macs} MACs, utilisation ${(100 * r.model.utilisation).toFixed(1)} %\n`);
  if (noCheck) return;
  const golden = drv.goldenGemmOps({ ...formats, ...m, ...ops });
  const { gemmDiff } = await import('../../rtl/pe/gemm');
  const diff = gemmDiff(golden, r.result, `${r.top}, ${sim}, op ${ops.opA}${ops.opB}`);
  const { RtlMismatchError } = await import('../../drivers/errors');
  if (diff !== undefined) throw new RtlMismatchError(diff);
  if (r.cycles !== r.model.cycles) throw new RtlMismatchError(`the array took ${r.cycles} cycles; the cycle model (generator/rtl/array/cycles.ts) says ${r.model.cycles}`);
}
