// The block quantizer RTL: its combinational parts against the golden model through the DSL's reference
// interpreter (fast, no simulator), small quantizers through Icarus with random stalls at every pipeline depth,
// lint and synthesis (no latches). The big regressions (k = 32, 100k blocks per format, both simulators) are in
// generator/verify/suites/quantizer.ts.
import { describe, expect, test } from 'vitest';
import { evalExpr, toBits } from '../../generator/hdl/index';
import { FORMAT_NAMES, FORMAT_TABLE, scaleCode, scaledEncoder, sharedExponent, type FormatName } from '../../generator/golden/index';
import type { ScaleMode } from '../../generator/golden/scale';
import { lintVerilog, synthesize } from '../../generator/sim/index';
import {
  blockQuantizerModule,
  blockQuantizerName,
  elementEncoderModule,
  encoderPlan,
  INPUT_FLOATS,
  SE_SHAPE,
  sharedScaleModule,
  type QuantInput,
} from '../../generator/rtl/quantizer/index';
import { checkAgainstGolden, runQuantizerBlocks, withQuantizerRtl } from '../../generator/rtl/quantizer/run';
import { Prng } from '../../generator/util/prng';
import { cornerBlocks, goldenBlock, randomBlocks } from '../../generator/rtl/quantizer/vectors';
import { quantizerReferenceSet } from '../../generator/rtl/quantizer/configs';

const INPUTS: readonly QuantInput[] = ['fp32', 'bf16'];

/** Golden code of x * 2^-se from the bit pattern (the same split as golden quantizeBlockInPlace). */
function goldenCode(format: FormatName, input: QuantInput, x: number, se: number): number {
  const inp = INPUT_FLOATS[input];
  const e = (x >>> inp.manBits) & 0xff;
  const frac = x & (2 ** inp.manBits - 1);
  const sig = e === 0 ? frac : frac + 2 ** inp.manBits;
  const exp2 = (e === 0 ? 1 : e) - inp.bias - inp.manBits - se;
  return scaledEncoder(FORMAT_TABLE[format])(x >= 2 ** (inp.width - 1), sig, exp2);
}

describe('element encoder (reference interpreter) against the golden encoder', () => {
  for (const format of FORMAT_NAMES) {
    for (const input of INPUTS) {
      test(`${format} ${input}: random values near every shared exponent, subnormals, extreme se`, () => {
        const enc = elementEncoderModule(format, input);
        const out = enc.driverOf('code_o')!;
        const drv = enc.driverOf.bind(enc);
        const inp = INPUT_FLOATS[input];
        const rng = new Prng(format.length * 7 + inp.width);
        let n = 0;
        const check = (x: number, se: number): void => {
          if (((x >>> inp.manBits) & 0xff) === 0xff) return;
          const got = Number(toBits(evalExpr(out, { x_i: BigInt(x), se_i: toBits(BigInt(se), SE_SHAPE.width) }, drv), out.width));
          expect(got, `x 0x${x.toString(16)} se ${se}`).toBe(goldenCode(format, input, x, se));
          n++;
        };
        for (let i = 0; i < 1500; i++) {
          const se = rng.range(-127, 127);
          const e = Math.max(0, Math.min(254, 127 + se + rng.range(-16, 6)));
          check(((rng.chance(0.5) ? 2 ** (inp.width - 1) : 0) + e * 2 ** inp.manBits + rng.int(2 ** inp.manBits)) >>> 0, se);
        }
        for (const se of [-127, -126, -120, -118, 127]) for (let i = 0; i < 40; i++) check(rng.int(2 ** inp.manBits), se);
        expect(n).toBeGreaterThan(1500);
      });
    }
  }

  test('the significand pre-shift L covers BF16 subnormals at the smallest shared exponents', () => {
    // E4M3 with BF16 input: 2^-133 at se = -127 is 2^-6, the minimum normal; needs a left shift of 3
    expect(encoderPlan(FORMAT_TABLE['mxfp8-e4m3'], INPUT_FLOATS.bf16).L).toBe(3);
    expect(encoderPlan(FORMAT_TABLE['mxfp8-e4m3'], INPUT_FLOATS.fp32).L).toBe(0);
    expect(goldenCode('mxfp8-e4m3', 'bf16', 1, -127)).toBe(0x08);
  });
});

describe('shared scale (reference interpreter) against the golden scale', () => {
  for (const format of FORMAT_NAMES) {
    for (const input of INPUTS) {
      for (const mode of ['floor', 'rceil'] as const) {
        test(`${format} ${input} ${mode}`, () => {
          const sm = sharedScaleModule(format, mode, input);
          const drv = sm.driverOf.bind(sm);
          const inp = INPUT_FLOATS[input];
          const rng = new Prng(inp.width + format.length);
          const amaxes = [0, 1, 2, 2 ** inp.manBits - 1, 2 ** inp.manBits, 0x7f * 2 ** inp.manBits - 1, 0xfe * 2 ** inp.manBits + 2 ** inp.manBits - 1];
          for (let i = 0; i < 300; i++) amaxes.push(rng.int(0xff * 2 ** inp.manBits));
          for (const a of amaxes) {
            const a32 = input === 'fp32' ? a : a * 65536;
            const want = a32 === 0 ? 0 : scaleCode(sharedExponent(FORMAT_TABLE[format], a32, mode));
            for (const special of [0n, 1n]) {
              const env = { amax_i: BigInt(a), special_i: special };
              expect(Number(evalExpr(sm.driverOf('scale_o')!, env, drv)), `amax 0x${a.toString(16)}`).toBe(special ? 0xff : want);
            }
            if (a32 !== 0) expect(Number(evalExpr(sm.driverOf('se_o')!, { amax_i: BigInt(a), special_i: 0n }, drv))).toBe(want - 127);
          }
        });
      }
    }
  }
});

describe('small quantizers under Icarus: corner and random blocks, random stalls, every pipeline depth', () => {
  const cases: readonly { format: FormatName; scaleMode: ScaleMode; input: QuantInput; k: number; depths: number[]; skid?: boolean }[] = [
    { format: 'mxsf', scaleMode: 'floor', input: 'fp32', k: 4, depths: [0, 1, 2, 3, 4, 6] },
    { format: 'mxsf', scaleMode: 'rceil', input: 'fp32', k: 4, depths: [1, 5], skid: true },
    { format: 'mxfp8-e5m2', scaleMode: 'rceil', input: 'bf16', k: 5, depths: [2, 4] },
    { format: 'mxint8', scaleMode: 'rceil', input: 'fp32', k: 3, depths: [0, 3], skid: false },
    { format: 'mxfp4-e2m1', scaleMode: 'floor', input: 'bf16', k: 8, depths: [3, 8], skid: true },
  ];
  for (const { depths, ...c } of cases) {
    for (const depth of depths) {
      test(`${blockQuantizerName({ ...c, depth, skid: (c.skid ?? false) && depth > 0 })}`, async () => {
        if (c.skid && depth > 0) {
          const top = blockQuantizerModule({ ...c, depth, skid: true });
          expect([...(top.combPaths.get('in_ready_o') ?? [])]).toEqual([]); // no path from out_ready_i
        }
        const blocks = [...cornerBlocks(c.format, c.k, c.scaleMode, c.input), ...randomBlocks(c.format, c.k, c.input, 600, depth + 1)];
        await withQuantizerRtl({ ...c, depth, skid: (c.skid ?? false) && depth > 0 }, async (rtl) => {
          for (const stall of [30, 0]) {
            const r = await runQuantizerBlocks(rtl, blocks, { sim: 'icarus', seed: depth * 10 + stall, stallPercent: stall });
            const rep = checkAgainstGolden(rtl, blocks, r, depth, `icarus stall ${stall}%`);
            expect(rep.text).toContain(' 0 of ');
            expect(rep.ok).toBe(true);
            expect(rep.vectors).toBe(blocks.length);
            // full throughput without stalls: one block per cycle after the pipeline fills
            if (stall === 0) expect(r.cycles).toBeLessThanOrEqual(blocks.length + depth + 2);
          }
        });
      });
    }
  }
});

describe('contract cases on the k = 32 configuration', () => {
  test('E4M3 [485, 475, 400, -485, -475, -450, 2^-6, -2^-6] -> scale 127; E2M1 [7, 1]', () => {
    const bits = (vals: number[]): number[] => [...vals.map((v) => new Uint32Array(new Float32Array([v]).buffer)[0]!), ...new Array<number>(32 - vals.length).fill(0)];
    expect(goldenBlock('mxfp8-e4m3', 'floor', 'fp32', bits([485, 475, 400, -485, -475, -450, 2 ** -6, -(2 ** -6)])).scale).toBe(127);
    const blocks = cornerBlocks('mxfp8-e4m3', 32, 'floor', 'fp32');
    expect(blocks[0]!.slice(0, 8)).toEqual(bits([485, 475, 400, -485, -475, -450, 2 ** -6, -(2 ** -6)]).slice(0, 8));
    expect(cornerBlocks('mxfp4-e2m1', 32, 'floor', 'fp32')[2]!.slice(0, 2)).toEqual(bits([7, 1]).slice(0, 2));
  });
});

describe('lint and synthesis', () => {
  test('every reference quantizer configuration is lint-clean at k = 4 (verilator -Wall)', async () => {
    for (const c of quantizerReferenceSet()) {
      await withQuantizerRtl({ ...c, k: 4 }, async (rtl) => {
        const r = await lintVerilog([...rtl.rtlFiles], rtl.iface.name);
        expect(r.seconds).toBeGreaterThanOrEqual(0);
      });
    }
  });

  test('a k = 2 mxsf quantizer synthesizes without latches', async () => {
    await withQuantizerRtl({ format: 'mxsf', k: 2, scaleMode: 'rceil', input: 'fp32', depth: 2 }, async (rtl) => {
      const s = await synthesize([...rtl.rtlFiles], rtl.iface.name);
      expect(s.latches).toBe(0);
      expect(s.cells).toBeGreaterThan(100);
      expect(s.flops).toBeGreaterThan(0);
    });
  });
});
