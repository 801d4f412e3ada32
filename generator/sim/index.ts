// Public API of the simulation / lint / synthesis harness.
export { runSimulation, expectedAfterResets, type SimOptions, type SimResult, type SimulatorName, type ResetEvent, type ResetRecord, type VerilatorRandomX } from './harness.js';
export { dataPorts, packPorts, unpackPorts, packedWidth, toHex, type PlacedPort } from './pack.js';
export { compareOutputs, assertNoMismatch, type CompareOptions, type CompareReport, type Mismatch } from './compare.js';
export { lintVerilog, parseVerilatorMessages, type LintResult } from './lint.js';
export { synthesize, synthScript, SYNTH_FLOWS, type SynthFlow, type SynthResult } from './synth.js';
export { measureThroughput, type Throughput, type ThroughputOptions } from './bench-sim.js';
export { requireTool, installCommand, type ToolName } from './tools.js';
export { renderTestbench, type RenderedTb } from './testbench.js';
export * from './errors.js';
