// The one format table (numeric contract docs/formats.md, section 1).
// Every other fact (emax, max normal, grids, RTL widths, docs) is derived from these records by the pure
// functions in derive.ts; nothing else in the project restates a width or a bias.

/** How the codes with a zero exponent field are read. */
export type SubnormalEncoding =
  /** IEEE-style gradual underflow: value = 2^emin * (man / 2^manBits). */
  | { readonly kind: 'linear' }
  /**
   * A nested floating-point region (MXSF): the manBits low bits are an unsigned float of their own
   * (expBits + manBits == parent manBits) with its own bias and linear subnormals.
   */
  | { readonly kind: 'fp'; readonly expBits: number; readonly manBits: number; readonly bias: number };

/** Which codes are not finite. */
export type SpecialPolicy =
  /** all-ones exponent field: Inf when the mantissa is zero, NaN otherwise (OCP E5M2). */
  | 'ieee'
  /** only the all-ones magnitude code is NaN; no Inf (OCP E4M3). */
  | 'nan-at-max'
  /** every code is finite. */
  | 'none';

export interface FloatFormatSpec {
  readonly kind: 'float';
  readonly name: string;
  readonly expBits: number;
  /** stored mantissa bits (no hidden bit). */
  readonly manBits: number;
  readonly bias: number;
  readonly subnormal: SubnormalEncoding;
  readonly specials: SpecialPolicy;
  readonly summary: string;
}

export interface IntFormatSpec {
  readonly kind: 'int';
  readonly name: string;
  /** two's complement width. */
  readonly bits: number;
  /** value = n / 2^fracBits. */
  readonly fracBits: number;
  readonly summary: string;
}

export type FormatSpec = FloatFormatSpec | IntFormatSpec;

const LINEAR: SubnormalEncoding = { kind: 'linear' };

export const FORMAT_TABLE = {
  'mxfp8-e5m2': { kind: 'float', name: 'mxfp8-e5m2', expBits: 5, manBits: 2, bias: 15, subnormal: LINEAR, specials: 'ieee', summary: 'OCP MXFP8 E5M2' },
  'mxfp8-e4m3': { kind: 'float', name: 'mxfp8-e4m3', expBits: 4, manBits: 3, bias: 7, subnormal: LINEAR, specials: 'nan-at-max', summary: 'OCP MXFP8 E4M3' },
  'mxfp6-e3m2': { kind: 'float', name: 'mxfp6-e3m2', expBits: 3, manBits: 2, bias: 3, subnormal: LINEAR, specials: 'none', summary: 'OCP MXFP6 E3M2' },
  'mxfp6-e2m3': { kind: 'float', name: 'mxfp6-e2m3', expBits: 2, manBits: 3, bias: 1, subnormal: LINEAR, specials: 'none', summary: 'OCP MXFP6 E2M3' },
  'mxfp4-e2m1': { kind: 'float', name: 'mxfp4-e2m1', expBits: 2, manBits: 1, bias: 1, subnormal: LINEAR, specials: 'none', summary: 'OCP MXFP4 E2M1' },
  'mxint8': { kind: 'int', name: 'mxint8', bits: 8, fracBits: 6, summary: 'OCP MXINT8 (two\'s complement, value n/64)' },
  'mxfp8-e2m5': { kind: 'float', name: 'mxfp8-e2m5', expBits: 2, manBits: 5, bias: 1, subnormal: LINEAR, specials: 'none', summary: 'FP8 E2M5, linear subnormals' },
  'mxsf': {
    kind: 'float', name: 'mxsf', expBits: 2, manBits: 5, bias: 1,
    // FP5 E3M2 region with bias 8: it ends just below the E2M5 minimum normal (the bias is a parameter).
    subnormal: { kind: 'fp', expBits: 3, manBits: 2, bias: 8 },
    specials: 'none', summary: 'MX-SAFE: E2M5 wide-mantissa mode, FP5 E3M2 subnormal-FP mode',
  },
} as const satisfies Record<string, FormatSpec>;

export type FormatName = keyof typeof FORMAT_TABLE;
export const FORMAT_NAMES = Object.keys(FORMAT_TABLE) as FormatName[];

/**
 * The identifier of a format (or the bf16 baseline) inside module, port and file names: the CLI name without
 * dashes ('mxfp8-e4m3' -> 'mxfp8e4m3'). Every generated name spells a format this one way.
 */
export const formatId = (format: string): string => format.replace(/-/g, '');

/** The baseline that is not an MX format (no shared scale). */
export const BASELINE_BF16 = 'bf16';

export function isFormatName(name: string): name is FormatName {
  return Object.prototype.hasOwnProperty.call(FORMAT_TABLE, name);
}

/** Looks a format up by its CLI name; the error names the valid choices. */
export function formatSpec(name: string): FormatSpec {
  if (!isFormatName(name)) {
    throw new UnknownFormatError(name);
  }
  return FORMAT_TABLE[name];
}

export class UnknownFormatError extends Error {
  constructor(readonly formatName: string, extra: readonly string[] = []) {
    super(`unknown format '${formatName}'; choose one of: ${[...FORMAT_NAMES, ...extra].join(', ')}`);
    this.name = 'UnknownFormatError';
  }
}

/** The shared scale: E8M0, bias 127, 0xFF is NaN, no zero, no Inf. */
export const E8M0 = { bits: 8, bias: 127, nanCode: 0xff, maxExp: 127, minExp: -127 } as const;
