// The block quantizer's combinational submodules, reused by the tile re-quantizer (generator/rtl/quantizer):
// the shared-scale module returns 0xFF for special_i and 0x00 for amax_i = 0 itself; the element encoders
// give signed zeros for zero inputs; the tile forces the codes of a NaN/Inf tile to +0 (as the block
// quantizer top does).
import type { FormatName, ScaleMode } from '../../golden/index';
import { elementEncoderModule, sharedScaleModule } from '../quantizer/index';
import type { TileInput, TileParts } from './tilequant';

export function quantizerParts(format: FormatName, scaleMode: ScaleMode, input: TileInput): TileParts {
  return {
    scale: sharedScaleModule(format, scaleMode, input),
    encoder: elementEncoderModule(format, input),
    scaleHandlesZero: true,
    scaleHandlesSpecial: true,
  };
}
