// Running `mxgen` in-process on a fuzz case in a fresh sandbox folder, and the properties every case must have:
//  - a failure is exactly one line `mxgen: ...` on stderr (no internal error, no stack trace, no control characters,
//    not a wall of echoed input), nothing on stdout, and a non-zero exit code (2 for usage errors);
//  - no partial output: the --output file / --out folder does not exist afterwards when it did not before, and is
//    byte-for-byte unchanged when it did; no temporary file is left next to it;
//  - a success writes complete output (the --output file parses as JSON) and nothing on stderr.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { bufferIO } from '../../generator/cli/io';
import { main } from '../../generator/cli/main';

export interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Longest error line accepted: the longest real message (every format listed, a suggestion, a path) fits easily. */
export const MAX_LINE = 600;

export class Sandbox {
  readonly root: string;
  private n = 0;
  constructor(prefix: string) {
    this.root = mkdtempSync(path.join(tmpdir(), prefix));
  }
  /** A fresh empty folder for one case. */
  fresh(): string {
    const d = path.join(this.root, `c${this.n++}`);
    mkdirSync(d);
    return d;
  }
  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Every file under `dir` with its content (a fingerprint to compare before and after a run). */
export function snapshot(p: string): string | undefined {
  if (!existsSync(p)) return undefined;
  const st = statSync(p);
  if (st.isFile()) return `file ${st.mode & 0o777}\n${readFileSync(p, 'latin1')}`;
  if (!st.isDirectory()) return `special`;
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = path.join(d, name);
      const s = statSync(full);
      if (s.isDirectory()) walk(full, `${rel}${name}/`);
      else out.push(`${rel}${name} ${s.size} ${readFileSync(full, 'latin1')}`);
    }
  };
  walk(p, '');
  return `dir\n${out.join('\n')}`;
}

export async function run(cwd: string, argv: readonly string[], stdin = ''): Promise<Outcome> {
  const io = bufferIO(stdin, cwd);
  const code = await main(argv, io);
  const r = { code, stdout: io.stdout(), stderr: io.stderr() };
  record(r);
  return r;
}

// ---- what the cases reached: successes and the kinds of error, per property (printed by printStats) ----

interface Tally {
  cases: number;
  ok: number;
  kinds: Map<string, number>;
}
const tallies = new Map<string, Tally>();
let current = '(no property)';

/** Cases run from now on count for `name`. */
export function countFor(name: string): void {
  current = name;
}

/** An error's kind: its message without the file it names, numbers and quoted values, first words only. */
function kind(stderr: string): string {
  const line = stderr.split('\n')[0]!.replace(/^mxgen: /, '');
  const body = line.replace(/^[^ ]*\.json( \(stdin\))?: /, '').replace(/^[a-z -]+ \(stdin\): /i, '');
  return body
    .replace(/'[^']*'|"[^"]*"|`[^`]*`/g, 'Q')
    .replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/gi, 'N')
    .split(/[;(]/)[0]!
    .split(' ')
    .slice(0, 7)
    .join(' ');
}

function record(r: Outcome): void {
  const t = tallies.get(current) ?? { cases: 0, ok: 0, kinds: new Map() };
  t.cases++;
  if (r.code === 0) t.ok++;
  else t.kinds.set(kind(r.stderr), (t.kinds.get(kind(r.stderr)) ?? 0) + 1);
  tallies.set(current, t);
}

/** One line per property: cases, successes, distinct kinds of error and the commonest ones. */
export function printStats(title: string): void {
  const lines = [...tallies.entries()].map(([name, t]) => {
    const top = [...t.kinds.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, n]) => `${n}x "${k}"`);
    return `  ${name}: ${t.cases} cases, ${t.ok} succeeded, ${t.kinds.size} kinds of error (${top.join(', ')})`;
  });
  console.log(`${title}\n${lines.join('\n')}`);
}

/** The one-line failure: `mxgen: ...`, nothing else, non-zero exit. */
export function expectCleanFailure(r: Outcome, what: string): void {
  const ctx = `${what}\n  exit ${r.code}\n  stdout ${JSON.stringify(r.stdout.slice(0, 300))}\n  stderr ${JSON.stringify(r.stderr.slice(0, 600))}`;
  expect(r.code, ctx).not.toBe(0);
  expect(r.stderr.endsWith('\n'), ctx).toBe(true);
  const line = r.stderr.slice(0, -1);
  expect(line.includes('\n'), `one line: ${ctx}`).toBe(false);
  expect(line.startsWith('mxgen: '), ctx).toBe(true);
  expect(line, ctx).not.toMatch(/internal error|\bat .*\(.*:\d+:\d+\)|Maximum call stack|\[object Object\]/);
  // eslint-disable-next-line no-control-regex
  expect(/[\u0000-\u001f\u007f-\u009f]/.test(line), `control characters: ${ctx}`).toBe(false);
  expect(line.length, `line too long: ${ctx}`).toBeLessThanOrEqual(MAX_LINE);
  expect(r.stdout, ctx).toBe('');
}

/** Either a clean failure or a clean success (stderr empty; `ok` checks the output). */
export function expectClean(r: Outcome, what: string, ok?: () => void): void {
  if (r.code !== 0) return expectCleanFailure(r, what);
  expect(r.stderr, what).toBe('');
  ok?.();
}

/** Runs a case with an output path that exists before (with known content) or not, and checks it afterwards. */
export async function withOutput(
  dir: string,
  output: { readonly name: string; readonly kind: 'file' | 'folder'; readonly existed: boolean },
  go: () => Promise<Outcome>,
  what: string,
  valid?: (p: string) => void,
): Promise<Outcome> {
  const p = path.join(dir, output.name);
  if (output.existed) {
    if (output.kind === 'file') writeFileSync(p, '{"sentinel": "left alone"}\n');
    else {
      mkdirSync(p, { recursive: true });
      writeFileSync(path.join(p, 'mine.txt'), 'not written by mxgen\n');
    }
  }
  const before = snapshot(p);
  const r = await go();
  if (r.code !== 0) {
    expect(snapshot(p), `${what}: a failed run changed or left ${output.name}`).toBe(before);
  } else if (valid) valid(p);
  const temps = readdirSync(dir).filter((n) => n.endsWith('.tmp') || n.includes('.tmp-'));
  expect(temps, `${what}: temporary files left`).toEqual([]);
  return r;
}

/** A JSON output file is complete: it parses. */
export function expectJsonFile(p: string): void {
  const t = readFileSync(p, 'utf8');
  expect(() => JSON.parse(t), `${p} is not complete JSON`).not.toThrow();
}
