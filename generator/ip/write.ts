// Writing packaged tops into an output folder without ever deleting a file mxgen did not write.
//  - DIR/<top>/ with a manifest.json of ours: the files that manifest lists and the new output no longer has
//    are removed; the new files are written (each to a temporary name, then renamed into place); any other
//    file in the folder is left alone.
//  - DIR/<top>/ that exists, is not empty and has no manifest of ours: refused, unless `force` (then our
//    files are written over same-named ones and nothing is removed).
//  - DIR itself: `mxgen-index.json` records the tops written there. A non-empty DIR without it is refused
//    unless `force`. A config run (`prune`) removes the tops of the previous index it no longer produces,
//    again only the files their manifests list (and their folder, if that leaves it empty).

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MANIFEST_FILE, type IpManifest, manifestSchema } from './manifest';
import type { PackagedTop } from './package';
import { GENERATOR_NAME, generatorVersion } from './provenance';

export const INDEX_FILE = 'mxgen-index.json';

export class OutputError extends Error {
  readonly userError = true;
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

interface Index {
  readonly schema: 'mxgen-index/1';
  readonly generator: string;
  readonly tops: readonly string[];
}

export interface WriteOptions {
  /** the output folder as the user wrote it (messages name it so) */
  readonly label?: string;
  readonly force?: boolean;
  /** remove the tops of the previous index that this run does not produce */
  readonly prune?: boolean;
}

export interface WriteResult {
  readonly written: readonly string[];
  readonly removed: readonly string[];
}

/** The files a folder's own manifest says mxgen wrote there (none when it has no valid manifest). */
function ownedFiles(dir: string): string[] | undefined {
  const file = path.join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return undefined;
  let m: IpManifest;
  try {
    const r = manifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!r.success) return undefined;
    m = r.data;
  } catch {
    return undefined;
  }
  return [...m.files, m.filelist, m.core, m.bindings, MANIFEST_FILE].filter((f) => f === path.basename(f));
}

function readIndex(dir: string): Index | undefined {
  try {
    const j = JSON.parse(readFileSync(path.join(dir, INDEX_FILE), 'utf8')) as Partial<Index>;
    return j.schema === 'mxgen-index/1' && Array.isArray(j.tops) ? (j as Index) : undefined;
  } catch {
    return undefined;
  }
}

const nonEmpty = (dir: string): boolean => existsSync(dir) && readdirSync(dir).length > 0;

function writeAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

function fsError(what: string, e: unknown): OutputError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOTDIR'
        ? 'a file is in the way'
        : code === 'EISDIR'
          ? 'a folder is in the way'
          : code === 'EROFS'
            ? 'read-only file system'
            : code === 'ENAMETOOLONG'
              ? 'a name is too long'
              : code === 'ENOSPC'
                ? 'no space left on the device'
                : (code ?? String(e));
  return new OutputError(`cannot write ${what}: ${why}; choose another --out`);
}

/** Removes `files` from `dir` (only these) and the folder itself if that leaves it empty. */
function removeOwned(dir: string, files: readonly string[]): string[] {
  const removed: string[] = [];
  for (const f of files) {
    const p = path.join(dir, f);
    if (existsSync(p)) {
      rmSync(p);
      removed.push(p);
    }
  }
  if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
  return removed;
}

export function writeTops(dir: string, tops: readonly PackagedTop[], o: WriteOptions = {}): WriteResult {
  const outDir = o.label ?? dir;
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new OutputError(`--out ${outDir} is a file, not a folder`);
  const index = readIndex(dir);
  if (!index && nonEmpty(dir) && !o.force) {
    throw new OutputError(
      `${outDir} is not empty and was not written by mxgen (no ${INDEX_FILE}); choose an empty or new --out, or pass --force (mxgen never deletes files it did not write)`,
    );
  }
  // check every top folder before writing anything
  for (const t of tops) {
    const td = path.join(dir, t.top);
    if (existsSync(td) && !statSync(td).isDirectory()) throw new OutputError(`${path.join(outDir, t.top)} is a file; mxgen needs a folder there`);
    if (nonEmpty(td) && !ownedFiles(td) && !o.force)
      throw new OutputError(`${path.join(outDir, t.top)} is not empty and holds no mxgen ${MANIFEST_FILE}; choose another --out or pass --force`);
  }
  const written: string[] = [];
  const removed: string[] = [];
  // what this run adds (files and folders that were not there): taken back if the run fails half-way
  const created: string[] = [];
  const makeDir = (d: string): void => {
    // one level at a time (a recursive mkdir that fails part-way leaves the levels it made, unreported)
    const missing: string[] = [];
    for (let p = d; !existsSync(p) && path.dirname(p) !== p; p = path.dirname(p)) missing.unshift(p);
    for (const p of missing) {
      mkdirSync(p);
      created.push(p);
    }
  };
  try {
    makeDir(dir);
    for (const t of tops) {
      const td = path.join(dir, t.top);
      const old = ownedFiles(td);
      if (old) removed.push(...removeOwned(td, old.filter((f) => !t.files.has(f))));
      makeDir(td);
      for (const [name, text] of t.files) {
        const p = path.join(td, name);
        if (!existsSync(p)) created.push(p);
        writeAtomic(p, text);
        written.push(p);
      }
    }
    const names = tops.map((t) => t.top);
    if (o.prune && index) {
      for (const stale of index.tops.filter((n) => !names.includes(n) && n === path.basename(n))) {
        const sd = path.join(dir, stale);
        const owned = ownedFiles(sd);
        if (owned) removed.push(...removeOwned(sd, owned));
      }
    }
    const keep = o.prune ? names : [...new Set([...(index?.tops ?? []).filter((n) => existsSync(path.join(dir, n, MANIFEST_FILE))), ...names])];
    const next: Index = { schema: 'mxgen-index/1', generator: `${GENERATOR_NAME} ${generatorVersion()}`, tops: [...keep].sort() };
    const indexFile = path.join(dir, INDEX_FILE);
    if (!existsSync(indexFile)) created.push(indexFile);
    writeAtomic(indexFile, JSON.stringify(next, null, 2) + '\n');
  } catch (e) {
    // undo newest first: files before the folders that hold them, inner folders before outer ones
    for (const p of created.reverse()) {
      try {
        if (statSync(p).isDirectory()) {
          if (readdirSync(p).length === 0) rmdirSync(p);
        } else rmSync(p, { force: true });
      } catch {
        // already gone, or not ours to remove any more
      }
    }
    if (e instanceof OutputError) throw e;
    throw fsError(outDir, e);
  }
  return { written, removed };
}
