// OpenSTA on a mapped netlist: the worst path, Fmax, and that the stated environment moves it the right way.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENVIRONMENT, NO_WIRE_LOAD, sinkSetupNs } from '../../generator/phys/environment';
import { readLiberty } from '../../generator/phys/liberty';
import { readNetlistJson } from '../../generator/phys/netlist';
import { staPower, timing } from '../../generator/phys/sta';
import { synthesize } from '../../generator/sim/synth';
import { WORK_DIR } from '../../generator/sim/paths';
import { fixture } from '../sim/fixtures';
import path from 'node:path';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

describe('OpenSTA timing', async () => {
  const lib = readLiberty();
  const s = await synthesize([fixture('add2_pipe')], 'add2_pipe');
  const d = { verilog: s.mapped!.verilog, netlist: readNetlistJson(s.mapped!.json, lib), lib, clock: 'clk_i', reset: 'rst_ni' };
  const dir = path.join(WORK_DIR, 'test-sta');

  it('finds the worst register path of the 8-bit adder pipeline', async () => {
    const t = await timing(d, dir);
    // an 8-bit ripple/prefix add between two registers: a few ns in 0.18 um, far below the 1000 ns reference period
    expect(t.criticalPathNs).toBeGreaterThan(0.5);
    expect(t.criticalPathNs).toBeLessThan(10);
    expect(t.fmaxMhz).toBeCloseTo(1000 / t.criticalPathNs, 9);
    expect(t.endpoint).toMatch(/flip-flop|output port/);
    expect(t.pathCells).toBeGreaterThan(2);
    // independent of the reference period
    const t2 = await timing(d, dir, { periodNs: 50 });
    expect(t2.criticalPathNs).toBeCloseTo(t.criticalPathNs, 3);
    // without wire load the path is faster
    const t3 = await timing({ ...d, env: { ...DEFAULT_ENVIRONMENT, wireLoad: NO_WIRE_LOAD } }, dir);
    expect(t3.criticalPathNs).toBeLessThan(t.criticalPathNs);
    expect(sinkSetupNs(lib, DEFAULT_ENVIRONMENT)).toBeGreaterThan(0);
  }, 60_000);

  it('reads a netlist with a concatenation on an assign\'s left side (rewritten by Yosys -simple-lhs)', async () => {
    // Yosys writes such assigns on some large netlists (mxsf_pe_k32_d4); OpenSTA 2019 rejects them
    const text = readFileSync(d.verilog, 'utf8').replace(/endmodule\s*$/, '  wire [1:0] lhs_t;\n  assign { lhs_t[1], lhs_t[0] } = { clk_i, clk_i };\nendmodule\n');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'lhs-concat.v');
    writeFileSync(file, text);
    const a = await timing(d, dir);
    const b = await timing({ ...d, verilog: file }, path.join(dir, 'lhs'));
    expect(b.criticalPathNs).toBeCloseTo(a.criticalPathNs, 6);
  }, 60_000);

  it('reports power that grows with the activity', async () => {
    const lo = await staPower(d, dir, 10, { globalActivity: 0.1 });
    const hi = await staPower(d, dir, 10, { globalActivity: 0.2 });
    expect(lo.totalW).toBeGreaterThan(0);
    expect(hi.switchingW).toBeCloseTo(2 * lo.switchingW, 6);
    expect(hi.leakageW).toBeCloseTo(lo.leakageW, 12);
  }, 60_000);
});
