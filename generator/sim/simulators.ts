// Build and run recipes for Icarus Verilog and Verilator. Both compile the same testbench text.
import { rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { SimulationError } from './errors.js';
import { runInGroup } from './process-group.js';
import { findTool, requireTool } from './tools.js';

export type SimulatorName = 'icarus' | 'verilator';

export interface BuildRequest {
  readonly dir: string;
  readonly logFile: string;
  readonly tbFile: string;
  readonly top: string;
  readonly rtlFiles: readonly string[];
  /** Verilator needs --trace at build time for $dumpvars. */
  readonly waves: boolean;
  readonly toolPath?: string;
  /** further build options (Verilator: --x-initial / --x-assign) */
  readonly extraFlags?: readonly string[];
}

export interface SimulatorBackend {
  /** Changes whenever the recipe changes, so cached builds are invalidated. */
  readonly recipe: string;
  build(req: BuildRequest): Promise<void>;
  /** Executable and leading arguments of a built model; plusargs are appended. */
  command(dir: string, toolPath?: string): { file: string; args: string[] };
}

function includeDirs(files: readonly string[]): string[] {
  return [...new Set(files.map((f) => dirname(resolve(f))))];
}

/** Runs a build step, logging all output; throws with the first diagnostic line on failure. */
async function buildStep(
  what: string,
  file: string,
  args: string[],
  cwd: string,
  logFile: string,
  errorLine: RegExp,
  env: Record<string, string> = {},
): Promise<void> {
  const r = await runInGroup(file, args, { cwd, env });
  const envText = Object.entries(env).map(([k, v]) => `${k}=${v} `).join('');
  await writeFile(logFile, `$ ${envText}${file} ${args.join(' ')}\n${r.all ?? ''}\nexit ${r.exitCode ?? r.signal}\n`);
  if (r.exitCode !== 0) {
    const first = (r.all ?? '').split('\n').find((l) => errorLine.test(l)) ?? `exit code ${r.exitCode ?? r.signal}`;
    throw new SimulationError(`${what} failed: ${first.trim()}`, logFile);
  }
}

const icarus: SimulatorBackend = {
  recipe: 'icarus-1',
  async build(req) {
    const iverilog = requireTool('iverilog', { path: req.toolPath });
    requireTool('vvp', { path: req.toolPath });
    const args = ['-g2005', '-s', req.top, '-o', join(req.dir, 'model.vvp'), ...includeDirs(req.rtlFiles).map((d) => `-I${d}`), req.tbFile, ...req.rtlFiles.map((f) => resolve(f))];
    await buildStep(`iverilog build of ${req.top}`, iverilog, args, req.dir, req.logFile, /error|syntax/i);
  },
  command(dir, toolPath) {
    // -n: a $stop would not drop into the interactive prompt.
    return { file: requireTool('vvp', { path: toolPath }), args: ['-n', join(dir, 'model.vvp')] };
  },
};

const verilator: SimulatorBackend = {
  recipe: 'verilator-1',
  async build(req) {
    const bin = requireTool('verilator', { path: req.toolPath });
    const args = [
      '--binary', '--timing',
      // Lint is a separate step (lint.ts); warnings must not stop a simulation build.
      '-Wno-fatal',
      '--top-module', req.top,
      '-Mdir', join(req.dir, 'obj'),
      '-o', 'model',
      '-j', '0',
      ...(req.waves ? ['--trace'] : []),
      ...(req.extraFlags ?? []),
      ...includeDirs(req.rtlFiles).map((d) => `-I${d}`),
      req.tbFile,
      ...req.rtlFiles.map((f) => resolve(f)),
    ];
    // Every model compiles the same Verilator runtime (verilated.cpp, timing, threads: most of a small model's
    // build time); with ccache on PATH (OBJCACHE is honoured by verilated.mk) it is compiled once per machine.
    const ccache = process.env.MXGEN_CCACHE === '0' ? undefined : findTool('ccache', { path: req.toolPath });
    const env: Record<string, string> = ccache ? { OBJCACHE: ccache } : {};
    try {
      await buildStep(`verilator build of ${req.top}`, bin, args, req.dir, req.logFile, /%Error|error:/, env);
    } catch {
      // Parallel make in Verilator 5.006 has been seen to lose a dependency file under heavy load
      // ("opening dependency file verilated_threads.d"); one retry in a clean object directory.
      await rm(join(req.dir, 'obj'), { recursive: true, force: true });
      await buildStep(`verilator build of ${req.top}`, bin, args, req.dir, req.logFile, /%Error|error:/, env);
    }
  },
  command(dir) {
    return { file: join(dir, 'obj', 'model'), args: [] };
  },
};

export const SIMULATORS: Record<SimulatorName, SimulatorBackend> = { icarus, verilator };
