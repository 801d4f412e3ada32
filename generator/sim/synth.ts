// Yosys 0.23 synthesis: generic gate count, CMOS transistor estimate, logic depth, and the mapping to a standard-cell
// library (OSU 0.18 um by default: dfflibmap + abc -liberty, area from the library, a mapped netlist for STA and
// gate-level simulation). Optionally the mapping is repeated per part of the design (each direct submodule, the top's
// own logic, the flip-flops) so "what dominates" is measured in context (generator/phys/partition.ts).
// Latches are always an error (generated units are flop-based); results are cached per RTL content.
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { cachedBuild } from './build-cache.js';
import { runInGroup } from './process-group.js';
import { HarnessError, SynthError } from './errors.js';
import { requireTool } from './tools.js';
import { PART_FF, PART_TOP, partId, tagPartitions, type PartSpec } from '../phys/partition.js';
import { OSU018_LIBERTY, readLiberty } from '../phys/liberty.js';
import { DEFAULT_ENVIRONMENT, outputLoadPf } from '../phys/environment.js';

/**
 * The synthesis flow. 'bounded-sat' (used for every figure): `synth -flatten -noshare`, and ABC's default
 * gate-mapping script with its SAT sweep (`&fraig -x`) limited to 1,000 conflicts per node. The default flow's
 * two SAT steps did not finish on the larger designs: Yosys' `share` runs SAT on every pair of shifters (the
 * bf16 PE's 64 shifters: ~40 min, nothing shared) and ABC's SAT sweep ran over an hour on the 32 7x7
 * multipliers of the mxint8 PE (20 s with the bound). 'yosys-default': plain `synth -flatten`, `abc -g cmos`.
 */
export type SynthFlow = 'bounded-sat' | 'yosys-default';
export const SYNTH_FLOWS: readonly SynthFlow[] = ['bounded-sat', 'yosys-default'];

export interface SynthOptions {
  readonly toolPath?: string;
  readonly flow?: SynthFlow;
  /** Liberty file to map to (default: the OSU 0.18 um library of qflow-tech-osu018); null: no mapping. */
  readonly liberty?: string | null;
  /** Also map per part (each direct submodule with its hierarchy; the top's own logic; the flip-flops). */
  readonly parts?: readonly PartSpec[];
  /**
   * Modules given as `(* blackbox *)` stand-ins (e.g. the RAMs and the per-module synthesized blocks of an array,
   * generator/rtl/array/synth.ts): their instances stay cells of the mapped netlist and are left out of its
   * library figures (area, cells, flop bits).
   */
  readonly blackboxes?: readonly string[];
  /**
   * ABC's sizing also buffers the primary inputs of the combinational logic: module inputs and flip-flop outputs
   * are given a driver (`abc -constr`: set_driving_cell BUFX2, ABC's model takes no sequential cell; set_load =
   * the STA's output load) and `buffer -p`, so a high fanout gets a buffer tree; without it ABC takes them as ideal
   * drivers (measured on the 4x4 mxsf array's glue: one control flip-flop drove 870 gates, 24.8 ns CLK -> Q).
   * Used by the hierarchical array flow (generator/rtl/array/synth.ts).
   */
  readonly bufferInputs?: boolean;
}

/**
 * ABC's default script for gate mapping (Yosys 0.23 abc.cc) with the SAT sweep bounded to 1,000 conflicts per
 * node instead of 1,000,000 (a file: `;` ends a Yosys command). The same script is ABC's default for liberty
 * mapping (`&nf` maps to the library's cells, delay-oriented with area recovery).
 */
const ABC_BOUNDED = ['strash', '&get -n', '&fraig -x -C 1000', '&put', 'scorr', 'dc2', 'dretime', 'strash', '&get -n', '&dch -f', '&nf {D}', '&put'];
const ABC_BOUNDED_FILE = 'abc-bounded-sat.scr';
/**
 * Library mapping: the same script, then ABC's gate sizing against the liberty timing (`buffer` splits high-fanout
 * nets, `upsize` / `dnsize` pick drive strengths; ABC's wire-load 'none'); `stime -p` logs ABC's own delay estimate.
 * Measured on mxsf_pe_k8_d1: ABC delay 35.6 -> 25.9 ns for +2 % area. Used by both flows.
 */
const ABC_LIBERTY = [...ABC_BOUNDED, 'topo', 'buffer', 'upsize', 'dnsize', 'stime -p'];
const ABC_LIBERTY_DEFAULT = ['strash', '&get -n', '&fraig -x', '&put', 'scorr', 'dc2', 'dretime', 'strash', '&get -n', '&dch -f', '&nf {D}', '&put', 'topo', 'buffer', 'upsize', 'dnsize', 'stime -p'];
const ABC_LIBERTY_FILE = 'abc-liberty.scr';
const ABC_CONSTR_FILE = 'abc.constr';

/** A design mapped to the library (flat: the figures of the design). */
export interface MappedResult {
  readonly liberty: string;
  /** `stat -liberty`: sum of the cell areas, um^2 */
  readonly areaUm2: number;
  readonly cells: number;
  readonly cellsByType: Readonly<Record<string, number>>;
  /** library flip-flop cells (= flop bits) */
  readonly flopBits: number;
  /** ABC's own delay estimate of the mapped logic (`stime -p`, no wire load, ideal I/O), ns */
  readonly abcDelayNs: number;
  /** mapped netlist, Verilog (every net and cell renamed to a plain identifier) and Yosys JSON */
  readonly verilog: string;
  readonly json: string;
}

/** One part of the per-part mapping. */
export interface PartResult {
  /** the submodule name, '(own logic)' or '(flip-flops)' */
  readonly name: string;
  /** part id in the `mxpart` attribute of the part netlist */
  readonly id: string;
  readonly count: number;
  readonly areaUm2: number;
  readonly libCells: number;
  /** CMOS transistors of the part mapped on its own (`abc -g cmos` per part, flops as plain DFFs) */
  readonly transistors: number;
}

export interface PartitionResult {
  readonly parts: readonly PartResult[];
  /** totals of the per-part mapping (differ from the flat figures by ABC's cross-part optimisation) */
  readonly areaUm2: number;
  readonly transistors: number;
  /** generic gates that had no src attribute and took a neighbour's part */
  readonly inferredCells: number;
  /** the per-part mapped netlist (Yosys JSON, cells carry `mxpart`) */
  readonly json: string;
}

export interface SynthResult {
  readonly top: string;
  /** Cells after `synth -flatten` (Yosys internal gates $_AND_/$_XOR_/$_MUX_/... plus flip-flops). */
  readonly cells: number;
  readonly cellsByType: Readonly<Record<string, number>>;
  /** Flip-flop cells (bits) in the generic netlist. */
  readonly flops: number;
  /** `stat -tech cmos` after mapping everything, flops included (async2sync + dffunmap + abc -g cmos). */
  readonly transistors: number;
  /** False when Yosys reported the count as a lower bound ("N+", some cell type has no CMOS cost). */
  readonly transistorsExact: boolean;
  /** `stat -tech cmos` of the combinational gates only (abc -g cmos on the netlist as synthesized). */
  readonly logicTransistors: number;
  /** `ltp -noff` on the generic netlist: gates on the longest register-to-register/IO path. */
  readonly depth: number;
  readonly latches: number;
  /** Yosys run time (of the original run when the result came from the cache). */
  readonly seconds: number;
  readonly cached: boolean;
  /** Full Yosys log. */
  readonly logFile: string;
  readonly flow: SynthFlow;
  /** the library mapping (absent with `liberty: null`) */
  readonly mapped?: MappedResult;
  /** the per-part mapping (when `parts` was given) */
  readonly partition?: PartitionResult;
  /** why the per-part mapping failed (the design's own figures are unaffected) */
  readonly partitionError?: string;
}

/** Bump when the script changes so cached results are recomputed. */
const RECIPE = 'yosys-synth-3-lib';

const LATCH_CELL = /^\$(_DLATCH|_SR_|_DLATCHSR|dlatch|adlatch|dlatchsr|sr$)/;

/** Renames every internal net and cell to a plain identifier (n123 / g45): OpenSTA's Tcl needs no escaping. */
export const RENAME = ['opt_clean -purge', 'rename -hide w:* x:* %d', 'rename -enumerate -pattern n% w:*', 'rename -enumerate -pattern g% c:*'];

/** The Yosys script; for 'bounded-sat' the ABC script file `dir`/abc-bounded-sat.scr must exist (synthesize writes it). */
export function synthScript(files: readonly string[], top: string, flow: SynthFlow = 'bounded-sat', dir = '.', liberty: string | null = null, prePartition = false, constr = false): string {
  const script = flow === 'yosys-default' ? '' : ` -script "${resolve(dir, ABC_BOUNDED_FILE)}"`;
  const abc = `abc -g cmos${script}`;
  return [
    ...files.map((f) => `read_verilog "${resolve(f)}"`),
    `hierarchy -check -top ${top}`,
    // = synth -flatten [-noshare], split before its fine part so the coarse netlist can be saved (src attributes
    // intact) for the per-part mapping
    `synth -flatten -top ${top}${flow === 'yosys-default' ? '' : ' -noshare'} -run :fine`,
    ...(prePartition ? ['write_json coarse.json'] : []),
    `synth -flatten -top ${top}${flow === 'yosys-default' ? '' : ' -noshare'} -run fine:`,
    // Written before `check -assert` so a latch is reported as such even if check also fails.
    'tee -q -o generic.json stat -json',
    'check -assert',
    'tee -q -o depth.txt ltp -noff',
    'design -save generic',
    abc,
    'opt_clean',
    'tee -q -o logic.json stat -json -tech cmos',
    'design -load generic',
    // Give every flop a CMOS cost: async reset -> sync gating, enables -> muxes, then plain $_DFF_P_ (16 T).
    'async2sync',
    'dffunmap',
    abc,
    'opt_clean',
    'tee -q -o full.json stat -json -tech cmos',
    ...(liberty
      ? [
          'design -load generic',
          // enables and synchronous resets become muxes in front of the library's DFFPOSX1, async resets DFFSR
          `dfflibmap -liberty "${liberty}"`,
          `abc -liberty "${liberty}"${constr ? ` -constr "${resolve(dir, ABC_CONSTR_FILE)}"` : ''} -script "${resolve(dir, ABC_LIBERTY_FILE)}"`,
          ...RENAME,
          `tee -q -o lib-stat.txt stat -liberty "${liberty}"`,
          'write_verilog -noattr mapped.v',
          'write_json mapped.json',
        ]
      : []),
    '',
  ].join('\n');
}

/**
 * Second Yosys run: the coarse netlist with every part tagged (`submod`), split into one module per part, the fine
 * synthesis and the mapping run per module (to the library, and to CMOS gates for the transistor estimate), each
 * mapped cell tagged `mxpart` = its part, then flattened again: the netlist of the per-part figures.
 */
function partitionScript(top: string, liberty: string, ids: readonly string[], flow: SynthFlow, dir: string): string {
  const script = flow === 'yosys-default' ? '' : ` -script "${resolve(dir, ABC_BOUNDED_FILE)}"`;
  const mod = (id: string): string => (id === PART_TOP ? top : `${top}_${id}`);
  return [
    'read_json tagged.json',
    `hierarchy -top ${top}`,
    'submod',
    `hierarchy -top ${top}`,
    `synth -top ${top}${flow === 'yosys-default' ? '' : ' -noshare'} -run fine:`,
    'design -save parted',
    `dfflibmap -liberty "${liberty}"`,
    `abc -liberty "${liberty}" -script "${resolve(dir, ABC_LIBERTY_FILE)}"`,
    'opt_clean',
    ...ids.map((id) => `setattr -set mxpart "${id}" ${mod(id)}/t:*`),
    `tee -q -o part-lib-stat.txt stat -liberty "${liberty}" -top ${top}`,
    'flatten',
    ...RENAME,
    'write_json part-lib.json',
    'design -load parted',
    'async2sync',
    'dffunmap',
    `abc -g cmos${script}`,
    'opt_clean',
    `tee -q -o part-cmos.json stat -json -tech cmos -top ${top}`,
    '',
  ].join('\n');
}

interface StatModule {
  num_cells: number;
  num_cells_by_type: Record<string, number>;
  estimated_num_transistors?: string;
}

async function readStat(file: string): Promise<StatModule> {
  // For a partial selection Yosys 0.23 writes no "design" section and leaves a trailing comma: then the one
  // (flat) module's entry is the statistic of the selection.
  const text = (await readFile(file, 'utf8')).replace(/,\s*\}\s*$/, '\n}\n');
  const json = JSON.parse(text) as { design?: StatModule; modules?: Record<string, StatModule> };
  if (json.design) return json.design;
  const mods = Object.values(json.modules ?? {});
  if (mods.length === 0) return { num_cells: 0, num_cells_by_type: {} };
  if (mods.length > 1) throw new SynthError(`${file}: statistics of ${mods.length} modules, expected one flat module`);
  return mods[0]!;
}

function transistorCount(s: StatModule, what: string): { n: number; exact: boolean } {
  // an empty selection has no estimate
  if (s.num_cells === 0 && s.estimated_num_transistors === undefined) return { n: 0, exact: true };
  const m = /^(\d+)(\+?)$/.exec(String(s.estimated_num_transistors ?? ''));
  if (!m) throw new SynthError(`cannot parse ${what} transistor estimate '${s.estimated_num_transistors}'`);
  return { n: Number(m[1]), exact: m[2] === '' };
}

async function chipArea(file: string): Promise<number> {
  // a hierarchical statistic ends with the whole design ("top module"); a flat one has one module
  const text = await readFile(file, 'utf8');
  const m = /Chip area for top module .*: ([\d.]+)/.exec(text) ?? /Chip area for module .*: ([\d.]+)/.exec(text);
  if (!m) throw new SynthError(`no chip area in ${file}`);
  return Number(m[1]);
}

type Cached = Omit<SynthResult, 'logFile' | 'cached' | 'flow' | 'mapped' | 'partition'> & {
  mapped?: Omit<MappedResult, 'verilog' | 'json'>;
  partition?: Omit<PartitionResult, 'json'>;
};

async function yosysRun(yosys: string, dir: string, scriptFile: string, logFile: string, top: string, what: string): Promise<string> {
  const r = await runInGroup(yosys, ['-q', '-l', logFile, '-s', scriptFile], { cwd: dir });
  const log = existsSync(logFile) ? await readFile(logFile, 'utf8') : (r.all ?? '');
  if (r.exitCode !== 0) {
    const err = /^ERROR: (.*)$/m.exec(log)?.[1] ?? `exit code ${r.exitCode ?? r.signal}`;
    const warnings = [...log.matchAll(/^Warning: (.*)$/gm)].map((m) => m[1]!).slice(0, 3);
    throw new SynthError(`yosys ${what} of ${top} failed: ${err}${warnings.length ? `; ${warnings.join('; ')}` : ''}`, logFile);
  }
  return log;
}

/** ABC's timing constraints of `bufferInputs`: every primary input driven by a BUFX2, every output loaded as in STA. */
function constrText(liberty: string): string {
  return `set_driving_cell BUFX2\nset_load ${outputLoadPf(readLiberty(liberty), DEFAULT_ENVIRONMENT).toFixed(6)}\n`;
}

/** The RTL files sorted by name (the same design listed in another order is the same cache entry) and their texts. */
async function readSources(fileList: readonly string[], what: string): Promise<{ files: string[]; texts: string[] }> {
  if (fileList.length === 0) throw new HarnessError(`${what}: no files given`);
  const files = [...fileList].sort((a, b) => basename(a).localeCompare(basename(b)) || a.localeCompare(b));
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => Promise.reject(new HarnessError(`cannot read RTL file ${f}`)))));
  return { files, texts };
}

export async function synthesize(fileList: readonly string[], top: string, opts: SynthOptions = {}): Promise<SynthResult> {
  const { files, texts } = await readSources(fileList, `synthesize(${top})`);
  const yosys = requireTool('yosys', { path: opts.toolPath });
  const flow = opts.flow ?? 'bounded-sat';
  const liberty = opts.liberty === null ? null : resolve(opts.liberty ?? OSU018_LIBERTY);
  // a clear message (with the install command) when the library is missing
  const libText = liberty ? (readLiberty(liberty), await readFile(liberty, 'utf8')) : '';
  const parts = liberty ? (opts.parts ?? []) : [];
  const blackboxes = new Set(opts.blackboxes ?? []);
  const libScript = (flow === 'yosys-default' ? ABC_LIBERTY_DEFAULT : ABC_LIBERTY).map((c) => (c === 'buffer' && opts.bufferInputs ? 'buffer -p' : c));
  const hashParts = [
    RECIPE,
    // the scripts themselves, so any change of the flow recomputes
    // (file names only: the same RTL synthesized from another directory hits the same cache entry)
    synthScript(files.map((f) => basename(f)), top, flow, '.', liberty, parts.length > 0, opts.bufferInputs === true),
    ...(opts.bufferInputs && liberty ? [constrText(liberty)] : []),
    liberty ? partitionScript(top, liberty, ['ids'], flow, '.') : '',
    libScript.join(';'),
    flow,
    top,
    liberty ? `${basename(liberty)}\n${libText}` : 'no-liberty',
    JSON.stringify(parts),
    ...files.map((f, i) => `${basename(f)}\n${texts[i]}`),
    // only when given, so the cache keys of every other design stay as they were
    ...(blackboxes.size ? [`blackboxes ${[...blackboxes].sort().join(' ')}`] : []),
  ];
  const build = await cachedBuild(`synth-${top}${flow === 'yosys-default' ? '' : `-${flow}`}`, hashParts, async (dir, logFile) => {
    const t0 = performance.now();
    if (flow !== 'yosys-default') await writeFile(join(dir, ABC_BOUNDED_FILE), ABC_BOUNDED.map((c) => `${c};`).join('\n') + '\n');
    await writeFile(join(dir, ABC_LIBERTY_FILE), libScript.map((c) => `${c};`).join('\n') + '\n');
    if (opts.bufferInputs && liberty) await writeFile(join(dir, ABC_CONSTR_FILE), constrText(liberty));
    await writeFile(join(dir, 'synth.ys'), synthScript(files, top, flow, dir, liberty, parts.length > 0, opts.bufferInputs === true && liberty !== null));
    const r = await runInGroup(yosys, ['-q', '-l', logFile, '-s', 'synth.ys'], { cwd: dir });
    const log = existsSync(logFile) ? await readFile(logFile, 'utf8') : (r.all ?? '');
    const generic = existsSync(join(dir, 'generic.json')) ? await readStat(join(dir, 'generic.json')) : null;
    const latchCells = generic ? Object.entries(generic.num_cells_by_type).filter(([t]) => LATCH_CELL.test(t)) : [];
    if (latchCells.length > 0) {
      const n = latchCells.reduce((s, [, c]) => s + c, 0);
      const signals = [...log.matchAll(/^Latch inferred for signal `([^']+)'/gm)].map((m) => m[1]!.replace(/\\/g, ''));
      throw new SynthError(`${top}: ${n} latch cell(s) inferred${signals.length ? ` for ${[...new Set(signals)].join(', ')}` : ''}`, logFile);
    }
    if (r.exitCode !== 0) {
      const err = /^ERROR: (.*)$/m.exec(log)?.[1] ?? `exit code ${r.exitCode ?? r.signal}`;
      const warnings = [...log.matchAll(/^Warning: (.*)$/gm)].map((m) => m[1]!).slice(0, 3);
      throw new SynthError(`yosys synthesis of ${top} failed: ${err}${warnings.length ? `; ${warnings.join('; ')}` : ''}`, logFile);
    }
    const logic = await readStat(join(dir, 'logic.json'));
    const full = await readStat(join(dir, 'full.json'));
    const depthText = await readFile(join(dir, 'depth.txt'), 'utf8');
    const depth = Number(/Longest topological path in \S+ \(length=(\d+)\)/.exec(depthText)?.[1] ?? 0);
    const byType = generic!.num_cells_by_type;
    const fullT = transistorCount(full, 'full');
    let mapped: Cached['mapped'];
    let partition: Cached['partition'];
    let partitionError: string | undefined;
    if (liberty) {
      const lib = readLiberty(liberty);
      const json = JSON.parse(await readFile(join(dir, 'mapped.json'), 'utf8')) as { modules: Record<string, { cells: Record<string, { type: string }> }> };
      const cells = Object.values(json.modules[top]?.cells ?? {}).filter((c) => !blackboxes.has(c.type));
      const libByType: Record<string, number> = {};
      for (const c of cells) libByType[c.type] = (libByType[c.type] ?? 0) + 1;
      const unknown = Object.keys(libByType).filter((t) => !lib.cells.has(t));
      if (unknown.length) throw new SynthError(`${top}: the mapped netlist has cells outside ${basename(liberty)}: ${unknown.join(', ')}`, logFile);
      mapped = {
        liberty,
        areaUm2: await chipArea(join(dir, 'lib-stat.txt')),
        cells: cells.length,
        cellsByType: libByType,
        flopBits: cells.filter((c) => lib.cells.get(c.type)!.ff).length,
        abcDelayNs: Number([...log.matchAll(/Delay =\s*([\d.]+) ps/g)].at(-1)?.[1] ?? NaN) / 1000,
      };
      // the per-part figures are a breakdown, not the design's figures: a Yosys failure there (0.23 asserts in
      // `submod` on some netlists) is recorded and reported, the mapped and timed design stands
      if (parts.length) {
        try {
          const tagging = tagPartitions(join(dir, 'coarse.json'), join(dir, 'tagged.json'), top, parts);
          const ids = [PART_FF, ...parts.map((_, i) => partId(i)), PART_TOP].filter((id) => id === PART_TOP || (tagging.cells[id] ?? 0) > 0);
          await writeFile(join(dir, 'partition.ys'), partitionScript(top, liberty, ids, flow, dir));
          await yosysRun(yosys, dir, 'partition.ys', join(dir, 'partition.log'), top, 'per-part mapping');
          const pj = JSON.parse(await readFile(join(dir, 'part-lib.json'), 'utf8')) as { modules: Record<string, { cells: Record<string, { type: string; attributes?: Record<string, string> }> }> };
          const area = new Map<string, number>();
          const count = new Map<string, number>();
          for (const c of Object.values(pj.modules[top]?.cells ?? {})) {
            const id = c.attributes?.['mxpart'];
            if (id === undefined) throw new SynthError(`${top}: a cell of the per-part netlist has no part tag`, join(dir, 'partition.log'));
            area.set(id, (area.get(id) ?? 0) + lib.cells.get(c.type)!.area);
            count.set(id, (count.get(id) ?? 0) + 1);
          }
          const cmosText = (await readFile(join(dir, 'part-cmos.json'), 'utf8')).replace(/,\s*\}\s*$/, '\n}\n');
          const cmos = JSON.parse(cmosText) as { modules: Record<string, StatModule> };
          const list: PartResult[] = [];
          for (const id of ids) {
            const m = cmos.modules[`\\${id === PART_TOP ? top : `${top}_${id}`}`];
            if (!m) throw new SynthError(`${top}: no CMOS statistics of part ${id}`, join(dir, 'partition.log'));
            // the top's own count excludes its part instances (which make Yosys mark it 'N+')
            const t = Number(/^(\d+)/.exec(String(m.estimated_num_transistors ?? '0'))?.[1] ?? 0);
            const spec = id.startsWith('p') ? parts[Number(id.slice(1))] : undefined;
            list.push({
              name: spec?.name ?? (id === PART_FF ? '(flip-flops)' : '(own logic)'),
              id,
              count: spec?.count ?? 1,
              areaUm2: area.get(id) ?? 0,
              libCells: count.get(id) ?? 0,
              transistors: t,
            });
          }
          await rm(join(dir, 'coarse.json'));
          await rm(join(dir, 'tagged.json'));
          partition = {
            parts: list,
            areaUm2: await chipArea(join(dir, 'part-lib-stat.txt')),
            transistors: list.reduce((a, p) => a + p.transistors, 0),
            inferredCells: tagging.inferred,
          };
        } catch (e) {
          if (!(e instanceof SynthError)) throw e;
          partitionError = e.message;
        }
      }
    }
    const result: Cached = {
      top,
      cells: generic!.num_cells,
      cellsByType: byType,
      flops: Object.entries(byType).filter(([t]) => /DFF/.test(t)).reduce((s, [, c]) => s + c, 0),
      transistors: fullT.n,
      transistorsExact: fullT.exact,
      logicTransistors: transistorCount(logic, 'logic').n,
      depth,
      latches: 0,
      seconds: (performance.now() - t0) / 1000,
      ...(mapped ? { mapped } : {}),
      ...(partition ? { partition } : {}),
      ...(partitionError ? { partitionError } : {}),
    };
    await writeFile(join(dir, 'result.json'), JSON.stringify(result, null, 2) + '\n');
  });
  const cached = JSON.parse(await readFile(join(build.dir, 'result.json'), 'utf8')) as Cached;
  const { mapped, partition, ...rest } = cached;
  return {
    ...rest,
    cached: !build.built,
    logFile: `${build.dir}.build.log`,
    flow,
    ...(mapped ? { mapped: { ...mapped, verilog: join(build.dir, 'mapped.v'), json: join(build.dir, 'mapped.json') } } : {}),
    ...(partition ? { partition: { ...partition, json: join(build.dir, 'part-lib.json') } } : {}),
  };
}

/** A design mapped module by module (mapByModule). */
export interface ModuleMapped {
  /** Yosys JSON of the flattened netlist; every cell carries `mxpart` = the module it was mapped in */
  readonly json: string;
  /** `stat -liberty` of the hierarchy (each module once per instance), um^2 */
  readonly areaUm2: number;
  readonly cached: boolean;
}

/**
 * The design mapped to the library module by module: `synth` without flattening, so each module is optimised and
 * mapped once, on its own; then each of `parts` (the top's direct submodules) is flattened with its hierarchy and
 * its cells tagged `mxpart` = its name, the top's own cells `mxpart` = `top`, and the whole flattened. Every cell of
 * the result names the part it came from, flip-flops and memory bits included. It is the attributable netlist where the
 * per-part mapping's `submod` fails (Yosys 0.23 asserts on some multi-instance arrays); its area is hierarchical
 * (no optimisation across module boundaries, as the array flow of generator/rtl/array/synth.ts). Cached.
 */
export async function mapByModule(fileList: readonly string[], top: string, parts: readonly string[], o: { liberty?: string; toolPath?: string } = {}): Promise<ModuleMapped> {
  const { files, texts } = await readSources(fileList, `mapByModule(${top})`);
  const yosys = requireTool('yosys', { path: o.toolPath });
  const liberty = resolve(o.liberty ?? OSU018_LIBERTY);
  readLiberty(liberty);
  const libText = await readFile(liberty, 'utf8');
  const script = (dir: string, names: readonly string[]): string =>
    [
      ...names.map((f) => `read_verilog "${f}"`),
      `hierarchy -check -top ${top}`,
      `synth -top ${top} -noshare`,
      'check -assert',
      `dfflibmap -liberty "${liberty}"`,
      `abc -liberty "${liberty}" -script "${resolve(dir, ABC_LIBERTY_FILE)}"`,
      'opt_clean',
      ...parts.flatMap((m) => [`flatten ${m}`, `setattr -set mxpart "${m}" ${m}/t:*`]),
      `setattr -set mxpart "${top}" ${top}/t:*`,
      `tee -q -o mod-lib-stat.txt stat -liberty "${liberty}" -top ${top}`,
      'flatten',
      ...RENAME,
      'write_json mod-lib.json',
      '',
    ].join('\n');
  const hashParts = [RECIPE, 'by-module', script('.', files.map((f) => basename(f))), parts.join(' '), ABC_LIBERTY.join(';'), top, `${basename(liberty)}\n${libText}`, ...files.map((f, i) => `${basename(f)}\n${texts[i]}`)];
  const build = await cachedBuild(`synthmod-${top}`, hashParts, async (dir, logFile) => {
    await writeFile(join(dir, ABC_LIBERTY_FILE), ABC_LIBERTY.map((c) => `${c};`).join('\n') + '\n');
    await writeFile(join(dir, 'synth.ys'), script(dir, files.map((f) => resolve(f))));
    await yosysRun(yosys, dir, 'synth.ys', logFile, top, 'module-by-module mapping');
  });
  return { json: join(build.dir, 'mod-lib.json'), areaUm2: await chipArea(join(build.dir, 'mod-lib-stat.txt')), cached: !build.built };
}
