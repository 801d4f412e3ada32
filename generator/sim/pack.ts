// Packing of data ports into one word per transaction, as exchanged with the testbench files.
// Order: the first data port (in ModuleInterface.ports order) occupies the least-significant bits,
// i.e. word = sum(value[k] << offset[k]) with offset[k] = sum of the widths of the data ports before k.
import type { ModuleInterface, PortDir, PortSpec } from '../hdl/ports.js';
import { HarnessError } from './errors.js';

export interface PlacedPort extends PortSpec {
  /** Bit offset of the port's LSB inside the packed word. */
  readonly lsb: number;
}

/** Names of the clock/reset/handshake ports, which are never data. */
function controlNames(iface: ModuleInterface): Set<string> {
  const hs = iface.handshake;
  return new Set(hs ? [hs.clock, hs.reset, hs.inValid, hs.inReady, hs.outValid, hs.outReady] : []);
}

/** Data ports of one direction with their offsets in the packed word. */
export function dataPorts(iface: ModuleInterface, dir: PortDir): PlacedPort[] {
  const control = controlNames(iface);
  const placed: PlacedPort[] = [];
  let lsb = 0;
  for (const p of iface.ports) {
    if (p.dir !== dir || control.has(p.name)) continue;
    if (!Number.isInteger(p.width) || p.width < 1) throw new HarnessError(`port ${iface.name}.${p.name} has invalid width ${p.width}`);
    placed.push({ ...p, lsb });
    lsb += p.width;
  }
  return placed;
}

export function packedWidth(ports: readonly PlacedPort[]): number {
  return ports.reduce((w, p) => w + p.width, 0);
}

const mask = (width: number): bigint => (1n << BigInt(width)) - 1n;

/** Packs named port values into one word; every port must be given and fit its width. */
export function packPorts(ports: readonly PlacedPort[], values: Readonly<Record<string, bigint>>): bigint {
  let word = 0n;
  for (const p of ports) {
    const v = values[p.name];
    if (v === undefined) throw new HarnessError(`pack: missing value for port ${p.name}`);
    if (v < 0n || v > mask(p.width)) throw new HarnessError(`pack: value 0x${v.toString(16)} does not fit port ${p.name}[${p.width - 1}:0]`);
    word |= v << BigInt(p.lsb);
  }
  return word;
}

/** Splits a packed word into named port values. */
export function unpackPorts(ports: readonly PlacedPort[], word: bigint): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const p of ports) out[p.name] = (word >> BigInt(p.lsb)) & mask(p.width);
  return out;
}

/** Zero-padded hex of a `width`-bit value, as $fwrite("%h") prints it. */
export function toHex(value: bigint, width: number): string {
  return value.toString(16).padStart(Math.ceil(width / 4), '0');
}
