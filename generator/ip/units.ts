// Every unit `mxgen generate` can build, in the order `mxgen units` lists them.
import { decoderUnit } from '../rtl/decoder/unit';
import { peUnit } from '../rtl/pe/unit';
import { quantizerUnit } from '../rtl/quantizer/unit';
import { tileUnit } from '../rtl/tile/unit';
import { arrayUnit } from '../rtl/array/unit';
import type { UnitDef } from './unit';

export const UNITS: readonly UnitDef[] = [decoderUnit, quantizerUnit, peUnit, tileUnit, arrayUnit];

export function findUnit(name: string): UnitDef | undefined {
  return UNITS.find((u) => u.name === name);
}
