// The energy arithmetic on a hand-built netlist whose activity is known: a chain of three inverters driven by an
// input that toggles every cycle, so every net makes exactly one transition per cycle (half rising, half falling).
import { describe, expect, it } from 'vitest';
import { computeEnergy } from '../../generator/phys/energy';
import { DEFAULT_ENVIRONMENT, NO_WIRE_LOAD, outputLoadPf, wireCapPf, type Environment } from '../../generator/phys/environment';
import { CompiledNetlist, runStream } from '../../generator/phys/gatesim';
import { lookupBy, readLiberty, type LibTable } from '../../generator/phys/liberty';
import { netlistFromJson } from '../../generator/phys/netlist';
import type { ModuleInterface } from '../../generator/hdl/ports';

const lib = readLiberty();
const inv = (a: number, y: number) => ({ type: 'INVX1', connections: { A: [a], Y: [y] } });
// nets: a_i = 2, n3, n4, y_o = 5
const json = {
  modules: {
    chain: {
      ports: { a_i: { direction: 'input', bits: [2] }, y_o: { direction: 'output', bits: [5] } },
      cells: { g1: inv(2, 3), g2: inv(3, 4), g3: inv(4, 5) },
      netnames: { a_i: { bits: [2] }, n3: { bits: [3] }, n4: { bits: [4] }, y_o: { bits: [5] } },
    },
  },
};
const iface: ModuleInterface = { name: 'chain', params: {}, ports: [{ name: 'a_i', dir: 'input', width: 1 }, { name: 'y_o', dir: 'output', width: 1 }] };

describe('energy of an inverter chain', () => {
  const n = netlistFromJson(json, lib);
  const cycles = 100;
  const vectors = Array.from({ length: cycles + 1 }, (_, i) => BigInt(i & 1));
  const run = runStream(new CompiledNetlist(n, lib), iface, { vectors, lanes: 1, warmupCycles: 1 });

  it('the toggle simulator counts one transition per net per cycle, and the outputs are inverted inputs', () => {
    expect(run.outputs).toEqual(vectors.map((v) => v ^ 1n));
    expect(run.toggles.cycles).toBe(cycles);
    for (const net of [2, 3, 4, 5]) {
      expect(run.toggles.rises[net]).toBe(cycles / 2);
      expect(run.toggles.falls[net]).toBe(cycles / 2);
    }
  });

  for (const [label, wl] of [['no wire load', NO_WIRE_LOAD], ['the default wire load', DEFAULT_ENVIRONMENT.wireLoad]] as const) {
    it(`matches the hand computation (${label})`, () => {
      const env: Environment = { ...DEFAULT_ENVIRONMENT, wireLoad: wl };
      const clockMhz = 50;
      const e = computeEnergy({ lib, netlist: n, toggles: run.toggles, ops: cycles, clockMhz, env });
      const V = 1.8;
      const invA = lib.cells.get('INVX1')!.pins.get('A')!.capacitance;
      const capIn = invA + wireCapPf(wl, 1); // a_i, n3, n4 each drive one INVX1 input
      const capOut = outputLoadPf(lib, env); // y_o drives the stated output load; no sink inside, no wire
      const switching = 0.5 * V * V * (3 * capIn + capOut) * cycles;
      expect(e.switchingPj).toBeCloseTo(switching, 9);
      // internal: INVX1 Y's arc (related A), rise_power per rising output, fall_power per falling one, at the
      // output net's load and the input net's transition
      const y = lib.cells.get('INVX1')!.pins.get('Y')!;
      const arc = y.power[0]!;
      const tr = (cap: number, slew: number) => {
        const t = y.timing[0]!;
        const at = (x: LibTable) => lookupBy(x, { total_output_net_capacitance: cap, input_net_transition: slew });
        return (at(t.riseTransition!) + at(t.fallTransition!)) / 2;
      };
      const q = lib.cells.get('DFFPOSX1')!.pins.get('Q')!.timing[0]!;
      const slewA = (lookupBy(q.riseTransition!, { total_output_net_capacitance: capIn, input_net_transition: 0.1 }) + lookupBy(q.fallTransition!, { total_output_net_capacitance: capIn, input_net_transition: 0.1 })) / 2;
      const slew3 = tr(capIn, 0.1);
      const p = (cap: number, slew: number) =>
        (lookupBy(arc.rise!, { total_output_net_capacitance: cap, input_transition_time: slew }) + lookupBy(arc.fall!, { total_output_net_capacitance: cap, input_transition_time: slew })) * (cycles / 2);
      const internal = p(capIn, slewA) + p(capIn, slew3) + p(capOut, slew3);
      expect(e.internalPj).toBeCloseTo(internal, 9);
      expect(e.clockPj).toBe(0);
      const leakage = 3 * lib.cells.get('INVX1')!.leakageNw * 1e-9 * cycles * (1 / (clockMhz * 1e6)) * 1e12; // W x s -> pJ
      expect(e.leakagePj).toBeCloseTo(leakage, 12);
      expect(e.pjPerOp).toBeCloseTo((switching + internal + leakage) / cycles, 9);
      expect(e.togglesPerOp).toBe(4);
      // sanity of magnitude: a few hundredths of a pJ per inverter transition at 0.18 um / 1.8 V
      expect(e.pjPerOp).toBeGreaterThan(0.05);
      expect(e.pjPerOp).toBeLessThan(1);
    });
  }

  it('rejects a non-positive clock or operation count with one line', () => {
    expect(() => computeEnergy({ lib, netlist: n, toggles: run.toggles, ops: 0, clockMhz: 10 })).toThrow(/positive operation count/);
    expect(() => computeEnergy({ lib, netlist: n, toggles: run.toggles, ops: 1, clockMhz: 0 })).toThrow(/clock must be positive/);
  });
});
