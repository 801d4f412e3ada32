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
  const expected = opts.expectedOutputs ?? opts.vectors.length;
  if (!Number.isInteger(expected) || expected < 1) throw new HarnessError(`expectedOutputs must be a positive integer, got ${expected}`);

  const tb = renderTestbench(iface);
  checkVectors(opts.vectors, tb.inWidth);
  const rtlTexts = await Promise.all(
    opts.rtlFiles.map((f) => readFile(f, 'utf8').catch(() => Promise.reject(new HarnessError(`cannot read RTL file ${f}`)))),
  );
  const waves = opts.waves ?? process.env.WAVES === '1';
  const hashParts = [backend.recipe, String(sim === 'verilator' && waves), tb.text, ...opts.rtlFiles.map((f, i) => `${basename(f)}\n${rtlTexts[i]}`)];
  const build = await cachedBuild(`${sim}-${iface.name}`, hashParts, async (dir, logFile) => {
    const tbFile = join(dir, `${tb.top}.v`);
    await writeFile(tbFile, tb.text);
    await backend.build({ dir, logFile, tbFile, top: tb.top, rtlFiles: opts.rtlFiles, waves, toolPath: opts.toolPath });
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

  const plusargs = [
    `+vectors=${vecFile}`,
    `+outputs=${outFile}`,
    `+count=${opts.vectors.length}`,
    `+expect=${expected}`,
    `+seed=${opts.seed}`,
    `+stall=${stall}`,
    `+timeout=${opts.timeoutCycles ?? 10000}`,
    `+protocol=${opts.protocolCheck === false ? 0 : 1}`,
    ...(wavesFile ? [`+waves=${wavesFile}`] : []),
  ];
  const t0 = performance.now();
  const r = await execa(cmd.file, [...cmd.args, ...plusargs], { cwd: workDir, reject: false, all: true, stdin: 'ignore' });
  const seconds = (performance.now() - t0) / 1000;
  const log = r.all ?? '';
  await writeFile(logFile, `$ ${cmd.file} ${[...cmd.args, ...plusargs].join(' ')}\n${log}\nexit ${r.exitCode ?? r.signal}\n`);

  const where = `${sim} ${iface.name} (seed ${opts.seed}, stall ${stall}%)`;
  const fail = /MXGEN_TB_FAIL (.*)/.exec(log);
  if (fail) throw new SimulationError(`${where}: ${fail[1]}`, logFile);
  const pass = /MXGEN_TB_PASS outputs=(\d+) inputs=(\d+) cycles=(\d+)/.exec(log);
  if (!pass || r.exitCode !== 0) {
    const first = log.split('\n').find((l) => /error|fatal|%Error|Assertion/i.test(l)) ?? `exit code ${r.exitCode ?? r.signal}, no PASS marker`;
    throw new SimulationError(`${where}: ${first.trim()}`, logFile);
  }
  const outputs = parseOutputs(await readFile(outFile, 'utf8'), logFile);
  if (outputs.length !== expected) throw new SimulationError(`${where}: captured ${outputs.length} outputs, expected ${expected}`, logFile);

  if (!opts.workDir && !opts.keepWork && !waves) await rm(workDir, { recursive: true, force: true });
  return { outputs, cycles: Number(pass[3]), seconds, buildSeconds: build.seconds, workDir, wavesFile, ...(testbenchFile ? { testbenchFile } : {}) };
}
