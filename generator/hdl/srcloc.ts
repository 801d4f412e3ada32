// Source locations of DSL calls: the first stack frame outside generator/hdl/, i.e. the user's line.
// The stack is captured eagerly (cheap) but formatted only when an error needs it.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const HDL_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HDL_DIR, '..', '..');

export class SrcLoc {
  private resolved?: string;
  constructor(private readonly captured: Error) {}

  /** `generator/rtl/foo.ts:42`, relative to the repository root when possible. */
  toString(): string {
    this.resolved ??= userFrame(this.captured.stack ?? '');
    return this.resolved;
  }
}

export function here(): SrcLoc {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60; // helpers recurse (trees); the user frame can be deep
  const e = new Error();
  Error.stackTraceLimit = limit;
  return new SrcLoc(e);
}

const FRAME = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):\d+\)?\s*$/;

function userFrame(stack: string): string {
  for (const line of stack.split('\n').slice(1)) {
    const m = FRAME.exec(line.trim());
    if (!m) continue;
    let file = m[1]!;
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (file.startsWith('node:') || file.includes('/node_modules/')) continue;
    if (file.startsWith(HDL_DIR + path.sep)) continue;
    const rel = path.relative(REPO_ROOT, file);
    return `${rel.startsWith('..') ? file : rel}:${m[2]}`;
  }
  return '<unknown location>';
}
