// Public API of the HDL layer. Users import from here, not from the individual files.
export { ModuleBuilder, Module, Instance, Memory, memoryAddrWidth } from './dsl';
export type { ModuleOptions, RegOptions, NextOptions, StreamPorts, ConfigRecord, MemoryOptions, MemoryWritePort, MemoryReadPort } from './dsl';
export { Expr, Signal, Const } from './expr';
export type { ExprLike } from './expr';
export { lit, slit, concat, pack, mux, priority, caseOf, select, reduceTree } from './ops';
export { type Shape, unsigned, signed, showShape, clog2, bitsFor, WIDTH_RULES } from './shape';
export { HdlError } from './errors';
export { printModule, printExpr } from './ir';
export type { IrModule, IrExpr, IrStmt } from './ir';
export { emitVerilog, emitDesign, GENERATED_BANNER, LINE_WIDTH, type EmitOptions, type Provenance } from './emit-verilog';
export { emitBindings, camelName, pascalName, type BindingsOptions } from './emit-bindings';
export type { BindingsFile } from './emit-bindings';
export { writeDesign, allModules } from './write-design';
export * from './lib/index';
export { evalExpr, fromBits, toBits } from './eval';
