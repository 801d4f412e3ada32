// Every configuration the project generates, gathered from the units:
//  - referenceConfigs(): the reference set of configs/reference.json, written into rtl-out/ by `mxgen generate`,
//    linted by `make lint`, diffed in CI;
//  - synthConfigs(): synthesized by `make synth` for reports/synth.{json,md} (may include configurations
//    that are not checked in, e.g. k = 8 variants).

import path from 'node:path';
import { readConfig, type Design } from '../ip/designs';
import { REPO_ROOT } from '../sim/paths';
import type { RtlConfig } from './config';
import { quantizerSynthConfigs } from './quantizer/configs';
import { tileConfigs, tileSynthConfigs } from './tile/configs';
import { peReferenceConfigs, peSynthConfigs } from './pe/configs';

export const REFERENCE_CONFIG_FILE = path.join(REPO_ROOT, 'configs', 'reference.json');

/** The reference set's designs, validated against the unit schemas. */
export function referenceDesigns(): readonly Design[] {
  return readConfig(REFERENCE_CONFIG_FILE, 'configs/reference.json').designs;
}

/** A design as a configuration record (what the lint, synthesis and report drivers iterate). */
export function designConfig(d: Design): RtlConfig {
  const p = d.params;
  const format = p['formatB'] !== undefined && p['formatB'] !== p['format'] ? `${String(p['format'])} x ${String(p['formatB'])}` : String(p['format']);
  return { unit: d.unit.name, format, params: p as RtlConfig['params'], build: () => d.unit.build(d.params) };
}

export function referenceConfigs(): RtlConfig[] {
  return referenceDesigns().map(designConfig);
}

/**
 * The reference set as the physical flow drives it (`make sim-gl`): a reference design carries its schema's unit
 * name and parameters; the flow reads the synthesis configurations' (the tile re-quantizer as 'tile-requant' with
 * its derived parameters, a PE by formatA / formatB), so those designs come from tileConfigs() and
 * peReferenceConfigs() (test/phys/reference-set.test.ts: the same modules, every one with vectors).
 */
export function referencePhysConfigs(): RtlConfig[] {
  const own = new Set(['tile', 'pe']);
  return [...referenceConfigs().filter((c) => !own.has(c.unit)), ...peReferenceConfigs(), ...tileConfigs()];
}

export function synthConfigs(): RtlConfig[] {
  return [...quantizerSynthConfigs(), ...tileSynthConfigs(), ...peSynthConfigs()];
}
