// Verilator lint with every warning enabled (-Wall) and no waivers on the command line.
import { resolve } from 'node:path';
import { execa } from 'execa';
import { HarnessError, LintError, type LintMessage } from './errors.js';
import { requireTool } from './tools.js';

export interface LintOptions {
  readonly toolPath?: string;
}

export interface LintResult {
  readonly top: string;
  readonly messages: readonly LintMessage[];
  readonly log: string;
  readonly seconds: number;
}

const MESSAGE = /^%(Warning|Error)(?:-([A-Z0-9_]+))?: (?:([^:\s]+):(\d+):(?:\d+:)?\s*)?(.*)$/;

export function parseVerilatorMessages(log: string): LintMessage[] {
  const out: LintMessage[] = [];
  for (const line of log.split('\n')) {
    const m = MESSAGE.exec(line);
    if (!m) continue;
    const text = m[5]!.trim();
    // Summary lines such as "Exiting due to 3 warning(s)" repeat what was already reported.
    if (/^Exiting due to/.test(text)) continue;
    out.push({ severity: m[1] === 'Error' ? 'error' : 'warning', code: m[2] ?? '', file: m[3] ?? '', line: Number(m[4] ?? 0), text });
  }
  return out;
}

/** Lints `files` with `top` as top module; returns the (empty) message list or throws LintError listing them. */
export async function lintVerilog(files: readonly string[], top: string, opts: LintOptions = {}): Promise<LintResult> {
  if (files.length === 0) throw new HarnessError(`lintVerilog(${top}): no files given`);
  const bin = requireTool('verilator', { path: opts.toolPath });
  const t0 = performance.now();
  const r = await execa(bin, ['--lint-only', '-Wall', '--top-module', top, ...files.map((f) => resolve(f))], { reject: false, all: true, stdin: 'ignore' });
  const seconds = (performance.now() - t0) / 1000;
  const log = r.all ?? '';
  const messages = parseVerilatorMessages(log);
  if (messages.length > 0 || r.exitCode !== 0) throw new LintError(top, messages, log);
  return { top, messages, log, seconds };
}
