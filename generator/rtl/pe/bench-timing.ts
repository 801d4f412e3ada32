// Timing and area of one generated top on the OSU 0.18 um library, for the pipeline-depth bench
// (bench-depth.ts). Not the official synthesis flow (generator/sim/synth.ts, generator/phys): a small,
// fixed recipe so that designs of different depths are measured the same way.
//
//   Yosys 0.23:  read_verilog; synth -flatten -noshare -top T; ltp -noff (generic gate depth);
//                dfflibmap -liberty L; abc -liberty L -constr C -script S; opt_clean -purge; stat -liberty L;
//                write_verilog -noattr -simple-lhs net.v (OpenSTA reads no concatenation on the left of an assign)
//                S is Yosys' script for `abc -liberty -D 1000 -constr` with the SAT sweep bounded to 1,000
//                conflicts per node (as in the official flow: unbounded, it ran for many minutes on the k = 32
//                PEs): strash; &get -n; &fraig -x -C 1000; &put; scorr; dc2; dretime; strash; &get -n; &dch -f;
//                &nf -D 1000; &put; buffer; upsize -D 1000; dnsize -D 1000; stime -p
//                (buffer/upsize/dnsize with the constraints C - driving cell BUFX2, load 0.02 pF per output -
//                buffer high-fanout nets and size gates for delay: without them the load enables of wide register
//                stages drive hundreds of pins unbuffered; -D 1000 ps asks for the fastest mapping ABC finds)
//   OpenSTA:     read_liberty L; read_verilog net.v; link_design T; create_clock -period 100 [clk_i];
//                input and output delays 0 (relative to clk_i) on every data/handshake port; the asynchronous
//                reset is a false path; worst setup slack -> critical path = 100 - slack, Fmax = 1 / path.
//   L = /usr/share/qflow/tech/osu018/osu018_stdcells.lib (typical corner, 1.8 V, 25 C), no wire load model,
//   ideal clock.
// Results are cached by RTL content under sim/build/.
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Module, writeDesign } from '../../hdl/index';
import { cachedBuild } from '../../sim/build-cache';
import { runInGroup } from '../../sim/process-group';
import { scratchDir } from '../../sim/paths';

export const OSU018_LIB = '/usr/share/qflow/tech/osu018/osu018_stdcells.lib';
const RECIPE = 'bench-timing-4';
const ABC_SCRIPT = [
  'strash', '&get -n', '&fraig -x -C 1000', '&put', 'scorr', 'dc2', 'dretime', 'strash', '&get -n', '&dch -f', '&nf -D 1000', '&put',
  'buffer', 'upsize -D 1000', 'dnsize -D 1000', 'stime -p',
];
const PERIOD_NS = 100;

export interface TimingResult {
  readonly top: string;
  /** `ltp -noff` on the generic netlist (gate levels) */
  readonly ltp: number;
  /** OpenSTA worst path (register to register, input to register, register/input to output), ns */
  readonly pathNs: number;
  readonly fmaxMhz: number;
  /** the worst path's start and end points */
  readonly from: string;
  readonly to: string;
  /** `stat -liberty` chip area, um^2 */
  readonly areaUm2: number;
  readonly cells: number;
  readonly flops: number;
  readonly seconds: number;
  readonly cached: boolean;
}

function yosysScript(files: readonly string[], top: string, dir: string): string {
  return [
    ...files.map((f) => `read_verilog "${resolve(f)}"`),
    `hierarchy -check -top ${top}`,
    `synth -flatten -noshare -top ${top}`,
    'check -assert',
    `tee -q -o ${join(dir, 'ltp.txt')} ltp -noff`,
    `dfflibmap -liberty ${OSU018_LIB}`,
    `abc -liberty ${OSU018_LIB} -constr ${join(dir, 'abc.constr')} -script ${join(dir, 'abc.scr')}`,
    'opt_clean -purge',
    `tee -q -o ${join(dir, 'stat.txt')} stat -liberty ${OSU018_LIB}`,
    `write_verilog -noattr -simple-lhs ${join(dir, 'net.v')}`,
    '',
  ].join('\n');
}

function staScript(top: string, dir: string): string {
  return [
    `read_liberty ${OSU018_LIB}`,
    `read_verilog ${join(dir, 'net.v')}`,
    `link_design ${top}`,
    `create_clock -name clk -period ${PERIOD_NS} [get_ports clk_i]`,
    'set ins [delete_from_list [all_inputs] [get_ports {clk_i rst_ni}]]',
    'set_input_delay 0 -clock clk $ins',
    'set_output_delay 0 -clock clk [all_outputs]',
    'set_false_path -from [get_ports rst_ni]',
    'report_checks -path_delay max -digits 3 -group_count 1',
    'report_worst_slack -digits 3',
    'exit',
    '',
  ].join('\n');
}

export async function measureTiming(top: Module): Promise<TimingResult> {
  const src = scratchDir(`bench-${top.name}-`);
  const files = writeDesign(top, src, { bindings: false });
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
  const build = await cachedBuild(`timing-${top.name}`, [RECIPE, ...texts], async (dir, logFile) => {
    const t0 = performance.now();
    await writeFile(join(dir, 'abc.constr'), 'set_driving_cell BUFX2\nset_load 0.02\n');
    await writeFile(join(dir, 'abc.scr'), `${ABC_SCRIPT.join(';\n')};\n`);
    await writeFile(join(dir, 'synth.ys'), yosysScript(files, top.name, dir));
    const y = await runInGroup('nice', ['-n', '10', 'yosys', '-q', '-l', logFile, '-s', join(dir, 'synth.ys')], { cwd: dir });
    if (y.exitCode !== 0) throw new Error(`yosys failed on ${top.name} (log ${logFile})`);
    await writeFile(join(dir, 'sta.tcl'), staScript(top.name, dir));
    const s = await runInGroup('sta', ['-no_init', '-exit', join(dir, 'sta.tcl')], { cwd: dir });
    const staLog = String(s.all ?? '');
    await writeFile(join(dir, 'sta.log'), staLog);
    if (s.exitCode !== 0 || /^Error/m.test(staLog)) throw new Error(`OpenSTA failed on ${top.name}: ${/^Error.*$/m.exec(staLog)?.[0] ?? `exit ${s.exitCode}`}`);
    await writeFile(join(dir, 'seconds.txt'), String((performance.now() - t0) / 1000));
  }).finally(() => rm(src, { recursive: true, force: true }));
  const dir = build.dir;
  const ltpText = await readFile(join(dir, 'ltp.txt'), 'utf8');
  const stat = await readFile(join(dir, 'stat.txt'), 'utf8');
  const sta = await readFile(join(dir, 'sta.log'), 'utf8');
  const slack = Number(/worst slack (-?[\d.]+)/.exec(sta)?.[1]);
  if (!Number.isFinite(slack)) throw new Error(`no worst slack in ${join(dir, 'sta.log')}`);
  const pathNs = PERIOD_NS - slack;
  const cellLines = [...stat.matchAll(/^\s+(\w+)\s+(\d+)$/gm)];
  const flops = cellLines.filter((m) => /^DFF/.test(m[1]!)).reduce((s, m) => s + Number(m[2]), 0);
  const result: TimingResult = {
    top: top.name,
    ltp: Number(/length=(\d+)/.exec(ltpText)?.[1] ?? NaN),
    pathNs,
    fmaxMhz: 1000 / pathNs,
    from: /Startpoint: (\S+)/.exec(sta)?.[1] ?? '?',
    to: /Endpoint: (\S+)/.exec(sta)?.[1] ?? '?',
    areaUm2: Number(/Chip area for module .*: ([\d.]+)/.exec(stat)?.[1] ?? NaN),
    cells: Number(/Number of cells:\s+(\d+)/.exec(stat)?.[1] ?? NaN),
    flops,
    seconds: existsSync(join(dir, 'seconds.txt')) ? Number(await readFile(join(dir, 'seconds.txt'), 'utf8')) : 0,
    cached: !build.built,
  };
  return result;
}

/** `ltp -noff` gate depth of a design after `synth -flatten -noshare` (generic gates; cached). */
export async function measureLtp(top: Module): Promise<number> {
  const src = scratchDir(`ltp-${top.name}-`);
  const files = writeDesign(top, src, { bindings: false });
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
  const build = await cachedBuild(`ltp-${top.name}`, [RECIPE, 'ltp', ...texts], async (dir, logFile) => {
    const ys = [...files.map((f) => `read_verilog "${resolve(f)}"`), `synth -flatten -noshare -top ${top.name}`, `tee -q -o ${join(dir, 'ltp.txt')} ltp -noff`, ''].join('\n');
    await writeFile(join(dir, 'ltp.ys'), ys);
    const y = await runInGroup('nice', ['-n', '10', 'yosys', '-q', '-l', logFile, '-s', join(dir, 'ltp.ys')], { cwd: dir });
    if (y.exitCode !== 0) throw new Error(`yosys failed on ${top.name} (log ${logFile})`);
  }).finally(() => rm(src, { recursive: true, force: true }));
  return Number(/length=(\d+)/.exec(await readFile(join(build.dir, 'ltp.txt'), 'utf8'))?.[1] ?? NaN);
}
