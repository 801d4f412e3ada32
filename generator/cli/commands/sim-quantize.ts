// `mxgen sim quantize`: the options and JSON of `mxgen quantize`, but the scales and codes come from quantizer
// RTL under Icarus or Verilator: generated for the options (1xK rows, Kx1 columns, RxC tiles) or a design
// folder's own Verilog (--design). The work is in generator/drivers/sim-quantize.ts. Unless --no-check, the RTL
// result is compared with the golden model and a disagreement exits 1 with a short diff (after the JSON is written).

import type { Command } from '../command';
import type { LoadedDesign } from '../../drivers/design';
import { FORMAT_NAMES, type FormatName } from '../../formats/table';
import { DEFAULT_BLOCK_A } from '../../golden/gemm';
import { blockShapeText, type BlockShape } from '../../golden/quantize';
import type { ScaleMode } from '../../golden/scale';
import { UsageError } from '../errors';
import { MATRIX_INPUT_HELP, readMatrixJson, writeOutput } from '../io';
import { formatJson, quantizeJson } from '../json';
import { blockValue, mxFormatValue, outputOption, SCALE_MODE_OPTION, SIM_HELP, SIM_OPTIONS, valuesForm, VALUES_OPTION } from '../options';
import { checkBuildCache, mismatch, reportFiles, simSettings } from '../sim-args';
import { VALUES_HELP } from '../values';

export const simQuantizeCommand: Command = {
  name: 'sim quantize',
  summary: 'mxgen quantize through quantizer RTL (generated, or --design DIR) under Icarus or Verilator, golden-checked',
  usage:
    '(--format F [--block RxC] [--scale-mode M] [--bf16-input] | --design DIR) [--sim S] [--stall P] [--seed N] [--keep DIR] [--waves] [--no-check] [--input FILE|-] [--values FORM] [--output FILE|-]',
  options: [
    { name: 'format', value: 'F', help: `element format: ${FORMAT_NAMES.join(', ')} (required unless --design)` },
    {
      name: 'block',
      value: 'RxC',
      default: blockShapeText(DEFAULT_BLOCK_A),
      help: "block shape: 1xK runs the block quantizer along rows, Kx1 along columns, RxC (R, C > 1) the streaming tile re-quantizer; partial blocks are padded with zeros (with --design: the design's)",
    },
    { ...SCALE_MODE_OPTION, help: `${SCALE_MODE_OPTION.help} (with --design: the design's)` },
    { name: 'bf16-input', help: "use the BF16-input quantizer: the matrix is rounded to BF16 (half to even) first, and checked on those values (with --design: the design's input)" },
    ...SIM_OPTIONS,
    { name: 'input', value: 'FILE|-', default: '-', help: "matrix JSON to quantize ('-' is stdin)" },
    VALUES_OPTION,
    outputOption('quantized'),
  ],
  help: [
    MATRIX_INPUT_HELP,
    '',
    "Output: the JSON of 'mxgen quantize' (scales and codes from the RTL; values = their golden dequantization).",
    VALUES_HELP,
    '',
    'The quantizer (1xK, Kx1) or tile re-quantizer (RxC) for the block shape is generated and built on the fly.',
    SIM_HELP,
    'Exit status 1 with a short diff summary on stderr when the RTL disagrees with the golden model (the JSON is',
    'written first); the summary ends with the --seed and --stall that repeat the run.',
    '',
    'Examples: echo \'{"rows":1,"cols":2,"data":[7,1]}\' | mxgen sim quantize --format mxfp4-e2m1 --sim icarus',
    '          mxgen sim quantize --design ip-out/mxsf_quant_k32_floor_fp32_d1 --input m.json --keep run1 --waves',
  ].join('\n'),
  async run(args, io) {
    const format = args.given('format') ? mxFormatValue('format', args.require('format')) : undefined;
    const blockGiven = args.given('block') ? blockValue('block', args.require('block')) : undefined;
    const modeGiven = args.given('scale-mode') ? (args.require('scale-mode') as ScaleMode) : undefined;
    const form = valuesForm(args);
    const s = simSettings(args, io);
    const drivers = await import('../../drivers/sim-quantize');
    let design: LoadedDesign | undefined;
    let resolved: { format: FormatName; block: BlockShape; scaleMode: ScaleMode; bf16: boolean };
    if (args.given('design')) {
      const { loadDesign } = await import('../../drivers/design');
      design = await loadDesign(args.require('design'), io.cwd, 'quantize');
      const spec = design.spec;
      if (spec.unit === 'pe') throw new UsageError(`--design ${design.shown}: a PE runs under 'mxgen sim gemm'`);
      resolved = {
        format: format ?? spec.format,
        block: blockGiven ?? drivers.designBlocks(design)[0]!,
        scaleMode: modeGiven ?? spec.scaleMode,
        bf16: args.flag('bf16-input') || spec.input === 'bf16',
      };
      const problem = drivers.designQuantizeProblem(design, resolved);
      if (problem) throw new UsageError(problem);
    } else {
      if (!format) throw new UsageError('missing required option --format (or give --design DIR)');
      resolved = { format, block: blockGiven ?? DEFAULT_BLOCK_A, scaleMode: modeGiven ?? 'floor', bf16: args.flag('bf16-input') };
      const problem = drivers.simBlockProblem(resolved.block);
      if (problem) throw new UsageError(problem);
    }
    const { format: fmt, block, scaleMode, bf16 } = resolved;
    await checkBuildCache();
    const m = await readMatrixJson(args.require('input'), 'input', io);
    const r = await drivers.simQuantize(m, {
      format: fmt,
      block,
      scaleMode,
      sim: s.sim,
      bf16,
      seed: s.seed,
      stallPercent: s.stallPercent,
      waves: s.waves,
      ...(design ? { design } : {}),
      ...(s.keep ? { keep: s.keep } : {}),
    });
    await writeOutput(args.require('output'), formatJson(quantizeJson(r.rtl, undefined, form)), io);
    reportFiles(io, r.kept, r.waves);
    if (!s.check) return;
    const { quantize } = await import('../../golden/quantize');
    const diff = drivers.diffSummary(r.input, quantize(r.input, fmt, block, scaleMode), r.rtl, s.sim, r.top);
    if (diff !== undefined) throw mismatch(diff, s);
  },
};
