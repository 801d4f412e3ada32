// The PE configurations: reference RTL (rtl-out/, linted and diffed in CI) and the synthesis set.

import { BASELINE_BF16, FORMAT_NAMES, type FormatName } from '../../golden/index';
import type { RtlConfig } from '../config';
import { bf16PeModule } from './bf16-pe';
import { mxPeModule } from './mx-pe';
import { pairLabel } from './names';
import { referenceDesigns } from '../configs';
import type { PeParams } from './unit';

/** Pipeline depth of the reference and synthesis PEs: one register stage at the output. */
export const PE_REFERENCE_DEPTH = 1;

/** The mixed pairs that get their own PE. */
export const MIXED_PAIRS: readonly (readonly [FormatName, FormatName])[] = [['mxfp8-e4m3', 'mxfp8-e5m2']];

/** Formats in the synthesis report (the list), plus the BF16 baseline. */
/** MX formats of the pipeline-depth sweep in `make synth`. */
export const DEPTH_SWEEP_FORMATS: readonly FormatName[] = ['mxsf', 'mxfp8-e2m5', 'mxfp8-e4m3'];

export const SYNTH_FORMATS: readonly FormatName[] = ['mxsf', 'mxfp8-e4m3', 'mxfp8-e5m2', 'mxfp8-e2m5', 'mxint8', 'mxfp6-e3m2', 'mxfp4-e2m1'];

export function mxPeConfig(formatA: FormatName, formatB: FormatName, k: number, depth: number): RtlConfig {
  return {
    unit: 'pe',
    format: pairLabel(formatA, formatB),
    params: { formatA, formatB, k, depth },
    build: () => mxPeModule({ formatA, formatB, k, depth }),
  };
}

export function bf16PeConfig(k: number, depth: number): RtlConfig {
  return { unit: 'pe', format: BASELINE_BF16, params: { k, depth }, build: () => bf16PeModule({ k, depth }) };
}

/** The PEs of the reference set (configs/reference.json). */
export function peReferenceConfigs(): RtlConfig[] {
  return referenceDesigns()
    .filter((d) => d.unit.name === 'pe')
    .map((d) => {
      const p = d.params as PeParams;
      return p.format === BASELINE_BF16 ? bf16PeConfig(p.k, p.depth) : mxPeConfig(p.format, p.formatB ?? p.format, p.k, p.depth);
    });
}

export function peSynthConfigs(): RtlConfig[] {
  const d = PE_REFERENCE_DEPTH;
  const base = [32, 8].flatMap((k) => [...SYNTH_FORMATS.map((f) => mxPeConfig(f, f, k, d)), bf16PeConfig(k, d)]);
  // Fmax and area against the pipeline depth (issue 12): the k = 32 PEs of mxsf, e2m5, e4m3 and bf16 at depths 2..4
  const sweep = [2, 3, 4].flatMap((depth) => [
    ...DEPTH_SWEEP_FORMATS.map((f) => mxPeConfig(f, f, 32, depth)),
    bf16PeConfig(32, depth),
  ]);
  return [...base, ...sweep];
}
