// The DSL's memory primitive (ModuleBuilder.memory): IR, emitted Verilog-2005, Verilator -Wall, Yosys memory
// inference (memory bits, not flops), and random read/write traffic with write masks, read enables and
// read-during-write under Icarus and Verilator, against a TypeScript model.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, test } from 'vitest';
import { HdlError, type Module, ModuleBuilder, lit, mux, printModule } from '../../generator/hdl/index';
import { runSimulation, type SimulatorName } from '../../generator/sim/index';
import { Prng } from '../../generator/util/prng';
import { removeTempDirs, verilatorLint, writeVerilog } from './tools';

afterAll(removeTempDirs);

interface MemCase {
  readonly width: number;
  readonly depth: number;
  readonly granule?: number;
  /** the read port has an enable */
  readonly readEnable: boolean;
}

const aw = (depth: number): number => Math.max(1, Math.ceil(Math.log2(depth)));

/**
 * A stream wrapper around one memory: each accepted beat {we, waddr, wdata, wmask, re, raddr} writes and
 * reads at the same edge; in the next cycle the read data register is copied into the output register
 * (a new beat is accepted only when that register is free, so the read data is never needed twice).
 */
function wrapper(c: MemCase): Module {
  const m = new ModuleBuilder(`memtest_w${c.width}_d${c.depth}${c.granule ? `_g${c.granule}` : ''}${c.readEnable ? '_re' : ''}`);
  const hs = m.stream();
  const we = m.input('we_i', 1);
  const waddr = m.input('waddr_i', aw(c.depth));
  const wdata = m.input('wdata_i', c.width);
  const wmask = c.granule ? m.input('wmask_i', c.width / c.granule) : undefined;
  const re = c.readEnable ? m.input('re_i', 1) : undefined;
  const raddr = m.input('raddr_i', aw(c.depth));
  const show = m.input('show_i', 1, 'copy the read data to the output (else 0: reads of unwritten words are X)');
  const outValid = m.reg('out_valid_q', 1);
  const read1 = m.reg('read1_q', 1, { doc: 'the read data register holds the result of the beat accepted last cycle' });
  const inReady = m.let('in_ready', read1.not().and(outValid.not().or(hs.outReady)));
  const fire = m.let('fire', hs.inValid.and(inReady));
  const mem = m.memory('store', { width: c.width, depth: c.depth, ...(c.granule ? { maskGranule: c.granule } : {}), doc: 'the memory under test' });
  mem.write({ addr: waddr, data: wdata, en: fire.and(we), ...(wmask ? { mask: wmask } : {}) });
  const rd = mem.read({ addr: raddr, ...(re ? { en: fire.and(re) } : {}) });
  m.next(read1, fire);
  const show1 = m.register('show1_q', show, { en: fire });
  const out = m.reg('out_q', c.width, { reset: 'none' });
  m.next(out, mux(show1, rd, lit(0, c.width)), { en: read1 });
  m.next(outValid, read1.or(outValid.and(hs.outReady.not())));
  m.assign(hs.inReady, inReady);
  m.assign(hs.outValid, outValid);
  m.assign(m.output('rdata_o', c.width), out);
  return m.build();
}

interface Op {
  we: number;
  waddr: number;
  wdata: bigint;
  wmask: number;
  re: number;
  raddr: number;
  show: number;
}

function program(c: MemCase, n: number, seed: number): { ops: Op[]; expected: bigint[] } {
  const rng = new Prng(seed);
  const lanes = c.granule ? c.width / c.granule : 1;
  const allMask = (1 << lanes) - 1;
  const word = (): bigint => rng.bits(c.width);
  const ops: Op[] = [];
  // every word written once first (unwritten words are undefined), then random traffic
  for (let a = 0; a < c.depth; a++) ops.push({ we: 1, waddr: a, wdata: word(), wmask: allMask, re: c.readEnable ? 0 : 1, raddr: 0, show: 0 });
  for (let i = 0; i < n; i++) {
    const waddr = rng.range(0, c.depth - 1);
    // a third of the reads hit the address written in the same beat (read-first: the old word)
    const raddr = rng.range(0, 2) === 0 ? waddr : rng.range(0, c.depth - 1);
    ops.push({ we: rng.range(0, 1), waddr, wdata: word(), wmask: rng.range(0, allMask), re: c.readEnable && i > 0 ? rng.range(0, 1) : 1, raddr, show: 1 });
  }
  const mem = new Array<bigint>(c.depth).fill(0n);
  let last = 0n;
  const expected = ops.map((o) => {
    if (o.re) last = mem[o.raddr]!;
    if (o.we) {
      let v = mem[o.waddr]!;
      for (let l = 0; l < lanes; l++) {
        if (!c.granule || (o.wmask >> l) & 1) {
          const g = BigInt(c.granule ?? c.width);
          const lm = ((1n << g) - 1n) << (BigInt(l) * g);
          v = (v & ~lm) | (o.wdata & lm);
        }
      }
      mem[o.waddr] = v;
    }
    return o.show ? last : 0n;
  });
  return { ops, expected };
}

function pack(c: MemCase, o: Op): bigint {
  // data ports in declaration order, first port in the LSBs
  const fields: [bigint, number][] = [
    [BigInt(o.we), 1],
    [BigInt(o.waddr), aw(c.depth)],
    [o.wdata, c.width],
    ...(c.granule ? ([[BigInt(o.wmask), c.width / c.granule]] as [bigint, number][]) : []),
    ...(c.readEnable ? ([[BigInt(o.re), 1]] as [bigint, number][]) : []),
    [BigInt(o.raddr), aw(c.depth)],
    [BigInt(o.show), 1],
  ];
  let v = 0n;
  let off = 0n;
  for (const [x, w] of fields) {
    v |= x << off;
    off += BigInt(w);
  }
  return v;
}

const CASES: readonly MemCase[] = [
  { width: 32, depth: 16, granule: 8, readEnable: true },
  { width: 13, depth: 12, readEnable: false },
  { width: 96, depth: 5, granule: 32, readEnable: false },
];

describe('memory primitive: IR and Verilog', () => {
  test('prints as one memory statement; the read data is a reg, the array an inferable Verilog-2005 RAM', () => {
    const m = wrapper(CASES[0]!);
    expect(printModule(m.ir)).toContain('(memory store u32 x16 (write waddr_i:u4 wdata_i:u32 (en');
    const { files } = writeVerilog(m, 'memv');
    const text = readFileSync(files[0]!, 'utf8');
    expect(text).toContain('reg [31:0] store [0:15];');
    expect(text).toMatch(/reg\s+\[31:0\]\s+store_rdata;/);
    expect(text).toMatch(/if \(wmask_i\[3\]\) store\[waddr_i\]\[31:24\] <= wdata_i\[31:24\];/);
    expect(text).toMatch(/store_rdata <= store\[raddr_i\];/);
  });

  for (const c of CASES) {
    test(`${c.depth} x ${c.width}${c.granule ? ` mask/${c.granule}` : ''}: verilator -Wall clean; Yosys keeps a ${c.depth * c.width}-bit memory, no array flops`, async () => {
      const m = wrapper(c);
      const { dir, files } = writeVerilog(m, 'meml');
      const names = files.map((f) => path.basename(f));
      const lint = await verilatorLint(names, m.name, dir);
      expect(lint.output).toBe('');
      expect(lint.ok).toBe(true);
      const script = [`read_verilog ${names.join(' ')}`, `hierarchy -check -top ${m.name}`, 'proc', 'opt', 'tee -o before.json stat -json', 'memory -nomap', 'opt', 'simplemap', 'tee -o after.json stat -json'];
      const r = await execa('yosys', ['-q', '-p', script.join('; ')], { cwd: dir, reject: false, all: true });
      expect(r.exitCode, r.all).toBe(0);
      const read = (f: string) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')).modules[`\\${m.name}`];
      expect(read('before.json').num_memory_bits).toBe(c.depth * c.width);
      const after = read('after.json');
      expect(after.num_cells_by_type['$mem_v2']).toBe(1);
      // flip-flop bits left (simplemap: one cell per bit) are the wrapper's: three flags and the output register;
      // the array is a memory and the read data register went into its read port
      const ffBits = Object.entries(after.num_cells_by_type as Record<string, number>)
        .filter(([t]) => /^\$_.*DFF/i.test(t))
        .reduce((n, [, k]) => n + k, 0);
      expect(ffBits).toBe(3 + c.width);
    });
  }
});

describe('memory primitive: random traffic under both simulators', () => {
  const sims: SimulatorName[] = ['icarus', 'verilator'];
  for (const c of CASES) {
    for (const sim of sims) {
      test(`${sim} ${c.depth} x ${c.width}${c.granule ? ` mask/${c.granule}` : ''}${c.readEnable ? ' read enable' : ''}: 3000 beats with 30 % stalls`, async () => {
        const m = wrapper(c);
        const { files } = writeVerilog(m, 'mems');
        const seed = 11;
        const { ops, expected } = program(c, 3000, seed);
        const r = await runSimulation({ sim, iface: m.interface(), rtlFiles: files, vectors: ops.map((o) => pack(c, o)), seed, stallPercent: 30 });
        const bad = r.outputs.findIndex((v, i) => v !== expected[i]);
        expect(bad, `first mismatch at beat ${bad} (seed ${seed})`).toBe(-1);
        expect(r.outputs.length).toBe(ops.length);
      }, 120_000);
    }
  }
});

describe('memory primitive: errors', () => {
  const thrown = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(HdlError);
      return (e as Error).message;
    }
    throw new Error('expected an HdlError');
  };
  const base = () => {
    const m = new ModuleBuilder('e');
    const a = m.input('a_i', 3);
    const d = m.input('d_i', 8);
    const en = m.input('en_i', 1);
    return { m, a, d, en };
  };
  test('one write and one read port; both required', () => {
    const { m, a, d, en } = base();
    const mem = m.memory('ram', { width: 8, depth: 8 });
    mem.write({ addr: a, data: d, en });
    expect(thrown(() => mem.write({ addr: a, data: d, en }))).toMatch(/already has its write port/);
    expect(thrown(() => m.build())).toMatch(/memory 'ram' has no read port .* call read\(\)/);
  });
  test('address, data and mask widths are checked against the memory', () => {
    const { m, a, d, en } = base();
    const mem = m.memory('ram', { width: 8, depth: 16, maskGranule: 4 });
    expect(thrown(() => mem.write({ addr: a, data: d, en, mask: en.repeat(2) }))).toMatch(/write address must be 4 bits, got 3 at test\/hdl\/memory\.test\.ts/);
    expect(thrown(() => mem.write({ addr: a.zext(4), data: d, en }))).toMatch(/give the write port a mask of 2 bits/);
    expect(thrown(() => mem.read({ addr: a }))).toMatch(/read address must be 4 bits/);
    expect(thrown(() => m.memory('bad', { width: 8, depth: 4, maskGranule: 3 }))).toMatch(/maskGranule 3 must be a positive integer dividing the width 8/);
    expect(thrown(() => m.memory('ram', { width: 8, depth: 4 }))).toMatch(/already used/);
  });
  test('unread bits of the read data are an error, like any signal', () => {
    const { m, a, d, en } = base();
    const mem = m.memory('ram', { width: 8, depth: 8 });
    mem.write({ addr: a, data: d, en });
    const q = mem.read({ addr: a });
    m.assign(m.output('y_o', 4), q.slice(3, 0));
    expect(thrown(() => m.build())).toMatch(/bits \[7:4\] of signal 'ram_rdata' are never read/);
  });
});
