// The RTL a driver simulates, and its runs: a module the generator builds now (written into a scratch folder,
// or into KEEP/rtl/) or a design folder from its manifest (simulated in place, or copied into KEEP/rtl/).
// With a keep folder every simulator run gets KEEP/run-N/ (vectors.hex, outputs.hex, run.log and, with waves,
// waves.vcd) and the testbench is written once as KEEP/<tb>.v, so the whole run can be inspected or repeated.

import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeDesign, type Module } from '../hdl/index';
import type { ModuleInterface } from '../hdl/ports';
import { runSimulation, type SimResult, type SimulatorName } from '../sim/index';
import { scratchDir } from '../sim/paths';
import type { LoadedDesign } from './design';
import { DriverError } from './errors';

export interface KeepFolder {
  /** absolute path */
  readonly dir: string;
  /** as the user gave it, for the paths printed */
  readonly shown: string;
}

export interface RunSettings {
  readonly sim: SimulatorName;
  /** seed of the testbench's stall / back-pressure pattern */
  readonly seed: number;
  /** probability (0..99 %) of an input stall and of output back-pressure per cycle */
  readonly stallPercent: number;
  /** dump a VCD per run (kept with the run's files); undefined: WAVES=1 in the environment decides */
  readonly waves?: boolean;
  /** keep the RTL, testbench, vectors and waves here (a new or empty folder) */
  readonly keep?: KeepFolder;
  /** PATH to find the simulators (tests) */
  readonly toolPath?: string;
}

/** What a kept run left, as printable paths. */
export interface KeptFiles {
  readonly dir: string;
  readonly rtl: readonly string[];
  readonly testbench?: string;
  readonly runs: readonly (readonly string[])[];
}

/** Refuses a keep folder that holds anything (nothing the user has is overwritten), creates it otherwise. */
export function prepareKeepFolder(k: KeepFolder): void {
  if (existsSync(k.dir)) {
    if (!statSync(k.dir).isDirectory()) throw new DriverError(`--keep ${k.shown}: exists and is not a folder`);
    if (readdirSync(k.dir).length > 0) throw new DriverError(`--keep ${k.shown}: the folder is not empty; give a new or empty folder (nothing in it is overwritten)`);
  }
  try {
    mkdirSync(k.dir, { recursive: true });
  } catch (e) {
    throw new DriverError(`--keep ${k.shown}: cannot create the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export class RtlRunner {
  private runs = 0;
  private readonly runFiles: string[][] = [];
  private testbench: string | undefined;
  private readonly waveFiles: string[] = [];

  private constructor(
    readonly iface: ModuleInterface,
    readonly rtlFiles: readonly string[],
    private readonly settings: RunSettings,
    private readonly scratch: string | undefined,
  ) {}

  /** A module built by the generator: its Verilog goes to KEEP/rtl/ or to a scratch folder. */
  static generated(top: Module, s: RunSettings): RtlRunner {
    if (s.keep) {
      const files = writeDesign(top, path.join(s.keep.dir, 'rtl'), { bindings: false });
      return new RtlRunner(top.interface(), files, s, undefined);
    }
    const dir = scratchDir(`rtl-${top.name}-`);
    try {
      return new RtlRunner(top.interface(), writeDesign(top, dir, { bindings: false }), s, dir);
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** A design folder: its own Verilog, in place (or copied to KEEP/rtl/, the folder's layout kept). */
  static design(d: LoadedDesign, s: RunSettings): RtlRunner {
    if (!s.keep) return new RtlRunner(d.iface, d.rtlFiles, s, undefined);
    const files = d.manifest.files.map((f, i) => {
      const to = path.join(s.keep!.dir, 'rtl', f);
      mkdirSync(path.dirname(to), { recursive: true });
      copyFileSync(d.rtlFiles[i]!, to);
      return to;
    });
    return new RtlRunner(d.iface, files, s, undefined);
  }

  get top(): string {
    return this.iface.name;
  }

  /** One simulator run; `seedOffset` varies the stall pattern between runs of one command. */
  async run(vectors: readonly bigint[], o: { expectedOutputs?: number; seedOffset?: number } = {}): Promise<SimResult> {
    const s = this.settings;
    const n = ++this.runs;
    const workDir = s.keep ? path.join(s.keep.dir, `run-${n}`) : undefined;
    const r = await runSimulation({
      sim: s.sim,
      iface: this.iface,
      rtlFiles: this.rtlFiles,
      vectors,
      seed: (s.seed + (o.seedOffset ?? 0)) % 2 ** 31, // the testbench's seed is a 32-bit signed integer
      stallPercent: s.stallPercent,
      // undefined: the harness's default (WAVES=1 in the environment, as `make sim WAVES=1` sets it)
      ...(s.waves !== undefined ? { waves: s.waves } : {}),
      ...(o.expectedOutputs !== undefined ? { expectedOutputs: o.expectedOutputs } : {}),
      ...(workDir ? { workDir } : {}),
      ...(s.keep && this.testbench === undefined ? { saveTestbench: s.keep.dir } : {}),
      ...(s.toolPath !== undefined ? { toolPath: s.toolPath } : {}),
    });
    if (r.testbenchFile) this.testbench = r.testbenchFile;
    if (r.wavesFile) this.waveFiles.push(r.wavesFile);
    if (workDir) this.runFiles.push(['vectors.hex', 'outputs.hex', 'run.log', ...(r.wavesFile ? ['waves.vcd'] : [])].map((f) => path.join(workDir, f)));
    return r;
  }

  /** The VCD files written so far (with waves). */
  waves(): readonly string[] {
    return this.waveFiles;
  }

  /** The files under the keep folder, with the user's spelling of its path; undefined without one. */
  kept(): KeptFiles | undefined {
    const k = this.settings.keep;
    if (!k) return undefined;
    const show = (p: string) => path.join(k.shown, path.relative(k.dir, p));
    return {
      dir: k.shown,
      rtl: this.rtlFiles.map(show),
      ...(this.testbench ? { testbench: show(this.testbench) } : {}),
      runs: this.runFiles.map((r) => r.map(show)),
    };
  }

  /** Removes the scratch folder of a generated module (a keep folder stays). */
  dispose(): void {
    if (this.scratch) rmSync(this.scratch, { recursive: true, force: true });
  }
}
