// The command interface, option parsing and help text shared by every `mxgen` command.
// A command lives in generator/cli/commands/<name>.ts and is listed once in commands/index.ts.

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

/**
 * Parses `--name value`, `--name=value`, flags, `--` and positionals against the command's options.
 * `--help` / `-h` anywhere wins over every other check.
 */
export function parseArgs(command: Command, argv: readonly string[]): ParseResult {
  if (argv.some((a, i) => (a === '--help' || a === '-h') && !argv.slice(0, i).includes('--'))) return { help: true };
  const values = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      positionals.push(a);
      continue;
    }
    if (!a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const spec = command.options.find((o) => o.name === name);
    if (!spec) throw new UsageError(`unknown option --${name}`);
    if (values.has(name)) throw new UsageError(`option --${name} given more than once`);
    if (spec.value === undefined) {
      if (eq >= 0) throw new UsageError(`option --${name} takes no value`);
      values.set(name, true);
      continue;
    }
    let v: string;
    if (eq >= 0) v = a.slice(eq + 1);
    else {
      if (i + 1 >= argv.length || (argv[i + 1].startsWith('--') && argv[i + 1] !== '--')) {
        throw new UsageError(`option --${name} needs a value (${spec.value})`);
      }
      v = argv[++i];
    }
    if (spec.choices && !spec.choices.includes(v)) {
      throw new UsageError(`option --${name} must be one of ${spec.choices.join(', ')}; got '${v}'`);
    }
    values.set(name, v);
  }
  for (const o of command.options) {
    if (o.required && !values.has(o.name)) throw new UsageError(`missing required option --${o.name}`);
  }
  const pos = command.positionals ?? { min: 0, max: 0, name: '' };
  if (positionals.length > pos.max) {
    throw new UsageError(`unexpected argument '${positionals[pos.max]}'`);
  }
  if (positionals.length < pos.min) throw new UsageError(`missing argument ${pos.name}`);
  return { help: false, args: new ParsedArgs(command, values, positionals) };
}

/** The text printed by `mxgen <command> --help`. */
export function helpText(command: Command): string {
  const rows = [...command.options.map((o) => {
    const left = `--${o.name}${o.value ? ` ${o.value}` : ''}`;
    const notes = [
      o.required ? 'required' : '',
      o.default !== undefined ? `default: ${o.default}` : '',
    ].filter(Boolean);
    return [left, notes.length ? `${o.help} (${notes.join('; ')})` : o.help] as const;
  }), ['-h, --help', 'show this help'] as const];
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
