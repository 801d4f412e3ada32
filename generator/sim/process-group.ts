// Runs a tool in its own process group, so that stopping us also stops what the tool started.
// Yosys runs ABC as a child process and Verilator runs make and the C++ compiler; execa's clean-up kills only its
// direct child, which left ABC running for an hour after an interrupted `make synth`.
import { execa } from 'execa';

const groups = new Set<number>();
let handlersInstalled = false;

function killGroups(signal: NodeJS.Signals): void {
  for (const pid of groups) {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  }
  groups.clear();
}

const EXIT_SIGNALS: Record<string, number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => killGroups('SIGKILL'));
  for (const [name, number] of Object.entries(EXIT_SIGNALS)) {
    process.once(name as NodeJS.Signals, () => {
      killGroups('SIGTERM');
      process.exit(128 + number);
    });
  }
}

/** Process groups of tools still running (for tests). */
export function runningGroups(): readonly number[] {
  return [...groups];
}

/**
 * execa with the child as the leader of a new process group, killed as a group (SIGTERM on SIGINT / SIGTERM /
 * SIGHUP, SIGKILL on exit) if we stop first. Never rejects on a failing tool (`reject: false`).
 */
export async function runInGroup(file: string, args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  installHandlers();
  const child = execa(file, args, { ...options, reject: false, all: true, stdin: 'ignore', detached: true });
  const pid = child.pid;
  if (pid !== undefined) groups.add(pid);
  try {
    return await child;
  } finally {
    if (pid !== undefined) groups.delete(pid);
  }
}
