// Running the formal tools (yosys, yosys-smtbmc, yosys-abc): each in its own process group with a wall-clock
// limit, killed as a group on timeout or when we exit (smtbmc starts the solver, yosys starts ABC).

import { execa } from 'execa';
import { findTool } from '../sim/tools';

const groups = new Set<number>();
let installed = false;

function killAll(signal: NodeJS.Signals): void {
  for (const pid of groups) {
    try {
      process.kill(-pid, signal);
    } catch {
      // gone already
    }
  }
  groups.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => killAll('SIGKILL'));
  for (const [sig, n] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]] as const) {
    process.once(sig, () => {
      killAll('SIGTERM');
      process.exit(128 + n);
    });
  }
}

export interface ToolRun {
  readonly exitCode: number | undefined;
  readonly output: string;
  readonly seconds: number;
  readonly timedOut: boolean;
}

export const FORMAL_TOOLS = ['yosys', 'yosys-smtbmc', 'yosys-abc'] as const;
export type FormalTool = (typeof FORMAL_TOOLS)[number];

/** Absolute path of a formal tool, or a one-line error naming the Debian package. */
export function formalTool(name: FormalTool | 'boolector' | 'z3'): string {
  const p = findTool(name);
  if (!p) throw new Error(`${name} not found on PATH; install it with: apt-get install -y ${name === 'boolector' || name === 'z3' ? name : 'yosys'}`);
  return p;
}

/** Runs a tool under `nice`, killed (whole process group) after `timeoutSeconds`. Never rejects on the tool's exit code. */
export async function runTool(file: string, args: readonly string[], opts: { cwd: string; timeoutSeconds: number }): Promise<ToolRun> {
  install();
  const t0 = performance.now();
  const child = execa('nice', ['-n', '10', file, ...args], { cwd: opts.cwd, reject: false, all: true, stdin: 'ignore', detached: true });
  const pid = child.pid;
  if (pid !== undefined) groups.add(pid);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }, opts.timeoutSeconds * 1000);
  try {
    const r = await child;
    return { exitCode: r.exitCode, output: r.all ?? '', seconds: (performance.now() - t0) / 1000, timedOut };
  } finally {
    clearTimeout(timer);
    if (pid !== undefined) groups.delete(pid);
  }
}
