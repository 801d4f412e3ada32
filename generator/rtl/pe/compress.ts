// Multi-operand addition by column compression (Dadda): bits of equal weight are reduced with full and half
// adders until every column holds at most two bits, then one carry-propagate adder finishes the sum.
// The PE's bit-level reduction (tree: 'dadda', tree.ts; the default is the word-level compressor tree): k terms
// enter with the +1 corrections and the sign-extension constants folded into the columns, so no term is ever
// negated or sign-extended. Every full adder is written out inline (large Verilog: 700 KB for k = 32 E5M2).

import { type Expr, concat, lit } from '../../hdl/index';

/** Weighted bits: column c holds 1-bit expressions of weight 2^c. */
export type Columns = Expr[][];

/** Dadda's height sequence 2, 3, 4, 6, 9, 13, 19, 28, 42, 63, ... */
function daddaHeights(max: number): number[] {
  const d = [2];
  while (d[d.length - 1]! < max) d.push(Math.floor((d[d.length - 1]! * 3) / 2));
  return d;
}

/**
 * The sum of all bits (times their weights) plus `constant`, modulo 2^width, as an unsigned width-bit Expr.
 * Full/half adder outputs are named `<name>_<stage>_<n>_{s,c}`; the final adder `<name>_cpa`.
 */
export function compressColumns(input: Columns, constant: bigint, width: number, name: string): Expr {
  const cols: Expr[][] = Array.from({ length: width }, (_, c) => [...(input[c] ?? [])]);
  const k = ((constant % (1n << BigInt(width))) + (1n << BigInt(width))) % (1n << BigInt(width));
  for (let c = 0; c < width; c++) if ((k >> BigInt(c)) & 1n) cols[c]!.push(lit(1, 1));
  const heights = daddaHeights(Math.max(...cols.map((c) => c.length)));
  let n = 0;
  for (let s = heights.length - 1; s >= 0; s--) {
    const target = heights[s]!;
    if (Math.max(...cols.map((c) => c.length)) <= target) continue;
    const next: Expr[][] = Array.from({ length: width }, () => []);
    for (let c = 0; c < width; c++) {
      const col = cols[c]!;
      // bits arriving from column c-1's adders in this stage count toward this column's height
      let height = col.length + next[c]!.length;
      let i = 0;
      while (height > target) {
        const id = `${name}_${s}_${n++}`;
        if (height - target >= 2 && col.length - i >= 3) {
          const [a, b, x] = [col[i]!, col[i + 1]!, col[i + 2]!];
          i += 3;
          const p = a.xor(b);
          next[c]!.push(p.xor(x).named(`${id}_s`));
          if (c + 1 < width) next[c + 1]!.push(a.and(b).or(x.and(p)).named(`${id}_c`));
          height -= 2;
        } else if (col.length - i >= 2) {
          const [a, b] = [col[i]!, col[i + 1]!];
          i += 2;
          next[c]!.push(a.xor(b).named(`${id}_s`));
          if (c + 1 < width) next[c + 1]!.push(a.and(b).named(`${id}_c`));
          height -= 1;
        } else break;
      }
      next[c]!.push(...col.slice(i));
    }
    for (let c = 0; c < width; c++) cols[c] = next[c]!;
  }
  if (cols.some((c) => c.length > 2)) throw new Error(`compressColumns(${name}): a column still holds more than two bits`);
  const row = (r: number): Expr => concat(...Array.from({ length: width }, (_, j) => cols[width - 1 - j]![r] ?? lit(0, 1)));
  return row(0).add(row(1)).trunc(width).named(`${name}_cpa`);
}

/**
 * Columns of the sum of k sign-magnitude terms (-1)^sign_i * mag_i (mag_i unsigned, M bits), without
 * negating anything: -m = ~m + 1, and a two's-complement (M+1)-bit value with sign bit s is
 * (~s) * 2^M + low - 2^M. So term i contributes the bits mag_i ^ sign_i at columns 0..M-1, ~sign_i at
 * column M and sign_i at column 0, and the k terms together the constant -k * 2^M (returned).
 */
export function signMagnitudeColumns(terms: readonly { mag: Expr; sign: Expr }[]): { columns: Columns; constant: bigint } {
  const M = terms[0]!.mag.width;
  const columns: Columns = Array.from({ length: M + 1 }, () => []);
  for (const t of terms) {
    if (t.mag.width !== M) throw new Error('signMagnitudeColumns: all magnitudes must have the same width');
    for (let j = 0; j < M; j++) columns[j]!.push(t.mag.bit(j).xor(t.sign));
    columns[M]!.push(t.sign.not());
    columns[0]!.push(t.sign);
  }
  return { columns, constant: -BigInt(terms.length) << BigInt(M) };
}
