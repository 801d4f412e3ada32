// Yosys 0.23 synthesis for area/depth estimates: generic gate count, CMOS transistor estimate, logic depth.
// Latches are always an error (generated units are flop-based); results are cached per RTL content.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { cachedBuild } from './build-cache.js';
import { runInGroup } from './process-group.js';
import { HarnessError, SynthError } from './errors.js';
import { requireTool } from './tools.js';

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
}

/**
 * ABC's default script for gate mapping (Yosys 0.23 abc.cc) with the SAT sweep bounded to 1,000 conflicts per
 * node instead of 1,000,000 (a file: `;` ends a Yosys command).
 */
const ABC_BOUNDED = ['strash', '&get -n', '&fraig -x -C 1000', '&put', 'scorr', 'dc2', 'dretime', 'strash', '&get -n', '&dch -f', '&nf', '&put'];
const ABC_BOUNDED_FILE = 'abc-bounded-sat.scr';

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
}

/** Bump when the script changes so cached results are recomputed. */
const RECIPE = 'yosys-synth-1';

const LATCH_CELL = /^\$(_DLATCH|_SR_|_DLATCHSR|dlatch|adlatch|dlatchsr|sr$)/;

/** The Yosys script; for 'bounded-sat' the ABC script file `dir`/abc-bounded-sat.scr must exist (synthesize writes it). */
export function synthScript(files: readonly string[], top: string, flow: SynthFlow = 'bounded-sat', dir = '.'): string {
  const abc = flow === 'yosys-default' ? 'abc -g cmos' : `abc -g cmos -script "${resolve(dir, ABC_BOUNDED_FILE)}"`;
  return [
    ...files.map((f) => `read_verilog "${resolve(f)}"`),
    `hierarchy -check -top ${top}`,
    `synth -flatten -top ${top}${flow === 'yosys-default' ? '' : ' -noshare'}`,
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
    '',
  ].join('\n');
}

interface StatModule {
  num_cells: number;
  num_cells_by_type: Record<string, number>;
  estimated_num_transistors?: string;
}

async function readStat(file: string): Promise<StatModule> {
  const json = JSON.parse(await readFile(file, 'utf8')) as { design: StatModule };
  return json.design;
}

function transistorCount(s: StatModule, what: string): { n: number; exact: boolean } {
  const m = /^(\d+)(\+?)$/.exec(String(s.estimated_num_transistors ?? ''));
  if (!m) throw new SynthError(`cannot parse ${what} transistor estimate '${s.estimated_num_transistors}'`);
  return { n: Number(m[1]), exact: m[2] === '' };
}

export async function synthesize(files: readonly string[], top: string, opts: SynthOptions = {}): Promise<SynthResult> {
  if (files.length === 0) throw new HarnessError(`synthesize(${top}): no files given`);
  const yosys = requireTool('yosys', { path: opts.toolPath });
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => Promise.reject(new HarnessError(`cannot read RTL file ${f}`)))));
  const flow = opts.flow ?? 'bounded-sat';
  // 'yosys-default' keeps the recipe string of the first flow, so results cached before the flows existed stay valid
  const recipe = flow === 'yosys-default' ? RECIPE : `${RECIPE}-${flow}`;
  const hashParts = [recipe, top, ...files.map((f, i) => `${basename(f)}\n${texts[i]}`)];
  const build = await cachedBuild(`synth-${top}${flow === 'yosys-default' ? '' : `-${flow}`}`, hashParts, async (dir, logFile) => {
    const t0 = performance.now();
    if (flow !== 'yosys-default') await writeFile(join(dir, ABC_BOUNDED_FILE), ABC_BOUNDED.map((c) => `${c};`).join('\n') + '\n');
    await writeFile(join(dir, 'synth.ys'), synthScript(files, top, flow, dir));
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
    const result: Omit<SynthResult, 'logFile' | 'cached' | 'flow'> = {
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
    };
    await writeFile(join(dir, 'result.json'), JSON.stringify(result, null, 2) + '\n');
  });
  const cached = JSON.parse(await readFile(join(build.dir, 'result.json'), 'utf8')) as Omit<SynthResult, 'logFile' | 'cached' | 'flow'>;
  return { ...cached, cached: !build.built, logFile: `${build.dir}.build.log`, flow };
}
