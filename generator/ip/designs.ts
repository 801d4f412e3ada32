// From what a user asked for (a unit and its parameters, on the command line or in a config file) to a
// validated design: unit schema defaults filled in, ranges and cross-parameter rules checked, errors as one
// line that names the key the user wrote (`--k`, `designs[2].tile`) and the allowed values.

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { keyPath } from './manifest';
import { ParamError, describeIssue, paramInfo, prefixSchema } from './params';
import type { UnitDef, UnitParams } from './unit';
import { UNITS, findUnit } from './units';
import { closestMatches } from '../util/did-you-mean';
import { jsonSyntaxReason, preview, quoteText, shortText } from '../util/shown';

export interface Design {
  readonly unit: UnitDef;
  /** validated, defaults filled in; keys the user left optional and unset are absent */
  readonly params: UnitParams;
}

/** Validates one unit's parameters; `where(key)` names a key the way the user wrote it. */
export function resolveDesign(unit: UnitDef, input: Record<string, unknown>, where: (key: string) => string): Design {
  const r = unit.schema.safeParse(input);
  if (!r.success) throw new ParamError(describeIssue(r.error.issues[0]!, paramInfo(unit.schema), input, where));
  const params = Object.fromEntries(Object.entries(r.data as Record<string, unknown>).filter(([, v]) => v !== undefined)) as UnitParams;
  const bad = unit.check?.(params);
  if (bad) throw new ParamError(`${where(bad[0])}: ${bad[1]}`);
  return { unit, params };
}

/** The unit called `name`, or a one-line error with the known units (and the closest one). */
export function unitNamed(name: string, where: string): UnitDef {
  const u = findUnit(name);
  if (u) return u;
  const hint = closestMatches(name, UNITS.map((x) => x.name))[0];
  throw new ParamError(`${where}: unknown unit ${quoteText(name)}${hint ? `; did you mean '${hint}'?` : ''} (units: ${UNITS.map((x) => x.name).join(', ')})`);
}

// ---- config files ----

/** The config file as editors see it: every unit's parameters under a `unit` discriminator. */
export function configSchema() {
  const design = z.discriminatedUnion(
    'unit',
    UNITS.map((u) => u.schema.extend({ unit: z.literal(u.name).describe(u.summary) })) as unknown as [z.ZodObject, ...z.ZodObject[]],
  );
  return z.strictObject({
    $schema: z.string().optional().describe('path of this JSON Schema, for editors'),
    prefix: prefixSchema,
    out: z.string().optional().describe('output folder (default mxgen-out; --out on the command line wins)'),
    designs: z.array(design).min(1).describe('the designs to generate, one folder DIR/<top>/ each'),
  });
}

/** The checked-in JSON Schema of config files (configs/mxgen-config.schema.json). */
export function configJsonSchema(): string {
  return JSON.stringify(z.toJSONSchema(configSchema(), { io: 'input' }), null, 2) + '\n';
}

export interface Config {
  readonly prefix: string;
  readonly out?: string;
  readonly designs: readonly Design[];
}

const TOP_KEYS = ['$schema', 'prefix', 'out', 'designs'];

/** Reads and validates a config file; every error names the file (as `label`) and the key path. */
export function readConfig(file: string, label = file): Config {
  const text = readText(file, label);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ParamError(`${label}: not valid JSON (${jsonSyntaxReason(e, text)})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ParamError(`${label}: must be a JSON object {"prefix", "out", "designs": [...]}`);
  const obj = json as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    if (!TOP_KEYS.includes(k)) {
      const hint = closestMatches(k, TOP_KEYS)[0];
      throw new ParamError(`${label}: ${shortText(k)}: unknown key${hint ? `; did you mean '${hint}'?` : ''} (keys: ${TOP_KEYS.join(', ')})`);
    }
  }
  const prefix = prefixSchema.safeParse(obj['prefix']);
  if (!prefix.success) throw new ParamError(`${label}: prefix: ${prefix.error.issues[0]!.message} (got ${preview(obj['prefix'], 60)})`);
  if (obj['out'] !== undefined && typeof obj['out'] !== 'string') throw new ParamError(`${label}: out: must be a folder path string (got ${preview(obj['out'], 60)})`);
  const list = obj['designs'];
  if (!Array.isArray(list) || list.length === 0) throw new ParamError(`${label}: designs: must be a non-empty array of {"unit": ..., parameters}`);
  const designs = list.map((d, i) => {
    const at = `designs[${i}]`;
    if (typeof d !== 'object' || d === null || Array.isArray(d)) throw new ParamError(`${label}: ${at}: must be an object {"unit": ..., parameters}`);
    const { unit, ...rest } = d as Record<string, unknown>;
    if (typeof unit !== 'string') throw new ParamError(`${label}: ${at}.unit: required, one of ${UNITS.map((u) => u.name).join(', ')}`);
    const u = unitNamed(unit, `${label}: ${at}.unit`);
    return resolveDesign(u, rest, (key) => `${label}: ${keyPath([`designs`, i, key])}`);
  });
  return { prefix: prefix.data, ...(obj['out'] !== undefined ? { out: obj['out'] as string } : {}), designs };
}

function readText(file: string, label: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ParamError(`${label}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a config file' : `cannot read (${code ?? String(e)})`}`);
  }
}
