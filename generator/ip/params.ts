// Parameter schemas of the generated units: one zod object per unit gives the names, types, ranges,
// defaults and descriptions, and from it come the CLI options (`mxgen generate <unit> --...`), the config
// file's validation, the help text, `mxgen units` and the checked-in JSON Schema. Nothing here knows a unit.

import { z } from 'zod';
import { closestMatches } from '../util/did-you-mean';
import { preview, quoteText, shortText } from '../util/shown';

/** One property of a unit schema as JSON Schema describes it (what help, CLI parsing and errors read). */
export interface ParamInfo {
  readonly key: string;
  /** the CLI option: camelCase key -> kebab-case (`scaleMode` -> `--scale-mode`) */
  readonly option: string;
  readonly type: 'integer' | 'number' | 'string' | 'boolean';
  readonly description: string;
  readonly choices?: readonly (string | number)[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  readonly default?: string | number | boolean;
  readonly required: boolean;
}

export const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

interface JsonProp {
  type?: string;
  enum?: (string | number)[];
  const?: string;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  default?: string | number | boolean;
  description?: string;
}

/** The properties of a unit's parameter schema, in declaration order (the `unit` discriminator left out). */
export function paramInfo(schema: z.ZodType): ParamInfo[] {
  const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonProp>; required?: string[] };
  return Object.entries(js.properties ?? {})
    .filter(([, p]) => p.const === undefined)
    .map(([key, p]) => ({
      key,
      option: kebab(key),
      type: (p.enum && p.enum.every((v) => typeof v === 'number') ? 'integer' : (p.type ?? 'string')) as ParamInfo['type'],
      description: p.description ?? '',
      ...(p.enum ? { choices: p.enum } : {}),
      ...(p.minimum !== undefined ? { minimum: p.minimum } : {}),
      ...(p.maximum !== undefined ? { maximum: p.maximum } : {}),
      ...(p.pattern !== undefined ? { pattern: p.pattern } : {}),
      ...(p.default !== undefined ? { default: p.default } : {}),
      required: (js.required ?? []).includes(key) && p.default === undefined,
    }));
}

/** What a parameter accepts, in words: `one of floor, rceil`, `an integer in 1..64`, `RxC, e.g. 8x8`. */
export function allowed(p: ParamInfo): string {
  if (p.choices) return `one of ${p.choices.join(', ')}`;
  if (p.type === 'integer' || p.type === 'number') {
    const what = p.type === 'integer' ? 'an integer' : 'a number';
    if (p.minimum !== undefined && p.maximum !== undefined) return `${what} in ${p.minimum}..${p.maximum}`;
    if (p.minimum !== undefined) return `${what} >= ${p.minimum}`;
    return what;
  }
  if (p.type === 'boolean') return 'true or false';
  if (p.pattern === TILE_PATTERN) return 'RxC, e.g. 8x8';
  return 'a string';
}

/** Shows a value the way the user wrote it (cut short: it may be huge or deeply nested). */
const shown = (v: unknown): string => (typeof v === 'string' ? quoteText(v) : preview(v, 60));

/** A parameter problem, in one line: `<where>: must be <allowed> (got <value>)`, plus "did you mean" for names. */
export class ParamError extends Error {
  readonly userError = true;
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'ParamError';
  }
}

/**
 * The first issue of a failed parse as one line. `where(key)` names a parameter the way the user wrote it
 * (`--k` on the command line, `designs[0].k` in a config file); `input` is what was parsed.
 */
export function describeIssue(issue: z.core.$ZodIssue, params: readonly ParamInfo[], input: Record<string, unknown>, where: (key: string) => string): string {
  const key = issue.path.length ? String(issue.path[0]) : '';
  const p = params.find((x) => x.key === key);
  if (issue.code === 'unrecognized_keys') {
    const k = issue.keys[0]!;
    const hint = closestMatches(k, params.map((x) => x.key))[0];
    return `${where(shortText(k))}: unknown parameter${hint ? `; did you mean '${hint}'?` : ''} (parameters: ${params.map((x) => x.key).join(', ')})`;
  }
  if (issue.code === 'custom') return `${where(key)}: ${issue.message}`;
  if (p) {
    const got = input[key];
    if (got === undefined) return `${where(key)}: required, ${allowed(p)}`;
    const hint = p.choices && typeof got === 'string' ? closestMatches(got, p.choices.map(String))[0] : undefined;
    return `${where(key)}: must be ${allowed(p)} (got ${shown(got)})${hint ? `; did you mean '${hint}'?` : ''}`;
  }
  return `${where(key) || 'parameters'}: ${issue.message}`;
}

/** RxC: rows and columns of a tile. */
export const TILE_PATTERN = '^[1-9][0-9]*x[1-9][0-9]*$';

export function parseTile(text: string): { rows: number; cols: number } {
  const [r, c] = text.split('x').map(Number) as [number, number];
  return { rows: r, cols: c };
}

/** A prefix for every module name: a Verilog identifier start. */
export const MAX_PREFIX = 64;

export const prefixSchema = z
  .string()
  .regex(/^([A-Za-z_][A-Za-z0-9_]*)?$/, 'a prefix must be a Verilog identifier start: letters, digits and _, not starting with a digit')
  // it starts every module and file name, and a file name has at most 255 bytes
  .max(MAX_PREFIX, `a prefix has at most ${MAX_PREFIX} characters`)
  .default('')
  .describe('prepended to every module name (shared submodules included), e.g. acme_');
