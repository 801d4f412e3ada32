// What a generated unit is, for `mxgen generate`: a parameter schema (the single source of its CLI options,
// config keys, validation and help), a builder from validated parameters to the top module, and the facts
// the manifest records (latency). Each unit defines itself in generator/rtl/<unit>/unit.ts; units.ts lists them.

import type { z } from 'zod';
import type { Module } from '../hdl/index';
import type { ParamValue } from '../rtl/config';

export type UnitParams = Readonly<Record<string, ParamValue | undefined>>;

export interface UnitDef<P extends UnitParams = UnitParams> {
  /** the CLI word and the config file's `unit` */
  readonly name: string;
  readonly summary: string;
  /**
   * The parameters (without `unit`): a strict zod object with a description, default and range per key.
   * Cross-parameter rules go in `check`, so the object stays introspectable.
   */
  readonly schema: z.ZodObject;
  /** A cross-parameter problem as `[key, message]`, or undefined when the combination can be built. */
  check?(p: P): readonly [key: string, message: string] | undefined;
  build(p: P): Module;
  /** Cycles from an accepted input beat to its output beat without back-pressure, with what they mean; null if combinational. */
  latency(p: P): { readonly cycles: number; readonly note: string } | null;
}

/** Keeps a unit definition's parameter type while listing it among units of other types. */
export const defineUnit = <P extends UnitParams>(u: UnitDef<P>): UnitDef => u as unknown as UnitDef;
