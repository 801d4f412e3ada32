// A generated design folder (`DIR/<top>/`, written by `mxgen generate`, possibly edited by hand) as something
// the drivers can simulate: its manifest (generator/ip/manifest.ts) gives the unit and its parameters, the
// ports and handshake (the harness's ModuleInterface is built from them) and the Verilog files in dependency
// order, which are simulated as they are. The ports are checked against the generator's own module for the
// same parameters, so a folder whose ports the drivers would pack wrongly is refused with one line, before
// anything is built.

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { BASELINE_BF16, type FormatName } from '../formats/table';
import type { ScaleMode } from '../golden/scale';
import type { ModuleInterface, PortSpec } from '../hdl/ports';
import { MANIFEST_FILE, manifestVerilog, readManifest, type IpManifest } from '../ip/manifest';
import { type Design, resolveDesign, unitNamed } from '../ip/designs';
import { parseTile } from '../ip/params';
import type { PeParams } from '../rtl/pe/unit';
import type { QuantizerParams } from '../rtl/quantizer/unit';
import type { TileParams } from '../rtl/tile/unit';
import { DriverError } from './errors';
import { preview, quoteText, shortText } from '../util/shown';

export type QuantizerDesign = {
  readonly unit: 'quantizer';
  readonly format: FormatName;
  readonly k: number;
  readonly scaleMode: ScaleMode;
  readonly input: 'fp32' | 'bf16';
  readonly depth: number;
};
export type PeDesign = {
  readonly unit: 'pe';
  /** 'bf16' for the baseline PE (both operands) */
  readonly formatA: FormatName | typeof BASELINE_BF16;
  readonly formatB: FormatName | typeof BASELINE_BF16;
  readonly k: number;
  readonly depth: number;
};
export type TileDesign = {
  readonly unit: 'tile';
  readonly format: FormatName;
  readonly rows: number;
  readonly cols: number;
  readonly scaleMode: ScaleMode;
  readonly input: 'fp32' | 'bf16';
  readonly order: 'row' | 'col';
  readonly buffers: 1 | 2;
};
export type DesignSpec = QuantizerDesign | PeDesign | TileDesign;

/** The units the simulation drivers run, by command. */
export const SIM_UNITS = { quantize: ['quantizer', 'tile'], gemm: ['pe'] } as const;

export interface LoadedDesign {
  /** the folder as the user gave it (for messages) */
  readonly shown: string;
  readonly dir: string;
  readonly manifest: IpManifest;
  readonly spec: DesignSpec;
  /** the harness's view of the top, built from the manifest */
  readonly iface: ModuleInterface;
  /** the folder's Verilog files, absolute, in dependency order */
  readonly rtlFiles: readonly string[];
}

/** One-line description of a design, e.g. `mxsf k = 32 block quantizer (floor, fp32 input)`. */
export function describeDesign(s: DesignSpec): string {
  switch (s.unit) {
    case 'quantizer':
      return `${s.format} k = ${s.k} block quantizer (${s.scaleMode}, ${s.input} input)`;
    case 'pe':
      return s.formatA === BASELINE_BF16 ? `${BASELINE_BF16} k = ${s.k} PE` : `${s.formatA === s.formatB ? s.formatA : `${s.formatA} x ${s.formatB}`} k = ${s.k} PE`;
    case 'tile':
      return `${s.format} ${s.rows}x${s.cols} tile re-quantizer (${s.scaleMode}, ${s.input} input)`;
  }
}

/**
 * The manifest's unit and parameters, validated by the unit's own schema (generator/ip: the same rules as
 * `mxgen generate`), as the drivers' view of the design and the module the generator builds for them.
 */
function designSpec(m: IpManifest, file: string): { spec: DesignSpec; design: Design } {
  if (!(Object.values(SIM_UNITS) as readonly (readonly string[])[]).some((u) => u.includes(m.unit)))
    throw new DriverError(`${file}: unit ${quoteText(m.unit)} cannot be simulated by mxgen sim (quantizer and tile: 'sim quantize'; pe: 'sim gemm')`);
  let design: Design;
  try {
    design = resolveDesign(unitNamed(m.unit, `${file}: unit`), { ...m.params }, (key) => `${file}: params.${key}`);
  } catch (e) {
    throw new DriverError((e as Error).message);
  }
  const p = design.params;
  switch (m.unit) {
    case 'quantizer': {
      const q = p as QuantizerParams;
      return { design, spec: { unit: 'quantizer', format: q.format, k: q.k, scaleMode: q.scaleMode, input: q.input, depth: q.depth } };
    }
    case 'pe': {
      const pe = p as PeParams;
      if (pe.accumulate !== 'port')
        throw new DriverError(`${file}: an accumulate-in-place PE (accumulate '${pe.accumulate}') keeps its accumulator inside; 'mxgen sim gemm --design' drives the port form (acc_i/acc_o per chunk)`);
      return { design, spec: { unit: 'pe', formatA: pe.format, formatB: pe.format === BASELINE_BF16 ? BASELINE_BF16 : (pe.formatB ?? pe.format), k: pe.k, depth: pe.depth } };
    }
    default: {
      const t = p as TileParams;
      const { rows, cols } = parseTile(t.tile);
      return { design, spec: { unit: 'tile', format: t.format, rows, cols, scaleMode: t.scaleMode, input: t.input, order: t.order, buffers: t.buffers } };
    }
  }
}

const portText = (p: PortSpec | undefined): string => (p ? `${shortText(String(p.dir), 10)} ${shortText(p.name)}[${p.width - 1}:0]` : 'no port');

/**
 * Loads `dir` (a folder with manifest.json) for `mxgen sim <command>`; every problem is one DriverError line.
 */
export async function loadDesign(dir: string, cwd: string, command: keyof typeof SIM_UNITS): Promise<LoadedDesign> {
  const abs = path.resolve(cwd, dir);
  const file = path.join(dir, MANIFEST_FILE);
  if (!existsSync(abs)) throw new DriverError(`--design ${dir}: no such folder`);
  if (!statSync(abs).isDirectory()) throw new DriverError(`--design ${dir}: not a folder; give the folder DIR/<top> that holds ${MANIFEST_FILE}`);
  let manifest: IpManifest;
  try {
    manifest = readManifest(abs).manifest;
  } catch (e) {
    // readManifest names the absolute path; the user's spelling reads better
    throw new DriverError((e as Error).message.split(abs).join(dir));
  }
  const units: readonly string[] = SIM_UNITS[command];
  if (!units.includes(manifest.unit)) {
    const other = (Object.keys(SIM_UNITS) as (keyof typeof SIM_UNITS)[]).find((c) => (SIM_UNITS[c] as readonly string[]).includes(manifest.unit));
    throw new DriverError(
      `--design ${dir}: the design is a ${shortText(manifest.unit)} (${shortText(manifest.top)}); 'mxgen sim ${command}' runs ${units.join(' or ')} designs` +
        (other ? `; use 'mxgen sim ${other}'` : ''),
    );
  }
  const { spec, design } = designSpec(manifest, file);
  let ref: ModuleInterface;
  try {
    ref = design.unit.build(design.params).interface();
  } catch (e) {
    throw new DriverError(`${file}: the parameters do not describe a ${shortText(manifest.unit)} the generator can build (${(e as Error).message})`);
  }
  const ports: PortSpec[] = manifest.ports.map((p) => ({ name: p.name, dir: p.dir, width: p.width, ...(p.doc ? { doc: p.doc } : {}) }));
  const n = Math.max(ports.length, ref.ports.length);
  for (let i = 0; i < n; i++) {
    const a = ports[i];
    const b = ref.ports[i];
    if (!a || !b || a.name !== b.name || a.dir !== b.dir || a.width !== b.width) {
      throw new DriverError(`${file}: ports[${i}] is ${portText(a)}, but a ${describeDesign(spec)} has ${portText(b)} there`);
    }
  }
  const hs = manifest.handshake ?? undefined;
  const keys = ['clock', 'reset', 'inValid', 'inReady', 'outValid', 'outReady'] as const;
  const same = hs && ref.handshake ? keys.every((k) => hs[k] === ref.handshake![k]) : !hs && !ref.handshake;
  if (!same) {
    throw new DriverError(`${file}: handshake is ${preview(hs ?? null, 120)}, but a ${describeDesign(spec)} has ${preview(ref.handshake ?? null, 160)}`);
  }
  const control = new Set(hs ? Object.values(hs) : []);
  for (const p of manifest.ports) {
    if ((p.role === 'data') === control.has(p.name)) {
      throw new DriverError(`${file}: port ${shortText(p.name)} has role ${quoteText(String(p.role))}, but it is ${control.has(p.name) ? 'a clock, reset or handshake port' : 'a data port'}`);
    }
  }
  if (manifest.files.length === 0) throw new DriverError(`${file}: "files" lists no Verilog file`);
  const rtlFiles = manifestVerilog(manifest, abs);
  manifest.files.forEach((f, i) => {
    if (!existsSync(rtlFiles[i]!)) throw new DriverError(`${file}: files[${i}] '${f}' is not in the folder`);
  });
  const iface: ModuleInterface = { name: manifest.top, params: { ...manifest.params }, ports, ...(hs ? { handshake: hs } : {}) };
  return { shown: dir, dir: abs, manifest, spec, iface, rtlFiles };
}
