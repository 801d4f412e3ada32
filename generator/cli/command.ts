// The command interface, option parsing and help text shared by every `mxgen` command.
// A command lives in generator/cli/commands/<name>.ts and is listed once in commands/index.ts.
// Parsing: commander (tokenizing `--name value`, `--name=value`, flags, `--`, negative numbers as values and
// positionals, unknown options) configured never to print or exit; the checks on top of it (required options,
// choices, integer ranges, repeated options, positional counts) and every message are ours, one line each, and
// the help text is generated from the OptionSpecs below.

import { Command as CommanderCommand, CommanderError, Option } from 'commander';
import { didYouMean } from '../util/did-you-mean';
import { quoteText, shortText } from '../util/shown';
import { UsageError } from './errors';
import type { CliIO } from './io';

/** One `--name [VALUE]` option. Without `value` the option is a boolean flag. */
export interface OptionSpec {
  /** long name without the dashes, e.g. 'scale-mode'. */
  readonly name: string;
  /** placeholder shown in help (e.g. 'FILE', 'RxC'); absent for a flag. */
  readonly value?: string;
  readonly help: string;
  /** value used when the option is absent (also shown in help). */
  readonly default?: string;
  readonly required?: boolean;
  /** the only accepted values, if any. */
  readonly choices?: readonly string[];
  /** 'int': a decimal integer (checked at parse time against min/max; read it with ParsedArgs.int). */
  readonly type?: 'string' | 'int';
  /** inclusive range of an 'int' option (defaults: 0 and Number.MAX_SAFE_INTEGER). */
  readonly min?: number;
  readonly max?: number;
  /** accepted but not listed in the help text. */
  readonly hidden?: boolean;
}

export interface Command {
  /** words after `mxgen`, e.g. 'quantize' or 'sim quantize'. */
  readonly name: string;
  /** one line, shown in `mxgen --help`. */
  readonly summary: string;
  /** the synopsis after `mxgen <name>`, e.g. '--format F [--block RxC]'. */
  readonly usage: string;
  /** further help paragraphs (input and output forms, examples). */
  readonly help?: string;
  readonly options: readonly OptionSpec[];
  /** how many positional arguments the command takes (default none). */
  readonly positionals?: { readonly min: number; readonly max: number; readonly name: string };
  /**
   * Runs the command; returns the exit code (undefined means 0). Throw UsageError / InputError for user
   * errors, never call process.exit. Keep the module's top level light (the registry imports every command
   * at startup): import heavy modules inside run().
   */
  run(args: ParsedArgs, io: CliIO): Promise<number | void>;
}

export class ParsedArgs {
  constructor(
    readonly command: Command,
    private readonly values: ReadonlyMap<string, string | true>,
    readonly positionals: readonly string[],
  ) {}

  /** The option's value, its default when absent, or undefined. */
  string(name: string): string | undefined {
    const v = this.values.get(this.spec(name).name);
    if (typeof v === 'string') return v;
    return this.spec(name).default;
  }

  /** The option's value or its default; a usage error when neither exists. */
  require(name: string): string {
    const v = this.string(name);
    if (v === undefined) throw new UsageError(`missing required option --${name}`);
    return v;
  }

  /** An 'int' option's value (or default) as a number; undefined when absent without a default. */
  int(name: string): number | undefined {
    const s = this.spec(name);
    if (s.type !== 'int') throw new Error(`option --${name} of '${this.command.name}' is not an int option`);
    const v = this.string(name);
    return v === undefined ? undefined : intValue(s, v);
  }

  /** An 'int' option's value or default; a usage error when neither exists. */
  requireInt(name: string): number {
    const v = this.int(name);
    if (v === undefined) throw new UsageError(`missing required option --${name}`);
    return v;
  }

  flag(name: string): boolean {
    return this.values.get(this.spec(name).name) === true;
  }

  /** Whether the option was given on the command line (not defaulted). */
  given(name: string): boolean {
    return this.values.has(this.spec(name).name);
  }

  private spec(name: string): OptionSpec {
    const s = this.command.options.find((o) => o.name === name);
    if (!s) throw new Error(`command '${this.command.name}' has no option --${name}`);
    return s;
  }
}

export type ParseResult = { readonly help: true } | { readonly help: false; readonly args: ParsedArgs };

/** The value of an 'int' option, or a usage error naming the range. */
function intValue(spec: OptionSpec, text: string): number {
  const min = spec.min ?? 0;
  const max = spec.max ?? Number.MAX_SAFE_INTEGER;
  const n = /^[+-]?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`option --${spec.name} must be an integer in ${min}..${max}; got ${quoteText(text)}`);
  }
  return n;
}

/** `--name` for messages, as the user types it. */
const dashed = (name: string): string => `--${name}`;

/** A value that is really the next option (`--format --block 8x8`): the value was forgotten. */
const looksLikeOption = (v: string): boolean => v.startsWith('--') && v.length > 2;

function translate(command: Command, e: CommanderError): UsageError {
  const names = command.options.filter((o) => !o.hidden).map((o) => o.name);
  if (e.code === 'commander.unknownOption') {
    const flag = /unknown option '(.*)'/.exec(e.message)?.[1] ?? '';
    const eq = flag.indexOf('=');
    const bare = eq > 2 ? flag.slice(0, eq) : flag;
    const spec = command.options.find((o) => dashed(o.name) === bare);
    if (spec && spec.value === undefined) return new UsageError(`option ${shortText(bare)} takes no value`);
    const word = bare.replace(/^-+/, '');
    const hint = didYouMean(word, names, dashed);
    if (hint) return new UsageError(`unknown option ${shortText(bare)}; ${hint}`);
    if (command.positionals && !bare.startsWith('--')) {
      // e.g. `mxgen encode --format mxsf -inf`: a negative number is taken as an argument, other words are not
      return new UsageError(`unknown option ${shortText(bare)}; an argument that starts with '-' goes after '--' (mxgen ${command.name} ... -- ${shortText(bare)})`);
    }
    return new UsageError(`unknown option ${shortText(bare)}`);
  }
  if (e.code === 'commander.optionMissingArgument') {
    const name = /option '--([^ ']+)/.exec(e.message)?.[1] ?? '';
    const spec = command.options.find((o) => o.name === name);
    return new UsageError(`option --${name} needs a value (${spec?.value ?? 'VALUE'})`);
  }
  return new UsageError(e.message.replace(/^error: /, '').split('\n')[0]!);
}

/**
 * Parses argv against the command's options. `--help` / `-h` anywhere (before a `--`) wins over every other
 * check. Never prints and never exits: every problem is a UsageError with a one-line message.
 */
export function parseArgs(command: Command, argv: readonly string[]): ParseResult {
  if (argv.some((a, i) => (a === '--help' || a === '-h') && !argv.slice(0, i).includes('--'))) return { help: true };
  const values = new Map<string, string | true>();
  const parser = new CommanderCommand(command.name)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} })
    .helpOption(false)
    .helpCommand(false)
    .showSuggestionAfterError(false)
    .allowUnknownOption(false)
    .allowExcessArguments(true);
  for (const spec of command.options) {
    parser.addOption(new Option(spec.value === undefined ? dashed(spec.name) : `${dashed(spec.name)} <${spec.value}>`));
    // our own listener sees every occurrence with its raw text (commander's own stores the last one)
    parser.on(`option:${spec.name}`, (raw: string | undefined | null) => {
      if (values.has(spec.name)) throw new UsageError(`option --${spec.name} given more than once`);
      if (spec.value === undefined) {
        values.set(spec.name, true);
        return;
      }
      const v = raw ?? '';
      if (looksLikeOption(v)) throw new UsageError(`option --${spec.name} needs a value (${spec.value})`);
      if (spec.choices && !spec.choices.includes(v)) {
        const hint = didYouMean(v, spec.choices);
        throw new UsageError(`option --${spec.name} must be one of ${spec.choices.join(', ')}; got ${quoteText(v)}${hint ? `; ${hint}` : ''}`);
      }
      if (spec.type === 'int') intValue(spec, v);
      values.set(spec.name, v);
    });
  }
  try {
    parser.parse([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) throw translate(command, e);
    throw e;
  }
  for (const o of command.options) {
    if (o.required && !values.has(o.name)) throw new UsageError(`missing required option --${o.name}`);
  }
  const positionals = parser.args;
  const pos = command.positionals ?? { min: 0, max: 0, name: '' };
  if (positionals.length > pos.max) throw new UsageError(`unexpected argument ${quoteText(positionals[pos.max]!)}`);
  if (positionals.length < pos.min) throw new UsageError(`missing argument ${pos.name}`);
  return { help: false, args: new ParsedArgs(command, values, positionals) };
}

/** The text printed by `mxgen <command> --help`. */
export function helpText(command: Command): string {
  const rows = [
    ...command.options
      .filter((o) => !o.hidden)
      .map((o) => {
        const left = `--${o.name}${o.value ? ` ${o.value}` : ''}`;
        const notes = [
          o.required ? 'required' : '',
          o.type === 'int' ? `integer ${o.min ?? 0}..${o.max ?? Number.MAX_SAFE_INTEGER}` : '',
          o.default !== undefined ? `default: ${o.default}` : '',
        ].filter(Boolean);
        return [left, notes.length ? `${o.help} (${notes.join('; ')})` : o.help] as const;
      }),
    ['-h, --help', 'show this help'] as const,
  ];
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  const lines = [
    `mxgen ${command.name} - ${command.summary}`,
    '',
    `Usage: mxgen ${command.name} ${command.usage}`.trimEnd(),
    '',
    'Options:',
    ...rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`),
  ];
  if (command.help) lines.push('', command.help.trimEnd());
  return lines.join('\n') + '\n';
}
