// Shared by the CLI tests: running main() in-process on a temporary folder, writing input files, and writing a
// generated design folder (DIR/<top>/ with its Verilog and a manifest.json of the generator/ip/manifest.ts
// schema, filled from Module.interface()) as `mxgen generate` writes it.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bufferIO } from '../../generator/cli/io';
import { main } from '../../generator/cli/main';
import { writeDesign, type Module } from '../../generator/hdl/index';
import { manifestSchema, MANIFEST_SCHEMA, type IpManifest } from '../../generator/ip/manifest';

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `mxgen <argv>` in-process with `cwd` as the working folder. */
export async function runIn(cwd: string, argv: readonly string[], stdin = ''): Promise<RunResult> {
  const io = bufferIO(stdin, cwd);
  const code = await main(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

export function put(dir: string, name: string, content: unknown): string {
  writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return name;
}

/** The one-line error check every failing command must pass: `mxgen: ...`, nothing on stdout, no stack. */
export function expectOneLine(r: RunResult): string {
  const lines = r.stderr.trimEnd().split('\n');
  if (r.stdout !== '' || lines.length !== 1 || !lines[0]!.startsWith('mxgen: ') || /\n\s+at /.test(r.stderr)) {
    throw new Error(`not one clean error line: stdout ${JSON.stringify(r.stdout)}, stderr ${JSON.stringify(r.stderr)}`);
  }
  return lines[0]!;
}

/** Writes `top` as a generated folder `<root>/<top>/` with a manifest; returns the folder. */
export function writeDesignFolder(top: Module, unit: string, params: IpManifest['params'], root: string): string {
  const dir = path.join(root, top.name);
  mkdirSync(dir, { recursive: true });
  const files = writeDesign(top, dir, { bindings: false }).map((f) => path.basename(f));
  const iface = top.interface();
  const hs = iface.handshake;
  const role = (name: string) =>
    !hs ? 'data' : name === hs.clock ? 'clock' : name === hs.reset ? 'reset' : Object.values(hs).includes(name) ? 'handshake' : 'data';
  const manifest: IpManifest = {
    schema: MANIFEST_SCHEMA,
    generator: { name: 'mxgen', version: '0.1.0' },
    command: `test: ${unit} ${JSON.stringify(params)}`,
    top: top.name,
    prefix: '',
    unit,
    params,
    ports: iface.ports.map((p) => ({ name: p.name, dir: p.dir, width: p.width, role: role(p.name) as 'data' })),
    handshake: hs ? { ...hs } : null,
    latency: null,
    files,
    filelist: `${top.name}.f`,
    core: `${top.name}.core`,
    bindings: `${top.name}.bindings.ts`,
    contract: 'docs/formats.md',
  };
  manifestSchema.parse(manifest);
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  writeFileSync(path.join(dir, `${top.name}.f`), files.join('\n') + '\n');
  return dir;
}
