// Input and output for CLI commands: the IO seam (process or in-memory), reading files or stdin,
// the matrix JSON input form with its validation, and writing output to a file or stdout.

import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { floatToBits, parseFp32Value } from '../formats/fp32';
import { makeMatrix, type Matrix } from '../golden/quantize';
import { dataLiterals, isFp32Midpoint, roundMidpointLiteral } from './decimal';
import { InputError } from './errors';
import { readUnsigned } from './values';
import { jsonSyntaxReason, preview, shortText } from '../util/shown';

/** Where a command reads and writes; `processIO()` for the real CLI, `bufferIO()` in tests. */
export interface CliIO {
  /** directory that relative paths are resolved against. */
  readonly cwd: string;
  /** writes to standard output; resolves when the text is handed over. */
  out(text: string): Promise<void>;
  /** writes to standard error. */
  err(text: string): void;
  /** the whole of standard input (read once). */
  readStdin(): Promise<string>;
}

let stdoutGuarded = false;

export function processIO(): CliIO {
  if (!stdoutGuarded) {
    // a closed pipe (e.g. `| head`) is reported to the pending write's callback; without a listener the
    // stream's 'error' event would also crash the process with a stack trace
    process.stdout.on('error', () => {});
    stdoutGuarded = true;
  }
  return {
    cwd: process.cwd(),
    out: (text) =>
      new Promise<void>((resolve, reject) => {
        process.stdout.write(text, (e) => (e ? reject(e) : resolve()));
      }),
    err: (text) => {
      process.stderr.write(text);
    },
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

/** An in-memory IO for tests: collects stdout and stderr, serves a fixed stdin. */
export function bufferIO(stdin = '', cwd = process.cwd()): CliIO & { stdout(): string; stderr(): string } {
  let out = '';
  let err = '';
  return {
    cwd,
    out: async (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    readStdin: async () => stdin,
    stdout: () => out,
    stderr: () => err,
  };
}

/** How a path appears in messages: the path as given, or `<label> (stdin)` for '-'. */
export function sourceName(file: string, label: string): string {
  return file === '-' ? `${label} (stdin)` : file;
}

const FS_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a parent of it is not a directory',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EEXIST: 'something is in the way',
};

export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code && FS_REASONS[code]) return FS_REASONS[code];
  // Node's message is `CODE: what, syscall 'path'`: the path is in the caller's message already
  const what = /^[A-Z0-9_]+: ([^,]*)/.exec((e as Error).message ?? '')?.[1];
  return code ? `${code}${what ? `: ${what}` : ''}` : String(e);
}

/** Reads a whole text file, or stdin for '-'; a missing file is an InputError naming it. */
export async function readInputText(file: string, label: string, io: CliIO): Promise<string> {
  if (file === '-') return io.readStdin();
  try {
    return await readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (e) {
    throw new InputError(`${sourceName(file, label)}: ${fsReason(e)}`);
  }
}

// Temporary files of writes in progress, removed if the process exits before the rename.
const pendingTemps = new Set<string>();
process.on('exit', () => {
  for (const t of pendingTemps) rmSync(t, { force: true });
});

/**
 * Writes text to a file, or to stdout for '-'. The text goes to a temporary file next to the target, renamed
 * over it when complete, so a failed or interrupted write never leaves a partial file and never touches an
 * existing one. A directory, a read-only file or a missing parent directory is an InputError naming the path.
 * Special files (a device such as /dev/null, a FIFO) are written directly.
 */
export async function writeOutput(file: string, text: string, io: CliIO): Promise<void> {
  if (file === '-') return io.out(text);
  const cannot = (why: string) => new InputError(`${file}: cannot write (${why})`);
  let target = path.resolve(io.cwd, file);
  const st = await stat(target).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw cannot(fsReason(e));
  });
  if (st?.isDirectory()) throw cannot('is a directory');
  if (st && !st.isFile()) {
    await writeFile(target, text).catch((e: unknown) => Promise.reject(cannot(fsReason(e))));
    return;
  }
  // checked on the mode bits too: root may write any file, but a read-only file says "do not overwrite"
  if (st && (st.mode & 0o222) === 0) throw cannot('the file is read-only');
  if (st) target = await realpath(target); // write through a symlink, do not replace it
  const dir = path.dirname(target);
  const dirSt = await stat(dir).catch((e: NodeJS.ErrnoException) => {
    throw cannot(e.code === 'ENOENT' ? `no such directory: ${path.dirname(file)}` : fsReason(e));
  });
  if (!dirSt.isDirectory()) throw cannot(`${path.dirname(file)} is not a directory`);
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  pendingTemps.add(tmp);
  try {
    await writeFile(tmp, text, { flag: 'wx', ...(st ? { mode: st.mode & 0o777 } : {}) });
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw cannot(fsReason(e));
  } finally {
    pendingTemps.delete(tmp);
  }
}

/**
 * JSON.parse with the parser's complaint kept to one short line: an error at the end of the text reads
 * "Unexpected end of JSON input", other positions are given as line and column.
 */
export function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${where}: truncated or malformed JSON (${jsonSyntaxReason(e, text)})`);
  }
}

/** The largest finite FP32 magnitude, as JavaScript prints it. */
export const FP32_MAX_TEXT = '3.4028234663852886e38';

/** A value as the input wrote it, cut to 40 characters (safe for huge and deeply nested values). */
export function describe(v: unknown): string {
  return preview(v, 40);
}

/** The matrix input form, for commands' help text. */
export const MATRIX_INPUT_HELP = [
  'Matrix input (JSON): {"rows":R,"cols":C,"bits":[...]} with FP32 bit patterns, row-major, as unsigned integers',
  'or "0x..."/"0b..." strings; or "data":[...] instead of "bits": numbers (rounded once to FP32, ties to even) or',
  'the strings "nan", "inf", "-inf". A number beyond the FP32 range (e.g. 1e39) is an error, not an infinity.',
].join('\n');

/**
 * Validates the matrix input form `{"rows":R,"cols":C,"bits":[...]}` (FP32 bit patterns as unsigned
 * integers or "0x"/"0b" strings, row-major) or `{"rows":R,"cols":C,"data":[...]}` (numbers rounded to FP32 half to even, or
 * "nan", "inf", "-inf"). Other keys are ignored, so a `gemm` output is a valid input. With the source
 * `text`, decimal literals are rounded to FP32 exactly once (see decimal.ts).
 */
export function matrixFromJson(json: unknown, where: string, text?: string): Matrix {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InputError(`${where}: expected a JSON object {"rows":R,"cols":C,"bits":[...]} or with "data":[...]`);
  }
  const o = json as Record<string, unknown>;
  for (const key of ['rows', 'cols'] as const) {
    const v = o[key];
    if (v === undefined) throw new InputError(`${where}: missing "${key}"`);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
      throw new InputError(`${where}: "${key}" must be a positive integer, got ${describe(v)}`);
    }
  }
  const rows = o.rows as number;
  const cols = o.cols as number;
  const hasBits = o.bits !== undefined;
  const hasData = o.data !== undefined;
  if (hasBits === hasData) {
    throw new InputError(
      hasBits
        ? `${where}: give either "bits" or "data", not both`
        : `${where}: missing "bits" (FP32 bit patterns) or "data" (numbers, "nan", "inf", "-inf")`,
    );
  }
  const key = hasBits ? 'bits' : 'data';
  const list = o[key];
  if (!Array.isArray(list)) throw new InputError(`${where}: "${key}" must be an array, got ${describe(list)}`);
  const n = rows * cols;
  if (list.length !== n) {
    throw new InputError(`${where}: expected ${n} elements for ${rows}x${cols}, got ${list.length}`);
  }
  const bits = new Uint32Array(n);
  let literals: string[] | undefined;
  const element = (i: number) => `${key}[${i}] (row ${Math.floor(i / cols)}, column ${i % cols})`;
  for (let i = 0; i < n; i++) {
    const v: unknown = list[i];
    if (hasBits) {
      const b = readUnsigned(v, 32);
      if (b === undefined) {
        throw new InputError(`${where}: ${element(i)} must be an FP32 bit pattern (an integer 0..4294967295, "0x..." or "0b..."), got ${describe(v)}`);
      }
      bits[i] = b;
    } else {
      let b = typeof v === 'number' ? floatToBits(v) : parseFp32Value(v);
      if (typeof v === 'number' && text !== undefined && isFp32Midpoint(v)) {
        literals ??= dataLiterals(text);
        if (literals.length === n) b = roundMidpointLiteral(literals[i]!, v);
      }
      if (b === undefined) {
        throw new InputError(`${where}: ${element(i)} must be a number or one of "nan", "inf", "-inf", got ${describe(v)}`);
      }
      // a finite literal that rounds to an infinity (1e39; also one too large for a double, which parses as Infinity)
      if (typeof v === 'number' && (b & 0x7fffffff) === 0x7f800000) {
        literals ??= text === undefined ? [] : dataLiterals(text);
        const lit = literals.length === n ? literals[i]! : String(v);
        throw new InputError(`${where}: ${element(i)} = ${shortText(lit)} overflows FP32 (largest finite magnitude ${FP32_MAX_TEXT}); write "${v < 0 ? '-inf' : 'inf'}" for an infinity`);
      }
      bits[i] = b;
    }
  }
  return makeMatrix(rows, cols, bits);
}

/** Reads and validates a matrix JSON file (or stdin for '-'); errors name the file and what is wrong. */
export async function readMatrixJson(file: string, label: string, io: CliIO): Promise<Matrix> {
  const where = sourceName(file, label);
  const text = await readInputText(file, label, io);
  return matrixFromJson(parseJsonText(text, where), where, text);
}
