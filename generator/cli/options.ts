// Option values shared by commands: formats (checked against the format table), block shapes, scale modes,
// number forms (--values), seeds, and the options of the simulation commands.

import { BASELINE_BF16, FORMAT_NAMES, UnknownFormatError, isFormatName, type FormatName } from '../formats/table';
import { ShapeError, parseBlockShape, type BlockShape } from '../golden/quantize';
import { SCALE_MODES, type ScaleMode } from '../golden/scale';
import { withSuggestion } from '../util/did-you-mean';
import { quoteText, shortText } from '../util/shown';
import type { OptionSpec, ParsedArgs } from './command';
import { UsageError } from './errors';
import { VALUE_FORMS, type ValueForm } from './values';

/** Largest block edge the CLI accepts (a block larger than the matrix is one padded block). */
export const MAX_BLOCK_EDGE = 65536;

/** The message of an unknown format, with a suggestion when a format is close. */
export function unknownFormatMessage(name: string, alsoAccepted: readonly string[] = []): string {
  // the name as typed, cut short and escaped (UnknownFormatError quotes it whole)
  return withSuggestion(new UnknownFormatError(shortText(name), alsoAccepted).message, name, [...FORMAT_NAMES, ...alsoAccepted]);
}

function tableFormat(option: string, name: string, alsoAccepted: readonly string[]): FormatName {
  if (!isFormatName(name)) throw new UsageError(`--${option}: ${unknownFormatMessage(name, alsoAccepted)}`);
  return name;
}

/** An MX element format name from the format table; `bf16` gets a message saying where it is accepted. */
export function mxFormatValue(option: string, name: string): FormatName {
  if (name === BASELINE_BF16) {
    throw new UsageError(
      `--${option}: '${BASELINE_BF16}' is the unscaled baseline, accepted only by 'mxgen gemm' and 'mxgen sim gemm'; choose one of: ${FORMAT_NAMES.join(', ')}`,
    );
  }
  return tableFormat(option, name, []);
}

/** An MX format name or `bf16`. */
export function gemmFormatValue(option: string, name: string): FormatName | typeof BASELINE_BF16 {
  return name === BASELINE_BF16 ? BASELINE_BF16 : tableFormat(option, name, [BASELINE_BF16]);
}

export function blockValue(option: string, text: string): BlockShape {
  let b: BlockShape;
  try {
    b = parseBlockShape(text);
  } catch (e) {
    if (e instanceof ShapeError) throw new UsageError(`--${option}: ${e.message}`);
    throw e;
  }
  if (b.rows > MAX_BLOCK_EDGE || b.cols > MAX_BLOCK_EDGE) {
    throw new UsageError(`--${option}: block shape ${quoteText(text)} has an edge above ${MAX_BLOCK_EDGE}`);
  }
  return b;
}

export const SCALE_MODE_OPTION: OptionSpec = {
  name: 'scale-mode',
  value: 'M',
  choices: SCALE_MODES,
  default: 'floor',
  help: `shared-scale rule: floor (OCP, floor(log2 amax) - emax) or rceil (never saturates the block maximum)`,
};

export function scaleModeValue(args: ParsedArgs): ScaleMode {
  return args.require('scale-mode') as ScaleMode;
}

export function outputOption(what: string): OptionSpec {
  return { name: 'output', value: 'FILE|-', default: '-', help: `where to write the ${what} JSON ('-' is stdout; a file is replaced only when complete)` };
}

export const VALUES_OPTION: OptionSpec = {
  name: 'values',
  value: 'FORM',
  choices: VALUE_FORMS,
  help: 'print numbers as decimal, hex or bits (see "Number forms" below); default: integers (FP32 bit patterns, codes)',
};

export function valuesForm(args: ParsedArgs): ValueForm | undefined {
  return args.string('values') as ValueForm | undefined;
}

/** Largest seed of the testbench's stall pattern (a 32-bit signed integer in the testbench). */
export const MAX_SIM_SEED = 2 ** 31 - 1;

export function seedOption(what: string, max: number, dflt = '1'): OptionSpec {
  return { name: 'seed', value: 'N', type: 'int', min: 0, max, default: dflt, help: `seed of ${what}` };
}

export const SIM_CHOICES = ['verilator', 'icarus'] as const;
export type SimChoice = (typeof SIM_CHOICES)[number];

/** Options of `mxgen sim quantize|gemm` after the command's own: simulator, stalls, seed, design, keep, waves. */
export const SIM_OPTIONS: readonly OptionSpec[] = [
  { name: 'sim', value: 'S', choices: SIM_CHOICES, default: 'verilator', help: 'simulator: verilator or icarus' },
  { name: 'stall', value: 'P', type: 'int', min: 0, max: 99, default: '0', help: 'percent of cycles with an input stall and with output back-pressure (random, from --seed)' },
  seedOption('the stall / back-pressure pattern (printed when a run fails)', MAX_SIM_SEED),
  { name: 'design', value: 'DIR', help: "simulate this generated folder's own Verilog (DIR/<top> with manifest.json) instead of generating the unit" },
  { name: 'keep', value: 'DIR', help: 'keep the RTL, testbench and vectors (with --waves also the VCD) in DIR (new or empty) and print their paths' },
  { name: 'waves', help: 'dump a VCD of every simulator run (kept under --keep DIR, else under sim/work/) and print the paths' },
  { name: 'no-check', help: 'do not compare the RTL result with the golden model' },
];

export const SIM_HELP = [
  '--design DIR: the folder of a generated top (mxgen generate ... --out OUT writes OUT/<top>/ with manifest.json);',
  "its manifest fixes the unit's parameters (format, k or tile, scale mode, input), which the options must agree",
  "with or leave out; its Verilog files (your edits included) are simulated as they are and checked bit for bit.",
  '--keep DIR: DIR/rtl/ (the Verilog that ran), DIR/<testbench>.v, and per simulator run DIR/run-N/ with vectors.hex,',
  'outputs.hex, run.log (and waves.vcd with --waves). Builds are cached in sim/build/ or in $MXGEN_CACHE_DIR.',
].join('\n');
