// A RAM as its own module (one memory of the DSL: one write port with an optional mask, one registered
// read port, read-first), so every buffer of the array is a separate, named instance: the place to put an
// SRAM macro, and what the synthesis report counts as memory bits.

import { type Module, ModuleBuilder, memoryAddrWidth } from '../../hdl/index';

export interface RamSpec {
  readonly width: number;
  readonly depth: number;
  /** bits per write-mask bit; absent: whole-word writes */
  readonly granule?: number;
}

export const ramName = (s: RamSpec): string => `ram_w${s.width}_d${s.depth}${s.granule !== undefined ? `_m${s.granule}` : ''}`;

const cache = new Map<string, Module>();

export function ramModule(s: RamSpec): Module {
  const name = ramName(s);
  const have = cache.get(name);
  if (have) return have;
  const aw = memoryAddrWidth(s.depth);
  const m = new ModuleBuilder(name, {
    doc: [
      `Synchronous RAM, ${s.depth} words x ${s.width} bits = ${s.depth * s.width} bits, one write and one read port on clk_i.`,
      s.granule !== undefined ? `Write mask: bit i of we_mask_i enables word bits [i*${s.granule}+${s.granule - 1}:i*${s.granule}].` : 'Whole-word writes.',
      'The read is registered: rdata_o holds word raddr_i of the last cycle with re_i = 1 (read-first: a read of the word',
      'written in the same cycle returns the old word). No reset; words are undefined until written.',
    ].join('\n'),
    config: { width: s.width, depth: s.depth, ...(s.granule !== undefined ? { granule: s.granule } : {}) },
  });
  const we = m.input('we_i', 1, 'write enable');
  const waddr = m.input('waddr_i', aw, 'write address');
  const wdata = m.input('wdata_i', s.width, 'write data');
  const mask = s.granule !== undefined ? m.input('we_mask_i', s.width / s.granule, `write mask, one bit per ${s.granule} bits`) : undefined;
  const re = m.input('re_i', 1, 'read enable');
  const raddr = m.input('raddr_i', aw, 'read address');
  const mem = m.memory('mem', { width: s.width, depth: s.depth, ...(s.granule !== undefined ? { maskGranule: s.granule } : {}) });
  mem.write({ addr: waddr, data: wdata, en: we, ...(mask ? { mask } : {}) });
  m.assign(m.output('rdata_o', s.width, 'word read in the last cycle with re_i = 1'), mem.read({ addr: raddr, en: re }));
  const built = m.build();
  cache.set(name, built);
  return built;
}
