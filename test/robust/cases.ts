// The designs of the reference set (configs/reference.json) as reset/X test cases: each streaming top with its
// transaction shape and a generator of input beats with their golden output beats; the combinational decoders
// side by side in one model. `size: 'small'` shrinks the parameters that only widen the datapath (k = 4 lanes,
// 4x4 tiles), keeping format, scale mode, input, order, buffers and depth; 'full' is the reference design itself.

import { rmSync } from 'node:fs';
import { codeBits, FORMAT_TABLE, type FormatName } from '../../generator/golden/index';
import { ModuleBuilder, writeDesign, type Expr, type Module } from '../../generator/hdl/index';
import { resolveDesign, type Design } from '../../generator/ip/designs';
import { parseTile } from '../../generator/ip/params';
import { referenceDesigns } from '../../generator/rtl/configs';
import { peInputPacker, peModel, randomBf16Cases, randomMxCases, type PeKind } from '../../generator/rtl/pe/vectors';
import { cornerBlocks, goldenBlock, packBlock, packCodes, randomBlocks } from '../../generator/rtl/quantizer/vectors';
import { tileLines, type TileQuantConfig } from '../../generator/rtl/tile/tilequant';
import { makeTiles } from '../../generator/rtl/tile/tiles';
import { goldenTileModel, tileExpectedOutputs, tileInputVectors } from '../../generator/rtl/tile/vectors';
import { decoderExpected } from '../../generator/verify/suites/decoder';
import { dataPorts, packPorts } from '../../generator/sim/index';
import { scratchDir } from '../../generator/sim/paths';
import { Prng } from '../../generator/util/prng';

export type CaseSize = 'small' | 'full';

/** A streaming top: `group.inputs` beats in are answered by `group.outputs` beats out. */
export interface StreamCase {
  readonly label: string;
  readonly unit: string;
  readonly top: Module;
  readonly group: { readonly inputs: number; readonly outputs: number };
  /** cycles from an accepted transaction to its first output without back-pressure (the unit's latency) */
  readonly latency: number;
  /** `n` transactions: the input beats and the golden output beats of the uninterrupted stream */
  stream(n: number, seed: number): { inputs: bigint[]; expected: bigint[] };
}

/** Combinational tops (no state): every input once, with the golden outputs. */
export interface CombCase {
  readonly label: string;
  readonly top: Module;
  readonly inputs: bigint[];
  readonly expected: bigint[];
}

const SMALL_K = 4;
const SMALL_TILE = '4x4';

function shrink(d: Design, size: CaseSize): Design {
  if (size === 'full') return d;
  const p: Record<string, unknown> = { ...d.params };
  if ((d.unit.name === 'quantizer' || d.unit.name === 'pe') && typeof p.k === 'number') p.k = Math.min(p.k, SMALL_K);
  if (d.unit.name === 'tile') p.tile = SMALL_TILE;
  return resolveDesign(d.unit, p, (k) => `${d.unit.name}.${k}`);
}

function quantizerCase(d: Design, top: Module): StreamCase {
  const p = d.params as { format: FormatName; k: number; scaleMode: 'floor' | 'rceil'; input: 'fp32' | 'bf16' };
  const iface = top.interface();
  const ins = dataPorts(iface, 'input');
  const outs = dataPorts(iface, 'output');
  const B = codeBits(FORMAT_TABLE[p.format]);
  const corners = cornerBlocks(p.format, p.k, p.scaleMode, p.input);
  return {
    label: top.name,
    unit: 'quantizer',
    top,
    latency: d.unit.latency(d.params)?.cycles ?? 0,
    group: { inputs: 1, outputs: 1 },
    stream(n, seed) {
      // a third corner blocks (ties, saturation, NaN/Inf, subnormals) picked by the seed, the rest random
      const rng = new Prng(seed);
      const nc = Math.min(corners.length, Math.floor(n / 3));
      const blocks = [...Array.from({ length: nc }, () => rng.pick(corners)), ...randomBlocks(p.format, p.k, p.input, n - nc, seed)];
      new Prng(seed ^ 0x5bd1e995).shuffle(blocks as unknown as number[]);
      return {
        inputs: blocks.map((b) => packPorts(ins, { x_i: packBlock(p.input, b) })),
        expected: blocks.map((b) => {
          const g = goldenBlock(p.format, p.scaleMode, p.input, b);
          return packPorts(outs, { scale_o: BigInt(g.scale), codes_o: packCodes(g.codes, B) });
        }),
      };
    },
  };
}

function peCase(d: Design, top: Module): StreamCase {
  const p = d.params as { format: string; formatB?: string; k: number };
  const kind: PeKind = p.format === 'bf16' ? { kind: 'bf16' } : { kind: 'mx', formatA: p.format as FormatName, formatB: (p.formatB ?? p.format) as FormatName };
  const outs = dataPorts(top.interface(), 'output');
  const pack = peInputPacker(kind, p.k);
  const model = peModel(kind);
  return {
    label: top.name,
    unit: 'pe',
    top,
    latency: d.unit.latency(d.params)?.cycles ?? 0,
    group: { inputs: 1, outputs: 1 },
    stream(n, seed) {
      const cases = kind.kind === 'bf16' ? randomBf16Cases(p.k, n, seed) : randomMxCases(kind, p.k, n, seed);
      return { inputs: cases.map(pack), expected: cases.map((c) => packPorts(outs, { acc_o: BigInt(model(c) >>> 0) })) };
    },
  };
}

function tileCase(d: Design, top: Module): StreamCase {
  const p = d.params as { format: FormatName; tile: string; scaleMode: 'floor' | 'rceil'; input: 'fp32' | 'bf16'; order: 'row' | 'col'; buffers: 1 | 2 };
  const { rows, cols } = parseTile(p.tile);
  const cfg: TileQuantConfig = { format: p.format, rows, cols, scaleMode: p.scaleMode, input: p.input, order: p.order, buffers: p.buffers };
  const B = codeBits(FORMAT_TABLE[p.format]);
  const model = goldenTileModel(cfg);
  return {
    label: top.name,
    unit: 'tile',
    top,
    latency: d.unit.latency(d.params)?.cycles ?? 0,
    group: { inputs: rows, outputs: tileLines(cfg).lines },
    stream(n, seed) {
      const tiles = makeTiles(n, rows, cols, cfg.input, seed);
      return { inputs: tileInputVectors(cfg, tiles), expected: tileExpectedOutputs(cfg, B, tiles, model) };
    },
  };
}

/**
 * Pipeline depths the reference set does not have (it is all depth 1), so that resets also meet several beats in
 * flight and a combinational datapath: per unit, one format at each extra depth.
 */
export const EXTRA_DEPTHS: readonly { readonly unit: string; readonly format: string; readonly depth: number }[] = [
  { unit: 'quantizer', format: 'mxfp8-e4m3', depth: 0 },
  { unit: 'quantizer', format: 'mxsf', depth: 3 },
  { unit: 'pe', format: 'mxsf', depth: 0 },
  { unit: 'pe', format: 'mxfp8-e5m2', depth: 3 },
];

function extraDesigns(): Design[] {
  const refs = referenceDesigns();
  return EXTRA_DEPTHS.map((x) => {
    const ref = refs.find((d) => d.unit.name === x.unit && d.params['format'] === x.format && d.params['formatB'] === undefined)!;
    return resolveDesign(ref.unit, { ...ref.params, depth: x.depth }, (k) => `${x.unit}.${k}`);
  });
}

/** Every streaming design of the reference set (with `extras`, also the EXTRA_DEPTHS variants). */
export function streamCases(size: CaseSize, extras = false): StreamCase[] {
  const out: StreamCase[] = [];
  for (const ref of [...referenceDesigns(), ...(extras ? extraDesigns() : [])]) {
    if (ref.unit.name === 'decoder') continue;
    const d = shrink(ref, size);
    const top = d.unit.build(d.params);
    if (!top.interface().handshake) throw new Error(`${top.name}: a ${d.unit.name} without a handshake; add it to the combinational cases`);
    if (d.unit.name === 'quantizer') out.push(quantizerCase(d, top));
    else if (d.unit.name === 'pe') out.push(peCase(d, top));
    else if (d.unit.name === 'tile') out.push(tileCase(d, top));
    else throw new Error(`no reset/X case for unit '${d.unit.name}' (${top.name}): add one to test/robust/cases.ts`);
  }
  return out;
}

/** Every decoder of the reference set in one wrapper (one simulator build), each code of every format. */
export function decoderBundleCase(): CombCase & { readonly members: readonly { label: string; codes: number }[] } {
  const decoders = referenceDesigns().filter((d) => d.unit.name === 'decoder');
  const m = new ModuleBuilder('tb_robust_decoders', { doc: 'Test wrapper: the reference decoders side by side (verification only).' });
  const outs: { port: string; sig: Expr }[] = [];
  const formats = decoders.map((d) => d.params['format'] as FormatName);
  decoders.forEach((d, i) => {
    const dec = d.unit.build(d.params);
    const code = m.input(`d${i}_code_i`, dec.inputShapes.get('code_i')!);
    const u = m.instance(dec, `u_d${i}`, { code_i: code });
    for (const port of dec.outputShapes.keys()) outs.push({ port: `d${i}_${port}`, sig: u.out(port) });
  });
  for (const o of outs) m.assign(m.output(o.port, o.sig.shape), o.sig);
  const top = m.build();
  const iface = top.interface();
  const ins = dataPorts(iface, 'input');
  const bouts = dataPorts(iface, 'output');
  const per = formats.map((f) => decoderExpected(f));
  const n = Math.max(...formats.map((f) => 2 ** codeBits(FORMAT_TABLE[f])));
  const inputs: bigint[] = [];
  const expected: bigint[] = [];
  for (let c = 0; c < n; c++) {
    const inv: Record<string, bigint> = {};
    let word = 0n;
    formats.forEach((f, i) => {
      const count = 2 ** codeBits(FORMAT_TABLE[f]);
      inv[`d${i}_code_i`] = BigInt(c % count);
      // each decoder's packed output word sits at the offset of its first output port in the bundle
      const lsb = bouts.find((p) => p.name.startsWith(`d${i}_`))!.lsb;
      word |= per[i]!.expected[c % count]! << BigInt(lsb);
    });
    inputs.push(packPorts(ins, inv));
    expected.push(word);
  }
  return { label: `${formats.length} decoders`, top, inputs, expected, members: formats.map((f, i) => ({ label: decoders[i]!.unit.build(decoders[i]!.params).name, codes: 2 ** codeBits(FORMAT_TABLE[f]) })) };
}

/** Writes a module's Verilog to a scratch folder for the duration of `use`. */
export async function withRtl<T>(top: Module, use: (files: string[]) => Promise<T>): Promise<T> {
  const dir = scratchDir(`robust-${top.name}-`);
  try {
    return await use(writeDesign(top, dir, { bindings: false }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
