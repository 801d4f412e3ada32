// Handshake properties of one streaming module (wrapper.ts), each proven on its own:
//   control properties (valid-held, counts, no-loss, occupancy, progress): k-induction first (yosys-smtbmc,
//     z3, k = 4: the base case is BMC to k); where it does not close (the counts need an invariant that ties
//     the wrapper's counters to the DUT's registers: an idle environment can stutter in an unreachable state
//     for any k), ABC PDR, which finds such invariants, for an unbounded proof; if PDR runs out of time,
//     ABC bmc3 to the stated depth;
//   data-stable: likewise, on the whole design (z3 k-induction through yosys-smtbmc did not finish even the
//     base case of a k = 4 quantizer in a minute; PDR proves it in about a second);
//   covers: yosys-smtbmc cover mode, the step at which the cover is reached.
// The latency bound of no-loss and the progress bound are searched from 0 up: the report gives the smallest
// bound that is proven and says that the bound below it fails (the counterexample depth), so the figure is tight.

import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Module, writeDesign } from '../hdl/index';
import { scratchDir } from '../sim/paths';
import type { StreamContract } from './contract';
import { type EngineResult, type ModelJob, abcBmc, abcPdr, modelFile, prepareControlModel, prepareModels, readVerilog, smtBmc, smtCover, smtInduction } from './engines';
import { type PropertyRef, allProperties, controlShell, handshakeWrapper, isCover, propertyLabel, readsData } from './wrapper';

export interface FormalRow {
  /** 'handshake', 'tree', 'pipeline' */
  readonly group: string;
  readonly property: string;
  readonly module: string;
  /** e.g. 'PDR (ABC)', 'k-induction (smtbmc/z3)', 'BMC (ABC bmc3)', 'SAT miter (ABC cec)' */
  readonly method: string;
  /** 'unbounded', 'k = 2', '40 cycles', ... */
  readonly depth: string;
  /** 'proven', 'bounded', 'FAILED', 'reached', 'timeout', 'error', 'n/a' */
  readonly result: string;
  readonly seconds: number;
  readonly note?: string;
}

export interface HandshakeOptions {
  /** BMC depth when an unbounded proof does not finish, and the cover depth */
  readonly bmcDepth: number;
  /** seconds per PDR run */
  readonly pdrSeconds: number;
  readonly log?: (line: string) => void;
  /** keep the work directory (models, logs): always (true), never (false), after a failure (default) */
  readonly keep?: boolean;
}

export interface HandshakeTarget {
  readonly module: Module;
  readonly contract: StreamContract;
  /** documented latency in cycles (unit registry): reported next to the bound found */
  readonly latency: number;
  /** Verilog to check instead of the module's own (same ports): module name -> text, e.g. a mutant */
  readonly verilog?: ReadonlyMap<string, string>;
}

const fmtFrames = (n: number): string => `${n} cycles`;

/** Bounds tried for no-loss and input-progress: 0 .. max. */
function boundLimit(c: StreamContract, latency: number): number {
  const beats = Math.max(...c.inputs.map((x) => x.beats), ...c.outputs.map((x) => x.beats));
  return latency + 2 * beats + 4;
}

const searched = (k: PropertyRef['kind']): boolean => k === 'no-loss' || k === 'input-progress';

export async function checkHandshake(t: HandshakeTarget, o: HandshakeOptions): Promise<FormalRow[]> {
  const c = t.contract;
  const dir = scratchDir(`formal-${c.top}-`);
  const rows: FormalRow[] = [];
  try {
    const files = t.verilog
      ? [...t.verilog].map(([n, text]) => {
          const f = path.join(dir, `${n}.v`);
          writeFileSync(f, text);
          return f;
        })
      : writeDesign(t.module, dir, { bindings: false });
    const props = allProperties(c);
    const maxBound = boundLimit(c, t.latency);
    interface Item {
      readonly prop: PropertyRef;
      readonly bound: number;
      readonly name: string;
    }
    const items: Item[] = [];
    props.forEach((p, idx) => {
      const bounds = searched(p.kind) ? Array.from({ length: maxBound + 1 }, (_, b) => b) : [0];
      for (const b of bounds) items.push({ prop: p, bound: b, name: `formal_p${idx}_b${b}` });
    });
    const wrapperFiles = items.map((it) => {
      const w = handshakeWrapper(c, it.prop, { latency: it.bound, progress: it.bound }, it.name);
      const f = path.join(dir, `${it.name}.v`);
      writeFileSync(f, w.text);
      return f;
    });
    // control properties: an SMT-LIB model for k-induction too (small: the datapath is not in it)
    const jobs: ModelJob[] = items.flatMap((it): ModelJob[] =>
      isCover(it.prop.kind) ? [{ top: it.name, kind: 'smt2' }] : readsData(it.prop.kind) ? [{ top: it.name, kind: 'aig' }] : [{ top: it.name, kind: 'aig' }, { top: it.name, kind: 'smt2' }],
    );
    // control properties read the control model (datapath removed once), data properties the whole design
    const shell = controlShell(c);
    const shellFile = path.join(dir, `${shell.top}.v`);
    writeFileSync(shellFile, shell.text);
    const ctlIl = path.join(dir, `${shell.top}.il`);
    const preps = [await prepareControlModel(dir, [...files, shellFile], shell.top, ctlIl)];
    const isData = (it: Item) => readsData(it.prop.kind);
    const byItem = new Map(items.map((it, i) => [it, wrapperFiles[i]!]));
    const jobsOf = (sel: (it: Item) => boolean) => jobs.filter((j) => sel(items.find((it) => it.name === j.top)!));
    if (preps[0]!.ok) preps.push(await prepareModels(dir, [`read_rtlil ${ctlIl}`, readVerilog(items.filter((it) => !isData(it)).map((it) => byItem.get(it)!))], jobsOf((it) => !isData(it)), 1800, 'control-models'));
    if (preps.every((p) => p.ok) && items.some(isData))
      preps.push(await prepareModels(dir, [readVerilog([...files, ...items.filter(isData).map((it) => byItem.get(it)!)])], jobsOf(isData), 1800, 'data-models'));
    const prepSeconds = preps.reduce((a, p) => a + p.seconds, 0);
    o.log?.(`${c.top}: ${items.length} wrappers, models written in ${prepSeconds.toFixed(1)} s`);
    const bad = preps.find((p) => !p.ok);
    if (bad) {
      return [{ group: 'handshake', property: 'all', module: c.top, method: 'yosys', depth: '-', result: 'error', seconds: prepSeconds, note: bad.error }];
    }
    for (const [idx, p] of props.entries()) {
      const label = propertyLabel(c, p);
      const mine = items.filter((it) => it.prop === p);
      let row: FormalRow;
      if (isCover(p.kind)) {
        const r = await smtCover(modelFile(dir, { top: mine[0]!.name, kind: 'smt2' }), o.bmcDepth, o.pdrSeconds * 4);
        row = {
          group: 'handshake', property: label, module: c.top, method: 'cover (smtbmc/z3)',
          depth: r.status === 'reached' ? `step ${r.depth ?? '?'}` : fmtFrames(o.bmcDepth),
          result: r.status === 'reached' ? 'reached' : r.status === 'unreached' ? 'FAILED (unreachable)' : r.status, seconds: r.seconds,
        };
      } else if (searched(p.kind)) {
        row = await searchBound(c.top, label, mine.map((it) => modelFile(dir, { top: it.name, kind: 'aig' })), t.latency, o);
      } else if (readsData(p.kind)) {
        row = await dataProperty(c.top, label, mine[0]!.name, dir, o);
      } else {
        row = await controlProperty(c.top, label, modelFile(dir, { top: mine[0]!.name, kind: 'aig' }), o);
      }
      o.log?.(`${c.top}: [${idx + 1}/${props.length}] ${row.property}: ${row.result} (${row.method}, ${row.depth}, ${row.seconds.toFixed(1)} s)`);
      rows.push(row);
    }
    return rows;
  } finally {
    const bad = rows.some((r) => r.result.startsWith('FAILED') || r.result === 'error');
    if (o.keep === true || (o.keep === undefined && bad)) o.log?.(`${c.top}: models and logs kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

function fromPdr(top: string, label: string, r: EngineResult): FormalRow | undefined {
  if (r.status === 'proven') return { group: 'handshake', property: label, module: top, method: 'PDR (ABC)', depth: 'unbounded', result: 'proven', seconds: r.seconds };
  if (r.status === 'failed')
    return { group: 'handshake', property: label, module: top, method: 'PDR (ABC)', depth: fmtFrames(r.depth ?? 0), result: `FAILED (counterexample at cycle ${r.depth})`, seconds: r.seconds };
  return undefined;
}

async function bmcFallback(top: string, label: string, aig: string, spent: number, o: HandshakeOptions, why: string): Promise<FormalRow> {
  const b = await abcBmc(aig, o.bmcDepth, o.pdrSeconds * 4);
  const result = b.status === 'passed' || (b.status === 'timeout' && (b.depth ?? 0) > 0) ? 'bounded' : b.status === 'failed' ? `FAILED (counterexample at cycle ${b.depth})` : b.status;
  return {
    group: 'handshake', property: label, module: top, method: 'BMC (ABC bmc3)',
    depth: fmtFrames(b.depth ?? o.bmcDepth), result, seconds: spent + b.seconds, note: why,
  };
}

/** k of the k-induction tried first on control properties. */
export const INDUCTION_K = 4;

async function controlProperty(top: string, label: string, aig: string, o: HandshakeOptions, tryInduction = true): Promise<FormalRow> {
  let spent = 0;
  let why = '';
  if (tryInduction) {
    const smt2 = aig.replace(/\.aig$/, '.smt2');
    const base = await smtBmc(smt2, INDUCTION_K, 60);
    const step = base.status === 'passed' ? await smtInduction(smt2, INDUCTION_K, 60) : undefined;
    spent = base.seconds + (step?.seconds ?? 0);
    if (step?.status === 'proven')
      return { group: 'handshake', property: label, module: top, method: 'k-induction (smtbmc/z3)', depth: `k = ${INDUCTION_K}`, result: 'proven', seconds: spent };
    why = `k-induction at k = ${INDUCTION_K}: ${step ? (step.status === 'failed' ? 'does not close' : step.status) : `base case ${base.status}`}`;
  }
  const r = await abcPdr(aig, o.pdrSeconds);
  const row = fromPdr(top, label, r);
  if (row) return { ...row, seconds: spent + r.seconds, ...(why ? { note: why } : {}) };
  return bmcFallback(top, label, aig, spent + r.seconds, o, `${why ? `${why}; ` : ''}PDR: ${r.status} after ${r.seconds.toFixed(0)} s${r.detail ? ` (${r.detail})` : ''}`);
}

async function searchBound(top: string, label: string, aigs: readonly string[], latency: number, o: HandshakeOptions): Promise<FormalRow> {
  let spent = 0;
  let below: EngineResult | undefined;
  for (let b = 0; b < aigs.length; b++) {
    const r = await abcPdr(aigs[b]!, o.pdrSeconds);
    spent += r.seconds;
    if (r.status === 'proven') {
      const tight = b === 0 ? 'bound 0' : below?.status === 'failed' ? `bound ${b - 1} fails (counterexample at cycle ${below.depth})` : `bound ${b - 1}: ${below?.status}`;
      return {
        group: 'handshake', property: `${label} <= ${b} cycles`, module: top, method: 'PDR (ABC)', depth: 'unbounded', result: 'proven', seconds: spent,
        note: `tight: ${tight}; documented latency ${latency}`,
      };
    }
    if (r.status !== 'failed') {
      return bmcFallback(top, `${label} <= ${b} cycles`, aigs[b]!, spent, o, `PDR: ${r.status} at bound ${b}`);
    }
    below = r;
  }
  return {
    group: 'handshake', property: `${label} <= ${aigs.length - 1} cycles`, module: top, method: 'PDR (ABC)', depth: fmtFrames(below?.depth ?? 0),
    result: `FAILED (counterexample at cycle ${below?.depth})`, seconds: spent, note: `no bound up to ${aigs.length - 1} holds`,
  };
}

async function dataProperty(top: string, label: string, name: string, dir: string, o: HandshakeOptions): Promise<FormalRow> {
  // PDR, not smtbmc: z3 did not finish even the base case of a k = 4 quantizer in 60 s (the whole datapath is
  // in the cone of the output data), where ABC's PDR proves the property in a second
  return controlProperty(top, label, modelFile(dir, { top: name, kind: 'aig' }), o, false);
}
