// The TypeScript toggle simulator against real simulators on a mapped netlist (the add2_pipe fixture mapped to
// OSU 0.18 um): its per-net rise/fall counts equal those of a Verilator VCD of the same stream, and its outputs,
// Verilator's (liberty cell models) and Icarus' (osu018_stdcells.v) all equal the golden sums.
import { describe, expect, it } from 'vitest';
import { writeCellLibrary } from '../../generator/phys/cellmodels';
import { CompiledNetlist, runStream } from '../../generator/phys/gatesim';
import { OSU018_VERILOG, readLiberty } from '../../generator/phys/liberty';
import { netGraph, readNetlistJson } from '../../generator/phys/netlist';
import { vcdToggles } from '../../generator/phys/vcd';
import { dataPorts, packPorts, runSimulation } from '../../generator/sim/index';
import { synthesize } from '../../generator/sim/synth';
import { Prng } from '../../generator/util/prng';
import { ADD2_PIPE, fixture } from '../sim/fixtures';

describe('gate-level simulation of a mapped netlist', async () => {
  const lib = readLiberty();
  const s = await synthesize([fixture('add2_pipe')], 'add2_pipe');
  const n = readNetlistJson(s.mapped!.json, lib, 'add2_pipe');
  const rng = new Prng(77);
  const ins = dataPorts(ADD2_PIPE, 'input');
  const pairs = Array.from({ length: 300 }, () => [rng.int(256), rng.int(256)] as const);
  const vectors = pairs.map(([a, b]) => packPorts(ins, { a_i: BigInt(a), b_i: BigInt(b) }));
  const golden = pairs.map(([a, b]) => BigInt(a + b));

  it('maps to library cells with the flop bits of the RTL', () => {
    expect(s.mapped!.flopBits).toBe(27);
    expect(s.mapped!.areaUm2).toBeGreaterThan(27 * 96);
    expect(Object.keys(s.mapped!.cellsByType).every((t) => lib.cells.has(t))).toBe(true);
  });

  it('Icarus (osu018_stdcells.v), Verilator (liberty models) and the toggle simulator agree with the golden sums', async () => {
    const ic = await runSimulation({ sim: 'icarus', iface: ADD2_PIPE, rtlFiles: [s.mapped!.verilog, OSU018_VERILOG], vectors, seed: 3, stallPercent: 30 });
    expect(ic.outputs).toEqual(golden);
    const vl = await runSimulation({ sim: 'verilator', iface: ADD2_PIPE, rtlFiles: [s.mapped!.verilog, writeCellLibrary(lib)], vectors, seed: 4, stallPercent: 30 });
    expect(vl.outputs).toEqual(golden);
    const ts = runStream(new CompiledNetlist(n, lib), ADD2_PIPE, { vectors, lanes: 30 });
    expect(ts.outputs).toEqual(golden);
  }, 120_000);

  it('counts the same rises and falls per net as a Verilator VCD of the same stream', async () => {
    const warm = 5;
    const vl = await runSimulation({ sim: 'verilator', iface: ADD2_PIPE, rtlFiles: [s.mapped!.verilog, writeCellLibrary(lib)], vectors, seed: 5, stallPercent: 0, waves: true });
    // the testbench: reset released at 22 ns, edges every 10 ns from 25 ns; VCD time unit 1 ps
    const vcd = vcdToggles(vl.wavesFile!, { from: 25_000 + 10_000 * warm });
    const ts = runStream(new CompiledNetlist(n, lib), ADD2_PIPE, { vectors, lanes: 1, warmupCycles: warm, countToEnd: true });
    expect(ts.outputs).toEqual(golden);
    const g = netGraph(n);
    const clock = n.ports.find((p) => p.name === 'clk_i')!.bits[0]!;
    const byName = (suffix: string) => [...vcd.toggles].find(([k]) => k.endsWith(`.dut.${suffix}`))?.[1];
    let compared = 0;
    let total = 0;
    for (let net = 2; net < n.netCount; net++) {
      if (net === clock || (g.driver[net] === -2 && g.sinks[net]!.length === 0)) continue;
      const name = n.netNames.get(net);
      const d = g.driver[net]!;
      // a net by its name in the DUT, else by the output pin of its driving cell
      let ref = name !== undefined ? byName(name) : undefined;
      if (!ref && d >= 0) {
        const c = n.cells[d]!;
        const pin = [...c.outputs].find(([, b]) => b === net)![0];
        ref = byName(`${c.name}.${pin}`);
      }
      const mine = [ts.toggles.rises[net]!, ts.toggles.falls[net]!];
      if (!ref) {
        expect(mine, `net ${name ?? net} is not in the VCD but toggles`).toEqual([0, 0]);
        continue;
      }
      expect(mine, `net ${name ?? net}`).toEqual([...ref]);
      compared++;
      total += mine[0]! + mine[1]!;
    }
    expect(compared).toBeGreaterThan(n.cells.length / 2);
    expect(total).toBeGreaterThan(1000);
  }, 120_000);
});
