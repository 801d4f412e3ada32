// The CLI in-process (main() with an in-memory IO): options, help, messages, and that the JSON it
// prints is the golden model's output. End-to-end runs of the real binary are in e2e.test.ts.

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseArgs, type Command } from '../../generator/cli/command';
import { COMMANDS } from '../../generator/cli/commands/index';
import { exactDecimal } from '../../generator/formats/text';
import { dataLiterals, isFp32Midpoint } from '../../generator/cli/decimal';
import { bufferIO, matrixFromJson } from '../../generator/cli/io';
import { MAX_MESSAGE, findCommand, findGroup, main, printable } from '../../generator/cli/main';
import {
  FORMAT_NAMES, dequantize, floatToBits, gemm, gemmBf16, makeMatrix, quantize,
} from '../../generator/golden/index';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mxgen-cli-'));
});

async function run(argv: string[], stdin = '') {
  const io = bufferIO(stdin, dir);
  const code = await main(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

async function file(name: string, content: unknown) {
  await writeFile(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return name;
}

const data = (rows: number, cols: number, xs: unknown[]) => JSON.stringify({ rows, cols, data: xs });

describe('the message net', () => {
  // every site shortens the input it quotes (util/shown); this is the net under them all
  test('a one-line message stays one line, at most MAX_MESSAGE characters, with its start and its fix', () => {
    const long = `--k: bad value '${'9'.repeat(5000)}\n'; use an integer in 1..64`;
    const p = printable(long);
    expect(p.length).toBeLessThanOrEqual(MAX_MESSAGE);
    expect(p).not.toContain('\n');
    expect(p.startsWith('--k: bad value')).toBe(true);
    expect(p.endsWith('use an integer in 1..64')).toBe(true);
    expect(p).toMatch(/\.\.\. \(\d+ characters cut\) \.\.\./);
    const cut = Number(/\((\d+) characters cut\)/.exec(p)![1]);
    expect(p.length - p.match(/ \.\.\. \(\d+ characters cut\) \.\.\. /)![0].length + cut).toBe(escapeLen(long));
    expect(printable('short message')).toBe('short message');
  });
});

const escapeLen = (s: string): number => s.replace(/\n/g, '\\n').length;

describe('registry and help', () => {
  test('command names are unique and every command has help', () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const c of COMMANDS) expect(c.summary.length).toBeGreaterThan(0);
  });

  test.each([['--help'], ['-h'], ['help']])('top-level %s lists the commands', async (flag) => {
    const r = await run([flag]);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(c.name);
  });

  test.each(COMMANDS.map((c) => [c.name] as const))('%s --help', async (name) => {
    const r = await run([...name.split(' '), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: mxgen ${name}`);
    expect(r.stderr).toBe('');
    // help wins even over a missing required option or a bad value
    expect((await run([...name.split(' '), '--bogus', '-h'])).code).toBe(0);
    expect((await run(['help', ...name.split(' ')])).stdout).toBe(r.stdout);
  });

  test('multi-word commands and groups', () => {
    const c = (name: string): Command => ({ name, summary: name, usage: '', options: [], run: async () => 0 });
    const list = [c('sim'), c('sim quantize'), c('sim gemm'), c('gemm')];
    expect(findCommand(list, ['sim', 'quantize', '--x'])).toEqual({ command: list[1], rest: ['--x'] });
    expect(findCommand(list, ['sim', 'other'])).toEqual({ command: list[0], rest: ['other'] });
    expect(findCommand(list, ['simulate'])).toBeUndefined();
    const noSim = list.slice(1);
    expect(findCommand(noSim, ['sim'])).toBeUndefined();
    expect(findGroup(noSim, ['sim', '--help'])?.members.map((m) => m.name)).toEqual(['sim quantize', 'sim gemm']);
    expect(findGroup(noSim, ['sim', 'nope'])?.prefix).toBe('sim');
    expect(findGroup(noSim, ['--sim'])).toBeUndefined();
  });

  test('no command prints help on stderr, exit 2', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: mxgen <command>');
  });

  test('--version', async () => {
    expect((await run(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('option parsing', () => {
  const cmd: Command = {
    name: 'demo',
    summary: 'demo',
    usage: '',
    options: [
      { name: 'mode', value: 'M', choices: ['a', 'b'], default: 'a', help: '' },
      { name: 'need', value: 'X', required: true, help: '' },
      { name: 'flag', help: '' },
    ],
    run: async () => 0,
  };
  const ok = (argv: string[]) => {
    const r = parseArgs(cmd, argv);
    if (r.help) throw new Error('help');
    return r.args;
  };

  test('values, defaults, = form, flags, stdin dash', () => {
    const a = ok(['--need', '-', '--flag']);
    expect([a.string('need'), a.string('mode'), a.flag('flag'), a.given('mode')]).toEqual(['-', 'a', true, false]);
    expect(ok(['--need=x', '--mode=b']).string('mode')).toBe('b');
  });

  test.each([
    [['--need', 'x', '--nope'], 'unknown option --nope'],
    [['--need', 'x', '-q'], 'unknown option -q'],
    [['--mode', 'a'], 'missing required option --need'],
    [['--need'], 'option --need needs a value (X)'],
    [['--need', 'x', '--need', 'y'], 'option --need given more than once'],
    [['--need', 'x', '--mode', 'c'], "option --mode must be one of a, b; got 'c'"],
    [['--need', 'x', '--flag=1'], 'option --flag takes no value'],
    [['--need', 'x', 'extra'], "unexpected argument 'extra'"],
  ])('%j -> %s', (argv, message) => {
    expect(() => parseArgs(cmd, argv)).toThrow(message);
  });
});

describe('formats', () => {
  test('the table shows every format with exact numbers', async () => {
    const r = await run(['formats']);
    expect(r.code).toBe(0);
    for (const n of FORMAT_NAMES) expect(r.stdout).toContain(n);
    expect(r.stdout).toMatch(/mxfp8-e4m3\s+8\s+s eeee mmm\s+7\s+8\s+448\s+2\^-9 = 0\.001953125\s+254\/253\s+NaN/);
    expect(r.stdout).toMatch(/mxfp8-e5m2\s+8\s+s eeeee mm\s+15\s+15\s+57344\s+2\^-16 = 0\.0000152587890625\s+248\/247\s+Inf, NaN/);
    expect(r.stdout).toMatch(/mxint8\s+8\s+.*\s+-\s+0\s+1\.984375\s+2\^-6 = 0\.015625\s+256\/256/);
    expect(r.stdout).toMatch(/mxsf\s+8\s+s ee mmmmm \| s 00 xxx ff\s+1 \(8\)\s+2\s+7\.875\s+2\^-9 = 0\.001953125\s+256\/255/);
    expect(r.stdout).toContain('bf16');
  });

  test('--json matches the contract table', async () => {
    const facts = JSON.parse((await run(['formats', '--json'])).stdout) as { name: string; maxNormal: number; minSubnormal: number; emax: number }[];
    const e3m2 = facts.find((f) => f.name === 'mxfp6-e3m2')!;
    expect([e3m2.maxNormal, e3m2.minSubnormal, e3m2.emax]).toEqual([28, 0.0625, 4]);
  });

  test('exact decimals', () => {
    expect(exactDecimal(2 ** -16)).toBe('0.0000152587890625');
    expect(exactDecimal(127 / 64)).toBe('1.984375');
    expect(exactDecimal(57344)).toBe('57344');
    expect(exactDecimal(2 ** -149)).toBe(`0.${'0'.repeat(44)}1401298464324817070923729583289916131280261941876515771757068283889791082685860601486638188362121582031250`.replace(/0+$/, ''));
    expect(exactDecimal(-0.1)).toBe('-0.1000000000000000055511151231257827021181583404541015625');
  });
});

describe('quantize', () => {
  test('public MXFP8 E4M3 case from stdin: output form and values', async () => {
    const r = await run(['quantize', '--format', 'mxfp8-e4m3'], data(1, 8, [485, 475, 400, -485, -475, -450, 2 ** -6, -(2 ** -6)]));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['format', 'block', 'scaleMode', 'rows', 'cols', 'scales', 'codes', 'values']);
    expect(out).toMatchObject({ format: 'mxfp8-e4m3', block: [1, 32], scaleMode: 'floor', rows: 1, cols: 8, scales: [127] });
    expect(out.values).toEqual([448, 448, 384, -448, -448, -448, 2 ** -6, -(2 ** -6)].map(floatToBits));
  });

  test('MXFP4 [7, 1] floor and rceil', async () => {
    const floor = JSON.parse((await run(['quantize', '--format', 'mxfp4-e2m1'], data(1, 2, [7, 1]))).stdout);
    const rceil = JSON.parse((await run(['quantize', '--format=mxfp4-e2m1', '--scale-mode', 'rceil'], data(1, 2, [7, 1]))).stdout);
    expect([floor.scales, floor.values]).toEqual([[127], [6, 1].map(floatToBits)]);
    expect([rceil.scales, rceil.values]).toEqual([[128], [8, 1].map(floatToBits)]);
  });

  test('bits input, 8x8 tiles, file in and out: the golden model output', async () => {
    const bits = Array.from({ length: 10 * 13 }, (_, i) => floatToBits(Math.sin(i) * 2 ** ((i % 19) - 9)));
    bits[17] = 0x7fc00000;
    bits[40] = 0x80000000;
    await file('m.json', { rows: 10, cols: 13, bits });
    const r = await run(['quantize', '--format', 'mxsf', '--block', '8x8', '--input', 'm.json', '--output', 'q.json']);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
    const out = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(path.join(dir, 'q.json'), 'utf8')));
    const q = quantize(makeMatrix(10, 13, Uint32Array.from(bits)), 'mxsf', { rows: 8, cols: 8 }, 'floor');
    expect(out.scales).toEqual(Array.from(q.scales));
    expect(out.codes).toEqual(Array.from(q.codes));
    expect(out.values).toEqual(Array.from(dequantize(q)));
    expect(out.scales.length).toBe(2 * 2);
  });

  test('data accepts "nan", "inf", "-inf", -0 and rounds numbers to FP32 (ties to even)', async () => {
    // 1 + 2^-24 is halfway between 1 and 1 + 2^-23 -> 1; 3.4028235677973366e38 is just below the midpoint of
    // FP32 max and 2^128 -> FP32 max (written by hand: JSON.stringify would print -0 as 0)
    const r = await run(['quantize', '--format', 'mxfp8-e4m3', '--block', '1x1'], '{"rows":1,"cols":6,"data":["nan","inf","-inf",-0,1.000000059604644775390625,3.4028235677973366e38]}');
    const out = JSON.parse(r.stdout);
    expect(out.scales).toEqual([255, 255, 255, 0, 127 - 8, 127 + 127 - 8]);
    expect(out.values.slice(3, 5)).toEqual([0x80000000, floatToBits(1)]);
  });
});

describe('gemm', () => {
  const A = { rows: 3, cols: 40, data: Array.from({ length: 120 }, (_, i) => Math.cos(i) * (i % 7)) };
  const B = { rows: 40, cols: 2, data: Array.from({ length: 80 }, (_, i) => Math.sin(i * 3) * 2 ** (i % 5)) };
  const C = { rows: 3, cols: 2, data: [-0, 'inf', 1.5, 'nan', 0, -2] };
  const m = (x: { rows: number; cols: number; data: (number | string)[] }) =>
    makeMatrix(x.rows, x.cols, Uint32Array.from(x.data.map((v) => (typeof v === 'number' ? floatToBits(v) : v === 'inf' ? 0x7f800000 : 0x7fc00000))));

  test('MX formats, mixed, tiles, C input: the golden model output', async () => {
    await file('a.json', A);
    await file('b.json', B);
    await file('c.json', C);
    const r = await run(['gemm', '--format', 'mxfp8-e4m3', '--format-b', 'mxsf', '--block-a', '8x8', '--block-b', '8x8', '--scale-mode', 'rceil', '--a', 'a.json', '--b', 'b.json', '--c', 'c.json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['rows', 'cols', 'bits']);
    const want = gemm(m(A), m(B), { formatA: 'mxfp8-e4m3', formatB: 'mxsf', blockA: { rows: 8, cols: 8 }, blockB: { rows: 8, cols: 8 }, scaleMode: 'rceil', c: m(C) });
    expect(out).toEqual({ rows: 3, cols: 2, bits: Array.from(want.bits) });
  });

  test('defaults 1x32 / 32x1 and A from stdin', async () => {
    const r = await run(['gemm', '--format', 'mxint8', '--a', '-', '--b', 'b.json'], JSON.stringify(A));
    const want = gemm(m(A), m(B), { formatA: 'mxint8' });
    expect(JSON.parse(r.stdout).bits).toEqual(Array.from(want.bits));
  });

  test('bf16 baseline with the chunk length from the blocks', async () => {
    const r = await run(['gemm', '--format', 'bf16', '--block-a', '1x16', '--block-b', '16x1', '--a', 'a.json', '--b', 'b.json', '--c', 'c.json']);
    expect(JSON.parse(r.stdout).bits).toEqual(Array.from(gemmBf16(m(A), m(B), m(C), 16).bits));
  });
});

describe('user errors: one line, exit code, no stack trace', () => {
  beforeAll(async () => {
    await file('a34.json', { rows: 3, cols: 4, bits: new Array(11).fill(0) });
    await file('trunc.json', '{"rows": 1, "cols": 2, "data": [1, ');
    await file('ok34.json', { rows: 3, cols: 4, data: new Array(12).fill(1) });
    await file('ok52.json', { rows: 5, cols: 2, data: new Array(10).fill(1) });
  });

  test.each([
    [['quantize', '--format', 'fp9'], 2, "--format: unknown format 'fp9'; choose one of: mxfp8-e5m2"],
    [['quantize', '--format', 'bf16'], 2, "'bf16' is the unscaled baseline, accepted only by 'mxgen gemm'"],
    [['gemm', '--format', 'fp9', '--a', 'x', '--b', 'y'], 2, 'choose one of: mxfp8-e5m2, mxfp8-e4m3, mxfp6-e3m2, mxfp6-e2m3, mxfp4-e2m1, mxint8, mxfp8-e2m5, mxsf, bf16'],
    [['gemm', '--format', 'bf16', '--format-b', 'mxsf', '--a', 'x', '--b', 'y'], 2, 'cannot be mixed'],
    [['quantize', '--format', 'mxsf', '--block', '8'], 2, "--block: block shape '8' is not of the form RxC"],
    [['quantize', '--format', 'mxsf', '--block', '0x8'], 2, "block shape '0x8' is not of the form RxC"],
    [['quantize', '--format', 'mxsf', '--block', '1x100000'], 2, 'has an edge above 65536'],
    [['quantize', '--format', 'mxsf', '--scale-mode', 'ceil'], 2, "option --scale-mode must be one of floor, rceil; got 'ceil'"],
    [['gemm', '--format', 'mxsf', '--block-a', '1x32', '--block-b', '16x1', '--a', 'x', '--b', 'y'], 2, "the blocks' edges along K differ: --block-a 1x32 has 32 columns, --block-b 16x1 has 16 rows"],
    [['gemm', '--format', 'mxsf', '--a', '-', '--b', '-'], 2, "only one input can come from stdin, but --a and --b are '-'"],
    [['gemm', '--format', 'mxsf', '--b', 'x'], 2, 'missing required option --a'],
    [['quantize', '--format', 'mxsf', '--frobnicate'], 2, "quantize: unknown option --frobnicate (see 'mxgen quantize --help')"],
    [['frobnicate'], 2, "unknown command 'frobnicate'"],
    [['quantize', '--format', 'mxsf', '--input', 'a34.json'], 1, 'a34.json: expected 12 elements for 3x4, got 11'],
    [['quantize', '--format', 'mxsf', '--input', 'trunc.json'], 1, 'trunc.json: truncated or malformed JSON (Unexpected end of JSON input)'],
    [['quantize', '--format', 'mxsf', '--input', 'nope.json'], 1, 'nope.json: no such file'],
    [['gemm', '--format', 'mxsf', '--a', 'ok34.json', '--b', 'ok34.json', '--c', 'c-missing.json'], 1, 'c-missing.json: no such file'],
    [['gemm', '--format', 'mxsf', '--a', 'ok34.json', '--b', 'ok34.json'], 1, "ok34.json is 3x4 and ok34.json is 3x4: A's columns must equal B's rows (K)"],
    [['gemm', '--format', 'mxsf', '--a', 'ok34.json', '--b', 'ok52.json'], 1, "A's columns must equal B's rows"],
    [['quantize', '--format', 'mxsf', '--input', 'ok34.json', '--output', 'no/such/dir/out.json'], 1, 'no/such/dir/out.json: cannot write (no such directory: no/such/dir)'],
  ])('%j', async (argv, code, message) => {
    const r = await run(argv);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith('mxgen: ')).toBe(true);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  test.each([
    ['[1, 2]', 'input (stdin): expected a JSON object'],
    ['{"cols": 2, "data": [1, 2]}', 'input (stdin): missing "rows"'],
    ['{"rows": 0, "cols": 2, "data": []}', '"rows" must be a positive integer, got 0'],
    ['{"rows": 1.5, "cols": 2, "data": [1, 2]}', '"rows" must be a positive integer, got 1.5'],
    ['{"rows": 1, "cols": 2}', 'missing "bits" (FP32 bit patterns) or "data"'],
    ['{"rows": 1, "cols": 2, "bits": [1, 2], "data": [1, 2]}', 'give either "bits" or "data", not both'],
    ['{"rows": 1, "cols": 2, "bits": "12"}', '"bits" must be an array, got "12"'],
    ['{"rows": 1, "cols": 2, "bits": [1, -1]}', 'bits[1] (row 0, column 1) must be an FP32 bit pattern (an integer 0..4294967295, "0x..." or "0b..."), got -1'],
    ['{"rows": 1, "cols": 2, "bits": [1, 4294967296]}', 'bits[1] (row 0, column 1) must be an FP32 bit pattern'],
    ['{"rows": 1, "cols": 2, "bits": [1, 2.5]}', 'bits[1] (row 0, column 1) must be an FP32 bit pattern'],
    ['{"rows": 1, "cols": 2, "bits": [1, "0x100000000"]}', 'bits[1] (row 0, column 1) must be an FP32 bit pattern'],
    ['{"rows": 1, "cols": 2, "bits": [1, "0b2"]}', 'bits[1] (row 0, column 1) must be an FP32 bit pattern'],
    ['{"rows": 1, "cols": 2, "data": [1, "one"]}', 'data[1] (row 0, column 1) must be a number or one of "nan", "inf", "-inf", got "one"'],
    ['{"rows": 1, "cols": 2, "data": [1, null]}', 'data[1] (row 0, column 1) must be a number or one of "nan", "inf", "-inf", got null'],
    ['{"rows": 2, "cols": 2, "data": [1, 2, 1e39, 0]}', 'input (stdin): data[2] (row 1, column 0) = 1e39 overflows FP32 (largest finite magnitude 3.4028234663852886e38); write "inf" for an infinity'],
    ['{"rows": 1, "cols": 2, "data": [-1e39, 0]}', 'input (stdin): data[0] (row 0, column 0) = -1e39 overflows FP32 (largest finite magnitude 3.4028234663852886e38); write "-inf" for an infinity'],
    ['{"rows": 1, "cols": 1, "data": [1e400]}', 'input (stdin): data[0] (row 0, column 0) = 1e400 overflows FP32'],
    ['{"rows": 1, "cols": 2, "data": [1, 2]', 'input (stdin): truncated or malformed JSON'],
    ['{"rows": 1,\n "cols": 2,\n "data": [1, 2,]}', 'input (stdin): truncated or malformed JSON'],
    ['', 'input (stdin): truncated or malformed JSON (Unexpected end of JSON input)'],
  ])('malformed input %j', async (stdin, message) => {
    const r = await run(['quantize', '--format', 'mxfp8-e4m3'], stdin);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('decimal literals are rounded to FP32 once', () => {
  // 1 + 2^-24 is the midpoint between 1 and 1 + 2^-23. The literal 1.0000000596046448 is just above it,
  // but JSON.parse rounds it to the midpoint itself, and a second rounding to FP32 (ties to even) would
  // give 1. Likewise 1.00000017881393427 is just below the midpoint 1 + 3*2^-24 of (1 + 2^-23, 1 + 2^-22).
  // 3.4028235677973366e38 is just below the midpoint of FP32 max and 2^128, so it is FP32 max, not Inf.
  test.each([
    ['1.0000000596046448', 0x3f800001],
    ['-1.0000000596046448', 0xbf800001],
    ['1.00000017881393427', 0x3f800001],
    ['1.000000059604644775390625', 0x3f800000], // exactly the midpoint: ties to even
    ['1.000000178813934326171875', 0x3f800002],
    ['10000000596046448e-16', 0x3f800001],
    ['3.4028235677973366e38', 0x7f7fffff],
    ['0.1', floatToBits(0.1)],
  ])('%s', (literal, want) => {
    const text = `{"rows":1,"cols":2,"note":"[1, 2]","data":[0, ${literal}]}`;
    const m = matrixFromJson(JSON.parse(text), 'x', text);
    expect(m.bits[1].toString(16)).toBe(want.toString(16));
  });

  test('the midpoint of FP32 max and 2^128 rounds (to even) to Inf: an overflow error, not an infinity', () => {
    const text = '{"rows":1,"cols":2,"data":[0, 3.40282356779733661637539395458142568448e38]}';
    expect(() => matrixFromJson(JSON.parse(text), 'x', text)).toThrow(
      'x: data[1] (row 0, column 1) = 3.40282356779733661637539395458142568448e38 overflows FP32 (largest finite magnitude 3.4028234663852886e38); write "inf" for an infinity',
    );
  });

  test('the data literals are found in any layout', () => {
    expect(dataLiterals('{"a":{"data":[9]},"s":"\\"data\\": [8]","data":[1, -2.5e3,"nan" ,\n 4]}')).toEqual(['1', '-2.5e3', '"nan"', '4']);
    expect(dataLiterals('{"data":[1],"data":[2, 3]}')).toEqual(['2', '3']);
    expect(dataLiterals('{"data":[[1], 2, null, true]}')).toEqual(['2', 'null', 'true']); // nested arrays are not elements (and invalid)
    expect(isFp32Midpoint(1 + 2 ** -24)).toBe(true);
    expect(isFp32Midpoint(1 + 2 ** -23)).toBe(false);
    expect(isFp32Midpoint(2 ** -150)).toBe(true);
  });
});
