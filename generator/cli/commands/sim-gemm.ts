// `mxgen sim gemm`: the options and JSON of `mxgen gemm`, but every element of C is computed by a processing
// element (RTL) under Icarus or Verilator, chunk by chunk, the FP32 accumulator carried between chunks: a PE
// generated for the formats and k, or a design folder's own Verilog (--design). The work is in
// generator/drivers/sim-gemm.ts. Unless --no-check, the result is compared with `mxgen gemm` (the golden model)
// and a disagreement exits 1 with a short diff (after the JSON is written).

import type { Command } from '../command';
import type { LoadedDesign } from '../../drivers/design';
import { BASELINE_BF16 } from '../../formats/table';
import { blockShapeText } from '../../golden/quantize';
import { InputError, UsageError } from '../errors';
import { GEMM_FILE_OPTIONS, GEMM_FORMAT_OPTIONS, gemmOptionValues, readGemmOperands, resolveGemm, type GemmDefaults } from '../gemm-args';
import { MATRIX_INPUT_HELP, writeOutput } from '../io';
import { formatJson, matrixJson } from '../json';
import { QUANTIZED_INPUT_HELP } from '../operand';
import { SIM_HELP, SIM_OPTIONS, valuesForm } from '../options';
import { checkBuildCache, mismatch, reportFiles, simSettings } from '../sim-args';
import { VALUES_HELP } from '../values';
import { MAX_SIM_GEMM_K as MAX_K } from '../../rtl/pe/names';
import { ARRAY_OPTION, OP_OPTIONS, simGemmWithArray, usesOps } from './gemm-ops';

/** Largest number of PE transactions (M * N * chunks) the command simulates. */
const MAX_TRANSACTIONS = 1 << 22;

export const simGemmCommand: Command = {
  name: 'sim gemm',
  summary: 'mxgen gemm through processing element RTL (generated, or --design DIR) under Icarus or Verilator, golden-checked',
  usage:
    '(--format F [--format-b F2] | --design DIR) [--block-a RxC] [--block-b RxC] [--scale-mode M] [--array RxC [--op-a n|t] [--op-b n|t]] [--sim S] [--stall P] [--seed N] [--keep DIR] [--waves] [--no-check] --a FILE --b FILE [--c FILE] [--values FORM] [--output FILE|-]',
  options: [...GEMM_FORMAT_OPTIONS, ARRAY_OPTION, ...OP_OPTIONS, ...SIM_OPTIONS, ...GEMM_FILE_OPTIONS],
  help: [
    MATRIX_INPUT_HELP,
    QUANTIZED_INPUT_HELP,
    '',
    "Output: the JSON of 'mxgen gemm', {\"rows\":M,\"cols\":N,\"bits\":[FP32 bit patterns, row-major]}.",
    VALUES_HELP,
    '',
    'Operand quantization: the GOLDEN MODEL quantizes A and B (same as mxgen gemm), or they come pre-quantized;',
    'the RTL quantizer is not used. The RTL computes the rest: every element of C goes through the PE',
    `(k = the block edge along K, at most ${MAX_K} for a generated PE; with --design the design's k; 1xK/Kx1 blocks and`,
    'square tiles such as 8x8), one PE transaction per chunk, the FP32 accumulator carried from chunk to chunk (the',
    'last chunk of a row is padded with +0 codes).',
    `Format ${BASELINE_BF16}: the inputs are rounded FP32 -> BF16 (half to even) before the BF16 PE, which rounds`,
    'each product to FP32, adds them in a pairwise FP32 tree and adds the tree to the accumulator.',
    SIM_HELP,
    'Exit status 1 with a short diff summary on stderr when the RTL disagrees with the golden model (the JSON is',
    'written first); the summary ends with the --seed and --stall that repeat the run.',
    '',
    'Examples: mxgen sim gemm --format mxsf --block-a 8x8 --block-b 8x8 --a a.json --b b.json --sim icarus',
    '          mxgen sim gemm --design ip-out/acme_mxsf_pe_k16_d3 --a a.json --b b.json',
    '',
    '--array RxC: the GEMM runs on the generated accelerator (R x C PEs of T lanes, T = the square block edge; bf16:',
    'the BF16 array with T-element chunks): A and B stored once as T x T tiles, --op-a/--op-b t read a stored tile',
    'transposed; the cycle count and the cycle model go to stderr. Example:',
    '  mxgen sim gemm --array 4x4 --format mxsf --block-a 8x8 --block-b 8x8 --op-b t --a a.json --b b.json',
  ].join('\n'),
  async run(args, io) {
    if (args.given('array')) return simGemmWithArray(args, io, args.require('sim') as 'verilator' | 'icarus', args.flag('no-check'));
    if (usesOps(args)) throw new UsageError('--op-a t / --op-b t run on the accelerator: add --array RxC (the PE path takes the operands as given)');
    const options = gemmOptionValues(args);
    const form = valuesForm(args);
    const s = simSettings(args, io);
    let design: LoadedDesign | undefined;
    let defaults: GemmDefaults = {};
    if (args.given('design')) {
      const { loadDesign } = await import('../../drivers/design');
      design = await loadDesign(args.require('design'), io.cwd, 'gemm');
      if (design.spec.unit !== 'pe') throw new UsageError(`--design ${design.shown}: a ${design.spec.unit} runs under 'mxgen sim quantize'`);
      defaults = { formatA: design.spec.formatA, formatB: design.spec.formatB, k: design.spec.k };
    }
    await checkBuildCache();
    const g = resolveGemm(options, await readGemmOperands(args, io), defaults);
    const drivers = await import('../../drivers/sim-gemm');
    if (design) {
      const problem = drivers.designGemmProblem(design, g);
      if (problem) throw new UsageError(problem);
    }
    const k = drivers.simGemmK(g, design);
    if (!design && k > MAX_K) {
      throw new UsageError(`--block-a ${blockShapeText(g.blockA)}: a chunk length of ${k} is above ${MAX_K}, too large a PE to build and simulate`);
    }
    const sa = g.a.kind === 'matrix' ? g.a.m : g.a.q;
    const sb = g.b.kind === 'matrix' ? g.b.m : g.b.q;
    const transactions = sa.rows * sb.cols * Math.ceil(sa.cols / k);
    if (transactions > MAX_TRANSACTIONS) {
      throw new InputError(`the product needs ${transactions} PE transactions (M*N*chunks), more than ${MAX_TRANSACTIONS} for a simulation`);
    }
    const r = await drivers.simGemm(g, {
      sim: s.sim,
      seed: s.seed,
      stallPercent: s.stallPercent,
      waves: s.waves,
      ...(design ? { design } : {}),
      ...(s.keep ? { keep: s.keep } : {}),
    });
    await writeOutput(args.require('output'), formatJson(matrixJson(r.result, form)), io);
    reportFiles(io, r.kept, r.waves);
    if (!s.check) return;
    const { goldenGemm } = await import('../../drivers/gemm');
    const diff = drivers.gemmDiff(goldenGemm(g), r.result, `${r.top}, ${s.sim}, ${r.transactions} transactions in ${r.chunks} chunk(s)`);
    if (diff !== undefined) throw mismatch(diff, s);
  },
};
