// The proof engines behind `make formal`, all shipped with Debian's yosys package:
//   - yosys reads the DUT and the generated wrappers once, then writes one model per property
//     (AIGER for ABC, SMT-LIB 2 for yosys-smtbmc), flattened, with everything outside the property's cone
//     of influence removed (a control property never sees the datapath);
//   - ABC (yosys-abc) `pdr`: IC3/property-directed reachability, an unbounded proof or a counterexample;
//     `bmc3`: bounded model checking, the fallback when PDR runs out of time;
//   - yosys-smtbmc with z3: BMC, k-induction (`-i`) and cover (`-c`) on the SMT-LIB model.
// (Debian's boolector 1.5.118 rejects smtbmc's incremental SMT-LIB 2 ("unsupported command 'set-option'"),
// so smtbmc runs z3.)

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formalTool, runTool } from './exec';

export type ModelKind = 'aig' | 'smt2';

export interface ModelJob {
  /** wrapper (top) module; for a miter the name of the miter module */
  readonly top: string;
  readonly kind: ModelKind;
  /** build the combinational miter `top` of these two modules (same ports) first */
  readonly miter?: { readonly gold: string; readonly gate: string };
  /** registers without an initial value start at 0 instead of free (two copies of a design then start alike) */
  readonly zeroInit?: boolean;
}

export const modelFile = (dir: string, job: ModelJob): string => path.join(dir, `${job.top}.${job.kind}`);

/** The yosys commands that turn the loaded design into one property's model file. */
function modelScript(dir: string, job: ModelJob): string[] {
  const head = [
    'design -load base',
    ...(job.miter ? [`miter -equiv -flatten ${job.miter.gold} ${job.miter.gate} ${job.top}`] : []),
    `hierarchy -top ${job.top}`,
    'flatten',
    'async2sync',
    'opt_clean',
  ];
  if (job.kind === 'smt2') return [...head, 'opt -fast -keepdc', 'dffunmap', 'opt_clean', `write_smt2 -wires ${modelFile(dir, job)}`];
  return [
    ...head,
    'chformal -assume -early',
    ...(job.zeroInit ? ['setundef -zero -init'] : []),
    'setundef -undriven -anyseq',
    'opt -fast -nosdff -nodffe -keepdc',
    'dffunmap',
    'techmap',
    'opt -fast -nosdff -nodffe -keepdc',
    'abc -g AND -fast',
    'dffunmap',
    'opt_clean',
    // a miter's one output is the difference; a property model's outputs are its asserts (bad states)
    job.miter ? `write_aiger -zinit ${modelFile(dir, job)}` : `write_aiger -I -B -zinit ${modelFile(dir, job)}`,
  ];
}

export interface PrepareResult {
  readonly seconds: number;
  readonly ok: boolean;
  readonly log: string;
  readonly error?: string;
}

export const readVerilog = (files: readonly string[]): string => `read_verilog -formal ${files.map((f) => JSON.stringify(f)).join(' ')}`;

/**
 * The control model of a DUT: its control shell (wrapper.ts controlShell) flattened with the data inputs free
 * and everything outside the cone of the control outputs removed, written as RTLIL module `shell` into `out`.
 */
export async function prepareControlModel(dir: string, files: readonly string[], shell: string, out: string, timeoutSeconds = 1800): Promise<PrepareResult> {
  return runScript(dir, 'control', [readVerilog(files), `hierarchy -top ${shell}`, 'proc', 'flatten', 'setundef -undriven -anyseq', 'opt_clean', 'stat', `write_rtlil ${out}`], timeoutSeconds);
}

/** One yosys run: `reads` (read commands: DUT, wrappers), then write every job's model into `dir`. */
export async function prepareModels(dir: string, reads: readonly string[], jobs: readonly ModelJob[], timeoutSeconds = 1800, name = 'models'): Promise<PrepareResult> {
  return runScript(dir, name, [...reads, 'proc', 'opt_clean', 'design -save base', ...jobs.flatMap((j) => modelScript(dir, j))], timeoutSeconds);
}

async function runScript(dir: string, name: string, script: readonly string[], timeoutSeconds: number): Promise<PrepareResult> {
  const ys = path.join(dir, `${name}.ys`);
  writeFileSync(ys, script.join('\n') + '\n');
  const log = path.join(dir, `${name}.log`);
  const r = await runTool(formalTool('yosys'), ['-q', '-l', log, '-s', ys], { cwd: dir, timeoutSeconds });
  const error = r.timedOut ? `yosys timed out after ${timeoutSeconds} s` : r.exitCode !== 0 ? (r.output.split('\n').find((l) => /ERROR/.test(l)) ?? `yosys exit ${r.exitCode}`) : undefined;
  return { seconds: r.seconds, ok: error === undefined, log, ...(error ? { error } : {}) };
}

export type EngineStatus = 'proven' | 'passed' | 'failed' | 'timeout' | 'error' | 'reached' | 'unreached';

export interface EngineResult {
  readonly status: EngineStatus;
  /** PDR/BMC: the frame of a counterexample; BMC: frames checked; induction: k; cover: the step reached */
  readonly depth?: number;
  readonly seconds: number;
  readonly detail?: string;
}

const abcOutcome = (out: string): { status: EngineStatus; depth?: number } => {
  const asserted = /was asserted in frame (\d+)/.exec(out);
  if (asserted) return { status: 'failed', depth: Number(asserted[1]) };
  if (/Property proved/.test(out)) return { status: 'proven' };
  return { status: 'error' };
};

/** ABC's PDR on an AIGER model (constraints folded into the property). */
export async function abcPdr(aig: string, timeoutSeconds: number): Promise<EngineResult> {
  const r = await runTool(formalTool('yosys-abc'), ['-c', `read_aiger ${aig}; fold; strash; pdr -T ${timeoutSeconds}`], {
    cwd: path.dirname(aig),
    timeoutSeconds: timeoutSeconds + 30,
  });
  if (r.timedOut || /timeout|timed out|resource limit/i.test(r.output)) return { status: 'timeout', seconds: r.seconds };
  const o = abcOutcome(r.output);
  return { ...o, seconds: r.seconds, ...(o.status === 'error' ? { detail: r.output.trim().split('\n').slice(-3).join(' | ') } : {}) };
}

/**
 * What a bmc3 run (verbose) showed: a counterexample's frame, all `frames` done (passed), or the
 * frames finished before a time limit. bmc3 checks its own -T only between SAT calls, so one long call can run
 * past it until runTool kills the process; the per-frame lines ("  N + : Var = ...") written before the kill
 * still tell how far it got. (Its parameter line prints "TimeOut" on every run, so that text tells nothing.)
 */
export function bmcOutcome(output: string, frames: number, killed: boolean): { status: EngineStatus; depth?: number } {
  const asserted = /was asserted in frame (\d+)/.exec(output);
  if (asserted) return { status: 'failed', depth: Number(asserted[1]) };
  const none = /No output asserted in (\d+) frames/.exec(output);
  if (none && Number(none[1]) >= frames) return { status: 'passed', depth: Number(none[1]) };
  if (none) return { status: 'timeout', depth: Number(none[1]) };
  const done = [...output.matchAll(/^\s*(\d+) \+ :/gm)].map((m) => Number(m[1]) + 1);
  if (killed || done.length > 0) return { status: 'timeout', depth: done.length > 0 ? Math.max(...done) : 0 };
  return { status: 'error' };
}

/** ABC's bmc3 to `frames` frames, stopped after about `timeoutSeconds`. */
export async function abcBmc(aig: string, frames: number, timeoutSeconds: number): Promise<EngineResult> {
  // -v: bmc3 writes (and flushes) one line per finished frame, so a run killed mid-call still shows its bound
  const script = `read_aiger ${aig}; fold; strash; bmc3 -v -F ${frames} -T ${timeoutSeconds}`;
  const r = await runTool(formalTool('yosys-abc'), ['-c', script], { cwd: path.dirname(aig), timeoutSeconds: timeoutSeconds + Math.max(60, timeoutSeconds / 2) });
  const o = bmcOutcome(r.output, frames, r.timedOut);
  return { ...o, seconds: r.seconds, ...(o.status === 'error' ? { detail: r.output.trim().split('\n').slice(-3).join(' | ') } : {}) };
}

async function smtbmc(smt2: string, args: readonly string[], timeoutSeconds: number) {
  return runTool(formalTool('yosys-smtbmc'), ['-s', 'z3', '--noprogress', ...args, smt2], { cwd: path.dirname(smt2), timeoutSeconds });
}

/** BMC from the initial state for `depth` steps. */
export async function smtBmc(smt2: string, depth: number, timeoutSeconds: number): Promise<EngineResult> {
  const r = await smtbmc(smt2, ['-t', String(depth)], timeoutSeconds);
  if (r.timedOut) return { status: 'timeout', seconds: r.seconds };
  if (/Status: PASSED/.test(r.output)) return { status: 'passed', depth, seconds: r.seconds };
  const step = /Checking assertions in step (\d+)/g;
  const steps = [...r.output.matchAll(step)].map((m) => Number(m[1]));
  if (/Status: FAILED/.test(r.output)) return { status: 'failed', seconds: r.seconds, ...(steps.length ? { depth: Math.max(...steps) } : {}) };
  return { status: 'error', seconds: r.seconds, detail: r.output.trim().split('\n').slice(-2).join(' | ') };
}

/** The induction step with k steps (the base case is smtBmc to the same depth). */
export async function smtInduction(smt2: string, k: number, timeoutSeconds: number): Promise<EngineResult> {
  const r = await smtbmc(smt2, ['-i', '-t', String(k)], timeoutSeconds);
  if (r.timedOut) return { status: 'timeout', seconds: r.seconds };
  if (/Temporal induction successful/.test(r.output) && /Status: PASSED/.test(r.output)) return { status: 'proven', depth: k, seconds: r.seconds };
  if (/Temporal induction failed/.test(r.output)) return { status: 'failed', depth: k, seconds: r.seconds };
  return { status: 'error', seconds: r.seconds, detail: r.output.trim().split('\n').slice(-2).join(' | ') };
}

/** Cover: the step at which every cover statement is reached. */
export async function smtCover(smt2: string, depth: number, timeoutSeconds: number): Promise<EngineResult> {
  const r = await smtbmc(smt2, ['-c', '-t', String(depth)], timeoutSeconds);
  if (r.timedOut) return { status: 'timeout', seconds: r.seconds };
  const reached = [...r.output.matchAll(/Reached cover statement .* in step (\d+)/g)].map((m) => Number(m[1]));
  if (/Status: PASSED/.test(r.output)) return { status: 'reached', seconds: r.seconds, ...(reached.length ? { depth: Math.max(...reached) } : {}) };
  if (/Status: FAILED/.test(r.output)) return { status: 'unreached', depth, seconds: r.seconds };
  return { status: 'error', seconds: r.seconds, detail: r.output.trim().split('\n').slice(-2).join(' | ') };
}

/** Latches in a binary or ASCII AIGER file (from its header `aig M I L O A`). */
export function aigerLatches(file: string): number {
  const head = readFileSync(file).subarray(0, 200).toString('latin1').split('\n')[0] ?? '';
  const m = /^a[ai]g (\d+) (\d+) (\d+)/.exec(head);
  if (!m) throw new Error(`${file}: not an AIGER file`);
  return Number(m[3]);
}

/** ABC's combinational equivalence check of a miter AIG (one output, 1 on a difference): `&cec -m`. */
export async function abcCec(aig: string, timeoutSeconds: number): Promise<EngineResult & { ands?: number }> {
  const latches = aigerLatches(aig);
  if (latches > 0) return { status: 'error', seconds: 0, detail: `${latches} registers left in the miter (not a combinational function)` };
  const r = await runTool(formalTool('yosys-abc'), ['-c', `&r ${aig}; &ps; &cec -m -T ${Math.round(timeoutSeconds)}`], { cwd: path.dirname(aig), timeoutSeconds: timeoutSeconds + 30 });
  const ands = /and\s*=\s*(\d+)/.exec(r.output);
  const base = { seconds: r.seconds, ...(ands ? { ands: Number(ands[1]) } : {}) };
  if (/Networks are equivalent/.test(r.output)) return { status: 'proven', ...base };
  if (/NOT EQUIVALENT|are not equivalent|Output \d+ .*asserted/i.test(r.output)) return { status: 'failed', ...base };
  if (r.timedOut || /[Tt]imeout|undecided|resource limit/i.test(r.output)) return { status: 'timeout', ...base };
  return { status: 'error', ...base, detail: r.output.trim().split('\n').slice(-2).join(' | ') };
}

export interface MiterResult extends EngineResult {
  /** yosys time (read, miter, AIG) */
  readonly prepSeconds: number;
  readonly ands?: number;
}

/** Combinational equivalence of `gold` and `gate` (same ports): one yosys run for the miter AIG, then abcCec. */
export async function cecMiter(dir: string, reads: readonly string[], gold: string, gate: string, timeoutSeconds: number, name = 'miter'): Promise<MiterResult> {
  const job: ModelJob = { top: name, kind: 'aig', miter: { gold, gate } };
  const prep = await prepareModels(dir, reads, [job], timeoutSeconds, name);
  if (!prep.ok) return { status: 'error', seconds: 0, prepSeconds: prep.seconds, ...(prep.error ? { detail: prep.error } : {}) };
  const r = await abcCec(modelFile(dir, job), Math.max(30, timeoutSeconds - prep.seconds));
  return { ...r, prepSeconds: prep.seconds };
}
