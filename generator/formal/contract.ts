// The stream contract a formal wrapper checks, derived from a built module's port interface
// (Module.interface(), hdl/ports.ts) and its combinational paths (Module.combPaths):
//   - input channels: a valid/ready pair and the data ports it carries, `beats` beats per transaction;
//   - output channels likewise;
//   - which output valids depend combinationally on which inputs (a depth-0 stream module shows the
//     offered input beat on its output in the same cycle, before accepting it).
// A module with the single handshake of ports.ts gets one input and one output channel holding every data
// port. A module with several handshakes (an array's host ports) passes its channel list explicitly.

import type { Module } from '../hdl/index';
import type { PortSpec } from '../hdl/ports';

export interface Channel {
  /** a name for reports: 'in', 'out', or the channel's own name */
  readonly name: string;
  readonly valid: string;
  readonly ready: string;
  readonly data: readonly PortSpec[];
  /** beats on this channel per transaction (a tile: R rows in, L lines out) */
  readonly beats: number;
}

export interface StreamContract {
  readonly top: string;
  readonly clock: string;
  readonly reset: string;
  readonly ports: readonly PortSpec[];
  readonly inputs: readonly Channel[];
  readonly outputs: readonly Channel[];
  /** output port -> input ports it depends on combinationally */
  readonly combPaths: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Beats per transaction on the single input and output channel (default 1 and 1). */
export interface TransactionShape {
  readonly inBeats: number;
  readonly outBeats: number;
}

export interface ChannelSpec {
  readonly name: string;
  readonly valid: string;
  readonly ready: string;
  readonly data: readonly string[];
  readonly beats?: number;
}

/**
 * The contract of a streaming module: from its single handshake (ports.ts), or from explicit channel lists
 * for a module with several. Undefined for a module without a handshake.
 */
export function streamContract(
  m: Module,
  shape: TransactionShape = { inBeats: 1, outBeats: 1 },
  channels?: { readonly inputs: readonly ChannelSpec[]; readonly outputs: readonly ChannelSpec[] },
): StreamContract | undefined {
  const iface = m.interface();
  const hs = iface.handshake;
  if (!hs && !channels) return undefined;
  const byName = new Map(iface.ports.map((p) => [p.name, p]));
  const port = (name: string, dir: 'input' | 'output'): PortSpec => {
    const p = byName.get(name);
    if (!p || p.dir !== dir) throw new Error(`formal contract of ${m.name}: no ${dir} port '${name}'`);
    return p;
  };
  const clock = hs?.clock ?? 'clk_i';
  const reset = hs?.reset ?? 'rst_ni';
  const mk = (c: ChannelSpec, dir: 'in' | 'out'): Channel => {
    port(c.valid, dir === 'in' ? 'input' : 'output');
    port(c.ready, dir === 'in' ? 'output' : 'input');
    const beats = c.beats ?? 1;
    if (!Number.isInteger(beats) || beats < 1) throw new Error(`formal contract of ${m.name}: channel '${c.name}' needs beats >= 1, got ${beats}`);
    return { name: c.name, valid: c.valid, ready: c.ready, data: c.data.map((d) => port(d, dir === 'in' ? 'input' : 'output')), beats };
  };
  const specs = channels ?? {
    inputs: [{ name: 'in', valid: hs!.inValid, ready: hs!.inReady, data: m.dataPorts('input').map((p) => p.name), beats: shape.inBeats }],
    outputs: [{ name: 'out', valid: hs!.outValid, ready: hs!.outReady, data: m.dataPorts('output').map((p) => p.name), beats: shape.outBeats }],
  };
  return {
    top: m.name,
    clock,
    reset,
    ports: iface.ports,
    inputs: specs.inputs.map((c) => mk(c, 'in')),
    outputs: specs.outputs.map((c) => mk(c, 'out')),
    combPaths: m.combPaths,
  };
}
