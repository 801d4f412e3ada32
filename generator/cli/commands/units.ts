// `mxgen units [--json]`: every unit `mxgen generate` builds, with its parameters (from the unit schemas).
import type { Command } from '../command';
import { UNITS } from '../../ip/units';
import { allowed, paramInfo } from '../../ip/params';

export const unitsCommand: Command = {
  name: 'units',
  summary: "list the units 'mxgen generate' builds, with their parameters, ranges and defaults",
  usage: '[--json]',
  options: [{ name: 'json', help: 'print the list as JSON (name, summary, parameters with type, allowed values, default)' }],
  async run(args, io) {
    const units = UNITS.map((u) => ({ name: u.name, summary: u.summary, params: paramInfo(u.schema) }));
    if (args.flag('json')) {
      const json = units.map((u) => ({
        name: u.name,
        summary: u.summary,
        parameters: u.params.map((p) => ({
          name: p.key,
          option: `--${p.option}`,
          type: p.type,
          description: p.description,
          allowed: allowed(p),
          ...(p.choices ? { choices: p.choices } : {}),
          ...(p.minimum !== undefined ? { minimum: p.minimum } : {}),
          ...(p.maximum !== undefined ? { maximum: p.maximum } : {}),
          ...(p.default !== undefined ? { default: p.default } : {}),
          required: p.required,
        })),
      }));
      await io.out(JSON.stringify(json, null, 2) + '\n');
      return;
    }
    const lines: string[] = [];
    for (const u of units) {
      lines.push(`${u.name} - ${u.summary}`);
      const w = Math.max(...u.params.map((p) => p.option.length)) + 2;
      for (const p of u.params) {
        const note = p.required ? 'required' : p.default !== undefined ? `default ${String(p.default)}` : 'optional';
        lines.push(`  --${p.option.padEnd(w)}${p.description}; ${allowed(p)} (${note})`);
      }
      lines.push('');
    }
    await io.out(lines.join('\n'));
  },
};
