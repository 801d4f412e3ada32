// Equivalence in a context (generator/mutate/contexts.ts): the rceil bound proves the saturation mutants of the
// mxfp4 BF16 encoder that no rceil block reaches, and not the ones that change a code within the bound; floor
// tops carry no context (floor does saturate). The operand context of the BF16 multiplier (its product is read
// only by fp32_add) proves a changed NaN payload, and not a missed NaN. ABC &cec on the wrappers, seconds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allModules } from '../../generator/hdl/index';
import { operandContext, operandContexts, rceilContexts } from '../../generator/mutate/contexts';
import { contextProofs } from '../../generator/mutate/equiv';
import { mutantsOf } from '../../generator/mutate/operators';
import { bf16PeModule } from '../../generator/rtl/pe/bf16-pe';
import { quantizerParts } from '../../generator/rtl/tile/parts';
import { tileQuantModule, type TileQuantConfig } from '../../generator/rtl/tile/tilequant';

const dir = mkdtempSync(path.join(tmpdir(), 'mutate-contexts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cfg: TileQuantConfig = { format: 'mxfp4-e2m1', rows: 4, cols: 2, scaleMode: 'rceil', input: 'bf16', order: 'row', buffers: 2 };
const tile = (c: TileQuantConfig) => tileQuantModule(c, quantizerParts(c.format, c.scaleMode, c.input));

describe('rceil context', () => {
  it('is found in an rceil tile, one per encoder, and not in a floor tile', () => {
    const cs = rceilContexts(tile(cfg), cfg.scaleMode, cfg.input);
    expect(cs.map((c) => [c.module, c.parts.map((p) => p.name)])).toEqual([['mxfp4e2m1_enc_bf16', ['mxfp4e2m1_scale_rceil_bf16', 'mxfp4e2m1_enc_bf16']]]);
    expect(rceilContexts(tile({ ...cfg, scaleMode: 'floor' }), 'floor', cfg.input)).toEqual([]);
  });

  it('proves the saturation mutants that rceil never reaches, and no mutant that changes an in-bound code', async () => {
    const top = tile(cfg);
    const enc = allModules(top).find((m) => m.name === 'mxfp4e2m1_enc_bf16')!;
    const byNumber = new Map(mutantsOf(enc.ir).map((m) => [Number(m.id.split('#')[1]), m]));
    // 118: sat = p_sat & ...; 120: mag_pre > 8; 127/128: the saturated magnitude 7 -> 0 / 6 (sat is never set)
    const unreachable = [118, 120, 127, 128];
    // 95: p_sat from p > 1 (saturates [4, 6]); 110: n's round increment subtracted
    const inBound = [95, 110];
    const ms = [...unreachable, ...inBound].map((n) => byNumber.get(n)!);
    expect(ms.every((m) => m !== undefined)).toBe(true);
    const proven = await contextProofs(ms, rceilContexts(top, cfg.scaleMode, cfg.input), dir, 60, 1);
    expect([...proven.keys()].sort()).toEqual(unreachable.map((n) => `mxfp4e2m1_enc_bf16#${n}`).sort());
  }, 120_000);
});

describe('operand context', () => {
  const k2 = bf16PeModule({ k: 2, depth: 1 });
  const mul = allModules(k2).find((m) => m.name === 'bf16_mul_fp32')!;

  it('is found where every output is read only as a consumer input, and not where one reaches a register', () => {
    const c = operandContext(k2, mul)!;
    expect(c.label).toBe('operand use: every output of bf16_mul_fp32 is read only as fp32_add.a_i, fp32_add.b_i');
    expect(c.parts.map((p) => p.name)).toEqual(['bf16_mul_fp32', 'fp32_add']);
    // the accumulator's fp32_add drives the output register; the tile's encoders drive its output mux
    expect(operandContext(k2, allModules(k2).find((m) => m.name === 'fp32_add')!)).toBeUndefined();
    expect(operandContexts(tile(cfg)).map((x) => x.module)).not.toContain('mxfp4e2m1_enc_bf16');
  });

  it('proves a product NaN payload that every fp32_add canonicalises, and not a missed NaN', async () => {
    const byNumber = new Map(mutantsOf(mul.ir).map((m) => [Number(m.id.split('#')[1]), m]));
    // 67 / 68: a NaN product 0x7fc00001 / 0x7fbfffff (still NaN); 9: the NaN test a > 0x7f81 misses payload 1
    const ms = [67, 68, 9].map((n) => byNumber.get(n)!);
    expect(ms.map((m) => m.what)).toEqual([
      'constant 2143289344 -> 2143289345 in assign product_o',
      'constant 2143289344 -> 2143289343 in assign product_o',
      'constant 32640 -> 32641 in assign a_nan',
    ]);
    const proven = await contextProofs(ms, [operandContext(k2, mul)!], path.join(dir, 'operand'), 60, 1);
    expect([...proven.keys()].sort()).toEqual(['bf16_mul_fp32#67', 'bf16_mul_fp32#68']);
  }, 120_000);
});
