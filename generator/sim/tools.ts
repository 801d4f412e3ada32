// Locating EDA binaries. A missing tool is a user error whose message says how to install it.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ToolMissingError } from './errors.js';

export type ToolName = 'iverilog' | 'vvp' | 'verilator' | 'yosys';

/** Debian package providing each binary (vvp ships with iverilog). */
const PACKAGE: Record<ToolName, string> = {
  iverilog: 'iverilog',
  vvp: 'iverilog',
  verilator: 'verilator',
  yosys: 'yosys',
};

export function installCommand(tool: ToolName): string {
  return `apt-get update && apt-get install -y ${PACKAGE[tool]}`;
}

export interface ToolLookup {
  /** PATH to search instead of process.env.PATH (lets tests simulate a missing tool). */
  readonly path?: string;
}

/** Absolute path of an executable on PATH, or undefined. */
export function findTool(name: string, opts: ToolLookup = {}): string | undefined {
  const searchPath = opts.path ?? process.env.PATH ?? '';
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Absolute path of `tool` on PATH, or throws ToolMissingError with the install command. */
export function requireTool(tool: ToolName, opts: ToolLookup = {}): string {
  const found = findTool(tool, opts);
  if (found === undefined) throw new ToolMissingError(tool, installCommand(tool));
  return found;
}
