// Runs host programs on the generated array under Icarus or Verilator: a program is a list of host writes,
// host reads and commands; the testbench (tb/array_tb.v.hbs) streams it from a file with random bubbles and
// back-pressure and writes back every read response and the cycle count of every command. Builds are cached
// by content (generator/sim/build-cache), so one build serves every program of a configuration.

import { readFileSync, rmSync } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import Handlebars from 'handlebars';
import { type Module, writeDesign } from '../../hdl/index';
import { cachedBuild } from '../../sim/build-cache';
import { SimulationError } from '../../sim/errors';
import { TB_DIR, scratchDir } from '../../sim/paths';
import { SIMULATORS, type SimulatorName } from '../../sim/simulators';
import { cppGet, cppSet, renderCpp, verilatorBuild, words32 } from '../../drivers/verilator-cpp';
import { arrayModule } from './array';
import { type ArrayConfig, type ArrayWidths, arrayWidths } from './config';

export interface ArrayCommand {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** op(A) = the stored A transposed */
  readonly opA: boolean;
  readonly opB: boolean;
  readonly bufA: number;
  readonly bufB: number;
  /** first tile of the stored A / B */
  readonly baseA: number;
  readonly baseB: number;
  /** accumulate onto the FP32 C at word baseC */
  readonly acc: boolean;
  readonly baseC: number;
  readonly outFp32: boolean;
  readonly baseOut: number;
  /** re-quantized (bf16: BF16-rounded) output into operand buffer bufQ at tile baseQ */
  readonly outMx: boolean;
  readonly bufQ: number;
  readonly baseQ: number;
}

export type HostOp =
  | { readonly op: 'write'; readonly buf: number; readonly addr: number; readonly data: bigint }
  | { readonly op: 'read'; readonly buf: number; readonly addr: number }
  | { readonly op: 'cmd'; readonly cmd: ArrayCommand };

type Field = readonly [lo: number, width: number];

/** Bit layout of a program word (op in bits [1:0]). */
export interface ProgramLayout {
  readonly width: number;
  readonly host: { readonly buf: Field; readonly addr: Field; readonly data: Field };
  readonly cmd: Readonly<Record<keyof ArrayCommand, Field>>;
}

/** The command fields in the order of the array's cmd_*_i ports. */
const CMD_PORTS: readonly (readonly [keyof ArrayCommand, string])[] = [
  ['m', 'cmd_m_i'], ['k', 'cmd_k_i'], ['n', 'cmd_n_i'], ['opA', 'cmd_op_a_i'], ['opB', 'cmd_op_b_i'], ['bufA', 'cmd_buf_a_i'],
  ['bufB', 'cmd_buf_b_i'], ['baseA', 'cmd_base_a_i'], ['baseB', 'cmd_base_b_i'], ['acc', 'cmd_acc_i'], ['baseC', 'cmd_base_c_i'],
  ['outFp32', 'cmd_out_fp32_i'], ['baseOut', 'cmd_base_out_i'], ['outMx', 'cmd_out_mx_i'], ['bufQ', 'cmd_buf_q_i'], ['baseQ', 'cmd_base_q_i'],
];

function cmdWidth(w: ArrayWidths, key: keyof ArrayCommand): number {
  switch (key) {
    case 'm':
    case 'k':
    case 'n':
      return w.dim;
    case 'opA':
    case 'opB':
    case 'acc':
    case 'outFp32':
    case 'outMx':
      return 1;
    case 'bufA':
    case 'bufB':
    case 'bufQ':
      return 2;
    case 'baseA':
    case 'baseB':
    case 'baseQ':
      return w.tileAddr;
    case 'baseC':
    case 'baseOut':
      return w.wordAddr;
  }
}

export function programLayout(c: ArrayConfig): ProgramLayout {
  const w = arrayWidths(c);
  const host = { buf: [2, 2] as Field, addr: [4, w.wordAddr] as Field, data: [4 + w.wordAddr, w.host] as Field };
  let off = 2;
  const cmd = {} as Record<keyof ArrayCommand, Field>;
  for (const [k] of CMD_PORTS) {
    const fw = cmdWidth(w, k);
    cmd[k] = [off, fw];
    off += fw;
  }
  return { width: Math.max(off, 4 + w.wordAddr + w.host), host, cmd };
}

export function encodeOp(l: ProgramLayout, op: HostOp): bigint {
  const put = (f: Field, v: bigint | number | boolean): bigint => {
    const x = typeof v === 'boolean' ? (v ? 1n : 0n) : BigInt(v);
    if (x < 0n || x >= 1n << BigInt(f[1])) throw new Error(`program field value ${x} does not fit ${f[1]} bits`);
    return x << BigInt(f[0]);
  };
  switch (op.op) {
    case 'write':
      return 0n | put(l.host.buf, op.buf) | put(l.host.addr, op.addr) | put(l.host.data, op.data);
    case 'read':
      return 1n | put(l.host.buf, op.buf) | put(l.host.addr, op.addr);
    case 'cmd': {
      let v = 2n;
      for (const [k] of CMD_PORTS) v |= put(l.cmd[k], op.cmd[k]);
      return v;
    }
  }
}

let template: Handlebars.TemplateDelegate | undefined;

export function renderArrayTb(c: ArrayConfig, top: string): string {
  template ??= Handlebars.compile(readFileSync(join(TB_DIR, 'array_tb.v.hbs'), 'utf8'), { noEscape: true, strict: true });
  const l = programLayout(c);
  const sl = (word: string, f: Field): string => `${word}[${f[0] + f[1] - 1}:${f[0]}]`;
  const conns = [
    { port: 'host_buf_i', expr: sl('host_word', l.host.buf) },
    { port: 'host_addr_i', expr: sl('host_word', l.host.addr) },
    { port: 'host_wdata_i', expr: sl('host_word', l.host.data) },
    ...CMD_PORTS.map(([k, port]) => ({ port, expr: l.cmd[k][1] === 1 ? `cmd_word[${l.cmd[k][0]}]` : sl('cmd_word', l.cmd[k]) })),
  ];
  return template({
    tb: `tb_${top}`,
    dut: top,
    progWidth: l.width,
    progMsb: l.width - 1,
    hostMsb: arrayWidths(c).host - 1,
    connections: conns.map((x, i) => ({ ...x, sep: i === conns.length - 1 ? '' : ',' })),
  });
}

export interface ArrayRunOptions {
  readonly sim: SimulatorName;
  readonly seed: number;
  /** bubbles on the host request and command ports and back-pressure on responses, percent per cycle */
  readonly stallPercent?: number;
  readonly waves?: boolean;
  /** idle cycles (no handshake, no command running) before the testbench gives up */
  readonly timeoutCycles?: number;
  /**
   * Verilator only: 'cpp' (default) drives the model from C++ (tb/array_driver.cpp.hbs, binary program, no
   * --timing); 'verilog' uses the Verilog testbench both simulators share (a cross-check of the C++ driver).
   */
  readonly driver?: 'cpp' | 'verilog';
  /** Verilator C++ driver: further build options (generator/drivers/verilator-cpp.ts verilatorBuild) */
  readonly verilatorFlags?: readonly string[];
}

export interface ArrayRunResult {
  /** read responses; bits the simulator reported as X or Z are 0 here and 1 in `unknown` */
  readonly responses: bigint[];
  /** per response, the bits that were X/Z (words never written: lanes of FP32 tiles outside the matrix) */
  readonly unknown: bigint[];
  /** cycles of each command, from its acceptance to its done pulse */
  readonly commandCycles: number[];
  /** cycles of the whole program */
  readonly cycles: number;
  readonly seconds: number;
  readonly buildSeconds: number;
  readonly workDir: string;
}

/** One array configuration, written once to a scratch folder and built (cached) per simulator on first use. */
export class ArraySimulator {
  readonly top: Module;
  readonly layout: ProgramLayout;
  private readonly dir: string;
  private readonly files: string[];

  constructor(readonly config: ArrayConfig) {
    this.top = arrayModule(config);
    this.layout = programLayout(config);
    this.dir = scratchDir(`rtl-${this.top.name}-`);
    this.files = writeDesign(this.top, this.dir, { bindings: false });
  }

  async run(ops: readonly HostOp[], o: ArrayRunOptions): Promise<ArrayRunResult> {
    if (o.sim === 'verilator' && (o.driver ?? 'cpp') === 'cpp' && !(o.waves ?? process.env.WAVES === '1')) return this.runCpp(ops, o);
    const backend = SIMULATORS[o.sim];
    const tb = renderArrayTb(this.config, this.top.name);
    const tbTop = `tb_${this.top.name}`;
    const texts = this.files.map((f) => `${basename(f)}\n${readFileSync(f, 'utf8')}`);
    const waves = o.waves ?? process.env.WAVES === '1';
    const build = await cachedBuild(`${o.sim}-${this.top.name}`, [backend.recipe, String(o.sim === 'verilator' && waves), tb, ...texts], async (dir, logFile) => {
      const tbFile = join(dir, `${tbTop}.v`);
      await writeFile(tbFile, tb);
      await backend.build({ dir, logFile, tbFile, top: tbTop, rtlFiles: this.files, waves });
    });
    const cmd = backend.command(build.dir);
    const work = scratchDir(`${o.sim}-${this.top.name}-`);
    await mkdir(work, { recursive: true });
    const prog = join(work, 'program.hex');
    const rsp = join(work, 'responses.hex');
    const cyc = join(work, 'cycles.txt');
    const log = join(work, 'run.log');
    const fh = await open(prog, 'w');
    try {
      const digits = Math.ceil(this.layout.width / 4);
      let s = '';
      for (const op of [...ops]) {
        s += encodeOp(this.layout, op).toString(16).padStart(digits, '0') + '\n';
        if (s.length > 1 << 20) {
          await fh.write(s);
          s = '';
        }
      }
      await fh.write(s + '3'.padStart(digits, '0') + '\n');
    } finally {
      await fh.close();
    }
    const plus = [`+program=${prog}`, `+responses=${rsp}`, `+cycles=${cyc}`, `+seed=${o.seed}`, `+stall=${o.stallPercent ?? 0}`, `+timeout=${o.timeoutCycles ?? 100000}`, ...(waves ? [`+waves=${join(work, 'waves.vcd')}`] : [])];
    const t0 = performance.now();
    const r = await execa(cmd.file, [...cmd.args, ...plus], { cwd: work, reject: false, all: true, stdin: 'ignore' });
    const seconds = (performance.now() - t0) / 1000;
    const out = r.all ?? '';
    await writeFile(log, `$ ${cmd.file} ${[...cmd.args, ...plus].join(' ')}\n${out}\nexit ${r.exitCode ?? r.signal}\n`);
    const where = `${o.sim} ${this.top.name} (seed ${o.seed}, stall ${o.stallPercent ?? 0}%)`;
    const fail = /MXGEN_TB_FAIL (.*)/.exec(out);
    if (fail) throw new SimulationError(`${where}: ${fail[1]}`, log);
    const pass = /MXGEN_TB_PASS ops=(\d+) responses=(\d+) commands=(\d+) cycles=(\d+)/.exec(out);
    if (!pass || r.exitCode !== 0) throw new SimulationError(`${where}: ${out.split('\n').find((x) => /error|fatal/i.test(x)) ?? `exit ${r.exitCode ?? r.signal}, no PASS marker`}`, log);
    const unknown: bigint[] = [];
    const responses = (await readFile(rsp, 'utf8'))
      .split('\n')
      .filter((x) => x !== '')
      .map((x, i) => {
        if (!/^[0-9a-fxz]+$/i.test(x)) throw new SimulationError(`${where}: read response #${i} is not a hex word: '${x}'`, log);
        unknown.push(BigInt(`0x${x.replace(/[0-9a-f]/gi, '0').replace(/[xz]/gi, 'f')}`));
        return BigInt(`0x${x.replace(/[xz]/gi, '0')}`);
      });
    const commandCycles = (await readFile(cyc, 'utf8'))
      .split('\n')
      .filter((x) => x !== '')
      .map(Number);
    const reads = ops.filter((x) => x.op === 'read').length;
    const cmds = ops.filter((x) => x.op === 'cmd').length;
    if (responses.length !== reads || commandCycles.length !== cmds)
      throw new SimulationError(`${where}: ${responses.length} responses for ${reads} reads, ${commandCycles.length} cycle counts for ${cmds} commands`, log);
    if (!waves) await rm(work, { recursive: true, force: true });
    return { responses, unknown, commandCycles, cycles: Number(pass[4]), seconds, buildSeconds: build.seconds, workDir: work };
  }

  /** The Verilator model driven from C++ with a binary program. */
  private async runCpp(ops: readonly HostOp[], o: ArrayRunOptions): Promise<ArrayRunResult> {
    const w = arrayWidths(this.config);
    const hw = words32(w.host);
    const main = renderCpp('array_driver.cpp.hbs', {
      dut: this.top.name,
      hostWords: hw,
      cmdFields: CMD_PORTS.length,
      rspGet: cppGet('rsp_data_o', w.host, 0),
      wdataSet: cppSet('host_wdata_i', w.host, 3),
      cmdSet: CMD_PORTS.map(([, port], i) => `dut.${port} = p[${1 + i}];`),
    });
    const build = await verilatorBuild(this.top.name, this.files, main, 'array', o.verilatorFlags ?? []);
    const work = scratchDir(`vcpp-${this.top.name}-`);
    const prog: number[] = [];
    const data = (v: bigint) => {
      for (let k = 0; k < hw; k++, v >>= 32n) prog.push(Number(v & 0xffffffffn));
    };
    const fh = await open(join(work, 'program.bin'), 'w');
    const flush = async () => {
      await fh.write(new Uint8Array(Uint32Array.from(prog).buffer));
      prog.length = 0;
    };
    try {
      for (const op of ops) {
        if (op.op === 'write') {
          prog.push(0, op.buf, op.addr);
          data(op.data);
        } else if (op.op === 'read') prog.push(1, op.buf, op.addr);
        else prog.push(2, ...CMD_PORTS.map(([k]) => Number(op.cmd[k])));
        if (prog.length > 1 << 18) await flush();
      }
      prog.push(3);
      await flush();
    } finally {
      await fh.close();
    }
    const args = [join(work, 'program.bin'), join(work, 'responses.bin'), join(work, 'cycles.txt'), String(o.seed), String(o.stallPercent ?? 0), String(o.timeoutCycles ?? 100000)];
    const t0 = performance.now();
    const r = await execa(build.model, args, { cwd: work, reject: false, all: true, stdin: 'ignore' });
    const seconds = (performance.now() - t0) / 1000;
    const out = r.all ?? '';
    const log = join(work, 'run.log');
    await writeFile(log, `$ ${build.model} ${args.join(' ')}\n${out}\nexit ${r.exitCode ?? r.signal}\n`);
    const where = `verilator (C++) ${this.top.name} (seed ${o.seed}, stall ${o.stallPercent ?? 0}%)`;
    const pass = /MXGEN_TB_PASS ops=(\d+) responses=(\d+) commands=(\d+) cycles=(\d+)/.exec(out);
    if (!pass || r.exitCode !== 0) throw new SimulationError(`${where}: ${/MXGEN_TB_FAIL (.*)/.exec(out)?.[1] ?? `exit ${r.exitCode ?? r.signal}, no PASS marker`}`, log);
    const raw = await readFile(join(work, 'responses.bin'));
    const words = new Uint32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    const responses: bigint[] = [];
    for (let i = 0; i + hw <= words.length; i += hw) {
      let v = 0n;
      for (let k = hw - 1; k >= 0; k--) v = (v << 32n) | BigInt(words[i + k]!);
      responses.push(v);
    }
    const commandCycles = (await readFile(join(work, 'cycles.txt'), 'utf8')).split('\n').filter((x) => x !== '').map(Number);
    const reads = ops.filter((x) => x.op === 'read').length;
    const cmds = ops.filter((x) => x.op === 'cmd').length;
    if (responses.length !== reads || commandCycles.length !== cmds)
      throw new SimulationError(`${where}: ${responses.length} responses for ${reads} reads, ${commandCycles.length} cycle counts for ${cmds} commands`, log);
    if (process.env['MXGEN_KEEP_WORK'] !== '1') await rm(work, { recursive: true, force: true });
    return { responses, unknown: responses.map(() => 0n), commandCycles, cycles: Number(pass[4]), seconds, buildSeconds: build.seconds, workDir: work };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
