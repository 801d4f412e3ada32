// FP32 building blocks of the MX datapaths: rounding to FP32, FP32 addition, BF16 x BF16 -> FP32.
export { fp32RoundModule } from './round';
export { fp32AddModule } from './add';
export { bf16MulModule } from './bf16-mul';
