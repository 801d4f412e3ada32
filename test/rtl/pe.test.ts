// The processing elements: width derivation, the inline decoder and the product lane (evaluated exactly
// with evalExpr, no simulator), module structure, and short simulations (every depth, stalls) against
// the golden model. The big regressions are in generator/verify/suites/pe.ts (make sim).

import { describe, expect, test } from 'vitest';
import {
  FORMAT_NAMES, FORMAT_TABLE, classifyCode, codeBits, decodeTable, lsbExp, maxNormal, type FormatName,
} from '../../generator/golden/index';
import { rmSync } from 'node:fs';
import { allModules, emitVerilog, evalExpr, fromBits, writeDesign } from '../../generator/hdl/index';
import { lintVerilog, synthesize } from '../../generator/sim/index';
import { scratchDir } from '../../generator/sim/paths';
import { unpackedLayout } from '../../generator/rtl/common/unpacked';
import { bf16PeModule } from '../../generator/rtl/pe/bf16-pe';
import { MIXED_PAIRS, peReferenceConfigs, peSynthConfigs } from '../../generator/rtl/pe/configs';
import { decodeElementModel, shiftWidth } from '../../generator/rtl/pe/decode';
import { type PeArch, laneModule, laneTermWidth } from '../../generator/rtl/pe/mx-chunk';
import { mxPeModule, mxPePlanned } from '../../generator/rtl/pe/mx-pe';
import { PeSimulator, simulateOnce } from '../../generator/rtl/pe/run';
import {
  type PeCase, type PeKind, accRunModel, exhaustivePairs, packAccRuns, peInputPacker, peModel, randomAccRuns, randomBf16Cases, randomMxCases,
} from '../../generator/rtl/pe/vectors';
import { peWidths } from '../../generator/rtl/pe/widths';

const ARCHS: PeArch[] = [
  { sign: 'ones', tree: 'adders' },
  { sign: 'negate', tree: 'adders' },
  { sign: 'magnitude', tree: 'csa' },
  { sign: 'ones', tree: 'csa', positiveZero: true },
  { sign: 'ones-late', tree: 'csa', positiveZero: true },
];
const PAIRS: [FormatName, FormatName][] = [...FORMAT_NAMES.map((f) => [f, f] as [FormatName, FormatName]), ...MIXED_PAIRS.map(([a, b]) => [a, b] as [FormatName, FormatName])];

describe('fixed-point width derivation', () => {
  test('mxsf: LSB 2^-9 per element, |P| <= 7.875^2, k = 32', () => {
    const w = peWidths(FORMAT_TABLE.mxsf, FORMAT_TABLE.mxsf, 32);
    expect(w.unitExp).toBe(-18);
    expect(w.maxP).toBe(4032n * 4032n); // 7.875 * 2^9 = 4032
    expect(w.minP).toBe(-(4032n * 4032n));
    expect(w.sumWidth).toBe(30); // 32 * 4032^2 < 2^29
    expect(w.magWidth).toBe(29);
    expect(w.expOffset).toBe(-18 - 254);
    expect(w.derivation.join('\n')).toContain('chunk sum of k = 32');
  });

  test('mxint8 counts the -2.0 code (0x80) that decodes but is never produced', () => {
    const w = peWidths(FORMAT_TABLE.mxint8, FORMAT_TABLE.mxint8, 32);
    expect(w.maxP).toBe(128n * 128n);
    expect(w.minP).toBe(-128n * 127n);
    expect(w.derivation[0]).toContain('above max normal');
  });

  test.each(PAIRS)('%s x %s: the sum of k extreme products fits, one more unit would not always', (a, b) => {
    for (const k of [1, 8, 32]) {
      const w = peWidths(FORMAT_TABLE[a], FORMAT_TABLE[b], k);
      const lim = 1n << BigInt(w.sumWidth - 1);
      expect(BigInt(k) * w.maxP).toBeLessThan(lim);
      expect(BigInt(k) * w.minP).toBeGreaterThanOrEqual(-lim);
      // narrowest: half the range would not hold one of the extremes
      expect(BigInt(k) * w.maxP >= lim / 2n || BigInt(k) * w.minP < -lim / 2n).toBe(true);
      // the product extremes follow from the largest element magnitudes
      const mag = (f: FormatName) => Math.max(...Array.from(decodeTable(FORMAT_TABLE[f])).filter(Number.isFinite).map(Math.abs));
      expect(Number(w.maxP > -w.minP ? w.maxP : -w.minP)).toBe((mag(a) * mag(b)) / 2 ** w.unitExp);
      expect(mag(a)).toBeGreaterThanOrEqual(maxNormal(FORMAT_TABLE[a]));
    }
  });
});

describe('inline decoder', () => {
  test.each(FORMAT_NAMES)('%s: every finite code is (-1)^sign * sig * 2^(sh + lsbExp) within the unpacked widths', (name) => {
    const f = FORMAT_TABLE[name];
    const table = decodeTable(f);
    const lay = unpackedLayout(f);
    for (let c = 0; c < 1 << codeBits(f); c++) {
      if (classifyCode(f, c) !== 'finite') continue;
      const d = decodeElementModel(f, c);
      expect(d.sig).toBeLessThan(2 ** lay.sigWidth);
      expect(d.sh).toBeGreaterThanOrEqual(0);
      expect(d.sh).toBeLessThan(2 ** Math.max(shiftWidth(f), 0) || 1);
      const v = (d.sign ? -1 : 1) * d.sig * 2 ** (d.sh + lsbExp(f));
      expect(Object.is(v, table[c]) || (v === 0 && table[c] === 0)).toBe(true);
    }
  });

  test('mxsf mode select: ee != 00 is E2M5 (6-bit sig), ee == 00 the FP5 E3M2 region (3-bit sig)', () => {
    const f = FORMAT_TABLE.mxsf;
    expect(decodeElementModel(f, 0b0_01_00000)).toMatchObject({ sig: 32, sh: 4 }); // 1.0 = 32 * 2^(4-9)
    expect(decodeElementModel(f, 0b0_11_11111)).toMatchObject({ sig: 63, sh: 6 }); // 7.875
    expect(decodeElementModel(f, 0b0_00_11111)).toMatchObject({ sig: 7, sh: 6 }); // 0.875 = 7 * 2^-3
    expect(decodeElementModel(f, 0b1_00_00101)).toMatchObject({ sign: 1, sig: 5, sh: 0 }); // -5 * 2^-9
    expect(decodeElementModel(f, 0b0_00_00011)).toMatchObject({ sig: 3, sh: 0 }); // 3 * 2^-9
  });
});

describe('product lane (evalExpr, no simulator)', () => {
  const cases = PAIRS.flatMap(([a, b]) => ARCHS.map((arch) => [a, b, arch] as const));
  test.each(cases)('%s x %s, %j: term_o (+ neg_o) = P_a * P_b / 2^(lsbA + lsbB) exactly', (a, b, arch) => {
    const fa = FORMAT_TABLE[a];
    const fb = FORMAT_TABLE[b];
    const w = peWidths(fa, fb, 32);
    const lane = laneModule(fa, fb, w, arch);
    const term = lane.driverOf('term_o')!;
    const neg = lane.driverOf('neg_o');
    const tw = laneTermWidth(w, arch);
    const driver = lane.driverOf.bind(lane);
    const ta = decodeTable(fa);
    const tb = decodeTable(fb);
    const na = 1 << codeBits(fa);
    const nb = 1 << codeBits(fb);
    const all = na * nb <= 4096;
    let checked = 0;
    for (let i = 0; i < (all ? na * nb : 3000); i++) {
      const ca = all ? Math.floor(i / nb) : (i * 2654435761) % na;
      const cb = all ? i % nb : (i * 40503 + 7) % nb;
      if (classifyCode(fa, ca) !== 'finite' || classifyCode(fb, cb) !== 'finite') continue;
      const env = { a_i: BigInt(ca), b_i: BigInt(cb) };
      // two's complement; one's complement + neg_o; or magnitude with neg_o its sign
      const got =
        arch.sign === 'magnitude'
          ? (evalExpr(neg!, env, driver) ? -1n : 1n) * fromBits(evalExpr(term, env, driver), tw, false)
          : fromBits(evalExpr(term, env, driver), tw, true) + (neg ? evalExpr(neg, env, driver) : 0n);
      expect(Number(got)).toBe((ta[ca]! * tb[cb]!) / 2 ** w.unitExp + 0); // +0: the integer term has one zero
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe('module structure', () => {
  test('names carry the parameters; the header states the width derivation', () => {
    const m = mxPeModule({ formatA: 'mxsf', formatB: 'mxsf', k: 32, depth: 1 });
    expect(m.name).toBe('mxsf_pe_k32_d1');
    expect(mxPeModule({ formatA: 'mxfp8-e4m3', formatB: 'mxfp8-e5m2', k: 8, depth: 2 }).name).toBe('mxfp8e4m3_x_mxfp8e5m2_pe_k8_d2');
    expect(bf16PeModule({ k: 32, depth: 1 }).name).toBe('bf16_pe_k32_d1');
    const v = emitVerilog(m);
    expect(v).toContain('product unit 2^-18');
    expect(v).toContain('30-bit two\'s complement');
    const ports = Object.fromEntries(m.interface().ports.map((p) => [p.name, p.width]));
    expect(ports).toMatchObject({ a_i: 256, b_i: 256, xa_i: 8, xb_i: 8, acc_i: 32, acc_o: 32, in_valid_i: 1, out_ready_i: 1 });
  });

  test('pipeline plans: the longest estimated stage shrinks with the depth; cuts land inside lanes, tree, rounding and adder', () => {
    const max: number[] = [];
    for (const depth of [1, 2, 3, 4, 6, 8]) {
      const { module, plan } = mxPePlanned({ formatA: 'mxsf', formatB: 'mxsf', k: 32, depth });
      expect(module.name).toBe(`mxsf_pe_k32_d${depth}`);
      expect(plan.boundaries).toHaveLength(depth);
      expect(plan.maxStage).toBeLessThanOrEqual(plan.total / depth + 40); // within one point spacing of the ideal
      max.push(plan.maxStage);
      const subs = allModules(module).map((x) => x.name);
      if (depth >= 6) expect(subs.filter((n) => /_c\d/.test(n)).length).toBeGreaterThanOrEqual(2);
    }
    for (let i = 1; i < max.length; i++) expect(max[i]).toBeLessThan(max[i - 1]!);
    expect(max[3]! * 3).toBeLessThan(max[0]!); // d = 4: under a third of d = 1 in the model
    expect(() => mxPeModule({ formatA: 'mxsf', formatB: 'mxsf', k: 8, depth: -1 })).toThrow(/depth/);
    expect(() => mxPeModule({ formatA: 'mxsf', formatB: 'mxsf', k: 8, depth: 0, skid: true })).toThrow(/depth >= 1/);
    expect(() => bf16PeModule({ k: 8, depth: 0, acc: true })).toThrow(/depth >= 1/);
  });

  test('skid option: in_ready_o has no combinational path from out_ready_i (and has one without)', () => {
    for (const depth of [1, 3]) {
      const plain = mxPeModule({ formatA: 'mxsf', formatB: 'mxsf', k: 8, depth });
      const skid = mxPeModule({ formatA: 'mxsf', formatB: 'mxsf', k: 8, depth, skid: true });
      expect(skid.name).toBe(`mxsf_pe_k8_d${depth}_skid`);
      expect([...(plain.combPaths.get('in_ready_o') ?? [])]).toContain('out_ready_i');
      expect([...(skid.combPaths.get('in_ready_o') ?? [])]).toEqual([]);
      for (const m of [bf16PeModule({ k: 4, depth, skid: true }), mxPeModule({ formatA: 'mxfp8-e5m2', formatB: 'mxfp8-e5m2', k: 8, depth, skid: true, acc: true })])
        expect([...(m.combPaths.get('in_ready_o') ?? [])]).toEqual([]);
    }
  });

  test('accumulate-in-place ports and names', () => {
    const m = mxPeModule({ formatA: 'mxsf', formatB: 'mxsf', k: 8, depth: 3, acc: true });
    expect(m.name).toBe('mxsf_pe_k8_d3_acc');
    const ports = m.interface().ports.map((p) => `${p.dir} ${p.name} ${p.width}`);
    expect(ports).toEqual(expect.arrayContaining(['input acc_i 32', 'input first_i 1', 'input last_i 1', 'output acc_o 32']));
    expect(bf16PeModule({ k: 4, depth: 2, acc: true, skid: true }).name).toBe('bf16_pe_k4_d2_acc_skid');
  });

  test('reference configurations: k = 32 for every format, the mixed pair and bf16; synthesis also k = 8', () => {
    const ref = peReferenceConfigs();
    expect(ref.map((c) => c.format)).toEqual([...FORMAT_NAMES, 'mxfp8-e4m3 x mxfp8-e5m2', 'bf16']);
    expect(ref.every((c) => c.params.k === 32)).toBe(true);
    const syn = peSynthConfigs();
    expect(new Set(syn.map((c) => c.params.k))).toEqual(new Set([32, 8]));
    // bf16 at k = 32 and 8 (depth 1), and the k = 32 pipeline-depth sweep (depths 2..4)
    expect(syn.filter((c) => c.format === 'bf16').map((c) => `${c.params.k}/${c.params.depth}`)).toEqual(['32/1', '8/1', '32/2', '32/3', '32/4']);
  });
});

async function simCheck(kind: PeKind, top: ReturnType<typeof mxPeModule>, k: number, cases: PeCase[], stall: number) {
  const pack = peInputPacker(kind, k);
  const model = peModel(kind);
  const r = await simulateOnce(top, cases.map(pack), { sim: 'icarus', seed: 3, stallPercent: stall });
  const bad = cases.map((c, i) => [i, model(c), Number(r.outputs[i])] as const).filter(([, e, a]) => e !== a);
  expect(r.outputs).toHaveLength(cases.length);
  expect(bad.slice(0, 3).map(([i, e, a]) => `#${i} ${JSON.stringify(cases[i])} expected ${e.toString(16)} got ${a.toString(16)}`)).toEqual([]);
}

describe('simulation (Icarus) against the golden model', () => {
  test.each([
    ['mxfp4-e2m1', 'mxfp4-e2m1'],
    ['mxfp6-e2m3', 'mxfp6-e3m2'],
  ] as [FormatName, FormatName][])('%s x %s: every pair of codes at k = 1', async (a, b) => {
    const kind = { kind: 'mx', formatA: a, formatB: b } as const;
    await simCheck(kind, mxPeModule({ formatA: a, formatB: b, k: 1, depth: 1 }), 1, exhaustivePairs(kind, 5), 10);
  });

  // the energy log's reductions (sign-magnitude; zero products positive): every mxsf code pair at k = 1, and k = 32 with its
  // trees cut by the pipeline planner (depth 3) under stalls (depth 1: the k = 8 test of the other reductions)
  test.each([
    { sign: 'magnitude', tree: 'csa' },
    { sign: 'ones', tree: 'csa', positiveZero: true },
    { sign: 'negate', tree: 'csa', positiveZero: true },
  ] as PeArch[])('%j lanes, mxsf: every pair of codes at k = 1; random and corner chunks at k = 32, depth 3', async (arch) => {
    const kind = { kind: 'mx', formatA: 'mxsf', formatB: 'mxsf' } as const;
    await simCheck(kind, mxPeModule({ formatA: 'mxsf', formatB: 'mxsf', k: 1, depth: 1, arch }), 1, exhaustivePairs(kind, 5), 10);
    await simCheck(kind, mxPeModule({ formatA: 'mxsf', formatB: 'mxsf', k: 32, depth: 3, arch }), 32, randomMxCases(kind, 32, 300, 44), 25);
  });

  test.each(PAIRS.map(([a, b], i) => [a, b, i % 6, i % 3 === 1] as const))('%s x %s: random and corner chunks at k = 8, depth %i, skid %s', async (a, b, depth, skid) => {
    const kind = { kind: 'mx', formatA: a, formatB: b } as const;
    await simCheck(kind, mxPeModule({ formatA: a, formatB: b, k: 8, depth, skid: skid && depth > 0 }), 8, randomMxCases(kind, 8, 300, 11 + depth), depth % 2 ? 30 : 0);
  });

  test.each([
    ['mxsf', 1, false], ['mxsf', 4, true], ['mxfp8-e5m2', 3, false], ['mxint8', 2, true], ['bf16', 1, true], ['bf16', 5, false],
  ] as const)('accumulate in place, %s, depth %i, skid %s: runs of 1..9 chunks, one acc_o per run, stalls', async (f, depth, skid) => {
    const kind: PeKind = f === 'bf16' ? { kind: 'bf16' } : { kind: 'mx', formatA: f, formatB: f };
    const k = f === 'bf16' ? 4 : 8;
    const top = f === 'bf16' ? bf16PeModule({ k, depth, skid, acc: true }) : mxPeModule({ formatA: f, formatB: f, k, depth, skid, acc: true });
    const runs = randomAccRuns(kind, k, 150, 9, 31 + depth);
    const vectors = packAccRuns(kind, k, runs, 5);
    const model = accRunModel(kind);
    const sim = new PeSimulator(top);
    try {
      for (const stall of [0, 35]) {
        const r = await sim.run(vectors, { sim: 'icarus', seed: depth + stall, stallPercent: stall, expectedOutputs: runs.length });
        const bad = runs.map((run, i) => [i, model(run), Number(r.outputs[i])] as const).filter(([, e, a]) => e !== a);
        expect(bad.slice(0, 3).map(([i, e, a]) => `run #${i} (${runs[i]!.chunks.length} chunks) expected ${e.toString(16)} got ${a.toString(16)}`)).toEqual([]);
        // one chunk per cycle: no stall for consecutive chunks of one output (the adder loop closes in one cycle)
        if (stall === 0) expect(r.cycles).toBeLessThanOrEqual(vectors.length + depth + 2);
      }
    } finally {
      sim.dispose();
    }
  });

  test.each([
    { sign: 'negate', tree: 'adders' },
    { sign: 'ones', tree: 'adders' },
    { sign: 'negate', tree: 'csa' },
    { sign: 'magnitude', tree: 'csa' },
    { sign: 'ones', tree: 'csa', positiveZero: true },
    { sign: 'negate', tree: 'csa', positiveZero: true },
    { sign: 'ones-late', tree: 'csa' },
  ] as PeArch[])('the other reductions of the optimisation logs, %j: mxsf and mxfp8-e5m2 at k = 8', async (arch) => {
    for (const f of ['mxsf', 'mxfp8-e5m2'] as FormatName[]) {
      const kind = { kind: 'mx', formatA: f, formatB: f } as const;
      await simCheck(kind, mxPeModule({ formatA: f, formatB: f, k: 8, depth: 1, arch }), 8, randomMxCases(kind, 8, 300, 21), 0);
    }
  });

  test('bf16: random chunks at k = 4, depth 3 with stalls', async () => {
    await simCheck({ kind: 'bf16' }, bf16PeModule({ k: 4, depth: 3 }), 4, randomBf16Cases(4, 400, 9), 25);
  });
});

describe('pipelined PEs are lint-clean (verilator -Wall) and latch-free', () => {
  const tops = () => [
    mxPeModule({ formatA: 'mxsf', formatB: 'mxsf', k: 8, depth: 4, skid: true }),
    mxPeModule({ formatA: 'mxfp8-e5m2', formatB: 'mxfp8-e5m2', k: 8, depth: 6 }),
    mxPeModule({ formatA: 'mxfp8-e4m3', formatB: 'mxfp8-e5m2', k: 4, depth: 3, acc: true, skid: true }),
    mxPeModule({ formatA: 'mxint8', formatB: 'mxint8', k: 4, depth: 8, arch: { sign: 'negate', tree: 'adders' } }),
    bf16PeModule({ k: 4, depth: 5, acc: true }),
  ];
  test('lint', async () => {
    for (const top of tops()) {
      const dir = scratchDir(`lint-${top.name}-`);
      try {
        await lintVerilog(writeDesign(top, dir, { bindings: false }), top.name); // throws LintError naming every message
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
  test('a k = 2 mxsf PE at depth 4 with skid and accumulate-in-place synthesizes without latches', async () => {
    const top = mxPeModule({ formatA: 'mxsf', formatB: 'mxsf', k: 2, depth: 4, acc: true, skid: true });
    const dir = scratchDir(`synth-${top.name}-`);
    try {
      const r = await synthesize(writeDesign(top, dir, { bindings: false }), top.name);
      expect(r.latches).toBe(0);
      expect(r.flops).toBeGreaterThan(100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

