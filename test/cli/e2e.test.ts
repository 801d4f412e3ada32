// End to end: the real `mxgen` binary (node bin/mxgen.mjs) in a temporary directory, including every
// bad-input case of the issue: one line on stderr starting with `mxgen:`, a non-zero exit, no stack trace.

import { execa } from 'execa';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { floatToBits } from '../../generator/golden/index';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'mxgen.mjs');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mxgen-e2e-'));
  const put = (name: string, text: string) => writeFile(path.join(dir, name), text);
  await Promise.all([
    put('a.json', JSON.stringify({ rows: 2, cols: 3, data: [1, 2, 3, -4, 'nan', 0.5] })),
    put('b.json', JSON.stringify({ rows: 3, cols: 2, bits: [0x3f800000, 0, 0x40000000, 0x3f800000, 0xbf800000, 0x40400000] })),
    put('c.json', JSON.stringify({ rows: 2, cols: 2, data: [-0, 'inf', 1, 2] })),
    put('short.json', JSON.stringify({ rows: 3, cols: 4, bits: new Array(11).fill(0) })),
    put('trunc.json', '{"rows": 2, "cols": 3, "data": [1, 2'),
    put('k4.json', JSON.stringify({ rows: 4, cols: 2, data: new Array(8).fill(1) })),
    put('c33.json', JSON.stringify({ rows: 3, cols: 3, data: new Array(9).fill(1) })),
    put('big.json', '{"rows": 1, "cols": 2, "data": [1, -1e39]}'),
  ]);
});

const mxgen = (args: string[], input?: string) => execa('node', [BIN, ...args], { cwd: dir, input, reject: false, stripFinalNewline: false });

describe.concurrent('mxgen binary', () => {
  test('formats', async () => {
    const r = await mxgen(['formats']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^format\s+bits/);
    expect(r.stdout).toContain('mxsf');
  });

  test('--help everywhere', async () => {
    for (const args of [['--help'], ['quantize', '--help'], ['gemm', '-h'], ['formats', '--help']]) {
      const r = await mxgen(args);
      expect(r.exitCode, args.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage: mxgen');
    }
  });

  test('quantize: public MXFP4 case from stdin, rceil', async () => {
    const r = await mxgen(['quantize', '--format', 'mxfp4-e2m1', '--scale-mode', 'rceil'], '{"rows":1,"cols":2,"data":[7,1]}');
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({
      format: 'mxfp4-e2m1', block: [1, 32], scaleMode: 'rceil', rows: 1, cols: 2,
      scales: [128], codes: [6, 1], values: [floatToBits(8), floatToBits(1)],
    });
  });

  test('quantize: file to file', async () => {
    const r = await mxgen(['quantize', '--format', 'mxfp8-e4m3', '--block', '2x2', '--input', 'a.json', '--output', 'q.json']);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, '', '']);
    const out = JSON.parse(await readFile(path.join(dir, 'q.json'), 'utf8'));
    // blocks {1,2,-4,nan} -> NaN scale; {3, 0.5} -> 3: floor(log2 3) - 8 = -7 -> 120
    expect(out.scales).toEqual([255, 120]);
    expect(out.values[2]).toBe(floatToBits(3));
  });

  test('gemm with C, and the npm script form', async () => {
    const r = await mxgen(['gemm', '--format', 'mxfp8-e4m3', '--a', 'a.json', '--b', 'b.json', '--c', 'c.json']);
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout);
    // row 0: [1,2,3] . [1,2,-1] = 2 and [1,2,3] . [0,1,3] = 11, plus C (-0, +Inf); row 1 has a NaN -> NaN scale
    expect(out).toEqual({ rows: 2, cols: 2, bits: [floatToBits(2), 0x7f800000, 0x7fc00000, 0x7fc00000] });
    const npm = await execa('npm', ['run', '--silent', 'mxgen', '--', 'gemm', '--format', 'mxfp8-e4m3', '--a', path.join(dir, 'a.json'), '--b', path.join(dir, 'b.json'), '--c', path.join(dir, 'c.json')], { cwd: ROOT, reject: false });
    expect(npm.exitCode).toBe(0);
    expect(JSON.parse(npm.stdout)).toEqual(out);
  });

  test('encode and decode', async () => {
    const e = await mxgen(['encode', '--format', 'mxfp8-e4m3', '--json', '-500']);
    expect(e.exitCode).toBe(0);
    expect(JSON.parse(e.stdout)).toMatchObject({ code: 0xfe, value: floatToBits(-448), result: 'saturated' });
    const d = await mxgen(['decode', '--format', 'mxsf', '--values', 'decimal', '0b0_00_00001']);
    expect(d.stdout).toBe('format: mxsf\ncode:   1\nvalue:  0.001953125\nclass:  subnormal, subnormal-FP (FP5 E3M2): 2^(1-8) * 1/4\n');
  });

  test('gemm bf16 baseline', async () => {
    const r = await mxgen(['gemm', '--format', 'bf16', '--a', 'a.json', '--b', 'b.json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).bits.slice(0, 2)).toEqual([floatToBits(2), floatToBits(11)]);
  });
});

describe.concurrent('bad input: one line on stderr, non-zero exit, no stack trace', () => {
  test.each([
    ['unknown format', ['quantize', '--format', 'mxfp7', '--input', 'a.json'], 2, "unknown format 'mxfp7'"],
    ['bf16 outside gemm', ['quantize', '--format', 'bf16', '--input', 'a.json'], 2, "accepted only by 'mxgen gemm'"],
    ['malformed block shape', ['quantize', '--format', 'mxsf', '--block', '8by8', '--input', 'a.json'], 2, "block shape '8by8' is not of the form RxC"],
    ['zero block edge', ['gemm', '--format', 'mxsf', '--block-a', '0x32', '--a', 'a.json', '--b', 'b.json'], 2, "block shape '0x32' is not of the form RxC"],
    ['block edge too large', ['quantize', '--format', 'mxsf', '--block', '1x999999', '--input', 'a.json'], 2, 'has an edge above'],
    ['K edges differ', ['gemm', '--format', 'mxsf', '--block-a', '8x8', '--block-b', '32x1', '--a', 'a.json', '--b', 'b.json'], 2, "edges along K differ"],
    ['truncated JSON', ['quantize', '--format', 'mxsf', '--input', 'trunc.json'], 1, 'trunc.json: truncated or malformed JSON (Unexpected end of JSON input)'],
    ['wrong element count', ['gemm', '--format', 'mxsf', '--a', 'short.json', '--b', 'b.json'], 1, 'short.json: expected 12 elements for 3x4, got 11'],
    ['missing file', ['gemm', '--format', 'mxsf', '--a', 'a.json', '--b', 'b.json', '--c', 'nope.json'], 1, 'nope.json: no such file'],
    ['A and B do not agree on K', ['gemm', '--format', 'mxsf', '--a', 'a.json', '--b', 'k4.json'], 1, "a.json is 2x3 and k4.json is 4x2: A's columns must equal B's rows (K)"],
    ['C of the wrong shape', ['gemm', '--format', 'mxsf', '--a', 'a.json', '--b', 'b.json', '--c', 'c33.json'], 1, 'c33.json is 3x3 but A*B is 2x2'],
    ['unknown option', ['gemm', '--format', 'mxsf', '--a', 'a.json', '--b', 'b.json', '--d', 'x'], 2, 'unknown option --d'],
    ['missing option', ['gemm', '--a', 'a.json', '--b', 'b.json'], 2, 'missing required option --format'],
    ['unknown command', ['quantise'], 2, "unknown command 'quantise'; did you mean 'quantize'?"],
    ['misspelt option', ['gemm', '--fromat', 'mxsf', '--a', 'a.json', '--b', 'b.json'], 2, 'unknown option --fromat; did you mean --format?'],
    ['overflowing number in matrix JSON', ['quantize', '--format', 'mxsf', '--input', 'big.json'], 1, 'big.json: data[1] (row 0, column 1) = -1e39 overflows FP32'],
    ['output into a directory', ['quantize', '--format', 'mxsf', '--input', 'a.json', '--output', '.'], 1, '.: cannot write (is a directory)'],
  ])('%s', async (_, args, code, message) => {
    const r = await mxgen(args as string[]);
    expect(r.exitCode).toBe(code);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^mxgen: /);
    expect(lines[0]).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('malformed JSON on stdin', async () => {
    const r = await mxgen(['quantize', '--format', 'mxsf'], '{"rows":1,"cols":1,"data":[1]]');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^mxgen: input \(stdin\): truncated or malformed JSON \(.*\)\n$/);
  });
});
