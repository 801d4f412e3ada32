import { describe, expect, it } from 'vitest';
import { evalBool, parseBoolExpr } from '../../generator/phys/boolexpr';
import { libraryFromText, LibertyError, lookup, lookupBy, readLiberty } from '../../generator/phys/liberty';

// A hand-written library: units, a 2-D delay template, a 1-D passive power template, one gate, one flop.
const SMALL = `
/* comment */
library (tiny) {
  time_unit : "1ns"; voltage_unit : "1V"; leakage_power_unit : "1nW";
  capacitive_load_unit (1,ff);
  nom_voltage : 1.2;
  lu_table_template (t2) { variable_1 : total_output_net_capacitance; variable_2 : input_net_transition;
    index_1 ("1, 2"); index_2 ("0.1, 0.3"); }
  power_lut_template (p1) { variable_1 : input_transition_time; index_1 ("0.1, 0.5"); }
  cell (NAND2) {
    area : 4.5;
    cell_leakage_power : 2.0;
    pin (A) { direction : input; capacitance : 3; }
    pin (B) { direction : input; capacitance : 5; rise_capacitance : 5.5; }
    pin (Y) { direction : output; function : "(!(A B))";
      timing () { related_pin : "A"; cell_rise (t2) { values ("10, 20", \\
                                                             "30, 40"); } }
      internal_power () { related_pin : "A"; rise_power (t2) { index_1 ("1, 3"); values ("1, 2", "3, 4"); } }
    }
  }
  cell (FF) {
    area : 9;
    ff (IQ, IQN) { next_state : "D"; clocked_on : "CK"; clear : "(!RN)"; }
    pin (CK) { direction : input; clock : true; capacitance : 1;
      internal_power () { rise_power (p1) { values ("0.5, 1.5"); } } }
    pin (D) { direction : input; capacitance : 1; }
    pin (RN) { direction : input; capacitance : 1; }
    pin (Q) { direction : output; function : "IQ"; }
  }
}`;

describe('liberty parser', () => {
  const lib = libraryFromText(SMALL, 'tiny.lib');

  it('reads units, voltage, cells and pins', () => {
    expect(lib.name).toBe('tiny');
    expect(lib.capUnitPf).toBe(0.001); // 1 fF
    expect(lib.nomVoltage).toBe(1.2);
    const nand = lib.cells.get('NAND2')!;
    expect(nand.area).toBe(4.5);
    expect(nand.leakageNw).toBe(2);
    expect(nand.pins.get('A')!.capacitance).toBeCloseTo(0.003, 12); // 3 fF in pF
    expect(nand.pins.get('B')!.riseCapacitance).toBeCloseTo(0.0055, 12);
    expect(nand.pins.get('Y')!.function).toBe('(!(A B))');
    const ff = lib.cells.get('FF')!;
    expect(ff.ff).toMatchObject({ iq: 'IQ', iqn: 'IQN', nextState: 'D', clockedOn: 'CK', clear: '(!RN)' });
    expect(ff.pins.get('CK')!.clock).toBe(true);
  });

  it('takes table indices from the template unless the table overrides them; 1-D tables are columns', () => {
    const y = lib.cells.get('NAND2')!.pins.get('Y')!;
    const rise = y.timing[0]!.cellRise!;
    expect(rise.index1).toEqual([1, 2]);
    expect(rise.index2).toEqual([0.1, 0.3]);
    expect(rise.values).toEqual([[10, 20], [30, 40]]); // the backslash continuation joined the rows
    expect(y.power[0]!.rise!.index1).toEqual([1, 3]); // own index_1
    const ck = lib.cells.get('FF')!.pins.get('CK')!.power[0]!;
    expect(ck.relatedPin).toBeUndefined();
    expect(ck.rise!.values).toEqual([[0.5], [1.5]]);
  });

  it('interpolates bilinearly inside the grid and extrapolates linearly outside (hand-checked)', () => {
    const t = lib.cells.get('NAND2')!.pins.get('Y')!.timing[0]!.cellRise!;
    expect(lookup(t, 1, 0.1)).toBe(10);
    expect(lookup(t, 2, 0.3)).toBe(40);
    expect(lookup(t, 1.5, 0.2)).toBeCloseTo(25, 12); // centre: mean of the four corners
    expect(lookup(t, 3, 0.1)).toBeCloseTo(50, 12); // beyond index_1: 10 + 2 * (30 - 10)
    expect(lookup(t, 1, 0)).toBeCloseTo(5, 12); // below index_2: 10 - 0.5 * (20 - 10)
    expect(lookupBy(t, { input_net_transition: 0.3, total_output_net_capacitance: 1 })).toBe(20);
    const p = lib.cells.get('FF')!.pins.get('CK')!.power[0]!.rise!;
    expect(lookupBy(p, { input_transition_time: 0.3 })).toBeCloseTo(1, 12);
  });

  it('reports bad input with the file and line', () => {
    expect(() => libraryFromText('library (x) { cell (A) { area : 1; ', 'bad.lib')).toThrow(LibertyError);
    expect(() => libraryFromText('library (x) { cell (A) { area : 1; ', 'bad.lib')).toThrow(/^bad\.lib:1: group 'cell'/);
    expect(() => libraryFromText('cell (A) { }', 'c.lib')).toThrow(/top group is 'cell'/);
    expect(() => readLiberty('/nonexistent.lib')).toThrow(/cannot read liberty file \/nonexistent\.lib/);
  });

  it('reads the OSU 0.18 um library of qflow-tech-osu018', () => {
    const osu = readLiberty();
    expect(osu.name).toBe('osu018_stdcells');
    expect(osu.cells.size).toBe(32);
    expect(osu.nomVoltage).toBe(1.8);
    expect(osu.capUnitPf).toBe(1);
    expect(osu.wireLoads).toEqual([]); // hence the stated wire-load model of generator/phys/environment.ts
    const nand = osu.cells.get('NAND2X1')!;
    expect(nand.pins.get('Y')!.function).toBe('(!(A B))');
    expect(osu.cells.get('DFFSR')!.ff).toMatchObject({ clear: '(!R)', preset: '(!S)', clearPresetVar1: 'L' });
    expect(osu.cells.get('AND2X1')!.area).toBe(32);
    // values copied from osu018_stdcells.lib (AND2X1 pin A, rise_power related to A, first row)
    expect(osu.cells.get('AND2X1')!.pins.get('A')!.capacitance).toBe(0.0129077);
    expect(osu.cells.get('AND2X1')!.pins.get('Y')!.power[0]!.rise!.values[0]).toEqual([0.012351, 0.01753, 0.032859, 0.046092, 0.090803]);
  });
});

describe('liberty functions', () => {
  const truth = (f: string, vars: string[]) =>
    Array.from({ length: 1 << vars.length }, (_, i) => evalBool(parseBoolExpr(f), Object.fromEntries(vars.map((v, j) => [v, (i >> j) & 1]))));

  it('follows the Liberty precedence: inversion, then XOR, then AND (juxtaposition too), then OR', () => {
    expect(truth('A+B C', ['A', 'B', 'C'])).toEqual(truth('A+(B&C)', ['A', 'B', 'C']));
    expect(truth('A B^C', ['A', 'B', 'C'])).toEqual(truth('A&(B^C)', ['A', 'B', 'C']));
    expect(truth("A'", ['A'])).toEqual([1, 0]);
    expect(truth('!A B', ['A', 'B'])).toEqual(truth('(!A)*B', ['A', 'B']));
    expect(truth('(!((S A) + (!S B)))', ['A', 'B', 'S'])).toEqual([1, 1, 0, 0, 1, 0, 1, 0]); // MUX2X1 is inverting: S=0 gives !B, S=1 gives !A
    expect(() => parseBoolExpr('A + ')).toThrow(LibertyError);
    expect(() => parseBoolExpr('A # B')).toThrow(/unexpected '#'/);
  });
});
