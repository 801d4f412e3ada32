// Configurations of the block quantizer.
//  reference (rtl-out/): the quantizers of configs/reference.json (every format, k = 32, floor, FP32 input;
//    mxsf also with rceil, and with BF16 input).
//  synthesis: every format, k = 32, floor, FP32 input (the same modules as the reference set).
import { FORMAT_NAMES, type FormatName } from '../../formats/table';
import type { RtlConfig } from '../config';
import { referenceDesigns } from '../configs';
import { blockQuantizerModule, type QuantizerConfig } from './quantizer';
import type { QuantizerParams } from './unit';

/** Pipeline depth of the reference configurations: one output register stage. */
export const REFERENCE_DEPTH = 1;
export const REFERENCE_K = 32;

export function quantizerConfig(c: QuantizerConfig): RtlConfig {
  return {
    unit: 'quantizer',
    format: c.format,
    params: { k: c.k, scaleMode: c.scaleMode, input: c.input, depth: c.depth },
    build: () => blockQuantizerModule(c),
  };
}

/** The quantizer configurations written into rtl-out/ (those of configs/reference.json). */
export function quantizerReferenceSet(): QuantizerConfig[] {
  return referenceDesigns()
    .filter((d) => d.unit.name === 'quantizer')
    .map((d) => {
      const p = d.params as QuantizerParams;
      return { format: p.format, k: p.k, scaleMode: p.scaleMode, input: p.input, depth: p.depth };
    });
}

/** The main reference configuration of a format: k = 32, floor, FP32 input, reference depth. */
export function quantizerSpec(format: FormatName): QuantizerConfig {
  return { format, k: REFERENCE_K, scaleMode: 'floor', input: 'fp32', depth: REFERENCE_DEPTH };
}

export function quantizerSynthConfigs(): RtlConfig[] {
  return FORMAT_NAMES.map((format) => quantizerConfig(quantizerSpec(format)));
}
