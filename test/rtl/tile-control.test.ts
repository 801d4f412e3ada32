// The tile re-quantizer's buffer, amax tracking, bank control and output ordering, checked with simple
// placeholder scale/encoder submodules against a TypeScript model of the same placeholders (the numerics
// are checked against the golden model in tile.test.ts). Both simulators, random stalls on both sides.
import { describe, expect, test } from 'vitest';
import { ModuleBuilder, type Module, lit, mux } from '../../generator/hdl/index';
import { assertNoMismatch } from '../../generator/sim/index';
import { codeBits, FORMAT_TABLE } from '../../generator/golden/index';
import { inputWidth, tileLines, tileQuantModule, type TileParts, type TileQuantConfig } from '../../generator/rtl/tile/tilequant';
import { simulateModule } from '../../generator/rtl/tile/run';
import { tileExpectedOutputs, tileInputVectors, type Tile, type TileModel } from '../../generator/rtl/tile/vectors';

function placeholderParts(W: number, B: number): TileParts {
  const s = new ModuleBuilder(`ph_scale_w${W}`);
  const amax = s.input('amax_i', W - 1);
  const special = s.input('special_i', 1);
  s.assign(s.output('scale_o', 8), amax.slice(W - 2, W - 9));
  s.assign(s.output('se_o', { width: 9, signed: true }), amax.slice(W - 2, W - 10).asSigned());
  s.unused(special, 'the tile forces 0xFF itself');
  if (W - 10 > 0) s.unused(amax.slice(W - 11, 0), 'placeholder');
  const e = new ModuleBuilder(`ph_enc_w${W}_b${B}`);
  const x = e.input('x_i', W);
  const se = e.input('se_i', { width: 9, signed: true });
  e.assign(e.output('code_o', B), x.slice(W - 1, W - B).xor(se.slice(B - 1, 0)));
  e.unused(x.slice(W - B - 1, 0), 'placeholder');
  e.unused(se.slice(8, B), 'placeholder');
  return { scale: s.build(), encoder: e.build(), scaleHandlesZero: false, scaleHandlesSpecial: false };
}

function placeholderModel(W: number, B: number): TileModel {
  return (t) => {
    let amax = 0;
    for (const v of t) amax = Math.max(amax, v & (2 ** (W - 1) - 1));
    const special = amax >= (W === 32 ? 0x7f800000 : 0x7f80);
    const se = Math.floor(amax / 2 ** (W - 10)) & 0x1ff;
    const scale = special ? 0xff : amax === 0 ? 0 : Math.floor(amax / 2 ** (W - 9)) & 0xff;
    const codes = Array.from(t, (v) => (special ? 0 : ((Math.floor(v / 2 ** (W - B)) ^ se) & ((1 << B) - 1))));
    return { scale, codes };
  };
}

function randomTiles(cfg: TileQuantConfig, n: number, seed: number): Tile[] {
  let s = seed >>> 0 || 1;
  const rnd = (): number => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s;
  };
  const W = inputWidth(cfg.input);
  const size = cfg.rows * cfg.cols;
  return Array.from({ length: n }, (_, i) => {
    const t = new Uint32Array(size);
    const kind = i % 7;
    for (let k = 0; k < size; k++) t[k] = W === 32 ? rnd() : rnd() & 0xffff;
    if (kind === 3) t.fill(0);
    if (kind === 4) t[rnd() % size] = W === 32 ? 0x7f800000 : 0x7f80;
    return t;
  });
}

const CONFIGS: TileQuantConfig[] = [
  { format: 'mxsf', rows: 4, cols: 4, scaleMode: 'floor', input: 'fp32', order: 'row', buffers: 2 },
  { format: 'mxsf', rows: 4, cols: 4, scaleMode: 'floor', input: 'fp32', order: 'col', buffers: 2 },
  { format: 'mxfp6-e3m2', rows: 3, cols: 5, scaleMode: 'floor', input: 'fp32', order: 'col', buffers: 1 },
  { format: 'mxfp4-e2m1', rows: 5, cols: 2, scaleMode: 'floor', input: 'bf16', order: 'row', buffers: 2 },
];

describe('tile re-quantizer control (placeholder numerics)', () => {
  for (const cfg of CONFIGS) {
    const W = inputWidth(cfg.input);
    const B = codeBits(FORMAT_TABLE[cfg.format]);
    const top: Module = tileQuantModule(cfg, placeholderParts(W, B));
    const tiles = randomTiles(cfg, 300, cfg.rows * 31 + cfg.cols);
    const vectors = tileInputVectors(cfg, tiles);
    const expected = tileExpectedOutputs(cfg, B, tiles, placeholderModel(W, B));
    for (const sim of ['icarus', 'verilator'] as const) {
      test(`${top.name} ${sim}: ${tiles.length} tiles, 30% stalls both sides`, async () => {
        const r = await simulateModule(top, { sim, vectors, expectedOutputs: expected.length, seed: 5, stallPercent: 30 });
        assertNoMismatch({ expected, actual: r.outputs, iface: top.interface(), inputs: [], seed: 5, describe: sim });
      });
    }
    test(`${top.name}: throughput without stalls`, async () => {
      const r = await simulateModule(top, { sim: 'verilator', vectors, expectedOutputs: expected.length, seed: 1, stallPercent: 0 });
      assertNoMismatch({ expected, actual: r.outputs, iface: top.interface(), inputs: [], seed: 1 });
      const { lines } = tileLines(cfg);
      const perTile = cfg.buffers === 2 ? Math.max(cfg.rows, lines) : cfg.rows + lines;
      // constant fill/drain latency only: no cycle lost per tile
      expect(r.cycles).toBeLessThanOrEqual(tiles.length * perTile + 8);
      expect(r.cycles).toBeGreaterThanOrEqual(tiles.length * perTile);
    });
  }
  test('input is never X-gated: in_ready and out_valid are registers (no input-to-output path)', () => {
    const cfg = CONFIGS[0]!;
    const top = tileQuantModule(cfg, placeholderParts(32, 8));
    for (const [, ins] of top.combPaths) expect([...ins]).toEqual([]);
  });
});
