// `mxgen` entry: finds the command in the registry, parses its options, runs it, and turns errors into
// one line on stderr and an exit code (0 ok, 1 input or internal error, 2 usage error). Never exits the process.

import { readFileSync } from 'node:fs';
import { UnknownFormatError } from '../formats/table';
import { didYouMean } from '../util/did-you-mean';
import { escapeControl, shortText } from '../util/shown';
import { ShapeError } from '../golden/quantize';
import { helpText, parseArgs, type Command } from './command';
import { COMMANDS } from './commands/index';
import { UsageError } from './errors';
import { processIO, type CliIO } from './io';
import { unknownFormatMessage } from './options';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function commandList(commands: readonly Command[]): string[] {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
}

export function topHelp(): string {
  return [
    'mxgen - hardware generator and bit-exact golden model for microscaling (MX) arithmetic',
    '',
    'Usage: mxgen <command> [options]',
    '       mxgen <command> --help',
    '',
    'Commands:',
    ...commandList(COMMANDS),
    '',
    'Options:',
    '  -h, --help     show this help',
    '  --version      print the version',
    '',
  ].join('\n');
}

/** The command whose name is the longest prefix of argv (names may have several words: 'sim quantize'). */
export function findCommand(commands: readonly Command[], argv: readonly string[]): { command: Command; rest: readonly string[] } | undefined {
  let best: Command | undefined;
  let bestLen = 0;
  for (const c of commands) {
    const words = c.name.split(' ');
    if (words.length > bestLen && words.every((w, i) => argv[i] === w)) {
      best = c;
      bestLen = words.length;
    }
  }
  return best && { command: best, rest: argv.slice(bestLen) };
}

/** The commands under the longest group prefix of argv's leading words (e.g. 'sim' for 'sim quantize'). */
export function findGroup(commands: readonly Command[], argv: readonly string[]): { prefix: string; members: Command[] } | undefined {
  const end = argv.findIndex((a) => a.startsWith('-'));
  const words = end < 0 ? argv : argv.slice(0, end);
  for (let n = words.length; n > 0; n--) {
    const prefix = words.slice(0, n).join(' ');
    const members = commands.filter((c) => c.name.startsWith(`${prefix} `));
    if (members.length) return { prefix, members };
  }
  return undefined;
}

async function dispatch(argv: readonly string[], io: CliIO): Promise<number> {
  const first = argv[0];
  if (first === undefined) {
    io.err(topHelp());
    return 2;
  }
  if (first === '--help' || first === '-h') {
    await io.out(topHelp());
    return 0;
  }
  if (first === '--version') {
    await io.out(`${version()}\n`);
    return 0;
  }
  if (first === 'help') return dispatch([...argv.slice(1), '--help'], io);
  const found = findCommand(COMMANDS, argv);
  if (!found) {
    const group = findGroup(COMMANDS, argv);
    if (group) {
      const text = [`mxgen ${group.prefix} - subcommands:`, ...commandList(group.members), ''].join('\n');
      if (argv.includes('--help') || argv.includes('-h')) {
        await io.out(text);
        return 0;
      }
      const next = argv[group.prefix.split(' ').length];
      if (next !== undefined && !next.startsWith('-')) {
        const hint = didYouMean(next, group.members.map((c) => c.name.slice(group.prefix.length + 1)), (w) => `'${group.prefix} ${w}'`);
        throw new UsageError(`unknown command '${group.prefix} ${shortText(next)}'; ${hint || `'${group.prefix}' has: ${group.members.map((c) => c.name).join(', ')}`}`);
      }
      throw new UsageError(`'${group.prefix}' needs a subcommand: ${group.members.map((c) => c.name).join(', ')}`);
    }
    if (first.startsWith('-')) throw new UsageError(`unknown option ${shortText(first)}; run 'mxgen --help'`);
    const words = [...new Set(COMMANDS.map((c) => c.name.split(' ')[0]!))];
    const hint = didYouMean(first, words);
    throw new UsageError(`unknown command '${shortText(first)}'; ${hint || `commands: ${COMMANDS.map((c) => c.name).join(', ')}`}`);
  }
  const { command, rest } = found;
  // `mxgen generate quantiser --format mxsf`: a word after a command with subcommands is a misspelt subcommand when
  // the command takes no arguments, or when it does but the rest does not parse as its own (that error would name
  // an option of the subcommand instead); a command that takes the word as an argument judges it itself
  const subs = COMMANDS.filter((c) => c.name.startsWith(`${command.name} `));
  const word = rest[0];
  if (subs.length && word !== undefined && !word.startsWith('-')) {
    const hint = didYouMean(word, subs.map((c) => c.name.slice(command.name.length + 1)), (w) => `'${command.name} ${w}'`);
    let parses = true;
    try {
      parseArgs(command, rest);
    } catch {
      parses = false;
    }
    if (!command.positionals || (hint && !parses)) {
      throw new UsageError(`unknown command '${command.name} ${shortText(word)}'; ${hint || `'${command.name}' has: ${subs.map((c) => c.name).join(', ')}`}`);
    }
  }
  let seed: string | undefined;
  try {
    const parsed = parseArgs(command, rest);
    if (parsed.help) {
      await io.out(helpText(command));
      return 0;
    }
    if (command.options.some((o) => o.name === 'seed')) seed = parsed.args.string('seed');
    return (await command.run(parsed.args, io)) ?? 0;
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${command.name}: ${e.message} (see 'mxgen ${command.name} --help')`);
    // a random command that fails in an unexpected way says which seed repeats it
    if (seed !== undefined && e instanceof Error && !isUserError(e) && !(e instanceof UnknownFormatError) && !(e instanceof ShapeError)) {
      e.message = `${e.message} (${command.name}, seed ${seed})`;
    }
    throw e;
  }
}

interface UserError {
  readonly userError: true;
  readonly exitCode?: number;
  readonly message: string;
  /** the message is a report of several lines (a mismatch diff); any other is printed as one line */
  readonly multiline?: boolean;
}

/** Longer one-line messages are cut in the middle (the site should have shortened the input it echoes). */
export const MAX_MESSAGE = 480;

/**
 * An error message as printed: control characters that came in with the input (a name with a newline, an escape
 * sequence) are written as escapes, so a one-line message stays one line and cannot drive the terminal; the one
 * net under every message site that quotes input (util/shown): a one-line message keeps its start (what is wrong)
 * and its end (the fix) within MAX_MESSAGE characters.
 */
export function printable(message: string, multiline = false): string {
  if (multiline) return message.split('\n').map(escapeControl).join('\n');
  const line = escapeControl(message);
  if (line.length <= MAX_MESSAGE) return line;
  const keep = MAX_MESSAGE - ` ... (${line.length} characters cut) ... `.length;
  const head = Math.floor(keep * 0.6);
  return `${line.slice(0, head)} ... (${line.length - keep} characters cut) ... ${line.slice(line.length - (keep - head))}`;
}

function isUserError(e: unknown): e is UserError {
  return e instanceof Error && (e as Partial<UserError>).userError === true;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (isUserError(e)) {
      io.err(`mxgen: ${printable(e.message, e.multiline)}\n`);
      return e.exitCode ?? 1;
    }
    if (e instanceof UnknownFormatError) {
      io.err(`mxgen: ${printable(unknownFormatMessage(e.formatName))}\n`);
      return 2;
    }
    if (e instanceof ShapeError) {
      io.err(`mxgen: ${printable(e.message)}\n`);
      return 1;
    }
    if ((e as NodeJS.ErrnoException).code === 'EPIPE') return 0; // stdout closed early (e.g. `| head`)
    const err = e instanceof Error ? e : new Error(String(e));
    io.err(`mxgen: internal error: ${printable(err.message)}${process.env.MXGEN_DEBUG ? `\n${err.stack}` : ' (set MXGEN_DEBUG=1 for a stack trace)'}\n`);
    return 1;
  }
}
