// Fuzzing of the option parsing of every `mxgen` command (the `generate <unit>` commands included, whose options come
// from the unit schemas): random command lines from each command's own options (right, misspelt, repeated, without
// their value, with values right, out of range, wrong, huge or with control characters) and stray words.
//  - the parser: any argv either parses or is a UsageError (never another exception);
//  - mxgen: a failure is one clean line with exit code != 0, and leaves the folder exactly as it was (no output file,
//    no --out folder, no kept files, no temporary file); a success prints something and nothing on stderr.
// Commands whose successful run is expensive (simulation, the study, the training step, the reference set) are run
// only where they must fail before the work: their file options get only missing or unusable files, their inputs
// are empty, or the in-process resolution of their options says they are invalid.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseArgs, type Command, type OptionSpec } from '../../generator/cli/command';
import { COMMANDS } from '../../generator/cli/commands/index';
import { UsageError } from '../../generator/cli/errors';
import { cliValues } from '../../generator/cli/unit-options';
import { resolveDesign } from '../../generator/ip/designs';
import { paramInfo } from '../../generator/ip/params';
import { UNITS } from '../../generator/ip/units';
import { mxFormatValue } from '../../generator/cli/options';
import type { FormatName } from '../../generator/formats/table';
import { resolveTrainStep } from '../../generator/train/options';
import { resolveEnergy } from '../../generator/energy/cli';
import { SEED, check } from './gen';
import { rerun } from '../robust/seed';
import { MAX_LINE, Sandbox, expectCleanFailure, printStats, run, snapshot } from './run';

let box: Sandbox;
beforeAll(() => {
  box = new Sandbox('mxgen-fuzz-options-');
});
afterAll(() => {
  box.dispose();
  printStats(`fuzz: command lines, ${rerun(SEED)}`);
});

/** The files every case starts with (paths in argv are relative to the case folder, never absolute or `..`). */
function populate(dir: string): void {
  writeFileSync(path.join(dir, 'in.json'), JSON.stringify({ rows: 2, cols: 2, data: [1, -2, 0.5, 'nan'] }));
  writeFileSync(path.join(dir, 'b.json'), JSON.stringify({ rows: 2, cols: 1, data: [3, 4] }));
  writeFileSync(path.join(dir, 'q.json'), JSON.stringify({ format: 'mxsf', block: [1, 2], scaleMode: 'floor', rows: 2, cols: 2, scales: [127, 127], codes: [1, 2, 3, 4] }));
  writeFileSync(path.join(dir, 'cfg.json'), JSON.stringify({ designs: [{ unit: 'decoder', format: 'mxint8' }] }));
  writeFileSync(path.join(dir, 'out.json'), '{"sentinel": "left alone"}\n');
  mkdirSync(path.join(dir, 'd'));
  mkdirSync(path.join(dir, 'full'));
  writeFileSync(path.join(dir, 'full', 'notes.txt'), 'not written by mxgen\n');
}

const JUNK = ['', '-', '--', '-1', '-inf', '0', '1', '+3', ' 7', '1.5', '1e3', '0x10', '0b1', '99999999999999999999', 'a\nb', '\u001b[31m', '🙂', '=', 'x'.repeat(2_000), 'mxsf', '8x8', '1x32', 'hex'];
const FILES = ['in.json', 'b.json', 'q.json', 'cfg.json', 'missing.json', '-', 'out.json', 'new.json', 'nodir/x.json', 'd', 'full', 'p'.repeat(300)];
/** File values of the commands that must not get as far as their work: nothing usable. */
const BAD_FILES = ['missing.json', 'd', 'nodir/x.json', 'p'.repeat(300), 'x\ny'];
const PATH_OPTIONS = new Set(['input', 'output', 'a', 'b', 'c', 'config', 'out', 'design', 'keep']);

/** Commands run only where they fail before their (expensive) work, and how that is arranged. */
const GUARDED = new Set(['sim quantize', 'sim gemm', 'study', 'train-step', 'generate', 'regress', 'energy']);

function values(c: Command, o: OptionSpec): string[] {
  if (c.name === 'study' && o.name === 'out') return ['in.json', 'b.json']; // a file: refused before any training
  if (PATH_OPTIONS.has(o.name)) {
    const files = GUARDED.has(c.name) && o.name !== 'out' && o.name !== 'config' ? BAD_FILES : FILES;
    // generate records its command line in every file header, and a word of 100+ characters there hangs the comment
    // wrapper (generator/hdl/emit-verilog.ts commentLines; test/fuzz/known-bugs.test.ts): keep paths short for it
    return c.name.startsWith('generate') ? files.filter((f) => f.length < 90) : files;
  }
  const out = [...(o.choices ?? []), ...(o.default !== undefined ? [o.default] : []), ...JUNK];
  if (o.type === 'int') {
    const lo = o.min ?? 0;
    out.push(String(lo), String(lo - 1), String(lo + 1), String((o.max ?? 2 ** 53) + 1));
  }
  // a unit parameter: its schema's choices and small numbers (a large valid k would only make the case slow)
  const p = c.name.startsWith('generate ') ? paramInfo(UNITS.find((u) => `generate ${u.name}` === c.name)!.schema).find((x) => x.option === o.name) : undefined;
  if (p) out.push(...(p.choices ?? []).map(String), '2', '4', '0', '-1', '1.5', String((p.maximum ?? 64) + 1), '2x2', '4x2', '0x4', '65x1', 'true');
  return out;
}

/** One occurrence of an option, as argv words. */
function occurrence(c: Command, o: OptionSpec): fc.Arbitrary<string[]> {
  const name = `--${o.name}`;
  const misspelt = fc.constantFrom(`--${o.name.slice(1)}`, `--${o.name}x`, `--${o.name.toUpperCase()}`, `-${o.name}`, `--${o.name.replace('-', '_')}`);
  if (o.value === undefined) {
    return fc.oneof({ weight: 6, arbitrary: fc.constant<string[]>([name]) }, { weight: 1, arbitrary: fc.constant<string[]>([`${name}=1`]) }, { weight: 1, arbitrary: misspelt.map((m): string[] => [m]) });
  }
  const v = fc.constantFrom(...values(c, o));
  return fc.oneof(
    { weight: 6, arbitrary: v.map((x) => [name, x]) },
    { weight: 2, arbitrary: v.map((x) => [`${name}=${x}`]) },
    { weight: 1, arbitrary: fc.constant<string[]>([name]) },
    { weight: 1, arbitrary: fc.tuple(misspelt, v).map(([m, x]) => [m, x]) },
  );
}

/** A value that gets a required option past its own check (what a user would mostly give). */
function goodValue(c: Command, o: OptionSpec): string {
  if (o.choices?.length) return o.choices[0]!;
  if (o.name === 'format') return 'mxsf';
  if (o.name === 'a') return GUARDED.has(c.name) ? 'missing.json' : 'in.json';
  if (o.name === 'b') return GUARDED.has(c.name) ? 'missing.json' : 'b.json';
  return o.default ?? '1';
}

function argvOf(c: Command): fc.Arbitrary<string[]> {
  // the required options mostly given right, so that the rest of the line is what gets checked
  const required = c.options.filter((o) => o.required && o.value !== undefined);
  const head = fc.tuple(...required.map((o) => fc.oneof({ weight: 6, arbitrary: fc.constant<string[]>([`--${o.name}`, goodValue(c, o)]) }, { weight: 1, arbitrary: fc.constant<string[]>([]) })));
  const stray = fc.oneof(fc.constantFrom('--', '-h', '--help', '--version', 'extra', '-x', '--zzz', 'quantize', 'pe', '0x7e', '1.5', '-1.5'), fc.string({ maxLength: 8 }));
  // (a command without options, such as `regress merge`, gets positionals and stray words only)
  const optionPieces = c.options.length ? [{ weight: 12, arbitrary: fc.constantFrom(...c.options).chain((o) => occurrence(c, o)) }] : [];
  const pieces = fc.oneof(
    ...optionPieces,
    { weight: (c.positionals?.max ?? 0) > 0 ? 3 : 1, arbitrary: fc.oneof(fc.constantFrom(...JUNK, '0x7e', '126', '-1.5', '3e-3', 'quantizer', 'decoder'), stray).map((w) => [w]) },
  );
  return fc.tuple(head, fc.array(pieces, { maxLength: 6 })).map(([h, xs]) => [...h.flat(), ...xs.flat()]);
}

/** Whether mxgen may run this command line (see GUARDED): false where a success would start the expensive work. */
function mayRun(c: Command, argv: string[]): boolean {
  if (!GUARDED.has(c.name)) return true;
  let parsed;
  try {
    parsed = parseArgs(c, argv);
  } catch {
    return true; // a usage error: it stops there
  }
  if (parsed.help) return true;
  const a = parsed.args;
  switch (c.name) {
    case 'generate':
      return a.given('config') || a.flag('list'); // bare `generate` writes the reference set into rtl-out/
    case 'regress':
      return false; // a line that parses runs simulations (its --shard and --only checks: test/verify/shard.test.ts)
    case 'train-step': {
      // run it where the option resolution (pure, in-process) refuses it; a valid one would train
      const opt = (n: string): string | undefined => (a.given(n) ? a.string(n) : undefined);
      try {
        if (a.given('format')) mxFormatValue('format', a.require('format'));
        resolveTrainStep({
          format: opt('format') as FormatName | undefined,
          scheme: opt('scheme'),
          tile: opt('tile'),
          batch: opt('batch'),
          in: opt('in'),
          out: opt('out'),
          seed: opt('seed'),
          scaleMode: a.require('scale-mode'),
          compare: a.flag('compare'),
        });
        return false;
      } catch {
        return true;
      }
    }
    case 'energy': {
      // run it where the option resolution (pure) refuses it or --workload names a (missing) file; a named workload
      // with valid options would measure per-op energies (minutes) on a cold cache
      try {
        return resolveEnergy({ workload: a.require('workload'), array: a.require('array'), format: a.require('format'), layout: a.require('layout') }).workloads === undefined;
      } catch {
        return true;
      }
    }
    default:
      return true; // sim: inputs missing or unusable, stdin empty; study: --out is a file
  }
}

const allCommands = COMMANDS.map((c) => [c.name, c] as const);

describe('the parser', () => {
  test.each(allCommands)('%s: parses or gives a UsageError', async (name, c) => {
    await check(
      `parse-${name}`,
      300,
      fc.asyncProperty(argvOf(c), async (argv) => {
        try {
          parseArgs(c, argv);
        } catch (e) {
          expect(e, `${name} ${JSON.stringify(argv)}`).toBeInstanceOf(UsageError);
          expect((e as Error).message.length, `${name} ${JSON.stringify(argv)}`).toBeLessThanOrEqual(MAX_LINE);
        }
      }),
    );
  });
});

describe('mxgen command lines', () => {
  test.each(allCommands)('%s', async (name, c) => {
    const words = name.split(' ');
    await check(
      `argv-${name}`,
      name.startsWith('generate') || name === 'train-step' ? 25 : 50, // make fuzz-long: 50x
      fc.asyncProperty(argvOf(c), fc.boolean(), async (argv, withStdin) => {
        const full = [...words, ...argv, ...(name === 'study' && !argv.some((w) => w.startsWith('--out')) ? ['--out', 'in.json'] : [])];
        fc.pre(mayRun(c, full.slice(words.length)));
        const dir = box.fresh();
        populate(dir);
        const before = snapshot(dir);
        const guarded = GUARDED.has(name);
        const stdin = withStdin && !guarded ? JSON.stringify({ rows: 1, cols: 2, data: [1, 2] }) : '';
        const r = await run(dir, full, stdin);
        const what = `mxgen ${JSON.stringify(full)}${stdin ? ' < matrix' : ''}`;
        if (r.code === 0) {
          // a result written to a file (--output F, not '-') leaves stdout empty
          const toFile = full.some((w, i) => (w === '--output' && full[i + 1] !== undefined && full[i + 1] !== '-') || (w.startsWith('--output=') && w !== '--output=-'));
          if (!toFile) expect(r.stdout.length, what).toBeGreaterThan(0);
          expect(r.stderr, what).toBe('');
          expect(guarded && !full.some((w) => w === '-h' || w === '--help' || w === '--list') && name !== 'generate', `${what}: a guarded command succeeded`).toBe(false);
        } else {
          expectCleanFailure(r, what);
          expect(snapshot(dir), `${what}: a failed run changed the folder`).toBe(before);
          const usage = (() => {
            try {
              parseArgs(c, full.slice(words.length));
              return false;
            } catch {
              return true;
            }
          })();
          if (usage) expect(r.code, `${what}: a usage error exits 2`).toBe(2);
        }
      }),
    );
  });
});

describe('unit options through the schemas', () => {
  // `generate <unit>` options are strings until the schema reads them: every combination resolves or is one line
  test.each(UNITS.map((u) => [u.name, u] as const))('generate %s: resolveDesign accepts or names the option', async (name, u) => {
    const c = COMMANDS.find((x) => x.name === `generate ${name}`)!;
    const params = paramInfo(u.schema);
    await check(
      `resolve-${name}`,
      400,
      fc.asyncProperty(argvOf(c), async (argv) => {
        let parsed;
        try {
          parsed = parseArgs(c, argv);
        } catch {
          return;
        }
        if (parsed.help) return;
        const a = parsed.args;
        const given = (o: string): string | true | undefined => (!a.given(o) ? undefined : c.options.find((x) => x.name === o)!.value === undefined ? true : a.require(o));
        try {
          resolveDesign(u, cliValues(params, given), (key) => `--${params.find((p) => p.key === key)?.option ?? key}`);
        } catch (e) {
          expect((e as { userError?: boolean }).userError, `${name} ${JSON.stringify(argv)}: ${(e as Error).message}`).toBe(true);
          expect((e as Error).message, `${name} ${JSON.stringify(argv)}`).toMatch(/^--[a-z-]+: /);
          expect((e as Error).message.length).toBeLessThanOrEqual(MAX_LINE);
        }
      }),
    );
  });
});
