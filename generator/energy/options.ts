// Option values of `mxgen energy`, resolved without side effects (the CLI and the fuzz tests share this), and the
// reader of a workload file. Every problem is one line naming the option or field and what is accepted.

import { quoteText, preview } from '../util/shown';
import { ALL_FORMATS, type Layout } from './model';
import type { EnergyFormat } from './measure';
import { workloadNamed, type GemmSpec, type TensorSpec, type Workload } from './workloads';

export class EnergyOptionError extends Error {
  readonly userError = true;
}

/** Tile edge of the energy study (the array's 8x8 tiles; R, C <= T). */
export const ENERGY_TILE = 8;
/** Largest GEMM dimension of a workload file (the cycle model walks tiles; keeps a file's run bounded). */
export const MAX_GEMM_DIM = 8192;
export const MAX_GEMMS = 1024;

export function arrayValue(text: string): { rows: number; cols: number } {
  const m = /^([1-9][0-9]?)x([1-9][0-9]?)$/.exec(text);
  const r = m ? Number(m[1]) : NaN;
  const c = m ? Number(m[2]) : NaN;
  if (!m || r > ENERGY_TILE || c > ENERGY_TILE)
    throw new EnergyOptionError(`--array: ${quoteText(text, 40)} is not RxC with R and C from 1 to ${ENERGY_TILE} (the tile edge: an R x C block lies in one 8x8 tile), e.g. 8x8`);
  return { rows: r, cols: c };
}

export function formatsValue(text: string): EnergyFormat[] {
  const names = text.split(',');
  const out: EnergyFormat[] = [];
  for (const n of names) {
    if (!(ALL_FORMATS as readonly string[]).includes(n)) throw new EnergyOptionError(`--format: unknown format ${quoteText(n, 40)}; choose from ${ALL_FORMATS.join(', ')} (comma-separated for several)`);
    if (out.includes(n as EnergyFormat)) throw new EnergyOptionError(`--format: ${quoteText(n, 40)} is listed twice`);
    out.push(n as EnergyFormat);
  }
  return out;
}

export const LAYOUT_CHOICES = ['tile', '1x32', 'both'] as const;

export function layoutsValue(text: string): Layout[] {
  if (text === 'both') return ['tile', '1x32'];
  if (text === 'tile' || text === '1x32') return [text];
  throw new EnergyOptionError(`--layout: ${quoteText(text, 40)} is not one of ${LAYOUT_CHOICES.join(', ')}`);
}

/** A named workload set, or undefined for a file name. */
export function namedWorkloads(text: string): Workload[] | undefined {
  return workloadNamed(text);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function dim(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_GEMM_DIM) throw new EnergyOptionError(`${where}: ${preview(v)} is not an integer from 1 to ${MAX_GEMM_DIM}`);
  return v;
}

function word(v: unknown, where: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 200) throw new EnergyOptionError(`${where}: ${preview(v)} is not a name (a string of 1 to 200 characters)`);
  return v;
}

/**
 * A workload from its JSON: {"name", "training": bool, "gemms": [{"name", "cls", "m", "k", "n", "a", "opA", "b",
 * "opB", "out", "outQuantized"}], "tensors"?: [{"name", "rows", "cols", "role"}]} (the Workload type of
 * workloads.ts; tensors are needed only for the weights of a training step).
 */
export function workloadFromJson(v: unknown, file: string): Workload {
  const at = (p: string) => `${file}: ${p}`;
  if (!isObj(v)) throw new EnergyOptionError(`${file}: a workload is a JSON object with "name", "training" and "gemms", not ${preview(v)}`);
  const name = word(v['name'], at('"name"'));
  if (typeof v['training'] !== 'boolean') throw new EnergyOptionError(`${at('"training"')}: ${preview(v['training'])} is not true or false`);
  const g = v['gemms'];
  if (!Array.isArray(g) || g.length === 0 || g.length > MAX_GEMMS) throw new EnergyOptionError(`${at('"gemms"')}: a list of 1 to ${MAX_GEMMS} GEMMs, not ${preview(g)}`);
  const gemms: GemmSpec[] = g.map((x: unknown, i: number): GemmSpec => {
    const w = (p: string) => at(`gemms[${i}].${p}`);
    if (!isObj(x)) throw new EnergyOptionError(`${at(`gemms[${i}]`)}: ${preview(x)} is not an object`);
    const cls = x['cls'] ?? 'forward';
    if (cls !== 'forward' && cls !== 'activation-gradient' && cls !== 'weight-gradient') throw new EnergyOptionError(`${w('cls')}: ${preview(cls)} is not forward, activation-gradient or weight-gradient`);
    const op = (p: string): 'n' | 't' => {
      const o = x[p] ?? 'n';
      if (o !== 'n' && o !== 't') throw new EnergyOptionError(`${w(p)}: ${preview(o)} is not "n" or "t"`);
      return o;
    };
    const oq = x['outQuantized'] ?? false;
    if (typeof oq !== 'boolean') throw new EnergyOptionError(`${w('outQuantized')}: ${preview(oq)} is not true or false`);
    return {
      name: x['name'] === undefined ? `G${i}` : word(x['name'], w('name')),
      cls,
      m: dim(x['m'], w('m')),
      k: dim(x['k'], w('k')),
      n: dim(x['n'], w('n')),
      a: x['a'] === undefined ? `A${i}` : word(x['a'], w('a')),
      opA: op('opA'),
      b: x['b'] === undefined ? `B${i}` : word(x['b'], w('b')),
      opB: op('opB'),
      out: x['out'] === undefined ? `C${i}` : word(x['out'], w('out')),
      outQuantized: oq,
    };
  });
  const t = v['tensors'] ?? [];
  if (!Array.isArray(t) || t.length > MAX_GEMMS * 3) throw new EnergyOptionError(`${at('"tensors"')}: a list of tensors, not ${preview(t)}`);
  const tensors: TensorSpec[] = t.map((x: unknown, i: number): TensorSpec => {
    const w = (p: string) => at(`tensors[${i}].${p}`);
    if (!isObj(x)) throw new EnergyOptionError(`${at(`tensors[${i}]`)}: ${preview(x)} is not an object`);
    const role = x['role'];
    if (role !== 'weight' && role !== 'activation' && role !== 'gradient') throw new EnergyOptionError(`${w('role')}: ${preview(role)} is not weight, activation or gradient`);
    return { name: word(x['name'], w('name')), rows: dim(x['rows'], w('rows')), cols: dim(x['cols'], w('cols')), role };
  });
  // a tensor read by two GEMMs must have one shape (the layout model keys copies by name)
  const shapes = new Map<string, string>();
  for (const x of gemms) {
    const sa = x.opA === 'n' ? `${x.m}x${x.k}` : `${x.k}x${x.m}`;
    const sb = x.opB === 'n' ? `${x.k}x${x.n}` : `${x.n}x${x.k}`;
    for (const [nm, s] of [[x.a, sa], [x.b, sb]] as const) {
      const have = shapes.get(nm);
      if (have && have !== s) throw new EnergyOptionError(`${file}: tensor ${quoteText(nm, 40)} is ${have} in one GEMM and ${s} in ${quoteText(x.name, 40)}`);
      shapes.set(nm, s);
    }
  }
  return { name: name, description: `workload file ${file}`, tensors, gemms, training: v['training'] };
}
