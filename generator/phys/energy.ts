// Energy of a gate-level run from per-net transition counts and the liberty tables:
//   switching = 1/2 C V^2 per net transition, C = sum of the sink pins' capacitance + the wire-load model (+ the
//               stated output load on output ports); the nets of primary inputs are charged to the design too;
//   internal  = per output transition of a cell, the internal_power table of that output (rise_power for a rising,
//               fall_power for a falling output), averaged over its related input pins, indexed by the output net's
//               capacitance and the input transition on the related pin's net; plus the input pins' own (passive)
//               tables per transition of their net (a flip-flop's D);
//   clock     = an ideal clock net (no tree): 2 transitions per cycle of sum(CLK pin caps) + wire, and the flip-flops'
//               CLK pin internal power per rising and falling clock edge;
//   leakage   = sum of cell_leakage_power over the counted time (cycles x lanes x clock period).
// Net transitions (slews) are the driving cell's rise/fall_transition table at the net's load with the nominal input
// transition; primary inputs use the environment's input driver, the clock the environment's clock transition.
// Energy unit of the tables: capacitive_load_unit x voltage_unit^2 (pF x V^2 = pJ for OSU018).

import { DEFAULT_ENVIRONMENT, outputLoadPf, wireCapPf, type Environment } from './environment';
import { LibertyError, lookupBy, type LibPin, type LibTable, type Library } from './liberty';
import { netGraph, type Netlist } from './netlist';
import type { ToggleCounts } from './gatesim';

export interface EnergyComponents {
  readonly internalPj: number;
  readonly switchingPj: number;
  readonly clockPj: number;
  readonly leakagePj: number;
}

export interface EnergyPart extends EnergyComponents {
  readonly part: string;
  readonly totalPj: number;
  readonly cells: number;
  readonly toggles: number;
}

export interface EnergyResult extends EnergyComponents {
  /** everything over the counted window (all lanes) */
  readonly totalPj: number;
  readonly dynamicPj: number;
  readonly ops: number;
  readonly pjPerOp: number;
  readonly dynamicPjPerOp: number;
  readonly leakagePjPerOp: number;
  /** net transitions per operation (every net, primary inputs included; the clock excluded) */
  readonly togglesPerOp: number;
  /** of the switching energy, the part due to the wire-load model */
  readonly wireSwitchingPj: number;
  /** by the netlist's `part` tags (cells without one: '(all)'); nets are charged to their driver's part */
  readonly byPart: readonly EnergyPart[];
  readonly clockMhz: number;
  readonly voltage: number;
  readonly windowNs: number;
}

export interface EnergyOptions {
  readonly lib: Library;
  readonly netlist: Netlist;
  readonly toggles: ToggleCounts;
  /** operations in the counted window (e.g. accepted transactions x ops per transaction) */
  readonly ops: number;
  readonly clockMhz: number;
  /** the clock port (its net is the ideal clock net), if any */
  readonly clockPort?: string;
  readonly env?: Environment;
  /** supply voltage (default: the library's nominal voltage; the tables are characterised there) */
  readonly voltage?: number;
  /**
   * How output internal power is charged: 'output' (default) per output transition, the arcs averaged; 'input'
   * per transition of each arc's related input pin, rise/fall averaged, summed over the arcs: the model of
   * Debian's 2019 OpenSTA, used only to reproduce its figures in the cross-check.
   */
  readonly internalModel?: 'output' | 'input';
}

const avg = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

function tableAt(t: LibTable | undefined, capPf: number, slewNs: number): number | undefined {
  if (!t) return undefined;
  return lookupBy(t, {
    total_output_net_capacitance: capPf,
    input_net_transition: slewNs,
    input_transition_time: slewNs,
    related_pin_transition: slewNs,
    constrained_pin_transition: slewNs,
  });
}

/** Output transition (ns) of `pin` at load `capPf`, input transition `slewNs`: mean over its arcs and rise/fall. */
export function outputSlew(pin: LibPin, capPf: number, slewNs: number): number {
  const xs: number[] = [];
  for (const a of pin.timing) {
    for (const t of [a.riseTransition, a.fallTransition]) {
      const x = tableAt(t, capPf, slewNs);
      if (x !== undefined) xs.push(x);
    }
  }
  return xs.length ? avg(xs) : slewNs;
}

export function computeEnergy(o: EnergyOptions): EnergyResult {
  const { lib, netlist: n, toggles: tg } = o;
  const env = o.env ?? DEFAULT_ENVIRONMENT;
  const V = o.voltage ?? lib.nomVoltage;
  const eUnit = lib.capUnitPf * lib.voltageUnitV * lib.voltageUnitV; // pJ per table unit
  if (!(o.clockMhz > 0)) throw new LibertyError(`clock must be positive, got ${o.clockMhz} MHz`);
  if (!(o.ops > 0)) throw new LibertyError(`energy per operation needs a positive operation count, got ${o.ops}`);
  const g = netGraph(n);
  const clockNet = o.clockPort ? n.ports.find((p) => p.name === o.clockPort)?.bits[0] : undefined;
  const outLoad = outputLoadPf(lib, env);
  // net capacitance
  const pinCap = new Float64Array(n.netCount);
  const wireCap = new Float64Array(n.netCount);
  for (let net = 2; net < n.netCount; net++) {
    let c = 0;
    for (const [ci, pin] of g.sinks[net]!) c += lib.cells.get(n.cells[ci]!.type)!.pins.get(pin)!.capacitance;
    pinCap[net] = c + g.portLoads[net]! * outLoad;
    wireCap[net] = wireCapPf(env.wireLoad, g.sinks[net]!.length);
  }
  const cap = (net: number): number => pinCap[net]! + wireCap[net]!;
  // net slews
  const slew = new Float64Array(n.netCount).fill(env.nominalSlewNs);
  const drv = lib.cells.get(env.inputDriver.cell)?.pins.get(env.inputDriver.pin);
  if (!drv) throw new LibertyError(`input driver ${env.inputDriver.cell}.${env.inputDriver.pin} is not in ${lib.name}`);
  for (const net of g.inputNets) slew[net] = outputSlew(drv, cap(net), env.clockSlewNs);
  n.cells.forEach((c) => {
    const lc = lib.cells.get(c.type)!;
    for (const [pin, net] of c.outputs) slew[net] = outputSlew(lc.pins.get(pin)!, cap(net), lc.ff ? env.clockSlewNs : env.nominalSlewNs);
  });
  if (clockNet !== undefined) slew[clockNet] = env.clockSlewNs;

  const parts = new Map<string, { internal: number; switching: number; clock: number; leakage: number; cells: number; toggles: number }>();
  const bucket = (p: string) => {
    let b = parts.get(p);
    if (!b) parts.set(p, (b = { internal: 0, switching: 0, clock: 0, leakage: 0, cells: 0, toggles: 0 }));
    return b;
  };
  const partOf = (ci: number): string => n.cells[ci]!.part ?? '(all)';
  const windowNs = tg.cycles * tg.lanes * (1000 / o.clockMhz);
  let internal = 0;
  let switching = 0;
  let wireSwitching = 0;
  let clock = 0;
  let leakage = 0;
  let toggles = 0;
  // switching, charged to the driver's part (inputs to '(inputs)')
  for (let net = 2; net < n.netCount; net++) {
    if (net === clockNet) continue;
    const t = tg.rises[net]! + tg.falls[net]!;
    if (t === 0) continue;
    toggles += t;
    const e = 0.5 * cap(net) * V * V * t;
    switching += e;
    wireSwitching += 0.5 * wireCap[net]! * V * V * t;
    const d = g.driver[net]!;
    const b = bucket(d >= 0 ? partOf(d) : '(inputs)');
    b.switching += e;
    b.toggles += t;
  }
  // clock net
  if (clockNet !== undefined) {
    const e = cap(clockNet) * V * V * tg.cycles * tg.lanes; // 2 transitions of 1/2 C V^2 per cycle
    clock += e;
    bucket(n.cells.find((c) => lib.cells.get(c.type)!.ff)?.part ?? '(all)').clock += e;
  }
  n.cells.forEach((c, ci) => {
    const lc = lib.cells.get(c.type)!;
    const b = bucket(partOf(ci));
    b.cells++;
    const leak = lc.leakageNw * windowNs * 1e-6;
    leakage += leak;
    b.leakage += leak;
    // output pins: internal energy per output transition
    for (const [pin, net] of c.outputs) {
      const lp = lc.pins.get(pin)!;
      const arcs = lp.power.filter((a) => a.relatedPin !== undefined);
      if (arcs.length === 0) continue;
      const inSlew = (a: (typeof arcs)[number]): number => {
        const rn = c.inputs.get(a.relatedPin!);
        return rn === undefined ? env.nominalSlewNs : slew[rn]!;
      };
      let e: number;
      if (o.internalModel === 'input') {
        e = 0;
        for (const a of arcs) {
          const rn = c.inputs.get(a.relatedPin!);
          if (rn === undefined) continue;
          const mean = ((tableAt(a.rise, cap(net), inSlew(a)) ?? 0) + (tableAt(a.fall, cap(net), inSlew(a)) ?? 0)) / 2;
          const t = rn === clockNet ? tg.cycles * tg.lanes * 2 : tg.rises[rn]! + tg.falls[rn]!;
          e += mean * t * eUnit;
        }
      } else {
        const rise = avg(arcs.map((a) => tableAt(a.rise, cap(net), inSlew(a)) ?? 0));
        const fall = avg(arcs.map((a) => tableAt(a.fall, cap(net), inSlew(a)) ?? 0));
        e = (rise * tg.rises[net]! + fall * tg.falls[net]!) * eUnit;
      }
      internal += e;
      b.internal += e;
    }
    // input pins with their own tables: the clock per edge, the others per transition of their net
    for (const [pin, net] of c.inputs) {
      const lp = lc.pins.get(pin)!;
      const own = lp.power.filter((a) => a.relatedPin === undefined || a.relatedPin === pin);
      if (own.length === 0) continue;
      const rise = avg(own.map((a) => tableAt(a.rise, 0, slew[net]!) ?? 0)) * eUnit;
      const fall = avg(own.map((a) => tableAt(a.fall, 0, slew[net]!) ?? 0)) * eUnit;
      if (net === clockNet || lp.clock) {
        const e = (rise + fall) * tg.cycles * tg.lanes;
        clock += e;
        b.clock += e;
      } else {
        const e = rise * tg.rises[net]! + fall * tg.falls[net]!;
        internal += e;
        b.internal += e;
      }
    }
  });
  const dynamic = internal + switching + clock;
  const total = dynamic + leakage;
  const byPart: EnergyPart[] = [...parts].map(([part, b]) => ({
    part,
    internalPj: b.internal,
    switchingPj: b.switching,
    clockPj: b.clock,
    leakagePj: b.leakage,
    totalPj: b.internal + b.switching + b.clock + b.leakage,
    cells: b.cells,
    toggles: b.toggles,
  }));
  byPart.sort((a, b) => b.totalPj - a.totalPj);
  return {
    internalPj: internal,
    switchingPj: switching,
    clockPj: clock,
    leakagePj: leakage,
    totalPj: total,
    dynamicPj: dynamic,
    ops: o.ops,
    pjPerOp: total / o.ops,
    dynamicPjPerOp: dynamic / o.ops,
    leakagePjPerOp: leakage / o.ops,
    togglesPerOp: toggles / o.ops,
    wireSwitchingPj: wireSwitching,
    byPart,
    clockMhz: o.clockMhz,
    voltage: V,
    windowNs,
  };
}
