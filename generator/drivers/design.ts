// A generated design folder (`DIR/<top>/`, written by `mxgen generate`, possibly edited by hand) as something
// the drivers can simulate: its manifest (generator/ip/manifest.ts) gives the unit and its parameters, the
// ports and handshake (the harness's ModuleInterface is built from them) and the Verilog files in dependency
// order, which are simulated as they are. The ports are checked against the generator's own module for the
// same parameters, so a folder whose ports the drivers would pack wrongly is refused with one line, before
// anything is built.

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { BASELINE_BF16, FORMAT_NAMES, isFormatName, type FormatName } from '../formats/table';
import { SCALE_MODES, type ScaleMode } from '../golden/scale';
import type { ModuleInterface, PortSpec } from '../hdl/ports';
import { MANIFEST_FILE, manifestVerilog, readManifest, type IpManifest } from '../ip/manifest';
import { withSuggestion } from '../util/did-you-mean';
import { preview, quoteText, shortText } from '../util/shown';
import { DriverError } from './errors';

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

function showValue(v: unknown): string {
  return v === undefined ? 'nothing' : preview(v, 60);
}

/** Reads the unit parameters the drivers need, each checked, under the unit schema's names. */
function designSpec(m: IpManifest, file: string): DesignSpec {
  const p = m.params;
  const bad = (key: string, want: string): never => {
    throw new DriverError(`${file}: params.${key} must be ${want}, got ${showValue(p[key])}`);
  };
  const format = (key: string, allowBf16: boolean, fallback?: FormatName | typeof BASELINE_BF16): FormatName | typeof BASELINE_BF16 => {
    const v = p[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v === 'string' && (isFormatName(v) || (allowBf16 && v === BASELINE_BF16))) return v;
    const names = allowBf16 ? [...FORMAT_NAMES, BASELINE_BF16] : FORMAT_NAMES;
    if (typeof v === 'string') throw new DriverError(withSuggestion(`${file}: params.${key} ${quoteText(v)} is not a format; choose one of: ${names.join(', ')}`, v, names));
    return bad(key, `a format (${names.join(', ')})`);
  };
  const int = (key: string, min: number, max: number): number => {
    const v = p[key];
    return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : bad(key, `an integer in ${min}..${max}`);
  };
  const choice = <T extends string | number>(key: string, choices: readonly T[]): T => {
    const v = p[key];
    return (choices as readonly unknown[]).includes(v) ? (v as T) : bad(key, `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`);
  };
  switch (m.unit) {
    case 'quantizer':
      return {
        unit: 'quantizer',
        format: format('format', false) as FormatName,
        k: int('k', 1, 4096),
        scaleMode: choice('scaleMode', SCALE_MODES),
        input: choice('input', ['fp32', 'bf16'] as const),
        depth: int('depth', 0, 64),
      };
    case 'pe': {
      const formatA = format('format', true);
      const formatB = format('formatB', true, formatA);
      if ((formatA === BASELINE_BF16) !== (formatB === BASELINE_BF16)) {
        throw new DriverError(`${file}: params.format ${formatA} and params.formatB ${formatB}: '${BASELINE_BF16}' cannot be mixed with an MX format`);
      }
      return { unit: 'pe', formatA, formatB, k: int('k', 1, 4096), depth: int('depth', 0, 64) };
    }
    case 'tile': {
      const tile = p.tile;
      const t = typeof tile === 'string' ? /^(\d+)x(\d+)$/.exec(tile) : null;
      if (!t || Number(t[1]) < 1 || Number(t[2]) < 1) bad('tile', "a tile shape 'RxC' (e.g. '8x8')");
      return {
        unit: 'tile',
        format: format('format', false) as FormatName,
        rows: Number(t![1]),
        cols: Number(t![2]),
        scaleMode: choice('scaleMode', SCALE_MODES),
        input: choice('input', ['fp32', 'bf16'] as const),
        order: choice('order', ['row', 'col'] as const),
        buffers: choice('buffers', [1, 2] as const),
      };
    }
    default:
      throw new DriverError(`${file}: unit ${quoteText(m.unit)} cannot be simulated by mxgen sim (quantizer and tile: 'sim quantize'; pe: 'sim gemm')`);
  }
}

/** The interface the generator builds for these parameters (the ports the drivers pack). */
async function referenceInterface(s: DesignSpec): Promise<ModuleInterface> {
  switch (s.unit) {
    case 'quantizer': {
      const { blockQuantizerModule } = await import('../rtl/quantizer/quantizer');
      return blockQuantizerModule(s).interface();
    }
    case 'pe': {
      if (s.formatA === BASELINE_BF16) {
        const { bf16PeModule } = await import('../rtl/pe/bf16-pe');
        return bf16PeModule({ k: s.k, depth: s.depth }).interface();
      }
      const { mxPeModule } = await import('../rtl/pe/mx-pe');
      return mxPeModule({ formatA: s.formatA, formatB: s.formatB as FormatName, k: s.k, depth: s.depth }).interface();
    }
    case 'tile': {
      const { tileQuantModule } = await import('../rtl/tile/tilequant');
      const { quantizerParts } = await import('../rtl/tile/parts');
      return tileQuantModule(s, quantizerParts(s.format, s.scaleMode, s.input)).interface();
    }
  }
}

const portText = (p: PortSpec | undefined): string => (p ? `${p.dir} ${shortText(p.name)}[${p.width - 1}:0]` : 'no port');

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
  const spec = designSpec(manifest, file);
  let ref: ModuleInterface;
  try {
    ref = await referenceInterface(spec);
  } catch (e) {
    throw new DriverError(`${file}: the parameters do not describe a ${manifest.unit} the generator can build (${(e as Error).message})`);
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
    throw new DriverError(`${file}: handshake is ${preview(hs ?? null, 200)}, but a ${describeDesign(spec)} has ${JSON.stringify(ref.handshake ?? null)}`);
  }
  const control = new Set(hs ? Object.values(hs) : []);
  for (const p of manifest.ports) {
    if ((p.role === 'data') === control.has(p.name)) {
      throw new DriverError(`${file}: port ${shortText(p.name)} has role '${p.role}', but it is ${control.has(p.name) ? 'a clock, reset or handshake port' : 'a data port'}`);
    }
  }
  if (manifest.files.length === 0) throw new DriverError(`${file}: "files" lists no Verilog file`);
  const rtlFiles = manifestVerilog(manifest, abs);
  manifest.files.forEach((f, i) => {
    if (!existsSync(rtlFiles[i]!)) throw new DriverError(`${file}: files[${i}] ${quoteText(f)} is not in the folder`);
  });
  const iface: ModuleInterface = { name: manifest.top, params: { ...manifest.params }, ports, ...(hs ? { handshake: hs } : {}) };
  return { shown: dir, dir: abs, manifest, spec, iface, rtlFiles };
}
