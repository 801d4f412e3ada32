// Repository locations used by the harness (resolved from this file, independent of the cwd).
import { fileURLToPath } from 'node:url';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TB_DIR = join(REPO_ROOT, 'tb');
/** Cached simulator builds and synthesis logs (gitignored). */
export const BUILD_DIR = join(REPO_ROOT, 'sim', 'build');
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
