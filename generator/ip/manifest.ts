// The IP manifest: `DIR/<top>/manifest.json`, written by `mxgen generate` next to a top's Verilog, filelist,
// FuseSoC core and bindings. It is the contract a generated folder carries with it: what the top is (unit and
// validated parameters), its ports and handshake, its latency, and its files in dependency order. Tools that
// consume a generated design (`mxgen sim ... --design DIR/<top>`, a user's flow) read it through
// readManifest(), which checks it against the schema below and fails with one line that names the key.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { jsonSyntaxReason } from '../util/shown';

export const MANIFEST_SCHEMA = 'mxgen-ip/1';
export const MANIFEST_FILE = 'manifest.json';

const paramValue = z.union([z.string(), z.number(), z.boolean()]);

export const manifestPortSchema = z
  .object({
    name: z.string(),
    dir: z.enum(['input', 'output']),
    width: z.number().int().positive(),
    /** clock and reset are connected by the integrator; handshake ports follow `handshake`; data ports are packed */
    role: z.enum(['clock', 'reset', 'handshake', 'data']),
    doc: z.string().optional(),
  })
  .strict();

export const manifestSchema = z
  .object({
    schema: z.literal(MANIFEST_SCHEMA),
    generator: z.object({ name: z.literal('mxgen'), version: z.string() }).strict(),
    /** the exact command (or config file and design index) that produced the folder */
    command: z.string(),
    /** the top module's name, prefix included */
    top: z.string(),
    /** the prefix of every module name in the folder ('' for none) */
    prefix: z.string(),
    /** the unit (`mxgen units` lists them) and its validated parameters, under the unit schema's names */
    unit: z.string(),
    params: z.record(z.string(), paramValue),
    ports: z.array(manifestPortSchema),
    /** valid/ready port names of a streaming top; null for a combinational top */
    handshake: z
      .object({ clock: z.string(), reset: z.string(), inValid: z.string(), inReady: z.string(), outValid: z.string(), outReady: z.string() })
      .strict()
      .nullable(),
    /** cycles from an accepted input beat to its output beat with no back-pressure (and what they count); null if combinational */
    latency: z.object({ cycles: z.number().int().nonnegative(), note: z.string() }).strict().nullable(),
    /** Verilog files in dependency order (submodules first), relative to the folder */
    files: z.array(z.string()),
    filelist: z.string(),
    core: z.string(),
    bindings: z.string(),
    /** where the numeric contract the design implements is written down */
    contract: z.string(),
  })
  .strict();

export type IpManifest = z.infer<typeof manifestSchema>;
export type ManifestPort = z.infer<typeof manifestPortSchema>;

export class ManifestError extends Error {
  readonly userError = true;
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** `a.b[2].c` for an issue path. */
export function keyPath(p: readonly PropertyKey[]): string {
  return p.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');
}

/** Reads and checks `<dir>/manifest.json`; `dir` is a generated top's folder. */
export function readManifest(dir: string): { manifest: IpManifest; dir: string } {
  const abs = path.resolve(dir);
  const file = path.join(abs, MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ManifestError(`${dir}: no ${MANIFEST_FILE} here; --design takes a folder written by 'mxgen generate' (DIR/<top>)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(`${file}: not valid JSON (${jsonSyntaxReason(e, text)})`);
  }
  const r = manifestSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ManifestError(`${file}: ${keyPath(issue.path) || '(top level)'}: ${issue.message}`);
  }
  return { manifest: r.data, dir: abs };
}

/** Absolute paths of a manifest's Verilog files, in dependency order. */
export function manifestVerilog(m: IpManifest, dir: string): string[] {
  return m.files.map((f) => path.join(dir, f));
}
