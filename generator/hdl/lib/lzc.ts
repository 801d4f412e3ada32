// Leading-zero counter as a log-depth tree of (all-zero flag, count) nodes over power-of-two blocks.
// A w-bit input splits into its top 2^k bits (the largest power of two <= w) and the rest, so no
// constant padding is needed: lzc = zHi ? {1, lzc(rest)} : {0, countHi}.
import { ModuleBuilder, type Module } from '../dsl';
import { type Expr } from '../expr';
import { concat, lit, mux } from '../ops';
import { clog2 } from '../shape';

interface Block {
  /** all bits of the block are zero */
  readonly z: Expr;
  /** leading zeros within the block, log2(size) bits; meaningless when z; null for 1-bit blocks */
  readonly c: Expr | null;
}

/** Number of leading zeros of x (x.width when x is 0), clog2(x.width + 1) bits. */
export function leadingZeros(x: Expr, name = 'lzc'): Expr {
  const bits = Array.from({ length: x.width }, (_, i) => x.bit(x.width - 1 - i)); // MSB first
  return countBits(bits, name, 0);
}

function countBits(bits: readonly Expr[], name: string, offset: number): Expr {
  const size = 2 ** Math.floor(Math.log2(bits.length));
  const k = Math.log2(size);
  const hi = block(bits.slice(0, size), name, offset);
  if (size === bits.length) return hi.c === null ? hi.z : concat(hi.z, mux(hi.z, lit(0, k), hi.c));
  const rest = countBits(bits.slice(size), name, offset + size).zext(k);
  return concat(hi.z, mux(hi.z, rest, hi.c!));
}

/** Power-of-two block starting `offset` bits below the MSB. Names: <name>_z|c<log2 size>_<offset>. */
function block(bits: readonly Expr[], name: string, offset: number): Block {
  const n = bits.length;
  if (n === 1) return { z: bits[0]!.not().named(`${name}_z0_${offset}`), c: null };
  const hi = block(bits.slice(0, n / 2), name, offset);
  const lo = block(bits.slice(n / 2), name, offset + n / 2);
  const z = hi.z.and(lo.z).named(`${name}_z${Math.log2(n)}_${offset}`);
  const c = hi.c === null ? hi.z : concat(hi.z, mux(hi.z, lo.c!, hi.c)).named(`${name}_c${Math.log2(n)}_${offset}`);
  return { z, c };
}

/** A standalone `lzc_w<width>` module: `x_i` -> `count_o` (clog2(width+1) bits). */
export function lzcModule(width: number): Module {
  const m = new ModuleBuilder(`lzc_w${width}`, {
    doc: `Leading-zero counter, log-depth tree. count_o = number of zeros above the first 1 of x_i (${width} when x_i is 0).`,
    config: { width },
  });
  const x = m.input('x_i', width, 'value to count');
  const count = m.output('count_o', clog2(width + 1), 'leading zeros of x_i');
  m.assign(count, leadingZeros(x));
  return m.build();
}
