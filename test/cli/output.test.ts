// --output: an unwritable target is one line and leaves everything as it was; a failed command never leaves a
// partial or temporary file and never touches an existing one; a successful write replaces the file whole,
// keeps its mode and writes through a symlink.

import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectOneLine, put, runIn, tempDir } from './helpers';

let dir: string;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = (argv: string[], stdin = '') => runIn(dir, argv, stdin);
const Q = ['quantize', '--format', 'mxsf', '--input', 'm.json'];
const noTemps = () => expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

beforeAll(() => {
  dir = tempDir('mxgen-output-');
  put(dir, 'm.json', { rows: 1, cols: 3, data: [1, -2, 0.5] });
  put(dir, 'bad.json', '{"rows": 1, "cols": 3, "data": [1, -2, 1e39]}'); // as typed (JSON.stringify would write 1e+39)
  mkdirSync(path.join(dir, 'adir'));
  put(dir, 'afile', 'x');
});

describe('unwritable outputs: one line, exit 1, nothing written', () => {
  test.each([
    ['no/such/dir/out.json', 'mxgen: no/such/dir/out.json: cannot write (no such directory: no/such/dir)'],
    ['adir', 'mxgen: adir: cannot write (is a directory)'],
    ['afile/out.json', 'mxgen: afile/out.json: cannot write (a parent of it is not a directory)'],
  ])('%s', async (out, line) => {
    const r = await run([...Q, '--output', out]);
    expect(r.code).toBe(1);
    expect(expectOneLine(r)).toBe(line);
    expect(existsSync(path.join(dir, 'no'))).toBe(false);
    expect(readdirSync(path.join(dir, 'adir'))).toEqual([]);
    noTemps();
  });

  test('a read-only file is refused and left as it was (even for root)', async () => {
    writeFileSync(path.join(dir, 'ro.json'), 'keep me');
    chmodSync(path.join(dir, 'ro.json'), 0o444);
    const r = await run([...Q, '--output', 'ro.json']);
    expect(r.code).toBe(1);
    expect(expectOneLine(r)).toBe('mxgen: ro.json: cannot write (the file is read-only)');
    expect(readFileSync(path.join(dir, 'ro.json'), 'utf8')).toBe('keep me');
    noTemps();
  });

  test('every writing command goes through the same check', async () => {
    put(dir, 'b.json', { rows: 3, cols: 1, data: [1, 2, 3] });
    for (const argv of [
      ['gemm', '--format', 'mxsf', '--a', 'm.json', '--b', 'b.json', '--output', 'adir'],
      ['sim', 'quantize', '--format', 'mxsf', '--input', 'm.json', '--output', 'adir', '--sim', 'icarus'],
    ]) {
      const r = await run(argv);
      expect(r.code).toBe(1);
      expect(expectOneLine(r)).toBe('mxgen: adir: cannot write (is a directory)');
    }
  });
});

describe('no partial file after a failure', () => {
  test('a failing command does not create the output', async () => {
    const r = await run(['quantize', '--format', 'mxsf', '--input', 'bad.json', '--output', 'new.json']);
    expect(r.code).toBe(1);
    expect(expectOneLine(r)).toBe(
      'mxgen: bad.json: data[2] (row 0, column 2) = 1e39 overflows FP32 (largest finite magnitude 3.4028234663852886e38); write "inf" for an infinity',
    );
    expect(existsSync(path.join(dir, 'new.json'))).toBe(false);
    noTemps();
  });

  test('a failing command leaves an existing output untouched', async () => {
    writeFileSync(path.join(dir, 'old.json'), 'previous result');
    for (const argv of [
      ['quantize', '--format', 'mxsf', '--input', 'bad.json', '--output', 'old.json'],
      ['quantize', '--format', 'nope', '--input', 'm.json', '--output', 'old.json'],
      ['gemm', '--format', 'mxsf', '--a', 'm.json', '--b', 'm.json', '--output', 'old.json'],
    ]) {
      const r = await run(argv);
      expect(r.code).not.toBe(0);
      expectOneLine(r);
      expect(readFileSync(path.join(dir, 'old.json'), 'utf8')).toBe('previous result');
    }
    noTemps();
  });
});

describe('successful writes', () => {
  test('replace the whole file, keep its mode, leave no temporary file', async () => {
    writeFileSync(path.join(dir, 'out.json'), 'x'.repeat(100_000));
    chmodSync(path.join(dir, 'out.json'), 0o640);
    const r = await run([...Q, '--output', 'out.json']);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
    expect(JSON.parse(readFileSync(path.join(dir, 'out.json'), 'utf8')).codes).toHaveLength(3);
    expect(statSync(path.join(dir, 'out.json')).mode & 0o777).toBe(0o640);
    noTemps();
  });

  test('write through a symlink (the link stays a link)', async () => {
    writeFileSync(path.join(dir, 'target.json'), '');
    symlinkSync('target.json', path.join(dir, 'link.json'));
    expect((await run([...Q, '--output', 'link.json'])).code).toBe(0);
    expect(lstatSync(path.join(dir, 'link.json')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, 'target.json'), 'utf8')).format).toBe('mxsf');
  });

  test('a device is written directly', async () => {
    expect((await run([...Q, '--output', '/dev/null'])).code).toBe(0);
  });
});

describe('study checks its output folder before training', () => {
  test('a file in the way is one line, at once', async () => {
    const t0 = performance.now();
    const r = await run(['study', '--quick', '--out', 'afile']);
    expect(r.code).toBe(1);
    expect(expectOneLine(r)).toBe('mxgen: --out afile: cannot write (not a folder)');
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
