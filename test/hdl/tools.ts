// Thin execa wrappers around the HDL tools, shared by the hdl tests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { type Module, writeDesign } from '../../generator/hdl/index';

export interface ToolResult {
  readonly ok: boolean;
  readonly output: string;
}

async function run(cmd: string, args: readonly string[], cwd: string): Promise<ToolResult> {
  const r = await execa(cmd, args, { cwd, reject: false, all: true });
  return { ok: r.exitCode === 0, output: r.all ?? '' };
}

const created: string[] = [];

export function tempDir(tag: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `mxgen-hdl-${tag}-`));
  created.push(dir);
  return dir;
}

/** For afterAll: removes this file's temp dirs unless MXGEN_KEEP_TMP is set (to inspect outputs). */
export function removeTempDirs(): void {
  if (process.env['MXGEN_KEEP_TMP']) return;
  for (const d of created.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Writes the design's Verilog into a fresh temp dir; returns the dir and the .v files. */
export function writeVerilog(top: Module, tag: string): { dir: string; files: string[] } {
  const dir = tempDir(tag);
  const files = writeDesign(top, dir, { bindings: false });
  return { dir, files };
}

export const verilatorLint = (files: readonly string[], top: string, cwd: string) =>
  run('verilator', ['--lint-only', '-Wall', '--top-module', top, ...files], cwd);

export const iverilogCompile = (files: readonly string[], out: string, cwd: string) =>
  run('iverilog', ['-g2005', '-Wall', '-o', out, ...files], cwd);

/** Synthesis with Yosys: no latches after `proc`, and `check -assert` after `synth`. */
export const yosysSynth = (files: readonly string[], top: string, cwd: string) =>
  run(
    'yosys',
    [
      '-q',
      '-p',
      [
        `read_verilog ${files.join(' ')}`,
        `hierarchy -check -top ${top}`,
        'proc',
        'select -assert-none t:$dlatch t:$_DLATCH_*',
        `synth -top ${top}`,
        'select -assert-none t:$dlatch t:$_DLATCH_*',
        'check -assert',
      ].join('; '),
    ],
    cwd,
  );

/** Compile `files` plus a testbench text with Icarus and run it; returns the simulation output. */
export async function simulate(files: readonly string[], tb: string, cwd: string): Promise<ToolResult> {
  const tbFile = path.join(cwd, 'tb.v');
  writeFileSync(tbFile, tb);
  const out = path.join(cwd, 'sim.vvp');
  const c = await run('iverilog', ['-g2005', '-o', out, tbFile, ...files], cwd);
  if (!c.ok) return c;
  return run('vvp', ['-n', out], cwd);
}
