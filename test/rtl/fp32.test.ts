// The FP32 building blocks (generator/rtl/fp32): fp32_round_m<M>_e<E>, fp32_add and bf16_mul_fp32.
// Each unit is linted (verilator -Wall, no waivers) and synthesized (no latches) on its own; then all of
// them are simulated side by side in one harness top (one simulator build instead of six) under Icarus
// and Verilator, bit for bit against the golden model: dyadicToFp32Bits, fp32AddBits and
// Math.fround(a * b) on BF16 values. Vectors: the corner tables of generator/rtl/fp32/vectors.ts
//   round: ties to even / just above / just below at every rounding position of every mag length, carries
//          into the next binade, the largest subnormal and its round-up into the min normal, half the
//          smallest subnormal, the largest finite value and the ties that overflow to Inf, zeros with
//          both signs, the exponent port extremes;
//   add:   every pair of FP32_SPECIALS (+-0, subnormal/normal extremes, +-Inf, quiet and signalling NaNs),
//          ties at every exponent difference 0..30, exact and near cancellation, overflow, subnormal sums;
//   mul:   every pair of BF16_SPECIALS, exponent sums at the FP32 subnormal and overflow boundaries;
// plus seeded random vectors (SEED=N to change; the seed is printed with any mismatch). Then the units
// pipelined by the planner (register stages inside them) at several depths, with random stalls.
import { describe, expect, test } from 'vitest';
import { type Module, type StageSpec, allModules } from '../../generator/hdl/index';
import { bf16MulModule, fp32AddModule, fp32RoundModule } from '../../generator/rtl/fp32/index';
import {
  type UnitVectors,
  addVectors,
  bundleModule,
  bundleVectors,
  emitUnit,
  mulVectors,
  pipelinedFp32Unit,
  roundVectors,
  simulateUnit,
} from '../../generator/rtl/fp32/check';
import {
  type AddCase,
  type MulCase,
  type RoundCase,
  addCorners,
  addGolden,
  addRandom,
  bf16MulCorners,
  bf16MulGolden,
  bf16MulRandom,
  roundCorners,
  roundGolden,
  roundRandom,
} from '../../generator/rtl/fp32/vectors';
import { lintVerilog, synthesize } from '../../generator/sim/index';

const SEED = Number(process.env.SEED ?? 1);
const RANDOM = 4000;

async function expectLintClean(m: Module, files: readonly string[]): Promise<void> {
  const r = await lintVerilog(files, m.name); // throws LintError listing any warning
  expect(r.messages).toEqual([]);
}

async function expectSynthesizes(m: Module, files: readonly string[]): Promise<void> {
  const s = await synthesize(files, m.name); // throws on a latch
  expect(s.latches).toBe(0);
  expect(s.flops).toBe(0); // combinational
  expect(s.cells).toBeGreaterThan(0);
  console.log(`${m.name}: ${s.cells} cells, ${s.transistors} transistors, depth ${s.depth}`);
}

const hex = (b: number): string => '0x' + b.toString(16).padStart(8, '0');

describe('golden model sanity: hand-worked cases', () => {
  const round: [string, RoundCase, number][] = [
    ['1.0', { sign: 0, mag: 1n, exp: 0 }, 0x3f800000],
    ['-0 input gives +0', { sign: 1, mag: 0n, exp: 5 }, 0x00000000],
    ['2^24+1: tie, even -> down', { sign: 0, mag: (1n << 24n) + 1n, exp: 0 }, 0x4b800000],
    ['2^24+3: tie, odd -> up', { sign: 0, mag: (1n << 24n) + 3n, exp: 0 }, 0x4b800002],
    ['2^25-1: carry into the next binade', { sign: 0, mag: (1n << 25n) - 1n, exp: 0 }, 0x4c000000],
    ['2^-149: smallest subnormal', { sign: 0, mag: 1n, exp: -149 }, 0x00000001],
    ['-2^-150: half the smallest subnormal, tie to -0', { sign: 1, mag: 1n, exp: -150 }, 0x80000000],
    ['3 * 2^-151: rounds up to the smallest subnormal', { sign: 0, mag: 3n, exp: -151 }, 0x00000001],
    ['(2^24-1) * 2^-150: tie, odd -> min normal', { sign: 0, mag: (1n << 24n) - 1n, exp: -150 }, 0x00800000],
    ['(2^23-1) * 2^-149: largest subnormal', { sign: 0, mag: (1n << 23n) - 1n, exp: -149 }, 0x007fffff],
    ['-(2^24-1) * 2^104: largest finite', { sign: 1, mag: (1n << 24n) - 1n, exp: 104 }, 0xff7fffff],
    ['(2^25-1) * 2^103: tie, odd -> Inf', { sign: 0, mag: (1n << 25n) - 1n, exp: 103 }, 0x7f800000],
    ['2^128: Inf', { sign: 0, mag: 1n, exp: 128 }, 0x7f800000],
  ];
  test.each(round)('round %s', (_, c, bits) => expect(hex(roundGolden(c))).toBe(hex(bits)));

  const add: [string, AddCase, number][] = [
    ['1 + 1', { a: 0x3f800000, b: 0x3f800000 }, 0x40000000],
    ['x + -x = +0', { a: 0x3fc00000, b: 0xbfc00000 }, 0x00000000],
    ['-0 + -0 = -0', { a: 0x80000000, b: 0x80000000 }, 0x80000000],
    ['+0 + -0 = +0', { a: 0x00000000, b: 0x80000000 }, 0x00000000],
    ['Inf + -Inf = NaN', { a: 0x7f800000, b: 0xff800000 }, 0x7fc00000],
    ['-Inf + finite = -Inf', { a: 0xff800000, b: 0x7f7fffff }, 0xff800000],
    ['sNaN -> canonical NaN', { a: 0x7f800001, b: 0x3f800000 }, 0x7fc00000],
    ['1 + 2^-24: tie, even -> 1', { a: 0x3f800000, b: 0x33800000 }, 0x3f800000],
    ['(1+2^-23) + 2^-24: tie, odd -> up', { a: 0x3f800001, b: 0x33800000 }, 0x3f800002],
    ['max + half ulp: tie, odd -> Inf', { a: 0x7f7fffff, b: 0x73000000 }, 0x7f800000],
    ['largest subnormal + smallest subnormal = min normal', { a: 0x007fffff, b: 0x00000001 }, 0x00800000],
    ['min normal - smallest subnormal = largest subnormal', { a: 0x00800000, b: 0x80000001 }, 0x007fffff],
  ];
  test.each(add)('add %s', (_, c, bits) => expect(hex(addGolden(c))).toBe(hex(bits)));

  const mul: [string, MulCase, number][] = [
    ['1.5 * -2', { a: 0x3fc0, b: 0xc000 }, 0xc0400000],
    ['-0 * 5 = -0', { a: 0x8000, b: 0x40a0 }, 0x80000000],
    ['Inf * -0 = NaN', { a: 0x7f80, b: 0x8000 }, 0x7fc00000],
    ['-Inf * 2 = -Inf', { a: 0xff80, b: 0x4000 }, 0xff800000],
    ['max * max = Inf', { a: 0x7f7f, b: 0x7f7f }, 0x7f800000],
    ['2^-126 * 2^-23 = smallest FP32 subnormal', { a: 0x0080, b: 0x3400 }, 0x00000001],
    ['2^-133 * 2^-133 underflows to +0', { a: 0x0001, b: 0x0001 }, 0x00000000],
  ];
  test.each(mul)('bf16 mul %s', (_, c, bits) => expect(hex(bf16MulGolden(c))).toBe(hex(bits)));

  test('the corner tables reach the boundary results they claim', () => {
    const boundary = [0x00000000, 0x80000000, 0x00000001, 0x007fffff, 0x00800000, 0x7f7fffff, 0x7f800000, 0xff800000, 0xff7fffff];
    const sets = {
      round: new Set(roundCorners(30, 9).map(roundGolden)),
      add: new Set(addCorners().map(addGolden)),
      mul: new Set(bf16MulCorners().map(bf16MulGolden)),
    };
    for (const b of boundary) {
      expect(sets.round.has(b), `round ${hex(b)}`).toBe(true);
      expect(sets.add.has(b), `add ${hex(b)}`).toBe(true);
    }
    // a BF16 product is exact in 16 bits unless it under/overflows: 0x007fffff and 0x7f7fffff are out of reach
    for (const b of [0x00000000, 0x80000000, 0x00000001, 0x00800000, 0x7f800000, 0xff800000]) expect(sets.mul.has(b), `mul ${hex(b)}`).toBe(true);
    expect(sets.add.has(0x7fc00000) && sets.mul.has(0x7fc00000)).toBe(true);
  });
});

// (magWidth, expWidth) of fp32_round: the PE's MXSF and E5M2 sums, a mid size, and the 1-bit degenerate case.
const ROUND_CONFIGS: readonly (readonly [number, number])[] = [
  [30, 9],
  [70, 10],
  [22, 9],
  [1, 4],
];

interface Unit {
  readonly module: Module;
  readonly vectors: UnitVectors;
  readonly ports: readonly string[];
}

const units: Unit[] = [
  ...ROUND_CONFIGS.map(([W, E], k): Unit => {
    const module = fp32RoundModule(W, E);
    return {
      module,
      vectors: roundVectors(module, [...roundCorners(W, E), ...roundRandom(W, E, RANDOM, SEED + k)]),
      ports: ['input sign_i[1]', `input mag_i[${W}]`, `input exp_i[${E}]`, 'output result_o[32]'],
    };
  }),
  (() => {
    const module = fp32AddModule();
    return { module, vectors: addVectors(module, [...addCorners(), ...addRandom(RANDOM, SEED)]), ports: ['input a_i[32]', 'input b_i[32]', 'output sum_o[32]'] };
  })(),
  (() => {
    const module = bf16MulModule();
    return {
      module,
      vectors: mulVectors(module, [...bf16MulCorners(), ...bf16MulRandom(RANDOM, SEED)]),
      ports: ['input a_i[16]', 'input b_i[16]', 'output product_o[32]'],
    };
  })(),
];

describe.each(units.map((u) => [u.module.name, u] as const))('%s', (name, u) => {
  test('module name and ports', () => {
    expect(name).toMatch(/^(fp32_round_m\d+_e\d+|fp32_add|bf16_mul_fp32)$/);
    expect(u.module.interface().ports.map((p) => `${p.dir} ${p.name}[${p.width}]`)).toEqual(u.ports);
  });
  test('verilator -Wall clean, synthesizes without latches', async () => {
    const files = emitUnit(u.module);
    await expectLintClean(u.module, files);
    await expectSynthesizes(u.module, files);
  });
});

describe('bit-exact simulation of all units side by side', () => {
  const mods = units.map((u) => u.module);
  const top = bundleModule('fp32_units_tb', mods);
  const files = emitUnit(top);
  const v = bundleVectors(mods, units.map((u) => u.vectors));
  const counts = units.map((u) => `${u.module.name} ${u.vectors.inputs.length}`).join(', ');
  test.each(['icarus', 'verilator'] as const)(`%s: ${v.inputs.length} transactions (${counts})`, async (sim) => {
    const r = await simulateUnit(sim, top, files, v, SEED, `corners + ${RANDOM} random per unit, seed ${SEED}`);
    if (r.mismatches > 0) throw new Error(r.text); // names the inputs, expected/actual per port and the seed
    expect(r.vectors).toBe(v.inputs.length);
  });
});

describe('pipelined units (register stages placed by the planner, inside the unit): Icarus with random stalls, lint', () => {
  const plans = [
    { what: 'fp32_add', factory: (s: StageSpec) => fp32AddModule(s), vectors: (m: Module) => addVectors(m, [...addCorners(), ...addRandom(3000, SEED + 7)]) },
    { what: 'fp32_round_m30_e9', factory: (s: StageSpec) => fp32RoundModule(30, 9, s), vectors: (m: Module) => roundVectors(m, [...roundCorners(30, 9), ...roundRandom(30, 9, 3000, SEED + 8)]) },
    { what: 'bf16_mul_fp32', factory: (s: StageSpec) => bf16MulModule(s), vectors: (m: Module) => mulVectors(m, [...bf16MulCorners(), ...bf16MulRandom(3000, SEED + 9)]) },
  ];
  const cases = plans.flatMap((p) => [[p, 2, false], [p, 4, true], [p, 6, false]] as const);
  test.each(cases.map(([p, d, skid]) => [`${p.what} depth ${d}${skid ? ' skid' : ''}`, p, d, skid] as const))('%s', async (_, p, depth, skid) => {
    const top = pipelinedFp32Unit(p.factory, depth, skid);
    expect(allModules(top).some((m) => /_c\d/.test(m.name))).toBe(true); // cut inside the unit
    const files = emitUnit(top);
    const r = await simulateUnit('icarus', top, files, p.vectors(top), SEED, `${top.name} stall 30%`, 30);
    if (r.mismatches > 0) throw new Error(r.text);
    if (depth === 4) await expectLintClean(top, files);
  });
});
