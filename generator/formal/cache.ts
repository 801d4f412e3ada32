// A cache of formal results, so a stopped `make formal` (hours) resumes where it was. One entry holds the rows of
// one check call (a design's handshake properties, a tree's proofs, a PE's pipeline depths). Its key covers what
// decides them: the emitted Verilog of every design the call reads, the call's options, and the source of the
// checkers themselves (generator/formal/*.ts), so a change to a design or to a checker misses the cache. Only
// calls that passed are kept: a failure, an error or a time limit hit is always run again.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Module, emitDesign } from '../hdl/index';
import { BUILD_DIR } from '../sim/paths';
import type { FormalRow } from './handshake';

const FORMAL_DIR = path.dirname(fileURLToPath(import.meta.url));

let sourceDigest: string | undefined;
/** sha256 of the checkers' source: every .ts file of generator/formal/. */
function checkersDigest(): string {
  if (sourceDigest === undefined) {
    const h = createHash('sha256');
    for (const f of readdirSync(FORMAL_DIR).filter((n) => n.endsWith('.ts')).sort()) h.update(`${f}\n`).update(readFileSync(path.join(FORMAL_DIR, f)));
    sourceDigest = h.digest('hex');
  }
  return sourceDigest;
}

export const DEFAULT_FORMAL_CACHE = path.join(BUILD_DIR, 'formal-results');

export interface FormalCache {
  readonly dir: string;
  /** calls answered from the cache so far */
  hits: number;
}

export function formalCache(dir: string = DEFAULT_FORMAL_CACHE): FormalCache {
  return { dir, hits: 0 };
}

/** The key of one check call: its kind and options, the designs it reads, the checkers' source. */
export function formalKey(kind: string, options: unknown, designs: readonly Module[]): string {
  const h = createHash('sha256');
  h.update(`${checkersDigest()}|${kind}|${JSON.stringify(options)}|`);
  for (const m of designs) for (const [name, text] of [...emitDesign(m)].sort(([a], [b]) => (a < b ? -1 : 1))) h.update(`${name}\n${text}\n`);
  return h.digest('hex').slice(0, 32);
}

/**
 * The rows of `run()`, or of an earlier run with the same key. `bad` says which rows must never be kept.
 * The rows read back are the rows written, seconds included (the time the check took when it ran).
 */
export async function cachedRows(
  cache: FormalCache | undefined, key: () => string, bad: (r: FormalRow) => boolean, run: () => Promise<FormalRow[]>,
): Promise<FormalRow[]> {
  if (!cache) return run();
  const k = key();
  const f = path.join(cache.dir, `${k}.json`);
  if (existsSync(f)) {
    try {
      const rows = JSON.parse(readFileSync(f, 'utf8')) as FormalRow[];
      cache.hits++;
      return rows.map((r) => ({ ...r, note: r.note ? `${r.note}; from the result cache` : 'from the result cache' }));
    } catch {
      // a torn write of a stopped run: check again
    }
  }
  const rows = await run();
  if (rows.length > 0 && !rows.some(bad)) {
    mkdirSync(cache.dir, { recursive: true });
    writeFileSync(`${f}.tmp`, JSON.stringify(rows));
    renameSync(`${f}.tmp`, f);
  }
  return rows;
}
