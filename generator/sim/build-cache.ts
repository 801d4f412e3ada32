// Content-addressed cache of simulator builds under sim/build/<sim>-<module>-<hash>/.
// The hash covers the RTL text, the testbench text and the build recipe, so a model is compiled once
// and reused for every run (vector files, counts and seeds are runtime plusargs).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BUILD_DIR } from './paths.js';

const STAMP = 'build.ok';

export function contentHash(parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${p.length}:`).update(p);
  return h.digest('hex').slice(0, 16);
}

export interface CachedBuild {
  readonly dir: string;
  /** False when an existing build was reused. */
  readonly built: boolean;
  readonly seconds: number;
}

const inFlight = new Map<string, Promise<CachedBuild>>();

// Temp directories of builds in progress: removed if we exit (or are interrupted, see process-group.ts) mid-build.
const tempDirs = new Set<string>();
process.on('exit', () => {
  for (const t of tempDirs) rmSync(t, { recursive: true, force: true });
});

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temp directories of the same build left by processes that no longer run (killed with SIGKILL). */
async function removeStaleTemps(dir: string): Promise<void> {
  const prefix = `${basename(dir)}.tmp-`;
  const names = await readdir(dirname(dir)).catch(() => [] as string[]);
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const pid = Number(n.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid)) {
      await rm(join(dirname(dir), n), { recursive: true, force: true });
    }
  }
}

/**
 * Returns the build directory for `name`, running `build(tmpDir)` first when it is not cached yet.
 * Builds go to a private temp directory renamed into place, so concurrent processes never see half a build.
 */
export type BuildFn = (dir: string, logFile: string) => Promise<void>;

export function cachedBuild(name: string, hashParts: readonly string[], build: BuildFn): Promise<CachedBuild> {
  const dir = join(BUILD_DIR, `${name}-${contentHash(hashParts)}`);
  const pending = inFlight.get(dir);
  if (pending) return pending;
  const p = doBuild(dir, build).finally(() => inFlight.delete(dir));
  inFlight.set(dir, p);
  return p;
}

async function doBuild(dir: string, build: BuildFn): Promise<CachedBuild> {
  if (existsSync(join(dir, STAMP))) return { dir, built: false, seconds: 0 };
  await removeStaleTemps(dir);
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(tmp, { recursive: true });
  tempDirs.add(tmp);
  const t0 = performance.now();
  try {
    // The log lives next to the build directory so it survives a failed (discarded) build.
    await build(tmp, `${dir}.build.log`);
    await writeFile(join(tmp, STAMP), new Date().toISOString() + '\n');
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    tempDirs.delete(tmp);
  }
  const seconds = (performance.now() - t0) / 1000;
  try {
    await rename(tmp, dir);
  } catch {
    // Another process finished the same build first; use theirs.
    await rm(tmp, { recursive: true, force: true });
    if (!existsSync(join(dir, STAMP))) throw new Error(`build cache: cannot install ${dir}`);
  }
  return { dir, built: true, seconds };
}
