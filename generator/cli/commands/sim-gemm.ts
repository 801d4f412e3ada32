// `mxgen sim gemm`: the options and JSON of `mxgen gemm`, but every element of C is computed by the generated
// processing element (RTL) under Icarus or Verilator, chunk by chunk, the FP32 accumulator carried between
// chunks. Operand quantization is the golden model's. Unless --no-check, the result is compared with
// `mxgen gemm` (the golden model) and a disagreement exits 1 with a short diff (after the JSON is written).

import type { Command } from '../command';
import { BASELINE_BF16 } from '../../formats/table';
import { blockShapeText } from '../../golden/quantize';
import { InputError, UsageError } from '../errors';
import { GEMM_FILE_OPTIONS, GEMM_FORMAT_OPTIONS, gemmFormatArgs, goldenGemm, readGemmOperands } from '../gemm-args';
import { MATRIX_INPUT_HELP, writeOutput } from '../io';
import { formatJson, matrixJson } from '../json';
import { RtlMismatchError, SIM_CHOICES, type SimChoice } from './sim-quantize';
import { MAX_SIM_GEMM_K as MAX_K } from '../../rtl/pe/names';
import { ARRAY_OPTION, OP_OPTIONS, simGemmWithArray, usesOps } from './gemm-ops';

/** Largest number of PE transactions (M * N * chunks) the command simulates. */
const MAX_TRANSACTIONS = 1 << 22;

export const simGemmCommand: Command = {
  name: 'sim gemm',
  summary: 'mxgen gemm computed by the generated processing element RTL under Icarus or Verilator (checked against the golden model)',
  usage:
    '--format F [--format-b F2] [--block-a RxC] [--block-b RxC] [--scale-mode M] [--array RxC [--op-a n|t] [--op-b n|t]] [--sim verilator|icarus] [--no-check] --a FILE --b FILE [--c FILE] [--output FILE|-]',
  options: [
    ...GEMM_FORMAT_OPTIONS,
    ARRAY_OPTION,
    ...OP_OPTIONS,
    { name: 'sim', value: 'S', choices: SIM_CHOICES, default: 'verilator', help: 'simulator: verilator or icarus' },
    { name: 'no-check', help: "do not compare the RTL result with the golden model ('mxgen gemm')" },
    ...GEMM_FILE_OPTIONS,
  ],
  help: [
    MATRIX_INPUT_HELP,
    '',
    "Output: the JSON of 'mxgen gemm', {\"rows\":M,\"cols\":N,\"bits\":[FP32 bit patterns, row-major]}.",
    '',
    'Operand quantization: the GOLDEN MODEL quantizes A and B (same as mxgen gemm); the RTL quantizer is not used.',
    'The RTL computes the rest: every element of C goes through the generated PE (k = the block edge along K,',
    `at most ${MAX_K}; 1xK/Kx1 blocks and square tiles such as 8x8), one PE transaction per chunk, the FP32`,
    'accumulator carried from chunk to chunk (the last chunk of a row is padded with +0 codes).',
    `Format ${BASELINE_BF16}: the inputs are rounded FP32 -> BF16 (half to even) before the BF16 PE, which rounds`,
    'each product to FP32, adds them in a pairwise FP32 tree and adds the tree to the accumulator.',
    'The PE for the chosen formats and k is generated and built on the fly (builds are cached in sim/build/).',
    'Exit status 1 with a short diff summary on stderr when the RTL disagrees with the golden model.',
    '',
    'Example: mxgen sim gemm --format mxsf --block-a 8x8 --block-b 8x8 --a a.json --b b.json --sim icarus',
    '',
    '--array RxC: the GEMM runs on the generated accelerator (R x C PEs of T lanes, T = the square block edge; bf16:',
    'the BF16 array with T-element chunks): A and B stored once as T x T tiles, --op-a/--op-b t read a stored tile',
    'transposed; the cycle count and the cycle model go to stderr. Example:',
    '  mxgen sim gemm --array 4x4 --format mxsf --block-a 8x8 --block-b 8x8 --op-b t --a a.json --b b.json',
  ].join('\n'),
  async run(args, io) {
    const sim = args.require('sim') as SimChoice;
    if (args.given('array')) return simGemmWithArray(args, io, sim, args.flag('no-check'));
    if (usesOps(args)) throw new UsageError('--op-a t / --op-b t run on the accelerator: add --array RxC (the PE path takes the operands as given)');
    const formats = gemmFormatArgs(args);
    const g = { ...formats, ...(await readGemmOperands(args, io)) };
    const { formatA, formatB, blockA, blockB, scaleMode, a, b, c } = g;
    const k = Math.min(blockA.cols, a.cols);
    if (k > MAX_K) {
      throw new UsageError(`--block-a ${blockShapeText(blockA)}: a chunk length of ${k} is above ${MAX_K}, too large a PE to build and simulate`);
    }
    const transactions = a.rows * b.cols * Math.ceil(a.cols / k);
    if (transactions > MAX_TRANSACTIONS) {
      throw new InputError(`the product needs ${transactions} PE transactions (M*N*chunks), more than ${MAX_TRANSACTIONS} for a simulation`);
    }
    const { requireTool } = await import('../../sim/tools');
    if (sim === 'icarus') {
      requireTool('iverilog');
      requireTool('vvp');
    } else requireTool('verilator');
    const { simGemm, gemmDiff } = await import('../../rtl/pe/gemm');
    const r = await simGemm(a, b, { formatA, formatB, blockA, blockB, scaleMode, c, sim });
    await writeOutput(args.require('output'), formatJson(matrixJson(r.result)), io);
    if (args.flag('no-check')) return;
    const golden = goldenGemm(g);
    const diff = gemmDiff(golden, r.result, `${r.top}, ${sim}, ${r.transactions} transactions in ${r.chunks} chunk(s)`);
    if (diff !== undefined) throw new RtlMismatchError(diff);
  },
};
