// The stated physical environment of every figure: wire-load model, I/O boundary and slews. One object, used by
// the timing runs (OpenSTA) and by the energy calculator, and printed into every report.
// The OSU 0.18 um liberty has no wire_load groups, so the wire model is ours (an assumption, not extracted):
// a net of fanout f has (baseUm + perFanoutUm * f) um of wire at capPfPerUm. 10 um per sink is one cell row of
// this library (cells are 10 um tall); 0.2 fF/um is a typical figure for 0.18 um intermediate metal (area,
// fringe and coupling together).

import { LibertyError, lookupBy, type LibCell, type LibTable, type Library } from './liberty';

export interface WireLoad {
  readonly name: string;
  readonly baseUm: number;
  readonly perFanoutUm: number;
  readonly capPfPerUm: number;
}

export const DEFAULT_WIRE_LOAD: WireLoad = { name: 'mxgen linear, 5 um + 10 um per sink, 0.2 fF/um', baseUm: 5, perFanoutUm: 10, capPfPerUm: 0.0002 };
export const NO_WIRE_LOAD: WireLoad = { name: 'none', baseUm: 0, perFanoutUm: 0, capPfPerUm: 0 };

/** Wire capacitance (pF) of a net with `fanout` sink pins (0 for a net without sinks). */
export function wireCapPf(w: WireLoad, fanout: number): number {
  return fanout <= 0 ? 0 : (w.baseUm + w.perFanoutUm * fanout) * w.capPfPerUm;
}

/** I/O boundary: the design sits between registers of the same library. */
export interface Environment {
  readonly wireLoad: WireLoad;
  /** library cell and pins that drive every data input (a register: CLK -> Q) */
  readonly inputDriver: { readonly cell: string; readonly fromPin: string; readonly pin: string };
  /** library cell and input pin that every data output drives (a register's D) */
  readonly outputSink: { readonly cell: string; readonly pin: string };
  /** transition of the ideal clock, ns */
  readonly clockSlewNs: number;
  /**
   * input transition at which the energy calculator indexes internal-power tables of cells whose input slew it
   * does not compute (the clock pins; the driving cells of primary inputs), ns
   */
  readonly nominalSlewNs: number;
}

export const DEFAULT_ENVIRONMENT: Environment = {
  wireLoad: DEFAULT_WIRE_LOAD,
  inputDriver: { cell: 'DFFPOSX1', fromPin: 'CLK', pin: 'Q' },
  outputSink: { cell: 'DFFPOSX1', pin: 'D' },
  clockSlewNs: 0.1,
  nominalSlewNs: 0.1,
};

function cellOf(lib: Library, name: string): LibCell {
  const c = lib.cells.get(name);
  if (!c) throw new LibertyError(`cell ${name} (named by the environment) is not in ${lib.name}`);
  return c;
}

/** Load (pF) each data output port drives: the sink pin plus one sink's wire. */
export function outputLoadPf(lib: Library, env: Environment): number {
  const p = cellOf(lib, env.outputSink.cell).pins.get(env.outputSink.pin);
  if (!p) throw new LibertyError(`${env.outputSink.cell} has no pin ${env.outputSink.pin}`);
  return p.capacitance + wireCapPf(env.wireLoad, 1);
}

/** Setup time (ns) of the output sink register, at the clock slew and the nominal data slew (worse of rise/fall). */
export function sinkSetupNs(lib: Library, env: Environment): number {
  const p = cellOf(lib, env.outputSink.cell).pins.get(env.outputSink.pin);
  const arc = p?.timing.find((t) => t.timingType === 'setup_rising');
  if (!arc) throw new LibertyError(`${env.outputSink.cell}.${env.outputSink.pin} has no setup_rising arc`);
  const vars = { related_pin_transition: env.clockSlewNs, constrained_pin_transition: env.nominalSlewNs };
  const t = (x: LibTable | undefined): number => (x ? lookupBy(x, vars) : 0);
  return Math.max(t(arc.riseConstraint), t(arc.fallConstraint));
}

/** One line naming the environment, for reports. */
export function describeEnvironment(lib: Library, env: Environment): string {
  return (
    `inputs driven by ${env.inputDriver.cell} ${env.inputDriver.fromPin}->${env.inputDriver.pin}, input delay 0; outputs load ` +
    `${(outputLoadPf(lib, env) * 1000).toFixed(1)} fF (${env.outputSink.cell}.${env.outputSink.pin} + wire), output delay ${sinkSetupNs(lib, env).toFixed(3)} ns ` +
    `(${env.outputSink.cell} setup); ideal clock, ${env.clockSlewNs} ns transition; reset paths false; wire load: ${env.wireLoad.name}`
  );
}

/** The energy reports' clock (make power, make pe-energy): every depth-1 design meets it (the slowest, bf16 k = 32, closes at ~15 MHz). */
export const POWER_CLOCK_MHZ = 10;
