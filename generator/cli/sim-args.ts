// What `mxgen sim quantize` and `mxgen sim gemm` share: the run settings (simulator, stalls, seed, waves, keep
// folder), the build cache check, the report of kept files, and the golden check's failure with its seed.

import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { KeepFolder, KeptFiles } from '../drivers/rtl-runner';
import { RtlMismatchError } from '../drivers/errors';
import type { ParsedArgs } from './command';
import { InputError } from './errors';
import { fsReason, type CliIO } from './io';
import type { SimChoice } from './options';

export interface SimSettings {
  readonly sim: SimChoice;
  readonly seed: number;
  readonly stallPercent: number;
  readonly waves: boolean;
  readonly keep?: KeepFolder;
  readonly check: boolean;
}

export function simSettings(args: ParsedArgs, io: CliIO): SimSettings {
  const keep = args.string('keep');
  return {
    sim: args.require('sim') as SimChoice,
    seed: args.requireInt('seed'),
    stallPercent: args.requireInt('stall'),
    waves: args.flag('waves'),
    ...(keep !== undefined ? { keep: { dir: path.resolve(io.cwd, keep), shown: keep } } : {}),
    check: !args.flag('no-check'),
  };
}

/** The build cache (sim/build/ or $MXGEN_CACHE_DIR) exists or can be made: one line naming it otherwise. */
export async function checkBuildCache(): Promise<void> {
  const { BUILD_DIR, CACHE_DIR_ENV } = await import('../sim/paths');
  const where = process.env[CACHE_DIR_ENV] ? `${CACHE_DIR_ENV}=${process.env[CACHE_DIR_ENV]}` : BUILD_DIR;
  try {
    mkdirSync(BUILD_DIR, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${where}: cannot create the build cache folder (${code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way' : fsReason(e)})`);
  }
  if (!statSync(BUILD_DIR).isDirectory()) throw new InputError(`${where}: the build cache is not a folder`);
}

const shown = (p: string, cwd: string): string => {
  const rel = path.relative(cwd, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
};

/** Prints where the kept files and VCDs are (stderr: stdout may carry the JSON). */
export function reportFiles(io: CliIO, kept: KeptFiles | undefined, waves: readonly string[]): void {
  const lines: string[] = [];
  if (kept) {
    lines.push(`kept in ${kept.dir}:`, `  rtl:       ${kept.rtl.join(' ')}`);
    if (kept.testbench) lines.push(`  testbench: ${kept.testbench}`);
    const MAX_RUNS = 8;
    kept.runs.slice(0, MAX_RUNS).forEach((r, i) => lines.push(`  run ${i + 1}:${' '.repeat(Math.max(1, 6 - String(i + 1).length))}${r.join(' ')}`));
    if (kept.runs.length > MAX_RUNS) lines.push(`  ... ${kept.runs.length - MAX_RUNS} more runs in ${path.join(kept.dir, 'run-*')}`);
  } else if (waves.length) {
    lines.push(`waves: ${waves.map((w) => shown(w, io.cwd)).join(' ')}`);
  }
  if (lines.length) io.err(lines.join('\n') + '\n');
}

/** The mismatch error of a failed golden check, ending with how to repeat the run. */
export function mismatch(diff: string, s: SimSettings): RtlMismatchError {
  return new RtlMismatchError(`${diff}\n  repeat this run with --seed ${s.seed} --stall ${s.stallPercent}`);
}
