// Validation of the `mxgen train-step` options, independent of the CLI framework's argument parser:
// raw option values (strings as typed) in, a request for report.ts out. Every error is one line.

import { FORMAT_NAMES, SCALE_MODES, isFormatName, isScaleMode, type FormatName, type ScaleMode } from '../golden/index';
import { DEFAULT_SEED, DEFAULT_SHAPE, SCHEMES, TILE_SIZES, type LayerShape, type Scheme } from './linear-step';
import type { CompareRequest, TrainStepRequest } from './report';
import { quoteText } from '../util/shown';

export interface TrainStepFlags {
  readonly format?: string;
  readonly scheme?: string;
  readonly tile?: string;
  readonly batch?: string;
  readonly in?: string;
  readonly out?: string;
  readonly seed?: string;
  readonly scaleMode?: string;
  readonly compare?: boolean;
}

export type TrainStepPlan =
  | { readonly kind: 'single'; readonly request: TrainStepRequest }
  | { readonly kind: 'compare'; readonly request: CompareRequest };

/** A bad option value or combination; `message` is the one line to print. */
export class TrainStepOptionError extends Error {
  constructor(
    message: string,
    readonly option?: string,
  ) {
    super(message);
    this.name = 'TrainStepOptionError';
  }
}

/** Largest matrix side, and largest batch * in * out (each golden GEMM is that many multiply-adds). */
export const MAX_SIDE = 4096;
export const MAX_MACS = 2 ** 27;

export function resolveTrainStep(f: TrainStepFlags): TrainStepPlan {
  const shape: LayerShape = {
    batch: side(f.batch, 'batch', DEFAULT_SHAPE.batch),
    in: side(f.in, 'in', DEFAULT_SHAPE.in),
    out: side(f.out, 'out', DEFAULT_SHAPE.out),
  };
  if (shape.batch * shape.in * shape.out > MAX_MACS) {
    throw new TrainStepOptionError(`--batch * --in * --out is ${shape.batch * shape.in * shape.out}, above the limit ${MAX_MACS} (2^27)`, 'batch');
  }
  const seed = f.seed === undefined ? DEFAULT_SEED : integer(f.seed, 'seed', 0, 2 ** 32 - 1);
  const scaleMode = f.scaleMode === undefined ? undefined : parseScaleMode(f.scaleMode);
  const format = f.format === undefined ? undefined : parseFormat(f.format);

  if (f.compare) {
    if (f.scheme !== undefined) throw new TrainStepOptionError('--scheme cannot be combined with --compare (it runs 1x32, 8x8 and 16x16)', 'scheme');
    if (f.tile !== undefined) throw new TrainStepOptionError('--tile cannot be combined with --compare (it runs 8x8 and 16x16)', 'tile');
    return { kind: 'compare', request: { formats: format ? [format] : undefined, scaleMode, shape, seed } };
  }
  if (format === undefined) throw new TrainStepOptionError(`--format is required; choose one of: ${FORMAT_NAMES.join(', ')}`, 'format');
  if (f.scheme === undefined) throw new TrainStepOptionError(`--scheme is required; choose one of: ${SCHEMES.join(', ')}`, 'scheme');
  const scheme = parseScheme(f.scheme);
  if (scheme === '1d' && f.tile !== undefined) throw new TrainStepOptionError('--tile applies to --scheme tile only (1d uses 1x32 blocks)', 'tile');
  const tile = f.tile === undefined ? TILE_SIZES[0] : parseTile(f.tile);
  return { kind: 'single', request: { format, scheme, tile: scheme === 'tile' ? tile : undefined, scaleMode, shape, seed } };
}

function parseFormat(s: string): FormatName {
  if (!isFormatName(s)) throw new TrainStepOptionError(`unknown format ${quoteText(s)}; choose one of: ${FORMAT_NAMES.join(', ')}`, 'format');
  return s;
}

function parseScheme(s: string): Scheme {
  if (!(SCHEMES as readonly string[]).includes(s)) throw new TrainStepOptionError(`unknown scheme ${quoteText(s)}; choose one of: ${SCHEMES.join(', ')}`, 'scheme');
  return s as Scheme;
}

function parseTile(s: string): number {
  const r = Number(s);
  if (!/^\d+$/.test(s) || !TILE_SIZES.includes(r)) {
    throw new TrainStepOptionError(`--tile ${quoteText(s)} is not supported; choose one of: ${TILE_SIZES.join(', ')}`, 'tile');
  }
  return r;
}

function parseScaleMode(s: string): ScaleMode {
  if (!isScaleMode(s)) throw new TrainStepOptionError(`unknown scale mode ${quoteText(s)}; choose one of: ${SCALE_MODES.join(', ')}`, 'scale-mode');
  return s;
}

function side(s: string | undefined, name: string, dflt: number): number {
  return s === undefined ? dflt : integer(s, name, 1, MAX_SIDE);
}

function integer(s: string, name: string, min: number, max: number): number {
  const v = Number(s);
  if (!/^\d+$/.test(s.trim()) || v < min || v > max) {
    throw new TrainStepOptionError(`--${name} ${quoteText(s)} must be an integer from ${min} to ${max}`, name);
  }
  return v;
}
