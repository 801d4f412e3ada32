// Interfaces and reference models of the hand-written fixture DUTs in test/sim/fixtures/.
import { Prng } from '../../generator/util/prng';
import { fileURLToPath } from 'node:url';
import type { ModuleInterface } from '../../generator/hdl/ports.js';
import { STREAM_HANDSHAKE } from '../../generator/hdl/ports.js';
import { dataPorts, packPorts, unpackPorts } from '../../generator/sim/pack.js';

export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.v`, import.meta.url));

const hsPorts = [
  { name: 'clk_i', dir: 'input', width: 1 },
  { name: 'rst_ni', dir: 'input', width: 1 },
  { name: 'in_valid_i', dir: 'input', width: 1 },
  { name: 'in_ready_o', dir: 'output', width: 1 },
  { name: 'out_valid_o', dir: 'output', width: 1 },
  { name: 'out_ready_i', dir: 'input', width: 1 },
] as const;

function adder(name: string): ModuleInterface {
  return {
    name,
    params: {},
    handshake: STREAM_HANDSHAKE,
    ports: [
      ...hsPorts,
      { name: 'a_i', dir: 'input', width: 8 },
      { name: 'b_i', dir: 'input', width: 8 },
      { name: 'sum_o', dir: 'output', width: 9 },
    ],
  };
}

/** 2-stage valid/ready pipeline. */
export const ADD2_PIPE = adder('add2_pipe');
/** 0-depth unit, in_ready_o = out_ready_i. */
export const ADD_PASSTHRU = adder('add_passthru');
/** Broken register that ignores back-pressure. */
export const DROP_PIPE = adder('drop_pipe');
/** add2_pipe whose first valid bit is not reset: a beat survives a mid-stream reset. */
export const STALE_PIPE = adder('stale_pipe');
/** 1-stage adder whose sum reads a register never reset or written (X / random). */
export const XINIT_PIPE = adder('xinit_pipe');
/** Correct 1-stage adder that shows an unwritten register on sum_o while out_valid is 0. */
export const XIDLE_PIPE = adder('xidle_pipe');

/** Combinational module without handshake, 80-bit packed input. */
export const WIDE_COMB: ModuleInterface = {
  name: 'wide_comb',
  params: {},
  ports: [
    { name: 'a_i', dir: 'input', width: 40 },
    { name: 'b_i', dir: 'input', width: 40 },
    { name: 'sum_o', dir: 'output', width: 41 },
    { name: 'xor_o', dir: 'output', width: 8 },
  ],
};

/** Deterministic pseudo-random bigint source (the project PRNG), so tests are reproducible. */
export function rng(seed: number): (bits: number) => bigint {
  const p = new Prng(seed);
  return (bits) => p.bits(bits);
}

export function adderVectors(iface: ModuleInterface, n: number, seed: number): bigint[] {
  const r = rng(seed);
  const ins = dataPorts(iface, 'input');
  return Array.from({ length: n }, () => packPorts(ins, { a_i: r(8), b_i: r(8) }));
}

/** Reference model of the adders: packed input word -> packed output word. */
export function adderModel(iface: ModuleInterface, word: bigint): bigint {
  const { a_i, b_i } = unpackPorts(dataPorts(iface, 'input'), word);
  return packPorts(dataPorts(iface, 'output'), { sum_o: a_i! + b_i! });
}

export function wideModel(word: bigint): bigint {
  const { a_i, b_i } = unpackPorts(dataPorts(WIDE_COMB, 'input'), word);
  return packPorts(dataPorts(WIDE_COMB, 'output'), { sum_o: a_i! + b_i!, xor_o: (a_i! & 0xffn) ^ (b_i! >> 32n) });
}
