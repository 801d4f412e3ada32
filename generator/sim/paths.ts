// Repository locations used by the harness (resolved from this file, independent of the cwd).
import { fileURLToPath } from 'node:url';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TB_DIR = join(REPO_ROOT, 'tb');
/** The environment variable that relocates BUILD_DIR (e.g. to a shared or writable cache folder). */
export const CACHE_DIR_ENV = 'MXGEN_CACHE_DIR';
/**
 * Cached simulator builds and synthesis results (gitignored): $MXGEN_CACHE_DIR when set (relative to the
 * working directory), else sim/build/. Read once, when the harness is loaded.
 */
export const BUILD_DIR = process.env[CACHE_DIR_ENV] ? resolve(process.env[CACHE_DIR_ENV]) : join(REPO_ROOT, 'sim', 'build');
/** Per-run scratch directories (gitignored). */
export const WORK_DIR = join(REPO_ROOT, 'sim', 'work');

/**
 * A fresh scratch directory under sim/work/ (created on first use: a clean clone has no sim/work/).
 * `prefix` ends the directory name before a random suffix.
 */
export function scratchDir(prefix: string): string {
  mkdirSync(WORK_DIR, { recursive: true });
  return mkdtempSync(join(WORK_DIR, prefix));
}
