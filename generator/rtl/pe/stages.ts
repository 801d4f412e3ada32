// Pipeline register cuts placed along a datapath, chained with the valid/ready handshake of lib/pipeline:
// the datapath is written front to back, and `cut()` inserts `depth` register stages for the signals
// crossing that point. Stage s of cut c accepts when it is empty or its successor accepts, so the whole
// chain streams one beat per cycle without bubbles.

import { type Expr, type ModuleBuilder, type Signal, type StreamPorts, pipeline } from '../../hdl/index';

export class StageChain {
  private valid: Expr;
  /** the ready signal the stage before the next cut drives (the module's in_ready_o at first) */
  private pendingReady: Signal;
  private n = 0;

  constructor(
    private readonly m: ModuleBuilder,
    private readonly hs: StreamPorts,
  ) {
    this.valid = hs.inValid;
    this.pendingReady = hs.inReady;
  }

  /** `depth` register stages named `<name><i>_*_q` (depth 0 passes the data through). */
  cut<K extends string>(name: string, depth: number, data: Readonly<Record<K, Expr>>): Readonly<Record<K, Expr>> {
    if (depth === 0) return data;
    const ready = this.m.wire(`${name}_out_ready`, 1, `the stage after the ${name} registers accepts`);
    const p = pipeline(this.m, { name, depth, inValid: this.valid, outReady: ready, data });
    this.m.assign(this.pendingReady, p.inReady);
    this.pendingReady = ready;
    this.valid = p.outValid;
    this.n += depth;
    return p.data;
  }

  /** Connects the last stage to the module's output handshake. */
  finish(): void {
    this.m.assign(this.pendingReady, this.hs.outReady);
    this.m.assign(this.hs.outValid, this.valid);
  }

  get stages(): number {
    return this.n;
  }
}

/** Where the register stages of a PE of pipeline depth d go: [after the reduction, after the FP32 rounding, at the output]. */
export function stagePlan(depth: number): { reduce: number; round: number; out: number } {
  if (!Number.isInteger(depth) || depth < 0) throw new Error(`PE pipeline depth must be an integer >= 0, got ${depth}`);
  if (depth === 0) return { reduce: 0, round: 0, out: 0 };
  if (depth === 1) return { reduce: 0, round: 0, out: 1 };
  if (depth === 2) return { reduce: 1, round: 0, out: 1 };
  return { reduce: 1, round: 1, out: depth - 2 };
}
