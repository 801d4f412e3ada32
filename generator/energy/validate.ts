// The whole-array check of the energy model: a small array (mxsf, R x C PEs, T = 4, 4-tile buffers; make energy
// runs 1x1 T = 2, whose per-part mapping works, and 2x2 T = 4, where Yosys' per-part mapping asserts and the array
// is mapped module by module instead, sim/synth.ts mapByModule) mapped to the OSU 0.18 um library (per part:
// generator/phys/partition.ts), one GEMM
// command run cycle by cycle on the mapped netlist in the project's toggle simulator (gatesim.ts), 32 lanes at
// once, each lane its own N(0,1) operands quantized with T x T tiles; every lane's FP32 result read back and compared
// bit for bit with the golden GEMM. Toggles are counted from the command's acceptance to its done pulse and turned
// into energy per part. The extrapolation is the model's: per-op PE energy (mx PE at k = 4 on N(0,1), measure.ts)
// x PE ops + idle PE cycles x the PE's clock energy per cycle (cycles.ts counts). Compared: the PE cells' energy
// inside the whole array against that extrapolation, and the whole array's logic against it.
// Usage: tsx generator/energy/validate.ts [--rows R --cols C --tile T --dim D --buffer-tiles N] [--cache DIR] [--out FILE]
//        (default out: <cache>/validation.json)

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { floatToBits, gemmQuantized, quantize, type Matrix } from '../golden/index';
import { computeEnergy } from '../phys/energy';
import { CompiledNetlist } from '../phys/gatesim';
import { mapDesign } from '../phys/measure';
import { readNetlistJson } from '../phys/netlist';
import { partSpecs } from '../phys/partition';
import { WORK_DIR } from '../sim/paths';
import { mapByModule } from '../sim/synth';
import { arrayModule } from '../rtl/array/array';
import type { ArrayConfig } from '../rtl/array/config';
import { parseFp32 } from '../rtl/array/host';
import { ArraySession } from '../rtl/array/session';
import type { HostOp } from '../rtl/array/sim';
import { Prng } from '../util/prng';
import { DEFAULT_CACHE_DIR, ENERGY_CLOCK_MHZ, MEASURE_VERSION, opEnergy } from './measure';
import { allModules, emitVerilog } from '../hdl/index';
import { gemmCounts } from './model';
import type { Validation } from './report';
import { VALIDATION_FILE, VALIDATION_MARGIN } from './validate-file';

const LANES = 32;

function normalMatrix(rng: Prng, rows: number, cols: number): Matrix {
  return { rows, cols, bits: Uint32Array.from({ length: rows * cols }, () => floatToBits(rng.normal())) };
}

async function main(): Promise<number> {
  // --rows/--cols/--tile/--dim/--buffer-tiles: other sizes (a 1x1, T = 2 array checks the driver in a minute)
  const { values } = parseArgs({
    options: {
      cache: { type: 'string' },
      seed: { type: 'string', default: '1' },
      rows: { type: 'string', default: '2' },
      cols: { type: 'string', default: '2' },
      tile: { type: 'string', default: '4' },
      dim: { type: 'string', default: '8' },
      'buffer-tiles': { type: 'string', default: '4' },
      out: { type: 'string' },
    },
  });
  const cacheDir = values.cache ? path.resolve(values.cache) : DEFAULT_CACHE_DIR;
  const seed = Number(values.seed);
  const cfg: ArrayConfig = { format: 'mxsf', rows: Number(values.rows), cols: Number(values.cols), tile: Number(values.tile), scaleMode: 'floor', depth: 1, bufferTiles: Number(values['buffer-tiles']) };
  const M = Number(values.dim);
  const K = M;
  const N = M;
  const t0 = performance.now();
  const module = arrayModule(cfg);
  // the result is reused while the array's RTL, the seed and the measuring code are unchanged
  const h = createHash('sha256');
  for (const x of allModules(module).sort((a, b) => a.name.localeCompare(b.name))) h.update(emitVerilog(x));
  const key = `${h.digest('hex').slice(0, 16)}-${seed}-${M}-v${MEASURE_VERSION}`;
  const file = values.out ? path.resolve(values.out) : path.join(cacheDir, VALIDATION_FILE);
  if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { key?: string }).key === key) {
    console.log(`validate: cached (${path.relative('.', file)})`);
    return 0;
  }
  const mapped = await mapDesign(module);
  // the per-part netlist attributes every cell to its submodule; where Yosys' per-part mapping fails (its submod
  // asserts on the T = 4 arrays) the design is mapped module by module instead (each module on its own, every
  // cell tagged with its module: no optimisation across module boundaries, as the array flow of issue 13)
  const byModule = !mapped.partNetlist || !mapped.synth.partition;
  const modMapped = byModule
    ? await mapByModule(allModules(module).map((m) => path.join(WORK_DIR, 'phys', module.name, `${m.name}.v`)), module.name, partSpecs(module).map((p) => p.name))
    : undefined;
  const base = modMapped ? readNetlistJson(modMapped.json, mapped.lib, module.name) : mapped.partNetlist!;
  // flip-flops are a part of their own in the per-part mapping; give each back to the submodule it came from (by
  // its flattened src chain), so a part's energy includes its registers (by module: every cell has its module)
  type Json = { modules: Record<string, { cells: Record<string, { attributes?: Record<string, string> }> }> };
  const jcells = byModule ? {} : (JSON.parse(readFileSync(mapped.synth.partition!.json, 'utf8')) as Json).modules[module.name]!.cells;
  const srcOf = new Map(Object.entries(jcells).map(([n, c]) => [n, c.attributes?.['src'] ?? '']));
  const ffPart = [...mapped.partNames].find(([, name]) => /flip-flops/.test(name))?.[0] ?? 'ff';
  const isFlop = (c: { name: string; type: string; part?: string }): boolean => !byModule && c.part === ffPart;
  const partName = (id: string): string => (byModule ? (id === module.name ? `${module.name} (own logic and registers)` : id) : (mapped.partNames.get(id) ?? id));
  const driven = new Set<number>([0, 1]);
  for (const c of base.cells) for (const b of c.outputs.values()) driven.add(b);
  for (const p of base.ports) if (p.direction === 'input') for (const b of p.bits) driven.add(b);
  const undriven = new Set<number>();
  const net = {
    ...base,
    cells: base.cells.map((c0) => {
      let c = c0;
      if ([...c0.inputs.values()].some((b) => !driven.has(b))) {
        const inputs = new Map([...c0.inputs].map(([pin, b]) => {
          if (driven.has(b)) return [pin, b] as const;
          undriven.add(b);
          return [pin, 0] as const;
        }));
        c = { ...c0, inputs };
      }
      if (!isFlop(c)) return c;
      // the chain names the innermost file first in the per-part netlist: the first file that is not the top's
      // is the submodule; no src at all: memory bits (memory_map drops it)
      const files = (srcOf.get(c.name) ?? '').split('|').filter((x) => x !== '').map((x) => path.basename(x).replace(/\.v:.*$/, ''));
      const sub = files.find((x) => x !== module.name);
      const part = files.length === 0 ? 'buffer memory bits (flip-flops)' : sub ? `${sub} (flip-flops)` : `${module.name} registers (flip-flops)`;
      return { ...c, part };
    }),
  };
  if (undriven.size) console.log(`validate: ${undriven.size} undriven nets of the per-part netlist tied to 0`);
  console.log(`validate: ${module.name} mapped (${((performance.now() - t0) / 1000).toFixed(0)} s), ${net.cells.length} cells${byModule ? ` (mapped module by module: the per-part mapping failed: ${mapped.synth.partitionError ?? ''})` : ' (per-part netlist)'}`);
  // one program per lane: same control, each lane its own operands
  const rng = new Prng(seed * 7919 + 14);
  const lanes = Array.from({ length: LANES }, () => {
    const qa = quantize(normalMatrix(rng, M, K), 'mxsf', { rows: cfg.tile, cols: cfg.tile }, 'floor');
    const qb = quantize(normalMatrix(rng, K, N), 'mxsf', { rows: cfg.tile, cols: cfg.tile }, 'floor');
    const s = new ArraySession(cfg);
    const a = s.store(0, { kind: 'mx', q: qa }, 'A');
    const b = s.store(1, { kind: 'mx', q: qb }, 'B');
    const out = s.allocFp32(M, N, 'C');
    s.gemm({ a, b, opA: 'n', opB: 'n', out });
    s.readFp32(out);
    return { program: s.program, expected: gemmQuantized(qa, qb, undefined) };
  });
  const program = lanes[0]!.program;
  const sim = new CompiledNetlist(net, mapped.lib);
  const v = sim.v;
  const port = (name: string): readonly number[] => {
    const p = net.ports.find((x) => x.name === name);
    if (!p) throw new Error(`${net.top}: no port ${name} (have ${net.ports.map((x) => x.name).join(', ')})`);
    return p.bits;
  };
  const clk = net.ports.find((p) => /^clk/.test(p.name))!;
  const rst = net.ports.find((p) => /^rst/.test(p.name))!;
  const rstActiveLow = /n/.test(rst.name.replace(/^rst/, ''));
  const setAll = (name: string, value: bigint): void => {
    const bits = port(name);
    for (let i = 0; i < bits.length; i++) v[bits[i]!] = (value >> BigInt(i)) & 1n ? -1 : 0;
  };
  const setLanes = (name: string, values: readonly bigint[]): void => {
    const bits = port(name);
    for (let i = 0; i < bits.length; i++) {
      let w = 0;
      for (let l = 0; l < LANES; l++) if ((values[l]! >> BigInt(i)) & 1n) w |= 1 << l;
      v[bits[i]!] = w;
    }
  };
  const bit = (name: string): boolean => {
    const x = v[port(name)[0]!]!;
    if (x !== 0 && x !== -1) throw new Error(`${name} differs between lanes (the array's control must not depend on data)`);
    return x === -1;
  };
  const readLanes = (name: string): bigint[] => {
    const bits = port(name);
    return Array.from({ length: LANES }, (_, l) => {
      let x = 0n;
      for (let i = bits.length - 1; i >= 0; i--) x = (x << 1n) | BigInt((v[bits[i]!]! >>> l) & 1);
      return x;
    });
  };
  const rises = new Float64Array(net.netCount);
  const falls = new Float64Array(net.netCount);
  const prev = new Int32Array(net.netCount);
  let counting = false;
  let window = 0;
  const responses: bigint[][] = Array.from({ length: LANES }, () => []);
  let rspPending = 0;
  // one clock edge: capture what the host sees before it, clock, settle, count
  const edge = (): void => {
    if (rspPending && bit('rsp_valid_o')) {
      readLanes('rsp_data_o').forEach((x, l) => responses[l]!.push(x));
      rspPending--;
    }
    sim.clock();
    sim.settle();
    if (counting) {
      for (let i = 2; i < net.netCount; i++) {
        const x = v[i]!;
        const d = x ^ prev[i]!;
        if (d !== 0) {
          let r = d & x;
          let f = d & ~x;
          for (; r; r &= r - 1) rises[i]!++;
          for (; f; f &= f - 1) falls[i]!++;
        }
      }
      window++;
    }
    prev.set(v);
  };
  for (const p of net.ports) if (p.direction === 'input') for (const b of p.bits) v[b] = 0;
  v[clk.bits[0]!] = 0;
  v[rst.bits[0]!] = rstActiveLow ? 0 : -1;
  sim.settle();
  edge();
  edge();
  v[rst.bits[0]!] = rstActiveLow ? -1 : 0;
  setAll('rsp_ready_i', 1n);
  sim.settle();
  prev.set(v);
  let cmdCycles = 0;
  const limit = 100000;
  for (let i = 0; i < program.length; i++) {
    const op: HostOp = program[i]!;
    if (op.op === 'cmd') {
      const c = op.cmd;
      const fields: [string, bigint][] = [
        ['cmd_m_i', BigInt(c.m)], ['cmd_k_i', BigInt(c.k)], ['cmd_n_i', BigInt(c.n)], ['cmd_op_a_i', c.opA ? 1n : 0n], ['cmd_op_b_i', c.opB ? 1n : 0n],
        ['cmd_buf_a_i', BigInt(c.bufA)], ['cmd_buf_b_i', BigInt(c.bufB)], ['cmd_base_a_i', BigInt(c.baseA)], ['cmd_base_b_i', BigInt(c.baseB)],
        ['cmd_acc_i', c.acc ? 1n : 0n], ['cmd_base_c_i', BigInt(c.baseC)], ['cmd_out_fp32_i', c.outFp32 ? 1n : 0n], ['cmd_base_out_i', BigInt(c.baseOut)],
        ['cmd_out_mx_i', c.outMx ? 1n : 0n], ['cmd_buf_q_i', BigInt(c.bufQ)], ['cmd_base_q_i', BigInt(c.baseQ)],
      ];
      for (const [n, x] of fields) setAll(n, x);
      setAll('cmd_valid_i', 1n);
      sim.settle();
      let guard = 0;
      while (!bit('cmd_ready_o')) {
        edge();
        if (++guard > limit) throw new Error('cmd_ready_o never rose');
      }
      // the accepting edge opens the window; the done pulse closes it (the command's cycle count)
      prev.set(v);
      counting = true;
      edge();
      setAll('cmd_valid_i', 0n);
      sim.settle();
      cmdCycles = 1;
      while (!bit('done_o')) {
        edge();
        cmdCycles++;
        if (cmdCycles > limit) throw new Error('done_o never rose');
      }
      counting = false;
      edge();
      continue;
    }
    setAll('host_valid_i', 1n);
    setAll('host_write_i', op.op === 'write' ? 1n : 0n);
    setAll('host_buf_i', BigInt(op.buf));
    setAll('host_addr_i', BigInt(op.addr));
    if (op.op === 'write') setLanes('host_wdata_i', lanes.map((x) => (x.program[i] as { data: bigint }).data));
    sim.settle();
    let guard = 0;
    while (!bit('host_ready_o')) {
      edge();
      if (++guard > limit) throw new Error('host_ready_o never rose');
    }
    if (op.op === 'read') rspPending++;
    edge();
    setAll('host_valid_i', 0n);
    sim.settle();
  }
  for (let guard = 0; rspPending && guard < 1000; guard++) edge();
  if (rspPending) throw new Error(`${rspPending} read responses never came`);
  // bit-exact check of every lane
  let bad = 0;
  let compared = 0;
  lanes.forEach((x, l) => {
    const got = parseFp32(cfg, responses[l]!, M, N);
    for (let e = 0; e < M * N; e++, compared++) if (got.bits[e] !== x.expected.bits[e]) bad++;
  });
  if (bad) throw new Error(`whole-array gate level: ${bad} of ${compared} FP32 results differ from the golden GEMM`);
  const clockPort = clk.name;
  const energy = computeEnergy({ lib: mapped.lib, netlist: net, toggles: { rises, falls, cycles: window, lanes: LANES, acceptedInWindow: LANES }, ops: LANES, clockMhz: ENERGY_CLOCK_MHZ, clockPort });
  const parts = energy.byPart.map((p) => ({ part: partName(p.part), dynamic_pj: (p.totalPj - p.leakagePj) / LANES, cells: p.cells })).sort((a, b) => b.dynamic_pj - a.dynamic_pj);
  const peParts = parts.filter((p) => /pecell/.test(p.part));
  if (peParts.length === 0) throw new Error(`no PE-cell part among ${parts.map((p) => p.part).join(', ')}`);
  const pePj = peParts.reduce((s, p) => s + p.dynamic_pj, 0);
  // the extrapolation
  const g = { name: `${M}x${K}x${N}`, cls: 'forward' as const, m: M, k: K, n: N, a: 'A', opA: 'n' as const, b: 'B', opB: 'n' as const, out: 'C', outQuantized: false };
  const c = gemmCounts(g, 'mxsf', 'tile', { rows: cfg.rows, cols: cfg.cols, tile: cfg.tile, depth: cfg.depth });
  const pe = await opEnergy({ kind: 'pe', format: 'mxsf', data: 'normal', tile: cfg.tile, cacheDir, log: (l) => console.log(l) });
  const extrapolated = c.pe_ops * pe.dynamic_pj + c.idle_pe_cycles * pe.clock_pj_per_cycle;
  const out: Validation = {
    key,
    design: module.name,
    gemm: `one ${M}x${K}x${N} GEMM (op nn, FP32 out), 32 lanes of N(0,1) operands quantized with ${cfg.tile}x${cfg.tile} tiles, all ${compared} FP32 results bit-exact`,
    data: 'N(0,1)',
    whole_array_pj: pePj,
    netlist: byModule ? 'by-module' : 'per-part',
    ...(modMapped ? { area_um2_by_module: modMapped.areaUm2 } : {}),
    extrapolated_pj: extrapolated,
    pe_ops: c.pe_ops,
    cycles: window,
    model_cycles: c.cycles,
    whole_array_logic_pj: energy.dynamicPj / LANES,
    whole_array_leakage_pj: energy.leakagePj / LANES,
    parts,
    pe_per_op: { top: pe.top, dynamic_pj: pe.dynamic_pj, clock_pj_per_cycle: pe.clock_pj_per_cycle, data: pe.data },
    note: '',
  };
  const diff = pePj / extrapolated - 1;
  (out as { note: string }).note =
    `The compared figure is the energy of the ${peParts.map((p) => p.part).join(', ')} inside the whole array (${byModule ? "mapped module by module: Yosys' per-part mapping of this array asserts" : 'per-part netlist, the same cells as mapped per part'}) over the command's ${window} cycles ` +
    `(cycle model: ${c.cycles}), per GEMM, averaged over 32 lanes: ${pePj.toFixed(1)} pJ vs the extrapolation ${c.pe_ops} PE ops x ${pe.dynamic_pj.toFixed(2)} pJ (\`${pe.top}\`, data ${pe.data}) + ${c.idle_pe_cycles} idle PE cycles x ${pe.clock_pj_per_cycle.toFixed(2)} pJ = ${extrapolated.toFixed(1)} pJ (${(100 * diff).toFixed(1)} %). ` +
    `The whole array's logic over the same window is ${(energy.dynamicPj / LANES).toFixed(1)} pJ (x ${(energy.dynamicPj / LANES / extrapolated).toFixed(2)} the PE extrapolation): parts ${parts.map((p) => `${p.part} ${p.dynamic_pj.toFixed(1)} pJ`).join(', ')}. ` +
    `${undriven.size ? `${undriven.size} nets the per-part stitching left undriven were tied to 0 (every result still bit-exact). ` : ''}` +
    'In the gate-level array the buffers are flip-flop RAMs clocked every cycle (no clock gating); the model prices buffers as SRAM accesses (Horowitz) instead, so that part is not compared. ' +
    `Margin stated for the compute extrapolation: +-${100 * VALIDATION_MARGIN} % (the data differ: tile scales here, 1x32 block scales in the per-op stream; the PE cell vs the mx PE at k = T; operand broadcast registers are outside the cells).`;
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(out.note);
  console.log(`validate: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return 0;
}

main().then(
  (c) => (process.exitCode = c),
  (e: unknown) => {
    console.error(`validate: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
