// Cycle-based, zero-delay simulation of a mapped netlist in TypeScript, 32 independent streams at once (one per
// bit of a 32-bit word), counting the rising and falling transitions of every net between settled cycles.
// This is the toggle counter of the energy figures: the same semantics as a zero-delay gate-level simulation
// (Verilator with the liberty cell models), glitches not included; test/phys/gatesim.test.ts checks its toggle
// counts against a VCD of Icarus running osu018_stdcells.v and its outputs against Verilator and the golden model.
// The streaming protocol is the one of tb/stream_tb.v.hbs without stalls: an input word is offered at every
// clock edge while the unit accepts (in_valid && in_ready), outputs are taken every cycle (out_ready = 1).

import { boolVars, evalBool, parseBoolExpr, type BoolExpr } from './boolexpr';
import { HarnessError } from '../sim/errors';
import type { ModuleInterface } from '../hdl/ports';
import { dataPorts } from '../sim/pack';
import type { Library } from './liberty';
import { CONST0, CONST1, netGraph, type Netlist } from './netlist';

export class GateSimError extends HarnessError {}

export const LANES = 32;

const popcount = (x: number): number => {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
};

function jsExpr(e: BoolExpr, pin: (name: string) => string): string {
  switch (e.op) {
    case 'var':
      return pin(e.name);
    case 'const':
      return e.value ? '-1' : '0';
    case 'not':
      return `~${jsExpr(e.a, pin)}`;
    case 'and':
      return `(${jsExpr(e.a, pin)} & ${jsExpr(e.b, pin)})`;
    case 'or':
      return `(${jsExpr(e.a, pin)} | ${jsExpr(e.b, pin)})`;
    case 'xor':
      return `(${jsExpr(e.a, pin)} ^ ${jsExpr(e.b, pin)})`;
  }
}

interface Flop {
  readonly d: number;
  readonly q: readonly { net: number; inverted: boolean }[];
  /** net and polarity of the asynchronous clear / preset (-1: none) */
  readonly clr: number;
  readonly clrLow: boolean;
  readonly pre: number;
  readonly preLow: boolean;
  readonly presetWins: boolean;
}

/** A compiled netlist: `eval` settles the combinational logic, `clock` updates every flop. */
export class CompiledNetlist {
  readonly v: Int32Array;
  private readonly evalChunks: ((v: Int32Array) => void)[];
  private readonly flops: Flop[];
  readonly flopQ: Int32Array;
  constructor(
    readonly netlist: Netlist,
    readonly lib: Library,
  ) {
    const n = netlist;
    this.v = new Int32Array(n.netCount);
    this.v[CONST1] = -1;
    const g = netGraph(n);
    const combIdx: number[] = [];
    this.flops = [];
    const exprCache = new Map<string, BoolExpr>();
    const expr = (f: string): BoolExpr => {
      let e = exprCache.get(f);
      if (!e) exprCache.set(f, (e = parseBoolExpr(f)));
      return e;
    };
    n.cells.forEach((c, i) => {
      const lc = lib.cells.get(c.type)!;
      if (lc.ff) {
        const ff = lc.ff;
        const edge = parseBoolExpr(ff.clockedOn);
        if (edge.op !== 'var') throw new GateSimError(`cell ${c.type}: only rising-edge flip-flops are simulated (clocked_on "${ff.clockedOn}")`);
        const next = parseBoolExpr(ff.nextState);
        if (next.op !== 'var') throw new GateSimError(`cell ${c.type}: next_state "${ff.nextState}" is not a pin`);
        const ctl = (s: string | undefined): { net: number; low: boolean } => {
          if (!s) return { net: -1, low: false };
          const e = parseBoolExpr(s);
          const pinName = e.op === 'var' ? e.name : e.op === 'not' && e.a.op === 'var' ? e.a.name : undefined;
          if (!pinName) throw new GateSimError(`cell ${c.type}: asynchronous control "${s}" is not a pin`);
          return { net: c.inputs.get(pinName)!, low: e.op === 'not' };
        };
        const clr = ctl(ff.clear);
        const pre = ctl(ff.preset);
        const q = [...c.outputs].map(([pin, net]) => {
          const f = lc.pins.get(pin)!.function ?? '';
          const e = expr(f);
          const inv = e.op === 'not' && e.a.op === 'var' && e.a.name === ff.iq;
          if (!(e.op === 'var' && e.name === ff.iq) && !inv && !(e.op === 'var' && e.name === ff.iqn)) {
            throw new GateSimError(`cell ${c.type}: output ${pin} = "${f}" is not the flop state`);
          }
          return { net, inverted: inv || (e.op === 'var' && e.name === ff.iqn) };
        });
        this.flops.push({ d: c.inputs.get(next.name)!, q, clr: clr.net, clrLow: clr.low, pre: pre.net, preLow: pre.low, presetWins: ff.clearPresetVar1 === 'H' });
      } else {
        if (lc.latch) throw new GateSimError(`cell ${c.name} is a latch (${c.type}); latches are not simulated`);
        combIdx.push(i);
      }
    });
    this.flopQ = new Int32Array(this.flops.length);
    // levelize: a comb cell after the cells driving its inputs
    const level = new Int32Array(n.cells.length).fill(-1);
    const isComb = new Uint8Array(n.cells.length);
    for (const i of combIdx) isComb[i] = 1;
    const order: number[] = [];
    const pending = new Int32Array(n.cells.length);
    const readers: number[][] = Array.from({ length: n.cells.length }, () => []);
    for (const i of combIdx) {
      for (const net of n.cells[i]!.inputs.values()) {
        const d = g.driver[net]!;
        if (d >= 0 && isComb[d]) {
          pending[i]!++;
          readers[d]!.push(i);
        } else if (d === -2) throw new GateSimError(`net ${n.netNames.get(net) ?? net} (input of ${n.cells[i]!.name}) has no driver`);
      }
    }
    const queue = combIdx.filter((i) => pending[i] === 0);
    while (queue.length) {
      const i = queue.pop()!;
      order.push(i);
      level[i] = 0;
      for (const r of readers[i]!) if (--pending[r]! === 0) queue.push(r);
    }
    if (order.length !== combIdx.length) throw new GateSimError(`${n.top}: combinational loop (${combIdx.length - order.length} cells not ordered)`);
    const stmts = order.map((i) => {
      const c = n.cells[i]!;
      const lc = lib.cells.get(c.type)!;
      return [...c.outputs]
        .map(([pin, net]) => `v[${net}] = ${jsExpr(expr(lc.pins.get(pin)!.function!), (p) => `v[${c.inputs.get(p)!}]`)};`)
        .join('\n');
    });
    this.evalChunks = [];
    const CHUNK = 2000;
    for (let i = 0; i < stmts.length; i += CHUNK) {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      this.evalChunks.push(new Function('v', stmts.slice(i, i + CHUNK).join('\n')) as (v: Int32Array) => void);
    }
  }

  private writeQ(): void {
    const v = this.v;
    this.flops.forEach((f, i) => {
      const s = this.flopQ[i]!;
      for (const q of f.q) v[q.net] = q.inverted ? ~s : s;
    });
  }

  /** Applies asynchronous clear/preset to the flop state; true if any state bit changed. */
  private applyAsync(): boolean {
    const v = this.v;
    let changed = false;
    this.flops.forEach((f, i) => {
      if (f.clr < 0 && f.pre < 0) return;
      const clr = f.clr < 0 ? 0 : f.clrLow ? ~v[f.clr]! : v[f.clr]!;
      const pre = f.pre < 0 ? 0 : f.preLow ? ~v[f.pre]! : v[f.pre]!;
      const s = this.flopQ[i]!;
      const n = f.presetWins ? (s & ~clr) | pre : ~clr & (s | pre);
      if (n !== s) {
        this.flopQ[i] = n;
        changed = true;
      }
    });
    return changed;
  }

  /** Settles the combinational logic (and asynchronous controls) for the current inputs and flop state. */
  settle(): void {
    for (let iter = 0; ; iter++) {
      this.writeQ();
      for (const f of this.evalChunks) f(this.v);
      if (!this.applyAsync()) return;
      if (iter > 8) throw new GateSimError(`${this.netlist.top}: asynchronous set/reset does not settle`);
    }
  }

  /** Rising clock edge: every flop takes its D (asynchronous controls win). */
  clock(): void {
    const v = this.v;
    this.flops.forEach((f, i) => {
      const d = v[f.d]!;
      const clr = f.clr < 0 ? 0 : f.clrLow ? ~v[f.clr]! : v[f.clr]!;
      const pre = f.pre < 0 ? 0 : f.preLow ? ~v[f.pre]! : v[f.pre]!;
      this.flopQ[i] = f.presetWins ? (d & ~clr) | pre : ~clr & (d | pre);
    });
  }

  get flopCount(): number {
    return this.flops.length;
  }

  /** Cells of the netlist evaluated per settle (for throughput figures). */
  get combCells(): number {
    return this.netlist.cells.length - this.flops.length;
  }
}

/** cycles of a stream left uncounted before the toggle counts start (the pipeline fills) */
export const WARMUP_CYCLES = 6;

/** Per-net transition counts, summed over every lane, over the counted cycles. */
export interface ToggleCounts {
  readonly rises: Float64Array;
  readonly falls: Float64Array;
  /** cycles counted (per lane) and lanes */
  readonly cycles: number;
  readonly lanes: number;
  /** input transactions accepted inside the counted window, over all lanes */
  readonly acceptedInWindow: number;
}

export interface StreamRunOptions {
  /** packed input words (tb/stream_tb.v.hbs layout), the whole stream */
  readonly vectors: readonly bigint[];
  /** 1..32 independent streams: lane l simulates vectors [l * n/lanes, (l+1) * n/lanes) */
  readonly lanes?: number;
  /** leading cycles of every lane that are simulated but not counted (default 4 + the unit's latency) */
  readonly warmupCycles?: number;
  /** reset cycles before the stream starts (default 2) */
  readonly resetCycles?: number;
  /** output transactions expected per input transaction (default 1) */
  readonly outputsPerInput?: number;
  readonly timeoutCycles?: number;
  /** a lane's share of the stream is a multiple of this (a tile's rows) */
  readonly group?: number;
  /**
   * count every cycle from the warm-up to the edge that takes the last output (the testbench's last time step,
   * for comparisons with a simulator's VCD); default: only the steady cycles in which every lane offers input
   */
  readonly countToEnd?: boolean;
}

export interface StreamRunResult {
  /** output transactions of the whole stream, in stream order (lane after lane) */
  readonly outputs: bigint[];
  readonly toggles: ToggleCounts;
  /** cycles simulated (per lane) */
  readonly cycles: number;
  readonly seconds: number;
}

function hexBits(word: bigint, width: number): Uint8Array {
  const s = word.toString(2).padStart(width, '0');
  if (s.length > width) throw new GateSimError(`input word 0x${word.toString(16)} wider than ${width} bits`);
  const out = new Uint8Array(width);
  for (let i = 0; i < width; i++) out[i] = s.charCodeAt(width - 1 - i) - 48;
  return out;
}

/** Runs a stream through the compiled netlist of a handshake (or combinational) unit and counts toggles. */
export function runStream(sim: CompiledNetlist, iface: ModuleInterface, o: StreamRunOptions): StreamRunResult {
  const t0 = performance.now();
  const n = sim.netlist;
  const v = sim.v;
  const lanes = Math.min(o.lanes ?? LANES, LANES, o.vectors.length);
  if (lanes < 1) throw new GateSimError('runStream: no input vectors');
  const group = o.group ?? 1;
  const perLane = Math.floor(o.vectors.length / lanes / group) * group;
  if (perLane < 1) throw new GateSimError(`runStream: ${o.vectors.length} vectors for ${lanes} lanes`);
  const port = (name: string): readonly number[] => {
    const p = n.ports.find((x) => x.name === name);
    if (!p) throw new GateSimError(`${n.top}: the netlist has no port ${name}`);
    return p.bits;
  };
  const ins = dataPorts(iface, 'input');
  const outs = dataPorts(iface, 'output');
  const inBits: number[] = ins.flatMap((p) => port(p.name).slice(0, p.width));
  const outBits: number[] = outs.flatMap((p) => port(p.name).slice(0, p.width));
  if (inBits.length !== ins.reduce((s, p) => s + p.width, 0)) throw new GateSimError(`${n.top}: netlist ports do not match the interface`);
  const inW = inBits.length;
  const outW = outBits.length;
  const hs = iface.handshake;
  const one = (name: string | undefined): number => (name === undefined ? -1 : port(name)[0]!);
  const clkNet = one(hs?.clock);
  const rstNet = one(hs?.reset);
  const inValid = one(hs?.inValid);
  const inReady = one(hs?.inReady);
  const outValid = one(hs?.outValid);
  const outReady = one(hs?.outReady);
  const outPerIn = o.outputsPerInput ?? 1;
  const laneMask = lanes === 32 ? -1 : (1 << lanes) - 1;
  const rises = new Float64Array(n.netCount);
  const falls = new Float64Array(n.netCount);
  const prev = new Int32Array(n.netCount);
  const sent = new Int32Array(lanes);
  const taken = new Int32Array(lanes);
  const outWords: string[][] = Array.from({ length: lanes }, () => []);
  let presenting = 0; // lanes whose in_word holds a vector not yet accepted
  const setInputs = (bitsPerLane: (Uint8Array | null)[]): void => {
    for (let b = 0; b < inW; b++) {
      let w = v[inBits[b]!]!;
      for (let l = 0; l < lanes; l++) {
        const bits = bitsPerLane[l];
        if (!bits) continue;
        w = bits[b] ? w | (1 << l) : w & ~(1 << l);
      }
      v[inBits[b]!] = w;
    }
  };
  const count = (): void => {
    for (let i = 2; i < n.netCount; i++) {
      const x = v[i]!;
      const d = (x ^ prev[i]!) & laneMask;
      if (d !== 0) {
        rises[i] += popcount(d & x);
        falls[i] += popcount(d & ~x);
      }
      prev[i] = x;
    }
  };
  const snapshot = (): void => prev.set(v);
  const captureOutputs = (mask: number): void => {
    if (mask === 0) return;
    for (let l = 0; l < lanes; l++) {
      if (!((mask >>> l) & 1)) continue;
      let s = '';
      let nib = 0;
      for (let b = outW - 1; b >= 0; b--) {
        nib = (nib << 1) | ((v[outBits[b]!]! >>> l) & 1);
        if (b % 4 === 0) {
          s += nib.toString(16);
          nib = 0;
        }
      }
      outWords[l]!.push(s);
      taken[l]!++;
    }
  };
  const warm = o.warmupCycles ?? WARMUP_CYCLES;
  let cycles = 0;
  let counted = 0;
  let accepted = 0;
  if (!hs) {
    // combinational: one vector per cycle
    for (let c = 0; c < perLane; c++) {
      setInputs(Array.from({ length: lanes }, (_, l) => hexBits(o.vectors[l * perLane + c]!, inW)));
      sim.settle();
      if (c >= warm) {
        count();
        counted++;
        accepted += lanes;
      } else snapshot();
      captureOutputs(laneMask);
      cycles++;
    }
  } else {
    // reset (clock low, rst_n = 0), then release between edges, as the testbench does
    if (clkNet >= 0) v[clkNet] = 0;
    v[rstNet] = 0;
    v[inValid] = 0;
    v[outReady] = 0;
    sim.settle();
    for (let c = 0; c < (o.resetCycles ?? 2); c++) {
      sim.clock();
      sim.settle();
    }
    v[rstNet] = -1;
    sim.settle();
    snapshot();
    let stop = false;
    const limit = (perLane * Math.max(1, outPerIn) + 1000) * 4 + (o.timeoutCycles ?? 10000);
    while (!stop) {
      // values before the edge, as the testbench samples them
      const acc = v[inValid]! & v[inReady]! & laneMask;
      const outTake = v[outValid]! & v[outReady]! & laneMask;
      captureOutputs(outTake);
      presenting &= ~acc;
      const newBits: (Uint8Array | null)[] = new Array(lanes).fill(null);
      let validNext = v[inValid]! & ~acc;
      for (let l = 0; l < lanes; l++) {
        if ((presenting >>> l) & 1 || sent[l]! >= perLane) continue;
        newBits[l] = hexBits(o.vectors[l * perLane + sent[l]!]!, inW);
        sent[l]!++;
        presenting |= 1 << l;
        validNext |= 1 << l;
      }
      // counted: the cycles after the warm-up in which every lane offers a vector (the steady stream)
      const inWindow = cycles >= warm && (o.countToEnd === true || (presenting & laneMask) === laneMask);
      if (inWindow) accepted += popcount(acc);
      // the edge: flops take D, then the testbench's non-blocking updates
      sim.clock();
      setInputs(newBits);
      v[inValid] = validNext & laneMask;
      v[outReady] = laneMask;
      sim.settle();
      cycles++;
      if (inWindow) {
        count();
        counted++;
      } else snapshot();
      stop = taken.every((t) => t >= perLane * outPerIn);
      if (cycles > limit) throw new GateSimError(`${n.top}: the stream did not finish in ${limit} cycles (outputs ${[...taken].join(',')} of ${perLane * outPerIn} per lane)`);
    }
  }
  if (counted === 0) throw new GateSimError(`${n.top}: no steady cycle to count (${perLane} vectors per lane, ${warm} warm-up cycles)`);
  const outputs: bigint[] = [];
  for (let l = 0; l < lanes; l++) for (const s of outWords[l]!) outputs.push(BigInt('0x' + (s || '0')));
  return {
    outputs,
    toggles: { rises, falls, cycles: counted, lanes, acceptedInWindow: accepted },
    cycles,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Evaluates one combinational cell function on 0/1 inputs (for tests). */
export function evalCellOutput(lib: Library, type: string, pin: string, inputs: Readonly<Record<string, number>>): number {
  const p = lib.cells.get(type)?.pins.get(pin);
  if (!p?.function) throw new GateSimError(`${type}.${pin} has no function`);
  const e = parseBoolExpr(p.function);
  for (const x of boolVars(e)) if (inputs[x] === undefined) throw new GateSimError(`${type}.${pin}: input ${x} missing`);
  return evalBool(e, inputs);
}
