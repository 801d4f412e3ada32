// Running one mutant against its unit's tests: the mutated module's Verilog replaces the original in every
// test top that contains it; the stages run under Icarus (no build cost per mutant) until one mismatches,
// times out or breaks the handshake rules of the testbench (killed), or all pass (survived).

import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Module, allModules, emitDesign, emitVerilog } from '../hdl/index';
import { runSimulation } from '../sim/index';
import { HarnessError, SimulationError } from '../sim/errors';
import { BUILD_DIR } from '../sim/paths';
import type { Mutant } from './operators';
import type { TestTop } from './units';

export type MutantStatus = 'killed' | 'survived' | 'equivalent' | 'stillborn';

export interface MutantResult {
  readonly id: string;
  readonly module: string;
  readonly kind: Mutant['kind'];
  readonly what: string;
  /** `<file>.v:<line>: <mutated line>` */
  readonly where: string;
  status: MutantStatus;
  /** killed: the top and stage; equivalent: how it was shown */
  detail: string;
  seconds: number;
}

/** Line number and text of the first line where two texts differ. */
export function firstDiff(a: string, b: string): { line: number; text: string } {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) if (la[i] !== lb[i]) return { line: i + 1, text: (lb[i] ?? '').trim() };
  return { line: 0, text: '' };
}

/** The Verilog of every top, by module name, emitted once. */
const designCache = new WeakMap<Module, Map<string, string>>();
export function designTexts(top: Module): Map<string, string> {
  let d = designCache.get(top);
  if (!d) designCache.set(top, (d = emitDesign(top)));
  return d;
}

export const containsModule = (top: Module, name: string): boolean => allModules(top).some((m) => m.name === name);

/** Simulator builds the harness cached for `top` that were not there before (a mutant's builds are never reused). */
export function dropNewBuilds(top: string, before: ReadonlySet<string>): void {
  if (!existsSync(BUILD_DIR)) return;
  for (const n of readdirSync(BUILD_DIR)) {
    if (!n.startsWith(`icarus-${top}-`) || before.has(n)) continue;
    rmSync(path.join(BUILD_DIR, n), { recursive: true, force: true });
  }
}

export const buildsOf = (top: string): Set<string> =>
  new Set(existsSync(BUILD_DIR) ? readdirSync(BUILD_DIR).filter((n) => n.startsWith(`icarus-${top}-`)) : []);

export interface RunMutantOptions {
  /** scratch directory of this worker (overwritten per mutant) */
  readonly dir: string;
  /** cycles without a handshake before the testbench gives up */
  readonly timeoutCycles?: number;
  /**
   * Remove the mutant's simulator builds when it is done (default). A caller running mutants of one top
   * concurrently passes false and removes them itself once none runs: the builds share a name prefix.
   */
  readonly dropBuilds?: boolean;
}

/** The unmutated design must pass every stage of every top (else a kill would mean nothing): throws if not. */
export async function checkBaseline(tops: readonly TestTop[], o: RunMutantOptions): Promise<void> {
  for (const t of tops) {
    const dir = path.join(o.dir, `baseline-${t.top.name}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const files = [...designTexts(t.top)].map(([name, text]) => {
      const f = path.join(dir, `${name}.v`);
      writeFileSync(f, text);
      return f;
    });
    for (const s of t.stages()) {
      const r = await runSimulation({
        sim: 'icarus', iface: t.top.interface(), rtlFiles: files, vectors: s.vectors, expectedOutputs: s.expected.length,
        seed: s.seed, stallPercent: s.stall, timeoutCycles: o.timeoutCycles ?? 300, workDir: path.join(dir, 'run'),
      });
      const bad = s.expected.findIndex((x, i) => r.outputs[i] !== x);
      if (bad >= 0) throw new Error(`baseline: the unmutated ${t.label} fails ${s.label} at output #${bad}`);
      if (s.maxCycles !== undefined && r.cycles > s.maxCycles) throw new Error(`baseline: the unmutated ${t.label} takes ${r.cycles} cycles in ${s.label}, more than ${s.maxCycles}`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `m` against every test top containing its module, in order; stops at the first failing stage. */
export async function runMutant(m: Mutant, tops: readonly TestTop[], o: RunMutantOptions): Promise<MutantResult> {
  const t0 = performance.now();
  const mine = tops.filter((t) => containsModule(t.top, m.module));
  const mutated = emitVerilog(m.ir);
  const orig = designTexts(mine[0]!.top).get(m.module)!;
  const d = firstDiff(orig, mutated);
  const res: MutantResult = {
    id: m.id, module: m.module, kind: m.kind, what: m.what, where: `${m.module}.v:${d.line}: ${d.text.slice(0, 110)}`,
    status: 'survived', detail: '', seconds: 0,
  };
  if (mutated === orig) {
    res.status = 'equivalent';
    res.detail = 'prints the same Verilog';
    return res;
  }
  mkdirSync(o.dir, { recursive: true });
  try {
    for (const t of mine) {
      const dir = path.join(o.dir, t.top.name);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const files = [...designTexts(t.top)].map(([name, text]) => {
        const f = path.join(dir, `${name}.v`);
        writeFileSync(f, name === m.module ? mutated : text);
        return f;
      });
      const before = buildsOf(t.top.name);
      try {
        for (const s of t.stages()) {
          let outputs: bigint[];
          let cycles: number;
          try {
            const r = await runSimulation({
              sim: 'icarus', iface: t.top.interface(), rtlFiles: files, vectors: s.vectors, expectedOutputs: s.expected.length,
              seed: s.seed, stallPercent: s.stall, timeoutCycles: o.timeoutCycles ?? 300, workDir: path.join(dir, 'run'),
            });
            outputs = r.outputs;
            cycles = r.cycles;
          } catch (e) {
            if (e instanceof SimulationError && !/build of/.test(e.message)) {
              res.status = 'killed';
              res.detail = `${t.label} / ${s.label}: ${e.message.replace(/^icarus \S+ \([^)]*\): /, '').slice(0, 120)}`;
              return res;
            }
            if (e instanceof SimulationError || e instanceof HarnessError) {
              res.status = 'stillborn';
              res.detail = e.message.slice(0, 160);
              return res;
            }
            throw e;
          }
          const bad = s.expected.findIndex((x, i) => outputs[i] !== x);
          if (bad >= 0) {
            res.status = 'killed';
            res.detail = `${t.label} / ${s.label}: output #${bad} differs`;
            return res;
          }
          if (s.maxCycles !== undefined && cycles > s.maxCycles) {
            res.status = 'killed';
            res.detail = `${t.label} / ${s.label}: ${cycles} cycles, more than ${s.maxCycles}`;
            return res;
          }
        }
      } finally {
        if (o.dropBuilds !== false) dropNewBuilds(t.top.name, before);
      }
    }
    res.detail = mine.map((t) => `${t.label} (${t.stages().length} stage${t.stages().length === 1 ? '' : 's'})`).join('; ');
    return res;
  } finally {
    res.seconds = (performance.now() - t0) / 1000;
  }
}
