// `mxgen generate`: IP from any configuration.
//   mxgen generate <unit> --param value ...   one design (options from the unit's parameter schema)
//   mxgen generate --config FILE.json         the designs of a config file
//   mxgen generate                            the reference set (configs/reference.json) into rtl-out/
// Each top gets its own folder DIR/<top>/ (Verilog, filelist, FuseSoC core, manifest, bindings); see
// generator/ip/. The commands parse and print; the work is in generator/ip.

import path from 'node:path';
import type { Command, OptionSpec, ParsedArgs } from '../command';
import type { CliIO } from '../io';
import { UNITS } from '../../ip/units';
import type { UnitDef } from '../../ip/unit';
import { paramInfo } from '../../ip/params';
import { cliOptions, cliValues } from '../unit-options';

/** Options every generate command takes. */
const COMMON: readonly OptionSpec[] = [
  { name: 'out', value: 'DIR', help: 'output folder: one subfolder DIR/<top>/ per design (default mxgen-out; rtl-out for the reference set)' },
  { name: 'prefix', value: 'P', help: 'prefix for every module name, shared submodules included (e.g. acme_)' },
  { name: 'force', help: 'write into a non-empty folder that mxgen did not write (never deletes files it did not write)' },
];

export const REFERENCE_CONFIG = 'configs/reference.json';
export const REFERENCE_OUT = 'rtl-out';
export const DEFAULT_OUT = 'mxgen-out';

/** The command as typed, options in their declared order (what file headers record). */
function commandLine(c: Command, args: ParsedArgs): string {
  const quote = (v: string): string => (/^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  const parts = [`mxgen ${c.name}`];
  for (const o of c.options) {
    if (!args.given(o.name)) continue;
    parts.push(o.value === undefined ? `--${o.name}` : `--${o.name} ${quote(args.require(o.name))}`);
  }
  return parts.join(' ');
}

async function report(io: CliIO, outDir: string, tops: readonly { top: string; files: ReadonlyMap<string, string> }[], removed: number): Promise<void> {
  const rel = path.relative(io.cwd, outDir) || '.';
  const lines = tops.map((t) => `  ${path.join(rel, t.top)}/  (${[...t.files.keys()].filter((f) => f.endsWith('.v')).length} Verilog files)`);
  await io.out(`generate: ${tops.length} design(s) -> ${rel}${removed ? ` (${removed} stale file(s) of earlier runs removed)` : ''}\n${lines.join('\n')}\n`);
}

function unitCommand(u: UnitDef): Command {
  const params = paramInfo(u.schema);
  const options = [...cliOptions(params), ...COMMON];
  const cmd: Command = {
    name: `generate ${u.name}`,
    summary: `generate a ${u.name}: ${u.summary}`,
    usage: [...params.map((p) => (p.required ? `--${p.option} ${p.type === 'integer' ? 'N' : 'V'}` : `[--${p.option} V]`)), '[--out DIR] [--prefix P] [--force]'].join(' '),
    options,
    help: [
      `Writes DIR/<top>/: the Verilog of every module, <top>.f (filelist for iverilog -f / verilator -f, run in the folder),`,
      `<top>.core (FuseSoC CAPI2), manifest.json (ports, parameters, latency, handshake, files) and <top>.bindings.ts.`,
      `'mxgen units --json' lists the parameters of every unit; a config file can hold many designs (mxgen generate --config).`,
    ].join('\n'),
    async run(args, io) {
      const { resolveDesign } = await import('../../ip/designs');
      const { generate } = await import('../../ip/generate');
      const given = (o: string): string | true | undefined => {
        if (!args.given(o)) return undefined;
        return options.find((x) => x.name === o)!.value === undefined ? true : args.require(o);
      };
      const design = resolveDesign(u, cliValues(params, given), (key) => `--${params.find((p) => p.key === key)?.option ?? key}`);
      const outDir = path.resolve(io.cwd, args.string('out') ?? DEFAULT_OUT);
      const r = generate([design], {
        prefix: args.string('prefix') ?? '',
        outDir,
        outLabel: args.string('out') ?? DEFAULT_OUT,
        force: args.flag('force'),
        command: () => commandLine(cmd, args),
      });
      await report(io, outDir, r.tops, r.removed.length);
    },
  };
  return cmd;
}

export const generateCommand: Command = {
  name: 'generate',
  summary: `write IP: the reference set (${REFERENCE_CONFIG}) into ${REFERENCE_OUT}/, a config file's designs, or one unit ('generate <unit>')`,
  usage: '[--config FILE.json] [--out DIR] [--prefix P] [--force] [--list]   |   mxgen generate <unit> --help',
  options: [
    { name: 'config', value: 'FILE', help: `a config file {"prefix", "out", "designs": [{"unit": ..., parameters}]} (default: the reference set)` },
    ...COMMON,
    { name: 'list', help: 'list the designs (unit and parameters) without writing anything' },
  ],
  // a word after `generate` that is not a unit lands here: say which units exist
  positionals: { min: 0, max: 1, name: 'UNIT' },
  help: [
    `Units: ${UNITS.map((u) => u.name).join(', ')} ('mxgen generate <unit> --help' for its parameters, 'mxgen units' for all).`,
    `Config files are checked against configs/mxgen-config.schema.json (the same schema as the command line);`,
    'an error names the key path and the allowed values. A config run into a folder it wrote before removes the',
    'tops it no longer produces (only the files their manifests list). CI regenerates rtl-out/ and fails on any difference.',
  ].join('\n'),
  async run(args, io) {
    const { readConfig, unitNamed } = await import('../../ip/designs');
    if (args.positionals.length) unitNamed(args.positionals[0]!, 'generate');
    const { generate } = await import('../../ip/generate');
    const { REPO_ROOT } = await import('../../sim/paths');
    const given = args.string('config');
    const file = given ? path.resolve(io.cwd, given) : path.join(REPO_ROOT, REFERENCE_CONFIG);
    const config = readConfig(file, given ?? REFERENCE_CONFIG);
    if (args.flag('list')) {
      await io.out(config.designs.map((d) => `${d.unit.name.padEnd(10)} ${JSON.stringify(d.params)}`).join('\n') + '\n');
      return;
    }
    // --out wins; a config's "out" is relative to the config file; the reference set goes to rtl-out/
    const outDir = args.given('out')
      ? path.resolve(io.cwd, args.require('out'))
      : !given
        ? path.join(REPO_ROOT, REFERENCE_OUT)
        : config.out !== undefined
          ? path.resolve(path.dirname(file), config.out)
          : path.resolve(io.cwd, DEFAULT_OUT);
    const prefix = args.given('prefix') ? args.require('prefix') : config.prefix;
    const source = given ? `mxgen generate --config ${given}` : `mxgen generate (the reference set, ${REFERENCE_CONFIG})`;
    const r = generate(config.designs, {
      prefix,
      outDir,
      outLabel: path.relative(io.cwd, outDir) || '.',
      force: args.flag('force'),
      prune: true,
      command: (i) => `${source}, designs[${i}]${args.given('prefix') ? ` --prefix ${prefix}` : ''}`,
    });
    await report(io, outDir, r.tops, r.removed.length);
  },
};

/** One `generate <unit>` command per unit of the registry. */
export const generateUnitCommands: readonly Command[] = UNITS.map(unitCommand);
