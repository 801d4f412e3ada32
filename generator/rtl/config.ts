// What a generated RTL configuration is: a unit (decoder, quantizer, pe, ...), the format and parameters
// that produced it, and a builder for its top module. Units list their configurations in their own
// `configs.ts`; generator/rtl/configs.ts gathers them.

import type { Module } from '../hdl';

export type ParamValue = string | number | boolean;

export interface RtlConfig {
  /** what kind of unit: 'decoder' | 'quantizer' | 'pe' | 'tile-requant' | ... */
  readonly unit: string;
  /** the element format (or 'bf16', or 'a x b' for a mixed pair). */
  readonly format: string;
  /** the generator parameters (also printed in the module header). */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** builds the top module (module names carry the parameters, e.g. mxsf_quant_k32). */
  build(): Module;
}

/** One record of a synthesis run, as written to reports/synth.json. */
export interface SynthRecord {
  readonly unit: string;
  readonly format: string;
  readonly k: number;
  readonly cells: number;
  readonly transistors: number;
  readonly depth: number;
  readonly [extra: string]: unknown;
}
