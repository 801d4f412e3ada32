import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ToolMissingError } from '../../generator/sim/errors.js';
import { runSimulation } from '../../generator/sim/harness.js';
import { lintVerilog } from '../../generator/sim/lint.js';
import { synthesize } from '../../generator/sim/synth.js';
import { requireTool } from '../../generator/sim/tools.js';
import { ADD2_PIPE, fixture } from './fixtures.js';

// An existing but empty directory: no tool can be found on this PATH.
const EMPTY_PATH = mkdtempSync(join(tmpdir(), 'mxgen-nopath-'));

describe('requireTool', () => {
  it('finds installed tools', () => {
    expect(requireTool('yosys')).toMatch(/\/yosys$/);
  });

  it.each([
    ['iverilog', 'apt-get update && apt-get install -y iverilog'],
    ['vvp', 'apt-get update && apt-get install -y iverilog'],
    ['verilator', 'apt-get update && apt-get install -y verilator'],
    ['yosys', 'apt-get update && apt-get install -y yosys'],
  ] as const)('says how to install a missing %s', (tool, cmd) => {
    let err: unknown;
    try {
      requireTool(tool, { path: EMPTY_PATH });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ToolMissingError);
    expect((err as Error).message).toBe(`${tool} not found on PATH; install it with: ${cmd}`);
  });

  it('propagates through lint, synth and simulation', async () => {
    const file = fixture('add2_pipe');
    await expect(lintVerilog([file], 'add2_pipe', { toolPath: EMPTY_PATH })).rejects.toThrow(/install it with: apt-get update && apt-get install -y verilator/);
    await expect(synthesize([file], 'add2_pipe', { toolPath: EMPTY_PATH })).rejects.toThrow(/install it with: apt-get update && apt-get install -y yosys/);
    await expect(runSimulation({ sim: 'icarus', iface: ADD2_PIPE, rtlFiles: [file], vectors: [1n], seed: 1, toolPath: EMPTY_PATH })).rejects.toThrow(
      /install it with: apt-get update && apt-get install -y iverilog/,
    );
  });
});
