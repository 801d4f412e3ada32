// The golden model's public surface: everything the CLI, the RTL vector generators, the study and the
// tests import. The numeric contract is docs/formats.md.

export * from '../formats/table';
export * from '../formats/derive';
export * from '../formats/fp32';
export * from './element';
export * from './scale';
export * from './quantize';
export * from './exact';
export * from './dot';
export * from './gemm';
