// Option values shared by commands: formats (checked against the format table), block shapes, scale modes.

import { BASELINE_BF16, FORMAT_NAMES, UnknownFormatError, isFormatName, type FormatName } from '../formats/table';
import { ShapeError, parseBlockShape, type BlockShape } from '../golden/quantize';
import { SCALE_MODES, type ScaleMode } from '../golden/scale';
import type { OptionSpec, ParsedArgs } from './command';
import { UsageError } from './errors';

/** Largest block edge the CLI accepts (a block larger than the matrix is one padded block). */
export const MAX_BLOCK_EDGE = 65536;

function tableFormat(option: string, name: string, alsoAccepted: readonly string[]): FormatName {
  if (!isFormatName(name)) throw new UsageError(`--${option}: ${new UnknownFormatError(name, alsoAccepted).message}`);
  return name;
}

/** An MX element format name from the format table; `bf16` gets a message saying where it is accepted. */
export function mxFormatValue(option: string, name: string): FormatName {
  if (name === BASELINE_BF16) {
    throw new UsageError(
      `--${option}: '${BASELINE_BF16}' is the unscaled baseline, accepted only by 'mxgen gemm'; choose one of: ${FORMAT_NAMES.join(', ')}`,
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
    throw new UsageError(`--${option}: block shape '${text}' has an edge above ${MAX_BLOCK_EDGE}`);
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
  return { name: 'output', value: 'FILE|-', default: '-', help: `where to write the ${what} JSON ('-' is stdout)` };
}
