// Fast Verilator runs: a C++ driver (rendered from a tb/*.cpp.hbs template) instead of a Verilog testbench under
// --timing, vectors and outputs in binary files instead of $fscanf/$fwrite of hex text. The model is built once
// per design and driver text (generator/sim/build-cache) with Verilator's -O3 and the C++ compiler at -O2.
//
//   verilatorBuild(): build (cached) a --cc --exe model with a given main.cpp;
//   runStreamFast():  the stream testbench's job (random stalls and back-pressure, packed words in and out, the
//                     first data port in the LSBs) for any module with the stream handshake of ports.ts.

import { readFileSync } from 'node:fs';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import Handlebars from 'handlebars';
import type { ModuleInterface } from '../hdl/ports';
import { cachedBuild } from '../sim/build-cache';
import { HarnessError, SimulationError } from '../sim/errors';
import { dataPorts, type PlacedPort } from '../sim/pack';
import { TB_DIR, scratchDir } from '../sim/paths';
import { runInGroup } from '../sim/process-group';
import { findTool, requireTool } from '../sim/tools';

export const FAST_RECIPE = 'verilator-cpp-1 -O3 --x-assign fast --x-initial fast --noassert -CFLAGS -O2';

const templates = new Map<string, Handlebars.TemplateDelegate>();
export function renderCpp(name: string, view: object): string {
  let t = templates.get(name);
  if (!t) {
    t = Handlebars.compile(readFileSync(join(TB_DIR, name), 'utf8'), { noEscape: true, strict: true });
    templates.set(name, t);
  }
  return t(view);
}

export const words32 = (bits: number): number => Math.ceil(bits / 32);

/** C++ that sets `dut.<port>` from the 32-bit words p[off ...] (Verilator's C types by width). */
export function cppSet(port: string, width: number, off: number, src = 'p'): string {
  if (width <= 32) return `dut.${port} = ${src}[${off}];`;
  if (width <= 64) return `dut.${port} = (uint64_t)${src}[${off}] | ((uint64_t)${src}[${off + 1}] << 32);`;
  return `for (int i = 0; i < ${words32(width)}; i++) dut.${port}[i] = ${src}[${off} + i];`;
}

/** C++ that copies `dut.<port>` into w[off ...]. */
export function cppGet(port: string, width: number, off: number, dst = 'w'): string {
  if (width <= 32) return `${dst}[${off}] = dut.${port};`;
  if (width <= 64) return `${dst}[${off}] = (uint32_t)dut.${port}; ${dst}[${off + 1}] = (uint32_t)(dut.${port} >> 32);`;
  return `for (int i = 0; i < ${words32(width)}; i++) ${dst}[${off} + i] = dut.${port}[i];`;
}

export interface CppBuild {
  readonly dir: string;
  readonly model: string;
  readonly seconds: number;
}

/** Builds (cached) a Verilator model of `top` from `rtlFiles` driven by `mainCpp`. */
/**
 * `flags`: further Verilator options after the recipe's (a later -O/-CFLAGS wins; e.g. `--output-split N`,
 * `--inline-mult N` for large models whose build takes too long); part of the cache key.
 */
export async function verilatorBuild(top: string, rtlFiles: readonly string[], mainCpp: string, tag: string, flags: readonly string[] = []): Promise<CppBuild> {
  const rtl = rtlFiles.map((f) => `${basename(f)}\n${readFileSync(f, 'utf8')}`);
  const b = await cachedBuild(`verilator-cpp-${tag}-${top}`, [FAST_RECIPE, ...(flags.length ? [`flags ${flags.join(' ')}`] : []), mainCpp, ...rtl], async (dir, logFile) => {
    const bin = requireTool('verilator');
    const main = join(dir, 'main.cpp');
    await writeFile(main, mainCpp);
    const args = [
      '--cc', '--exe', '--build', '-O3', '--x-assign', 'fast', '--x-initial', 'fast', '--noassert', '-Wno-fatal',
      '--top-module', top, '-Mdir', join(dir, 'obj'), '-o', 'model', '-j', '2', '-CFLAGS', '-O2', ...flags,
      ...[...new Set(rtlFiles.map((f) => dirname(resolve(f))))].map((d) => `-I${d}`),
      main, ...rtlFiles.map((f) => resolve(f)),
    ];
    const ccache = process.env.MXGEN_CCACHE === '0' ? undefined : findTool('ccache');
    const r = await runInGroup(bin, args, { cwd: dir, env: ccache ? { OBJCACHE: ccache } : {} });
    await writeFile(logFile, `$ ${bin} ${args.join(' ')}\n${r.all ?? ''}\nexit ${r.exitCode ?? r.signal}\n`);
    if (r.exitCode !== 0) throw new SimulationError(`verilator C++ build of ${top} failed: ${(r.all ?? '').split('\n').find((l) => /%Error|error:/.test(l))?.trim() ?? `exit ${r.exitCode}`}`, logFile);
  });
  return { dir: b.dir, model: join(b.dir, 'obj', 'model'), seconds: b.seconds };
}

function layout(ports: readonly PlacedPort[]): { words: number; offs: number[] } {
  let off = 0;
  const offs = ports.map((p) => {
    const o = off;
    off += words32(p.width);
    return o;
  });
  return { words: off, offs };
}

export interface FastStreamOptions {
  readonly iface: ModuleInterface;
  readonly rtlFiles: readonly string[];
  readonly vectors: readonly bigint[];
  readonly seed: number;
  readonly stallPercent?: number;
  readonly expectedOutputs?: number;
  readonly timeoutCycles?: number;
}

export interface FastStreamResult {
  readonly outputs: bigint[];
  readonly cycles: number;
  /** the model's run time alone (the binary files are written before and read after it) */
  readonly seconds: number;
  readonly buildSeconds: number;
}

/** Runs packed vectors through a stream module with the C++ driver; the outputs as packed words. */
export async function runStreamFast(o: FastStreamOptions): Promise<FastStreamResult> {
  if (!o.iface.handshake) throw new HarnessError(`${o.iface.name} has no stream handshake`);
  if (o.vectors.length === 0) throw new HarnessError(`runStreamFast(${o.iface.name}): zero input vectors; nothing would be tested`);
  const ins = dataPorts(o.iface, 'input');
  const outs = dataPorts(o.iface, 'output');
  const li = layout(ins);
  const lo = layout(outs);
  const main = renderCpp('stream_driver.cpp.hbs', {
    dut: o.iface.name,
    inWords: li.words,
    outWords: lo.words,
    ins: ins.map((p, i) => cppSet(p.name, p.width, li.offs[i]!)),
    outs: outs.map((p, i) => cppGet(p.name, p.width, lo.offs[i]!)),
  });
  const build = await verilatorBuild(o.iface.name, o.rtlFiles, main, 'stream');
  const work = scratchDir(`vcpp-${o.iface.name}-`);
  const vin = join(work, 'vectors.bin');
  const vout = join(work, 'outputs.bin');
  const buf = new Uint32Array(o.vectors.length * li.words);
  o.vectors.forEach((v, j) => {
    ins.forEach((p, i) => {
      let x = (v >> BigInt(p.lsb)) & ((1n << BigInt(p.width)) - 1n);
      for (let k = 0; k < words32(p.width); k++, x >>= 32n) buf[j * li.words + li.offs[i]! + k] = Number(x & 0xffffffffn);
    });
  });
  const fh = await open(vin, 'w');
  await fh.write(new Uint8Array(buf.buffer));
  await fh.close();
  const expect = o.expectedOutputs ?? o.vectors.length;
  const t0 = performance.now();
  const r = await execa(build.model, [vin, vout, String(o.vectors.length), String(expect), String(o.seed), String(o.stallPercent ?? 0), String(o.timeoutCycles ?? 10000)], { reject: false, all: true, stdin: 'ignore' });
  const seconds = (performance.now() - t0) / 1000;
  const log = r.all ?? '';
  const pass = /MXGEN_TB_PASS outputs=(\d+) inputs=(\d+) cycles=(\d+)/.exec(log);
  if (!pass || r.exitCode !== 0) {
    await writeFile(join(work, 'run.log'), log);
    throw new SimulationError(`verilator C++ ${o.iface.name}: ${/MXGEN_TB_FAIL (.*)/.exec(log)?.[1] ?? `exit ${r.exitCode ?? r.signal}`}`, join(work, 'run.log'));
  }
  const raw = await readFile(vout);
  const w = new Uint32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const outputs: bigint[] = [];
  for (let j = 0; j < expect; j++) {
    let word = 0n;
    outs.forEach((p, i) => {
      let x = 0n;
      for (let k = words32(p.width) - 1; k >= 0; k--) x = (x << 32n) | BigInt(w[j * lo.words + lo.offs[i]! + k]!);
      word |= (x & ((1n << BigInt(p.width)) - 1n)) << BigInt(p.lsb);
    });
    outputs.push(word);
  }
  await rm(work, { recursive: true, force: true });
  return { outputs, cycles: Number(pass[3]), seconds, buildSeconds: build.seconds };
}
