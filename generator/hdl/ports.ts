// The port-level contract shared by the HDL emitter (which produces it for every generated module),
// the ts-morph bindings (which describe it as TypeScript) and the simulation harness (which consumes it).
// Conventions of every generated streaming unit:
//   clock `clk_i` (posedge), asynchronous active-low reset `rst_ni`,
//   input handshake  `in_valid_i` / `in_ready_o`, output handshake `out_valid_o` / `out_ready_i`;
//   all other ports are data ports, flat little-endian vectors (element i of a k-wide bus of w-bit codes
//   occupies bits [i*w + w-1 : i*w]).

export type PortDir = 'input' | 'output';

export interface PortSpec {
  readonly name: string;
  readonly dir: PortDir;
  readonly width: number;
  readonly doc?: string;
}

export interface HandshakeSpec {
  readonly clock: string;
  readonly reset: string; // asynchronous, active low
  readonly inValid: string;
  readonly inReady: string;
  readonly outValid: string;
  readonly outReady: string;
}

export const STREAM_HANDSHAKE: HandshakeSpec = {
  clock: 'clk_i',
  reset: 'rst_ni',
  inValid: 'in_valid_i',
  inReady: 'in_ready_o',
  outValid: 'out_valid_o',
  outReady: 'out_ready_i',
};

/** Everything a harness needs to drive a generated module. */
export interface ModuleInterface {
  readonly name: string;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly ports: readonly PortSpec[];
  /** Present when the module is a streaming unit with the conventions above; absent for pure combinational modules. */
  readonly handshake?: HandshakeSpec;
}
