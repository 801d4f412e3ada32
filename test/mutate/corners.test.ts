// The corner vectors the mutation analysis added (generator/mutate/corners.ts), against the unmutated RTL: the
// PE's subnormal-result chunks must match the golden model in Icarus, and must be what they claim to be (chunk
// results at every FP32 subnormal shift, not the normal values random data gives).
import { describe, expect, it } from 'vitest';
import { extraPeCases } from '../../generator/mutate/corners';
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

  it('pass on the unmutated PE tops (Icarus, against the golden model)', async () => {
    const pe = mutationUnits({}).find((u) => u.name === 'pe')!;
    const tops = pe.tops.filter((t) => /random\+corner|exhaustive/.test(t.label) && !t.top.name.startsWith('bf16'));
    expect(tops.length).toBe(6);
    await checkBaseline(tops, { dir: scratchDir('mutate-corners-') });
  });
});
