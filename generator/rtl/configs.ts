// Every configuration the project generates, gathered from the units (one import per unit).
//  - referenceConfigs(): written into rtl-out/ by `mxgen generate`, linted by `make lint`, diffed in CI.
//  - synthConfigs(): synthesized by `make synth` for reports/synth.{json,md} (may include configurations
//    that are not checked in, e.g. k = 8 variants).

import type { RtlConfig } from './config';
import { decoderConfigs } from './decoder/configs';
import { quantizerConfigs, quantizerSynthConfigs } from './quantizer/configs';
import { tileConfigs, tileSynthConfigs } from './tile/configs';
import { peReferenceConfigs, peSynthConfigs } from './pe/configs';

export function referenceConfigs(): RtlConfig[] {
  return [...decoderConfigs(), ...quantizerConfigs(), ...tileConfigs(), ...peReferenceConfigs()];
}

export function synthConfigs(): RtlConfig[] {
  return [...quantizerSynthConfigs(), ...tileSynthConfigs(), ...peSynthConfigs()];
}
