// Reusable building blocks for RTL units.
export { pipeline, type PipelineOptions, type PipelineOutputs } from './pipeline';
export { leadingZeros, lzcModule } from './lzc';
export { maxTree, sumTree } from './trees';
