// `mxgen sim gemm`: the options and JSON of `mxgen gemm`, but every element of C is computed by the generated
// processing element (RTL) under Icarus or Verilator, chunk by chunk, the FP32 accumulator carried between
// chunks. Operand quantization is the golden model's. Unless --no-check, the result is compared with
// `mxgen gemm` (the golden model) and a disagreement exits 1 with a short diff (after the JSON is written).

import type { Command } from '../command';
import { BASELINE_BF16, FORMAT_NAMES } from '../../formats/table';
import { DEFAULT_BLOCK_A, DEFAULT_BLOCK_B } from '../../golden/gemm';
import { blockShapeText } from '../../golden/quantize';
import { InputError, UsageError } from '../errors';
import { MATRIX_INPUT_HELP, readMatrixJson, sourceName, writeOutput } from '../io';
import { formatJson, matrixJson } from '../json';
import { blockValue, gemmFormatValue, outputOption, scaleModeValue, SCALE_MODE_OPTION } from '../options';
import { MAX_OUTPUT_ELEMENTS } from './gemm';
import { RtlMismatchError, SIM_CHOICES, type SimChoice } from './sim-quantize';
import { MAX_SIM_GEMM_K as MAX_K } from '../../rtl/pe/names';

/** Largest number of PE transactions (M * N * chunks) the command simulates. */
const MAX_TRANSACTIONS = 1 << 22;

export const simGemmCommand: Command = {
  name: 'sim gemm',
  summary: 'mxgen gemm computed by the generated processing element RTL under Icarus or Verilator (checked against the golden model)',
  usage:
    '--format F [--format-b F2] [--block-a RxC] [--block-b RxC] [--scale-mode M] [--sim verilator|icarus] [--no-check] --a FILE --b FILE [--c FILE] [--output FILE|-]',
  options: [
    { name: 'format', value: 'F', required: true, help: `format of A (and of B unless --format-b): ${[...FORMAT_NAMES, BASELINE_BF16].join(', ')}` },
    { name: 'format-b', value: 'F2', help: 'format of B (default: --format)' },
    { name: 'block-a', value: 'RxC', default: blockShapeText(DEFAULT_BLOCK_A), help: 'block shape of A; its column count is the chunk length k' },
    { name: 'block-b', value: 'RxC', default: blockShapeText(DEFAULT_BLOCK_B), help: 'block shape of B; its row count must equal k' },
    SCALE_MODE_OPTION,
    { name: 'sim', value: 'S', choices: SIM_CHOICES, default: 'verilator', help: 'simulator: verilator or icarus' },
    { name: 'no-check', help: "do not compare the RTL result with the golden model ('mxgen gemm')" },
    { name: 'a', value: 'FILE', required: true, help: "A, M x K matrix JSON ('-' is stdin)" },
    { name: 'b', value: 'FILE', required: true, help: "B, K x N matrix JSON ('-' is stdin)" },
    { name: 'c', value: 'FILE', help: 'accumulator input, M x N matrix JSON (default: +0)' },
    outputOption('result'),
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
  ].join('\n'),
  async run(args, io) {
    const formatA = gemmFormatValue('format', args.require('format'));
    const formatB = args.given('format-b') ? gemmFormatValue('format-b', args.require('format-b')) : formatA;
    if ((formatA === BASELINE_BF16) !== (formatB === BASELINE_BF16)) {
      throw new UsageError(`'${BASELINE_BF16}' is the unscaled baseline and cannot be mixed with an MX format (--format ${formatA}, --format-b ${formatB})`);
    }
    const blockA = blockValue('block-a', args.require('block-a'));
    const blockB = blockValue('block-b', args.require('block-b'));
    if (blockA.cols !== blockB.rows) {
      throw new UsageError(
        `the blocks' edges along K differ: --block-a ${blockShapeText(blockA)} has ${blockA.cols} columns, ` +
          `--block-b ${blockShapeText(blockB)} has ${blockB.rows} rows; use matching edges (e.g. 1x32 with 32x1, 8x8 with 8x8)`,
      );
    }
    const mode = scaleModeValue(args);
    const sim = args.require('sim') as SimChoice;
    const files = { a: args.require('a'), b: args.require('b'), c: args.string('c') };
    const fromStdin = Object.entries(files).filter(([, f]) => f === '-');
    if (fromStdin.length > 1) {
      throw new UsageError(`only one input can come from stdin, but ${fromStdin.map(([k]) => `--${k}`).join(' and ')} are '-'`);
    }
    const a = await readMatrixJson(files.a, 'A', io);
    const b = await readMatrixJson(files.b, 'B', io);
    const c = files.c === undefined ? undefined : await readMatrixJson(files.c, 'C', io);
    const nameA = sourceName(files.a, 'A');
    const nameB = sourceName(files.b, 'B');
    if (a.cols !== b.rows) {
      throw new InputError(`${nameA} is ${a.rows}x${a.cols} and ${nameB} is ${b.rows}x${b.cols}: A's columns must equal B's rows (K)`);
    }
    if (c && (c.rows !== a.rows || c.cols !== b.cols)) {
      throw new InputError(`${sourceName(files.c!, 'C')} is ${c.rows}x${c.cols} but A*B is ${a.rows}x${b.cols}`);
    }
    if (a.rows * b.cols > MAX_OUTPUT_ELEMENTS) {
      throw new InputError(`the result would be ${a.rows}x${b.cols}, more than ${MAX_OUTPUT_ELEMENTS} elements`);
    }
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
    const r = await simGemm(a, b, { formatA, formatB, blockA, blockB, scaleMode: mode, c, sim });
    await writeOutput(args.require('output'), formatJson(matrixJson(r.result)), io);
    if (args.flag('no-check')) return;
    const { gemm, gemmBf16 } = await import('../../golden/gemm');
    const golden =
      formatA === BASELINE_BF16
        ? gemmBf16(a, b, c, blockA.cols)
        : gemm(a, b, { formatA, formatB: formatB as typeof formatA, blockA, blockB, scaleMode: mode, c });
    const diff = gemmDiff(golden, r.result, `${r.top}, ${sim}, ${r.transactions} transactions in ${r.chunks} chunk(s)`);
    if (diff !== undefined) throw new RtlMismatchError(diff);
  },
};
