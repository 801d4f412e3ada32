import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInGroup, runningGroups } from '../../generator/sim/process-group.js';

const RUNNER = join(import.meta.dirname, 'fixtures', 'group-runner.ts');

/** Alive and not a zombie (a killed orphan may wait a moment to be reaped). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

describe('runInGroup', () => {
  it('returns the exit code and output, and forgets the group afterwards', async () => {
    const r = await runInGroup('sh', ['-c', 'echo out; echo err >&2; exit 3']);
    expect(r.exitCode).toBe(3);
    expect(r.all).toContain('out');
    expect(r.all).toContain('err');
    expect(runningGroups()).toEqual([]);
  });

  // Yosys runs ABC as a child: stopping `make synth` must not leave ABC running.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} to the runner also stops the tool's own children`, async () => {
      const pidFile = join(mkdtempSync(join(tmpdir(), 'mxgen-group-')), 'grandchild.pid');
      const runner = spawn(process.execPath, ['--import', 'tsx', RUNNER, pidFile], { stdio: 'ignore' });
      const exited = new Promise<number | null>((r) => runner.on('exit', (code) => r(code)));
      expect(await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 20_000)).toBe(true);
      const grandchild = Number(readFileSync(pidFile, 'utf8').trim());
      expect(alive(grandchild)).toBe(true);
      runner.kill(signal);
      expect(await exited).toBe(signal === 'SIGTERM' ? 143 : 130);
      expect(await until(() => !alive(grandchild), 5_000)).toBe(true);
    });
  }
});
