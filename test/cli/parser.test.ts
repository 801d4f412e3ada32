// The argument parser (commander underneath, never printing or exiting by itself) and "did you mean" for
// misspelt commands, options, formats and option values: exact message texts, exit code 2.

import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { helpText, parseArgs, type Command } from '../../generator/cli/command';
import { COMMANDS } from '../../generator/cli/commands/index';
import { closestMatches, didYouMean, editDistance, withSuggestion } from '../../generator/util/did-you-mean';
import { expectOneLine, put, runIn, tempDir } from './helpers';

let dir: string;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  dir = tempDir('mxgen-parser-');
  put(dir, 'm.json', { rows: 1, cols: 2, data: [1, 2] });
});
const run = (argv: string[], stdin = '') => runIn(dir, argv, stdin);

const demo: Command = {
  name: 'demo',
  summary: 'demo',
  usage: '',
  options: [
    { name: 'mode', value: 'M', choices: ['floor', 'rceil'], default: 'floor', help: 'a choice' },
    { name: 'need', value: 'X', required: true, help: 'required' },
    { name: 'count', value: 'N', type: 'int', min: 1, max: 99, default: '3', help: 'an int' },
    { name: 'secret', value: 'S', hidden: true, help: 'not shown' },
    { name: 'flag', help: 'a flag' },
    { name: 'no-check', help: 'a no- flag (not a negation)' },
  ],
  positionals: { min: 0, max: 1, name: 'VALUE' },
  run: async () => 0,
};
const ok = (argv: string[]) => {
  const r = parseArgs(demo, argv);
  if (r.help) throw new Error('help');
  return r.args;
};

describe('parseArgs', () => {
  afterEach(() => vi.restoreAllMocks());

  test('values, = form, flags, defaults, ints, hidden options, --no- flags, positionals', () => {
    const a = ok(['--need', '-', '--flag', '--count=7', '--secret', 's', '--no-check', 'v']);
    expect([a.string('need'), a.string('mode'), a.flag('flag'), a.int('count'), a.string('secret'), a.flag('no-check'), a.positionals]).toEqual([
      '-', 'floor', true, 7, 's', true, ['v'],
    ]);
    const b = ok(['--need=x', '--mode=rceil']);
    expect([b.string('mode'), b.given('mode'), b.given('count'), b.int('count'), b.flag('no-check'), b.positionals]).toEqual(['rceil', true, false, 3, false, []]);
  });

  test('negative numbers are values and positionals; anything after -- is a positional', () => {
    expect(ok(['--need', '-5', '-1.5e3']).positionals).toEqual(['-1.5e3']);
    expect(ok(['--need', '-5']).string('need')).toBe('-5');
    expect(ok(['--need', 'x', '--', '--flag']).positionals).toEqual(['--flag']);
    expect(ok(['--need', 'x', '--', '-inf']).positionals).toEqual(['-inf']);
  });

  test('--help and -h win anywhere before --', () => {
    expect(parseArgs(demo, ['--bogus', '-h']).help).toBe(true);
    expect(parseArgs(demo, ['--need', 'x', '--', '--help']).help).toBe(false);
  });

  test.each([
    [['--need', 'x', '--nope'], 'unknown option --nope'],
    [['--need', 'x', '--neeed', 'y'], 'unknown option --neeed; did you mean --need?'],
    [['--need', 'x', '--flg'], 'unknown option --flg; did you mean --flag?'],
    [['--need', 'x', '--secrte', 'y'], 'unknown option --secrte'], // hidden options are not suggested
    [['--need', 'x', '-inf'], "unknown option -inf; an argument that starts with '-' goes after '--' (mxgen demo ... -- -inf)"],
    [['--mode', 'floor'], 'missing required option --need'],
    [['--need'], 'option --need needs a value (X)'],
    [['--need', '--flag'], 'option --need needs a value (X)'],
    [['--need', 'x', '--need', 'y'], 'option --need given more than once'],
    [['--need', 'x', '--flag', '--flag'], 'option --flag given more than once'],
    [['--need', 'x', '--mode', 'ceil'], "option --mode must be one of floor, rceil; got 'ceil'; did you mean 'rceil'?"],
    [['--need', 'x', '--mode', 'zzz'], "option --mode must be one of floor, rceil; got 'zzz'"],
    [['--need', 'x', '--count', '0'], "option --count must be an integer in 1..99; got '0'"],
    [['--need', 'x', '--count', '1.5'], "option --count must be an integer in 1..99; got '1.5'"],
    [['--need', 'x', '--count', '1e1'], "option --count must be an integer in 1..99; got '1e1'"],
    [['--need', 'x', '--flag=1'], 'option --flag takes no value'],
    [['--need', 'x', 'one', 'two'], "unexpected argument 'two'"],
  ])('%j -> %s', (argv, message) => {
    expect(() => parseArgs(demo, argv)).toThrow(message);
    try {
      parseArgs(demo, argv);
    } catch (e) {
      expect((e as Error).message).toBe(message);
    }
  });

  test('the parser never prints or exits by itself', () => {
    const out = vi.spyOn(process.stdout, 'write');
    const err = vi.spyOn(process.stderr, 'write');
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => {
      throw new Error('process.exit called');
    }) as never);
    for (const argv of [['--nope'], ['--need'], ['--need', 'x', '--mode', 'q'], ['--version'], ['--need', 'x', '-V'], ['help']]) {
      try {
        parseArgs(demo, argv);
      } catch (e) {
        expect((e as Error).message).not.toBe('process.exit called');
      }
    }
    expect(out).not.toHaveBeenCalled();
    expect(err).not.toHaveBeenCalled();
    expect(exit).not.toHaveBeenCalled();
  });

  test('help text comes from the option specs: ranges, defaults, required; hidden options left out', () => {
    const h = helpText(demo);
    expect(h).toContain('--count N');
    expect(h).toMatch(/--count N\s+an int \(integer 1\.\.99; default: 3\)/);
    expect(h).toMatch(/--need X\s+required \(required\)/);
    expect(h).toMatch(/--mode M\s+a choice \(default: floor\)/);
    expect(h).not.toContain('secret');
  });
});

describe('didYouMean', () => {
  test('edit distance counts a swap as one edit', () => {
    expect([editDistance('quantize', 'quantise'), editDistance('fromat', 'format'), editDistance('', 'abc'), editDistance('pe', 'pe')]).toEqual([1, 1, 3, 0]);
  });

  test.each([
    ['quantiser', ['decoder', 'quantizer', 'pe', 'tile'], ['quantizer']],
    ['QUANTIZER', ['decoder', 'quantizer', 'pe', 'tile'], ['quantizer']],
    ['tiel', ['decoder', 'quantizer', 'pe', 'tile'], ['tile']],
    ['ep', ['decoder', 'quantizer', 'pe', 'tile'], []], // two letters: only case and dashes are forgiven
    ['PE', ['decoder', 'quantizer', 'pe', 'tile'], ['pe']],
    ['mxfp8e4m3', ['mxfp8-e5m2', 'mxfp8-e4m3', 'mxsf'], ['mxfp8-e4m3']],
    ['e4m3', ['mxfp8-e5m2', 'mxfp8-e4m3', 'mxsf'], ['mxfp8-e4m3']],
    ['mxfp8', ['mxfp8-e5m2', 'mxfp8-e4m3', 'mxfp8-e2m5', 'mxsf'], ['mxfp8-e5m2', 'mxfp8-e4m3', 'mxfp8-e2m5']],
    ['frobnicate', ['decoder', 'quantizer', 'pe', 'tile'], []],
  ])('%s -> %j', (word, candidates, want) => {
    expect(closestMatches(word, candidates)).toEqual(want);
  });

  test('message forms', () => {
    expect(didYouMean('quantiser', ['quantizer', 'pe'])).toBe("did you mean 'quantizer'?");
    expect(didYouMean('mxfp8', ['mxfp8-e5m2', 'mxfp8-e4m3'])).toBe("did you mean 'mxfp8-e5m2' or 'mxfp8-e4m3'?");
    expect(didYouMean('fromat', ['format'], (c) => `--${c}`)).toBe('did you mean --format?');
    expect(didYouMean('zzz', ['format'])).toBe('');
    expect(withSuggestion("unknown unit 'quantiser'", 'quantiser', ['quantizer'])).toBe("unknown unit 'quantiser'; did you mean 'quantizer'?");
    expect(withSuggestion("unknown unit 'zz'", 'zz', ['quantizer'], { fallback: 'units: quantizer' })).toBe("unknown unit 'zz'; units: quantizer");
  });
});

describe('misspellings through mxgen (exit 2, one line)', () => {
  test.each([
    [['quantise'], "mxgen: unknown command 'quantise'; did you mean 'quantize'?"],
    [['fromats'], "mxgen: unknown command 'fromats'; did you mean 'formats'?"],
    [['simm', 'gemm'], "mxgen: unknown command 'simm'; did you mean 'sim'?"],
    [['sim', 'quantise'], "mxgen: unknown command 'sim quantise'; did you mean 'sim quantize'?"],
    [['sim', 'zzz'], "mxgen: unknown command 'sim zzz'; 'sim' has: sim quantize, sim gemm, sim train-step"],
    [['sim'], "mxgen: 'sim' needs a subcommand: sim quantize, sim gemm, sim train-step"],
    [['sim', 'gem', '--a', 'x'], "mxgen: unknown command 'sim gem'; did you mean 'sim gemm'?"],
    [['generate', 'quantiser', '--format', 'mxsf'], "mxgen: unknown command 'generate quantiser'; did you mean 'generate quantizer'?"],
    [['generate', 'tiles', '--format', 'mxsf'], "mxgen: unknown command 'generate tiles'; did you mean 'generate tile'?"],
    [['frobnicate'], `mxgen: unknown command 'frobnicate'; commands: ${COMMANDS.map((c) => c.name).join(', ')}`],
    [['quantize', '--fromat', 'mxsf'], "mxgen: quantize: unknown option --fromat; did you mean --format? (see 'mxgen quantize --help')"],
    [['gemm', '--format', 'mxsf', '--block_a', '8x8', '--a', 'm.json', '--b', 'm.json'], "mxgen: gemm: unknown option --block_a; did you mean --block-a? (see 'mxgen gemm --help')"],
    [
      ['quantize', '--format', 'mxsff'],
      "mxgen: quantize: --format: unknown format 'mxsff'; choose one of: mxfp8-e5m2, mxfp8-e4m3, mxfp6-e3m2, mxfp6-e2m3, mxfp4-e2m1, mxint8, mxfp8-e2m5, mxsf; did you mean 'mxsf'? (see 'mxgen quantize --help')",
    ],
    [
      ['decode', '--format', 'mxfp8e4m3', '0x7e'],
      "mxgen: decode: --format: unknown format 'mxfp8e4m3'; choose one of: mxfp8-e5m2, mxfp8-e4m3, mxfp6-e3m2, mxfp6-e2m3, mxfp4-e2m1, mxint8, mxfp8-e2m5, mxsf; did you mean 'mxfp8-e4m3'? (see 'mxgen decode --help')",
    ],
    [
      ['gemm', '--format', 'bf61', '--a', 'm.json', '--b', 'm.json'],
      "mxgen: gemm: --format: unknown format 'bf61'; choose one of: mxfp8-e5m2, mxfp8-e4m3, mxfp6-e3m2, mxfp6-e2m3, mxfp4-e2m1, mxint8, mxfp8-e2m5, mxsf, bf16; did you mean 'bf16'? (see 'mxgen gemm --help')",
    ],
    [
      ['sim', 'gemm', '--format', 'mxsf', '--format-b', 'e5m2', '--a', 'm.json', '--b', 'm.json'],
      "mxgen: sim gemm: --format-b: unknown format 'e5m2'; choose one of: mxfp8-e5m2, mxfp8-e4m3, mxfp6-e3m2, mxfp6-e2m3, mxfp4-e2m1, mxint8, mxfp8-e2m5, mxsf, bf16; did you mean 'mxfp8-e5m2'? (see 'mxgen sim gemm --help')",
    ],
    [['quantize', '--format', 'mxsf', '--scale-mode', 'ceil'], "mxgen: quantize: option --scale-mode must be one of floor, rceil; got 'ceil'; did you mean 'rceil'? (see 'mxgen quantize --help')"],
    [['sim', 'quantize', '--format', 'mxsf', '--sim', 'iverilog'], "mxgen: sim quantize: option --sim must be one of verilator, icarus; got 'iverilog' (see 'mxgen sim quantize --help')"],
    [['quantize', '--format', 'mxsf', '--values', 'hexa'], "mxgen: quantize: option --values must be one of decimal, hex, bits; got 'hexa'; did you mean 'hex'? (see 'mxgen quantize --help')"],
  ])('%j', async (argv, line) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(expectOneLine(r)).toBe(line);
  });
});
