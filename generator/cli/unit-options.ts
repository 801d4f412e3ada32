// The command-line options of a unit's parameter schema (`mxgen generate <unit> --...`): derived from the
// schema's JSON form (generator/ip/params.ts), never written by hand.
import type { OptionSpec } from './command';
import { type ParamInfo, TILE_PATTERN, allowed } from '../ip/params';

/** The CLI options of a unit schema. Values arrive as strings; cliValues() converts them for the schema. */
export function cliOptions(params: readonly ParamInfo[]): OptionSpec[] {
  return params.map((p) => {
    const value = p.type === 'boolean' ? undefined : p.choices ? p.choices.join('|') : p.pattern === TILE_PATTERN ? 'RxC' : p.type === 'integer' ? 'N' : p.key.toUpperCase();
    return {
      name: p.option,
      ...(value !== undefined ? { value } : {}),
      help: `${p.description}${p.choices || p.type === 'boolean' ? '' : ` (${allowed(p)})`}`,
      ...(p.default !== undefined && p.type !== 'boolean' ? { default: String(p.default) } : {}),
      ...(p.required ? { required: true } : {}),
    };
  });
}

/** Options given on the command line -> the schema's input object (numbers parsed where the schema wants them). */
export function cliValues(params: readonly ParamInfo[], get: (option: string) => string | true | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of params) {
    const v = get(p.option);
    if (v === undefined) continue;
    if (p.type === 'boolean') out[p.key] = v === true || v === 'true';
    else if (typeof v === 'string' && (p.type === 'integer' || p.type === 'number')) out[p.key] = /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v;
    else if (typeof v === 'string' && p.choices?.every((c) => typeof c === 'number')) out[p.key] = Number(v);
    else out[p.key] = v;
  }
  return out;
}

