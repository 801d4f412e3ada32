// runSimulation: render the testbench, build (cached) for the chosen simulator, stream the packed input
// vectors through a file, run, and read back the packed output transactions.
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { execa } from 'execa';
import type { ModuleInterface } from '../hdl/ports.js';
import { cachedBuild } from './build-cache.js';
import { HarnessError, SimulationError } from './errors.js';
import { toHex } from './pack.js';
import { SIMULATORS, type SimulatorName } from './simulators.js';
import { renderTestbench } from './testbench.js';
import { scratchDir } from './paths.js';

export type { SimulatorName } from './simulators.js';
export { dataPorts, packPorts, unpackPorts, packedWidth, toHex, type PlacedPort } from './pack.js';

export interface SimOptions {
  readonly sim: SimulatorName;
  readonly iface: ModuleInterface;
  readonly rtlFiles: readonly string[];
  /** Packed input words, one per transaction (see pack.ts for the bit layout). */
  readonly vectors: readonly bigint[];
  /** Seeds the testbench's $random stall/back-pressure pattern. */
  readonly seed: number;
  /** Probability (0..99 %) of an input stall and of output back-pressure in each cycle. Default 0. */
  readonly stallPercent?: number;
  /** Dump <workDir>/waves.vcd (implies keeping the work directory). Default: env WAVES=1 (make WAVES=1). */
  readonly waves?: boolean;
  /** Where vector/output/log files go; default a fresh directory under sim/work/, removed after success. */
  readonly workDir?: string;
  /** Output transactions to wait for; default one per input vector. */
  readonly expectedOutputs?: number;
  /** Cycles without any handshake before the testbench gives up. Default 10000. */
  readonly timeoutCycles?: number;
  /** Check that out data is held while out_valid && !out_ready. Default true. */
  readonly protocolCheck?: boolean;
  /** PATH used to find the tools (tests use it to simulate a missing tool). */
  readonly toolPath?: string;
  /** Keep the default work directory even after success. */
  readonly keepWork?: boolean;
  /** Also write the rendered testbench source into this directory (`mxgen sim --keep`); see SimResult.testbenchFile. */
  readonly saveTestbench?: string;
  /**
   * Transactions: `inputs` input beats are answered by `outputs` output beats (a tile: R rows in, R or C lines
   * out). The testbench then fails on any output beat that no accepted transaction asks for (a stale or spurious
   * beat). Default 1/1 when expectedOutputs is not given (one output per input beat), else no such check.
   */
  readonly group?: { readonly inputs: number; readonly outputs: number };
  /** Resets in the middle of the stream (see ResetEvent and SimResult.outputIndex); needs a whole number of groups. */
  readonly resets?: readonly ResetEvent[];
  /**
   * X checks on output data: 'valid' (default) fails on an X/Z bit of any data output in a cycle where out_valid
   * is 1; 'sticky' also in every cycle after the first out_valid; 'off' only on the captured words.
   * out_valid and in_ready are always checked (after the first rising edge of every reset).
   */
  readonly xCheck?: 'off' | 'valid' | 'sticky';
  /** Verilator only: X-initialised state and X assignments drawn at random from a seed (see VerilatorRandomX). */
  readonly verilatorX?: VerilatorRandomX;
  /**
   * Verilator only: compile the model at -O0. For a flat gate-level netlist of 20-80k cells the C++ compile at
   * Verilator's -Os dominates (547 s for a 24k-cell PE on the shared machine) and the run is seconds either way.
   */
  readonly compileFast?: boolean;
}

/**
 * A reset in the middle of a stream: once `afterAccepted` input beats have been accepted (counted over the
 * whole run), `delay` cycles later rst_n drops (between clock edges) for `cycles` >= 2 rising edges, with
 * in_valid low. Contract (checked by the testbench and by SimResult.outputIndex):
 *  - from the reset's second rising edge to its release, out_valid is 0 and in_ready is not X;
 *  - beats accepted since the previous reset whose transaction's outputs were not all delivered are lost;
 *    outputs already delivered stand (the first lines of a tile included);
 *  - the stream resumes at the next transaction boundary of the vector list: a beat offered but not accepted
 *    that starts a transaction is offered again, one in the middle of a transaction is skipped with the rest
 *    of that transaction;
 *  - after the release no output beat comes out before a whole transaction has been accepted, and output n
 *    after reset j is output (resume_j / inputs) * outputs + n of the uninterrupted stream, so the first output
 *    after a reset belongs to the first transaction sent after it.
 * An event whose beat count is never reached (the stream ended first) does not fire; see SimResult.resets.
 */
export interface ResetEvent {
  readonly afterAccepted: number;
  readonly delay: number;
  readonly cycles: number;
}

/** What the testbench recorded at a reset (counts are totals since the start of the run). */
export interface ResetRecord {
  /** handshake cycles before the reset (reset cycles are not counted) */
  readonly cycle: number;
  readonly accepted: number;
  readonly delivered: number;
  /** accepted beats whose outputs were lost */
  readonly lost: number;
  /** vectors never accepted that were skipped to reach a transaction boundary */
  readonly skipped: number;
  /** index in `vectors` of the first beat offered after the reset */
  readonly resume: number;
}

/**
 * Verilator's random X: built with `--x-initial <initial> --x-assign <assign>`, run with `+verilator+seed+N`
 * (and `+verilator+rand+reset+2` for 'unique' initial values), so every variable without a reset starts at a
 * value drawn from `seed` and every X assignment takes one. Outputs must not change (bit-exact to the model).
 */
export interface VerilatorRandomX {
  readonly seed: number;
  /** --x-initial: default 'unique' (random per variable) */
  readonly initial?: 'unique' | '0' | 'fast';
  /** --x-assign: default 'unique' (random per assignment) */
  readonly assign?: 'unique' | '0' | '1' | 'fast';
}

export interface SimResult {
  readonly outputs: bigint[];
  /** Clock cycles from reset release to the last output (number of vectors for combinational modules). */
  readonly cycles: number;
  /** Wall time of the simulation run itself (excluding the build). */
  readonly seconds: number;
  /** Wall time spent building the model; 0 when a cached build was reused. */
  readonly buildSeconds: number;
  readonly workDir: string;
  readonly wavesFile?: string;
  /** The testbench source written for SimOptions.saveTestbench. */
  readonly testbenchFile?: string;
  /** The resets that fired (empty without SimOptions.resets). */
  readonly resets: readonly ResetRecord[];
  /**
   * With SimOptions.resets: for each output, its index in the uninterrupted output stream (the expected output of
   * the same transaction beat); see expectedAfterResets(). Without resets: undefined (output i is output i).
   */
  readonly outputIndex?: readonly number[];
}

/** The expected outputs of a run with resets, picked from the expected outputs of the uninterrupted stream. */
export function expectedAfterResets<T>(expected: readonly T[], r: Pick<SimResult, 'outputIndex'>): T[] {
  if (!r.outputIndex) return [...expected];
  return r.outputIndex.map((i) => {
    if (i >= expected.length) throw new HarnessError(`output index ${i} is beyond the ${expected.length} expected outputs`);
    return expected[i]!;
  });
}

const XCHECK = { off: 0, valid: 1, sticky: 2 } as const;

function checkCount(name: string, v: number, min: number): void {
  if (!Number.isSafeInteger(v) || v < min) throw new HarnessError(`${name} must be an integer >= ${min}, got ${v}`);
}

/** Reads the MXGEN_TB_RESET lines and maps every captured output to its index in the uninterrupted stream. */
function resetBookkeeping(log: string, g: { inputs: number; outputs: number }, total: number, where: string, logFile: string): { resets: ResetRecord[]; outputIndex: number[] } {
  const resets: ResetRecord[] = [];
  const segments: { from: number; resume: number }[] = [{ from: 0, resume: 0 }];
  let prevResume = 0;
  for (const m of log.matchAll(/MXGEN_TB_RESET cycle=(\d+) accepted=(\d+) delivered=(\d+) accepted_seg=(\d+) delivered_seg=(\d+) resume=(\d+)/g)) {
    const [cycle, accepted, delivered, accSeg, outSeg, resume] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    const lost = accSeg - g.inputs * Math.floor(outSeg / g.outputs);
    resets.push({ cycle, accepted, delivered, lost, skipped: resume - (prevResume + accSeg), resume });
    if (resume % g.inputs !== 0) throw new SimulationError(`${where}: reset resumed at beat ${resume}, not a transaction boundary`, logFile);
    segments.push({ from: delivered, resume });
    prevResume = resume;
  }
  const outputIndex: number[] = new Array<number>(total);
  for (let s = 0; s < segments.length; s++) {
    const { from, resume } = segments[s]!;
    const to = s + 1 < segments.length ? segments[s + 1]!.from : total;
    for (let i = from; i < to; i++) outputIndex[i] = (resume / g.inputs) * g.outputs + (i - from);
  }
  return { resets, outputIndex };
}


function checkVectors(vectors: readonly bigint[], width: number): void {
  const limit = 1n << BigInt(width);
  vectors.forEach((v, j) => {
    if (v < 0n || v >= limit) throw new HarnessError(`vector #${j} = 0x${v.toString(16)} does not fit the ${width}-bit packed input word`);
  });
}

async function writeVectors(file: string, vectors: readonly bigint[], width: number): Promise<void> {
  const fh = await open(file, 'w');
  try {
    // Chunked so millions of vectors never build one giant string.
    const CHUNK = 16384;
    for (let i = 0; i < vectors.length; i += CHUNK) {
      let s = '';
      for (let j = i; j < Math.min(i + CHUNK, vectors.length); j++) {
        s += toHex(vectors[j]!, width) + '\n';
      }
      await fh.write(s);
    }
  } finally {
    await fh.close();
  }
}

function parseOutputs(text: string, logFile: string): bigint[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line, i) => {
    if (/[xz]/i.test(line)) throw new SimulationError(`output transaction #${i} has X/Z bits: ${line}`, logFile);
    if (!/^[0-9a-f]+$/i.test(line)) throw new SimulationError(`output transaction #${i} is not hex: '${line}'`, logFile);
    return BigInt('0x' + line);
  });
}

export async function runSimulation(opts: SimOptions): Promise<SimResult> {
  const { sim, iface } = opts;
  const backend = SIMULATORS[sim];
  if (!backend) throw new HarnessError(`unknown simulator '${String(sim)}' (expected icarus or verilator)`);
  if (opts.vectors.length === 0) throw new HarnessError(`runSimulation(${iface.name}): zero input vectors; nothing would be tested`);
  const stall = opts.stallPercent ?? 0;
  if (!Number.isInteger(stall) || stall < 0 || stall > 99) throw new HarnessError(`stallPercent must be an integer in 0..99, got ${stall}`);
  if (!Number.isInteger(opts.seed) || opts.seed < -(2 ** 31) || opts.seed >= 2 ** 31) throw new HarnessError(`seed must be a 32-bit integer, got ${opts.seed}`);
  if (opts.rtlFiles.length === 0) throw new HarnessError(`runSimulation(${iface.name}): no RTL files given`);
  const group = opts.group ?? (opts.expectedOutputs === undefined ? { inputs: 1, outputs: 1 } : undefined);
  if (group) {
    checkCount('group.inputs', group.inputs, 1);
    checkCount('group.outputs', group.outputs, 1);
  }
  const resets = opts.resets ?? [];
  if (resets.length && !group) throw new HarnessError('resets need SimOptions.group (input and output beats per transaction)');
  if (resets.length && opts.vectors.length % group!.inputs !== 0) {
    throw new HarnessError(`resets need whole transactions: ${opts.vectors.length} vectors is not a multiple of ${group!.inputs}`);
  }
  resets.forEach((e, i) => {
    checkCount(`resets[${i}].afterAccepted`, e.afterAccepted, 0);
    checkCount(`resets[${i}].delay`, e.delay, 0);
    checkCount(`resets[${i}].cycles`, e.cycles, 2);
  });
  const expected = opts.expectedOutputs ?? (group ? (opts.vectors.length / group.inputs) * group.outputs : opts.vectors.length);
  if (!Number.isInteger(expected) || expected < 1) throw new HarnessError(`expectedOutputs must be a positive integer, got ${expected}`);
  const vx = opts.verilatorX;
  if (vx && sim !== 'verilator') throw new HarnessError(`verilatorX needs --sim verilator (Icarus starts registers at X; its X checks cover them)`);
  if (vx && (!Number.isInteger(vx.seed) || vx.seed < 0 || vx.seed >= 2 ** 31)) throw new HarnessError(`verilatorX.seed must be an integer in 0..2^31-1, got ${vx.seed}`);

  const tb = renderTestbench(iface);
  if (resets.length && tb.kind !== 'stream') throw new HarnessError(`resets need a streaming module; ${iface.name} has no handshake`);
  checkVectors(opts.vectors, tb.inWidth);
  const rtlTexts = await Promise.all(
    opts.rtlFiles.map((f) => readFile(f, 'utf8').catch(() => Promise.reject(new HarnessError(`cannot read RTL file ${f}`)))),
  );
  const waves = opts.waves ?? process.env.WAVES === '1';
  const xFlags = [
    ...(vx ? ['--x-initial', vx.initial ?? 'unique', '--x-assign', vx.assign ?? 'unique'] : []),
    ...(opts.compileFast && sim === 'verilator' ? ['-MAKEFLAGS', 'OPT_FAST=-O0', '-MAKEFLAGS', 'OPT_SLOW=-O0'] : []),
  ];
  const hashParts = [backend.recipe, String(sim === 'verilator' && waves), xFlags.join(' '), tb.text, ...opts.rtlFiles.map((f, i) => `${basename(f)}\n${rtlTexts[i]}`)];
  const build = await cachedBuild(`${sim}-${iface.name}`, hashParts, async (dir, logFile) => {
    const tbFile = join(dir, `${tb.top}.v`);
    await writeFile(tbFile, tb.text);
    await backend.build({ dir, logFile, tbFile, top: tb.top, rtlFiles: opts.rtlFiles, waves, toolPath: opts.toolPath, extraFlags: xFlags });
  });

  let testbenchFile: string | undefined;
  if (opts.saveTestbench) {
    await mkdir(opts.saveTestbench, { recursive: true });
    testbenchFile = join(opts.saveTestbench, `${tb.top}.v`);
    await writeFile(testbenchFile, tb.text);
  }

  // Resolved before the scratch directory exists, so a missing tool leaves nothing behind.
  const cmd = backend.command(build.dir, opts.toolPath);
  const workDir = opts.workDir ? resolve(opts.workDir) : scratchDir(`${sim}-${iface.name}-`);
  await mkdir(workDir, { recursive: true });
  const vecFile = join(workDir, 'vectors.hex');
  const outFile = join(workDir, 'outputs.hex');
  const logFile = join(workDir, 'run.log');
  const wavesFile = waves ? join(workDir, 'waves.vcd') : undefined;
  await writeVectors(vecFile, opts.vectors, tb.inWidth);
  await rm(outFile, { force: true });

  let resetFile: string | undefined;
  if (resets.length) {
    resetFile = join(workDir, 'resets.txt');
    await writeFile(resetFile, resets.map((e) => `${e.afterAccepted} ${e.delay} ${e.cycles}\n`).join(''));
  }
  const plusargs = [
    `+vectors=${vecFile}`,
    `+outputs=${outFile}`,
    `+count=${opts.vectors.length}`,
    `+expect=${expected}`,
    `+seed=${opts.seed}`,
    `+stall=${stall}`,
    `+timeout=${opts.timeoutCycles ?? 10000}`,
    `+protocol=${opts.protocolCheck === false ? 0 : 1}`,
    ...(tb.kind === 'stream' ? [`+group_in=${group?.inputs ?? 0}`, `+group_out=${group?.outputs ?? 0}`, `+xcheck=${XCHECK[opts.xCheck ?? 'valid']}`] : []),
    ...(resetFile ? [`+resets=${resetFile}`] : []),
    // Verilator's own plusargs: the seed of its random X values (0 would mean "pick one")
    ...(vx ? [`+verilator+seed+${(vx.seed % 2147483646) + 1}`, ...((vx.initial ?? 'unique') === 'unique' ? ['+verilator+rand+reset+2'] : [])] : []),
    ...(wavesFile ? [`+waves=${wavesFile}`] : []),
  ];
  const t0 = performance.now();
  const r = await execa(cmd.file, [...cmd.args, ...plusargs], { cwd: workDir, reject: false, all: true, stdin: 'ignore' });
  const seconds = (performance.now() - t0) / 1000;
  const log = r.all ?? '';
  await writeFile(logFile, `$ ${cmd.file} ${[...cmd.args, ...plusargs].join(' ')}\n${log}\nexit ${r.exitCode ?? r.signal}\n`);

  const where = `${sim} ${iface.name} (seed ${opts.seed}, stall ${stall}%${resets.length ? `, ${resets.length} resets scheduled` : ''}${vx ? `, verilator X seed ${vx.seed}` : ''})`;
  const fail = /MXGEN_TB_FAIL (.*)/.exec(log);
  if (fail) throw new SimulationError(`${where}: ${fail[1]}`, logFile);
  const pass = /MXGEN_TB_PASS outputs=(\d+) inputs=(\d+) cycles=(\d+)/.exec(log);
  if (!pass || r.exitCode !== 0) {
    const first = log.split('\n').find((l) => /error|fatal|%Error|Assertion/i.test(l)) ?? `exit code ${r.exitCode ?? r.signal}, no PASS marker`;
    throw new SimulationError(`${where}: ${first.trim()}`, logFile);
  }
  const outputs = parseOutputs(await readFile(outFile, 'utf8'), logFile);
  let book: { resets: ResetRecord[]; outputIndex?: number[] } = { resets: [] };
  if (resets.length) {
    book = resetBookkeeping(log, group!, outputs.length, where, logFile);
    const last = book.resets[book.resets.length - 1];
    // the last segment answers every transaction from its resume point to the end of the vectors
    const want = last ? last.delivered + ((opts.vectors.length - last.resume) / group!.inputs) * group!.outputs : expected;
    if (outputs.length !== want) throw new SimulationError(`${where}: captured ${outputs.length} outputs, expected ${want} after ${book.resets.length} resets`, logFile);
  } else if (outputs.length !== expected) throw new SimulationError(`${where}: captured ${outputs.length} outputs, expected ${expected}`, logFile);

  if (!opts.workDir && !opts.keepWork && !waves) await rm(workDir, { recursive: true, force: true });
  return {
    outputs,
    cycles: Number(pass[3]),
    seconds,
    buildSeconds: build.seconds,
    workDir,
    wavesFile,
    ...(testbenchFile ? { testbenchFile } : {}),
    resets: book.resets,
    ...(book.outputIndex ? { outputIndex: book.outputIndex } : {}),
  };
}
