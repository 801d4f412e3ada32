// The block quantizer's RTL: the reusable combinational parts (shared scale, element encoder) and the
// streaming top. The tile re-quantizer reuses sharedScaleModule / elementEncoderModule.
export { INPUT_FLOATS, QUANT_INPUTS, SE_SHAPE, inputFloat, type InputFloat, type QuantInput } from './common';
export { sharedScaleModule, sharedScaleName, rceilConstants, type RceilConstants } from './scale';
export { elementEncoderModule, elementEncoderName, encoderPlan, type EncoderPlan, type EncoderRegion } from './encoder';
export { blockQuantizerModule, blockQuantizerName, blockQuantizerPlanned, type QuantizerConfig } from './quantizer';
