// Corner vectors added by the mutation analysis (reports/mutation.md): inputs that kill a mutant the unit's
// regular vector generators missed. Each entry says which mutant it kills and why the generators missed it.
// They run in the first stage of every mutant's test (units.ts) and, against the unmodified RTL, in
// test/mutate/corners.test.ts. Proposed for the units' own vector generators (see the report).

import { classifyCode, codeBits, decodeTable, FORMAT_TABLE, type FormatSpec } from '../golden/index';
import type { QuantizerConfig } from '../rtl/quantizer/quantizer';
import type { Block } from '../rtl/quantizer/vectors';
import { negCode, type PeCase, type PeKind } from '../rtl/pe/vectors';
import type { TileQuantConfig } from '../rtl/tile/tilequant';
import { Prng } from '../util/prng';

/** Extra blocks for a quantizer configuration (k elements each). */
export function extraQuantizerBlocks(c: QuantizerConfig): Block[] {
  void c;
  return [];
}

/**
 * Extra PE transactions of chunk length k.
 *
 * FP32-subnormal chunk results with sparse significands (kills fp32_round_m26_e10#204-#375 of the k = 4 mxsf
 * PE, the `below_guard` mask of the subnormal shift): the chunk is one to three non-zero products and zeros, its
 * scale sum swept so the result lands at every subnormal shift (2^-125 down to 2^-152), acc = +0 or -0 so the
 * chunk's rounding is the output. The mask decides the sticky bit, which changes the result only when the bits
 * below the guard are all zero but one at the mask's edge; the random generators' dense significands (every
 * element random) almost never have that, so every mask mutant survived them.
 */
export function extraPeCases(p: PeKind, k: number): PeCase[] {
  if (p.kind !== 'mx') return [];
  const fa = FORMAT_TABLE[p.formatA];
  const fb = FORMAT_TABLE[p.formatB];
  const finA = nonZeroFinite(fa);
  const finB = nonZeroFinite(fb);
  const rng = new Prng(0x5ab0);
  const out: PeCase[] = [];
  for (let n = 0; n < 24; n++) {
    const a = new Array<number>(k).fill(0); // code 0 is +0 in every format
    const b = new Array<number>(k).fill(0);
    const terms = 1 + rng.int(Math.min(3, k));
    for (let t = 0; t < terms; t++) {
      const i = rng.int(k);
      a[i] = rng.pick(finA);
      b[i] = rng.pick(finB);
    }
    let sum = 0; // exact: at most three products of short significands
    for (let i = 0; i < k; i++) sum += value(fa, a[i]!) * value(fb, b[i]!);
    if (sum === 0) continue;
    const e = exponentOf(Math.abs(sum));
    // r = sum * 2^(xa + xb - 254): its exponent from -125 (the normal edge) to -152 (below the smallest subnormal)
    out.push(...atSubnormalShifts(a, b, e));
  }
  // two power-of-two products 2^e1 +- 2^e2: a significand 1.00..01 or 0.11..1 with its low bit at every distance
  // from the leading one, the sticky patterns the mask's edge decides
  if (k >= 2) {
    const pow = new Map<number, [number, number]>();
    for (const ca of finA)
      for (const cb of finB) {
        const v = value(fa, ca) * value(fb, cb);
        if (v > 0 && isPowerOfTwo(v) && !pow.has(exponentOf(v))) pow.set(exponentOf(v), [ca, cb]);
      }
    const es = [...pow.keys()].sort((x, y) => y - x);
    const top = es[0]!;
    for (const e2 of es.slice(1))
      for (const sub of [false, true]) {
        const [a1, b1] = pow.get(top)!;
        const [a2, b2] = pow.get(e2)!;
        const nb = negCode(fb, b2);
        if (sub && nb === b2) continue; // the integer -2^(bits-1) has no negation
        const a = new Array<number>(k).fill(0);
        const b = new Array<number>(k).fill(0);
        a[0] = a1;
        b[0] = b1;
        a[1] = a2;
        b[1] = sub ? nb : b2;
        out.push(...atSubnormalShifts(a, b, sub ? top - 1 : top));
      }
  }
  return out;
}

/** The chunk (a, b) with |sum| in [2^e, 2^(e+1)) at every scale sum that puts it from 2^-125 down to 2^-152. */
function atSubnormalShifts(a: readonly number[], b: readonly number[], e: number): PeCase[] {
  const out: PeCase[] = [];
  for (let re = -125; re >= -152; re--) {
    const total = re - e + 254;
    if (total < 0 || total > 508) continue;
    const xa = Math.min(254, total);
    out.push({ a: [...a], b: [...b], xa, xb: total - xa, acc: (re & 1) === 0 ? 0 : 0x80000000 });
  }
  return out;
}

const isPowerOfTwo = (x: number): boolean => x === 2 ** exponentOf(x);

function nonZeroFinite(f: FormatSpec): number[] {
  const out: number[] = [];
  for (let c = 0; c < 1 << codeBits(f); c++) if (classifyCode(f, c) === 'finite' && decodeTable(f)[c] !== 0) out.push(c);
  return out;
}

const value = (f: FormatSpec, code: number): number => decodeTable(f)[code]!;

/** floor(log2 x) of a positive finite double, by halving and doubling (exact). */
function exponentOf(x: number): number {
  let e = 0;
  while (x >= 2) (x /= 2), e++;
  while (x < 1) (x *= 2), e--;
  return e;
}

/** Extra tiles (R*C raw patterns, row-major). */
export function extraTiles(cfg: TileQuantConfig): Uint32Array[] {
  void cfg;
  return [];
}
