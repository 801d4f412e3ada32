// The corner vectors the mutation analysis added (generator/mutate/corners.ts), against the unmutated RTL: the
// PE's subnormal-result chunks must match the golden model in Icarus, and must be what they claim to be (chunk
// results at every FP32 subnormal shift, not the normal values random data gives).
import { describe, expect, it } from 'vitest';
import { adderEdgeCases, bf16SpecialCases, extraPeCases, productEdgeCases, rangeEdgeProducts, roundingEdgeCases } from '../../generator/mutate/corners';
import { decodeTable, FORMAT_TABLE } from '../../generator/golden/index';
import { checkBaseline } from '../../generator/mutate/run';
import { mutationUnits } from '../../generator/mutate/units';
import { peModel, type PeKind } from '../../generator/rtl/pe/vectors';
import { scratchDir } from '../../generator/sim/paths';

const mx = (f: 'mxsf' | 'mxfp4-e2m1' | 'mxint8'): PeKind => ({ kind: 'mx', formatA: f, formatB: f });

describe('mutation corner vectors', () => {
  it('are FP32-subnormal chunk results at every shift', () => {
    for (const f of ['mxsf', 'mxfp4-e2m1', 'mxint8'] as const)
      for (const k of [1, 4]) {
        const model = peModel(mx(f));
        const cases = extraPeCases(mx(f), k);
        const exps = cases.map((c) => (model(c) >>> 23) & 0xff);
        expect(cases.length, `${f} k=${k}`).toBeGreaterThan(400);
        // most land below 2^-126 (exponent field 0); the distinct subnormal bit lengths cover the whole range
        expect(exps.filter((e) => e === 0).length / cases.length, `${f} k=${k}`).toBeGreaterThan(0.8);
        const lengths = new Set(cases.map((c) => model(c) & 0x7fffff).filter((m) => m > 0).map((m) => m.toString(2).length));
        expect(lengths.size, `${f} k=${k}`).toBeGreaterThanOrEqual(20);
      }
  });

  it('put the rounding edge on large and small products, up to the significand\'s top bit', () => {
    const f = FORMAT_TABLE.mxsf;
    const v = decodeTable(f);
    const cases = roundingEdgeCases(mx('mxsf'), 4);
    expect(cases.length).toBeGreaterThan(2000);
    // the chunk sums before scaling: mxsf's finest product bit is 2^-18 and k = 4 products need 26 bits, so
    // 128 = 2^25 and 192 = 2^25 + 2^24 are the significand's top bits (sums of three or four large products)
    const sums = new Set(cases.map((c) => Array.from(c.a, (x, i) => v[x]! * v[c.b[i]!]!).reduce((s, x) => s + x, 0)));
    expect(sums.has(128)).toBe(true);
    expect(sums.has(192)).toBe(true);
    expect(sums.has(128 + 2 ** -18)).toBe(true); // the top bit and the lowest
    // the scale puts some bit of each sum at the guard of the smallest subnormal (2^-150) or one above, so no
    // result reaches 2^-123 (a 26-bit sum's top bit 25 places above 2^-149); most are subnormal or zero
    const model = peModel(mx('mxsf'));
    const fields = cases.map((c) => (model(c) >>> 23) & 0xff);
    expect(Math.max(...fields)).toBeLessThanOrEqual(3);
    expect(fields.filter((e) => e === 0).length / cases.length).toBeGreaterThan(0.8);
    expect(roundingEdgeCases(mx('mxsf'), 1)).toEqual([]);
  });

  it('put the guard of the smallest subnormal on every bit of a single product (k = 1)', () => {
    const v = decodeTable(FORMAT_TABLE.mxsf);
    const cases = productEdgeCases(mx('mxsf'));
    expect(cases.length).toBeGreaterThan(1000);
    expect(cases.every((c) => c.a.length === 1)).toBe(true);
    // the guard's weight is fixed (2^-150): bit i of the product (in units of mxsf's finest product bit, 2^-18)
    // sits on it, or one place below 2^-149 (acc -0 marks those), at scale sum xa + xb = t + 18 + 254 - i.
    // Every bit of the 24-bit products meets the guard, the top ones and bit 0 included
    const placed = new Set<number>();
    for (const c of cases) {
      const t = c.acc === 0 ? -150 : -149;
      const i = t + 18 + 254 - (c.xa + c.xb);
      const P = Math.abs(v[c.a[0]!]! * v[c.b[0]!]!) * 2 ** 18;
      expect(Math.floor(P / 2 ** i) % 2, `case ${JSON.stringify(c)}: bit ${i} of ${P}`).toBe(1);
      placed.add(i);
    }
    for (let i = 0; i <= 23; i++) expect(placed.has(i), `bit ${i}`).toBe(true);
    expect(productEdgeCases({ kind: 'bf16' })).toEqual([]);
  });

  it('take a single product to the overflow edge and below the smallest subnormal (k = 1)', () => {
    for (const f of ['mxsf', 'mxfp4-e2m1', 'mxint8'] as const) {
      const model = peModel(mx(f));
      const cases = rangeEdgeProducts(mx(f));
      const out = cases.map(model);
      const field = (r: number) => (r >>> 23) & 0xff;
      // per distinct product: Inf at 2^128; exponent fields 254 and 253 at 2^127, 2^126; zero at 2^-151, 2^-152
      expect(out.filter((r) => (r & 0x7fffffff) === 0x7f800000).length, f).toBe(cases.length / 5);
      expect(out.filter((r) => field(r) === 254).length, f).toBe(cases.length / 5);
      expect(out.filter((r) => field(r) === 253).length, f).toBe(cases.length / 5);
      expect(out.filter((r) => (r & 0x7fffffff) === 0).length, f).toBe((2 * cases.length) / 5);
    }
    expect(rangeEdgeProducts({ kind: 'bf16' })).toEqual([]);
  });

  it('hold every pair of BF16 special operands in every lane, the NaN of payload 1 included', () => {
    const model = peModel({ kind: 'bf16' });
    for (const k of [1, 2]) {
      const cases = bf16SpecialCases({ kind: 'bf16' }, k);
      const isNan = (x: number) => (x & 0x7f80) === 0x7f80 && (x & 0x7f) !== 0;
      for (let lane = 0; lane < k; lane++) {
        const nan1 = cases.filter((c) => c.a[lane] === 0x7f81 || c.b[lane] === 0x7f81);
        expect(nan1.length, `k=${k} lane ${lane}`).toBeGreaterThan(0);
        // a NaN operand gives the canonical NaN, whatever the other operand
        expect(nan1.every((c) => model(c) === 0x7fc00000)).toBe(true);
      }
      expect(cases.filter((c) => Array.from(c.a).some(isNan) || Array.from(c.b).some(isNan)).every((c) => model(c) === 0x7fc00000)).toBe(true);
    }
    expect(bf16SpecialCases(mx('mxsf'), 4)).toEqual([]);
  });

  it('cancel in the accumulator to every leading-one position, and align at every distance', () => {
    for (const p of [mx('mxsf'), { kind: 'bf16' } as const]) {
      const model = peModel(p);
      const cases = adderEdgeCases(p, 4);
      expect(cases.length).toBeGreaterThan(2000);
      // how far the sum's exponent falls below the larger operand's: 0 (no cancellation) down to 24 and beyond
      const drops = new Set<number>();
      const dists = new Set<number>();
      for (const c of cases) {
        const ec = (model({ ...c, acc: 0 }) >>> 23) & 0xff;
        const ea = (c.acc >>> 23) & 0xff;
        const er = (model(c) >>> 23) & 0xff;
        if (er > 0 && er <= Math.max(ec, ea)) drops.add(Math.max(ec, ea) - er);
        dists.add(ea - ec);
      }
      for (let d = 0; d <= 24; d++) expect(drops.has(d), `${JSON.stringify(p)}: a sum ${d} binades below its operands`).toBe(true);
      for (let d = -28; d <= 28; d++) expect(dists.has(d), `${JSON.stringify(p)}: operands ${d} binades apart`).toBe(true);
    }
  });

  it('pass on the unmutated PE tops (Icarus, against the golden model)', async () => {
    const pe = mutationUnits({}).find((u) => u.name === 'pe')!;
    const tops = pe.tops.filter((t) => /random\+corner|exhaustive|sign\/exp/.test(t.label));
    expect(tops.length).toBe(8); // k = 4 or 2 and k = 1 of three MX PEs and of the BF16 PE
    await checkBaseline(tops, { dir: scratchDir('mutate-corners-') });
  });
});
