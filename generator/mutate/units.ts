// What each mutant is run against: the regular regression of its unit (generator/verify/suites/*), with the
// same vector generators and golden models, on small configurations so a mutant costs a second or two under
// Icarus. Each unit lists its test tops; a top has stages of growing size, run in order until one fails
// (kill on the first mismatch: a killed mutant usually costs one small run).
//
//   decoder    every format; every code (the suite's exhaustive check), one stage
//   quantizer  k = 4 (the suite runs k = 32; encoder and scale modules are the same for every k), floor FP32
//              for mxsf, mxfp8-e4m3, mxint8, mxfp4-e2m1, and mxsf rceil and mxsf BF16 input, depth 1: corner
//              blocks (cornerBlocks, all of them, the LZC table included) + 300 random blocks at 30 % stalls, then 5,000 random blocks
//   pe         k = 4 (mxsf, mxfp4-e2m1) and k = 2 (mxint8, bf16), depth 1: 300 random+corner chunks at 20 %
//              stalls; the k = 1 exhaustive code pairs (every 16th first; lanes and the adder are shared with it);
//              5,000 chunks
//   tile       2 x 2 and 2 x 4 tiles (the suite runs 8 x 8, 16 x 16, 4 x 16), row/col, 1 and 2 buffers: 120
//              tiles cycling through every tile kind at 30 % stalls, then 3,000 tiles, then the suite's throughput
//              check (48 tiles without stalls within tileCycleBudget(): a lost buffer only shows in the cycles)
// plus the corner vectors the mutation analysis added (corners.ts): in the first stage, and as stages of their
// own after it (the PE's rounding-edge, accumulator-adder and below-the-edge chunks; the k = 1 tops' edge
// products at 20 % stalls, then products at both ends of the FP32 range; the BF16 PE's special operands): new
// stages go at the end, which leaves every cached kill valid.

import { type Module, allModules } from '../hdl/index';
import { codeBits, FORMAT_NAMES, FORMAT_TABLE, type FormatName } from '../golden/index';
import type { ScaleMode } from '../golden/scale';
import { dataPorts, packPorts } from '../sim/index';
import { decoderModule } from '../rtl/decoder/decoder';
import { decoderExpected } from '../verify/suites/decoder';
import { blockQuantizerModule, type QuantizerConfig } from '../rtl/quantizer/quantizer';
import type { QuantInput } from '../rtl/quantizer/common';
import { cornerBlocks, goldenBlock, packBlock, packCodes, randomBlocks, type Block } from '../rtl/quantizer/vectors';
import { mxPeModule } from '../rtl/pe/mx-pe';
import { bf16PeModule } from '../rtl/pe/bf16-pe';
import { type PeCase, type PeKind, bf16ProductGrid, exhaustivePairs, peInputPacker, peModel, randomBf16Cases, randomMxCases } from '../rtl/pe/vectors';
import { quantizerParts } from '../rtl/tile/parts';
import { tileLines, tileQuantModule, type TileQuantConfig } from '../rtl/tile/tilequant';
import { makeTiles } from '../rtl/tile/tiles';
import { goldenTileModel, tileCycleBudget, tileExpectedOutputs, tileInputVectors } from '../rtl/tile/vectors';
import { type EquivContext, operandContexts, rceilContexts } from './contexts';
import { adderEdgeCases, belowEdgeCases, bf16SpecialCases, extraPeCases, extraQuantizerBlocks, extraTiles, productEdgeCases, rangeEdgeProducts, roundingEdgeCases } from './corners';

export interface TestStage {
  readonly label: string;
  readonly vectors: readonly bigint[];
  readonly expected: readonly bigint[];
  readonly stall: number;
  readonly seed: number;
  /** the run must end within this many cycles (a throughput check; outputs alone cannot see a lost buffer) */
  readonly maxCycles?: number;
}

export interface TestTop {
  readonly label: string;
  readonly top: Module;
  /** bounds of the contract the top gives its modules, for the equivalence check of survivors (contexts.ts) */
  readonly contexts?: readonly EquivContext[];
  /** computed on first use (golden model), then kept */
  stages(): readonly TestStage[];
}

export interface MutationUnit {
  readonly name: string;
  /** the configurations, for the report */
  readonly configs: readonly string[];
  readonly tops: readonly TestTop[];
}

const lazy = <T>(f: () => T): (() => T) => {
  let v: T | undefined;
  return () => (v ??= f());
};

// ---- decoder ----

function decoderTop(format: FormatName): TestTop {
  const top = decoderModule(format);
  return {
    label: `${top.name} every code`,
    top,
    stages: lazy(() => {
      const { inputs, expected } = decoderExpected(format);
      return [{ label: `all ${inputs.length} codes`, vectors: inputs, expected, stall: 0, seed: 1 }];
    }),
  };
}

// ---- quantizer ----

export const MUTATION_QUANTIZER_K = 4;

function quantizerStages(c: QuantizerConfig, top: Module, sizes: readonly [number, number]): TestStage[] {
  const ins = dataPorts(top.interface(), 'input');
  const outs = dataPorts(top.interface(), 'output');
  const B = codeBits(FORMAT_TABLE[c.format]);
  const pack = (blocks: readonly Block[]) => ({
    vectors: blocks.map((b) => packPorts(ins, { x_i: packBlock(c.input, b) })),
    expected: blocks.map((b) => {
      const g = goldenBlock(c.format, c.scaleMode, c.input, b);
      return packPorts(outs, { scale_o: BigInt(g.scale), codes_o: packCodes(g.codes, B) });
    }),
  });
  const first = [...cornerBlocks(c.format, c.k, c.scaleMode, c.input), ...extraQuantizerBlocks(c), ...randomBlocks(c.format, c.k, c.input, sizes[0], 11)];
  return [
    { label: `${first.length - sizes[0]} corner + ${sizes[0]} random blocks`, ...pack(first), stall: 30, seed: 11 },
    { label: `${sizes[1]} random blocks`, ...pack(randomBlocks(c.format, c.k, c.input, sizes[1], 12)), stall: 10, seed: 12 },
  ];
}

function quantizerTop(format: FormatName, scaleMode: ScaleMode, input: QuantInput): TestTop {
  const c: QuantizerConfig = { format, k: MUTATION_QUANTIZER_K, scaleMode, input, depth: 1 };
  const top = blockQuantizerModule(c);
  return { label: top.name, top, contexts: rceilContexts(top, scaleMode, input), stages: lazy(() => quantizerStages(c, top, [300, 5_000])) };
}

// ---- PE ----

interface PeConfig {
  readonly kind: PeKind;
  readonly k: number;
}

const peBuild = (p: PeKind, k: number): Module =>
  p.kind === 'bf16' ? bf16PeModule({ k, depth: 1 }) : mxPeModule({ formatA: p.formatA, formatB: p.formatB, k, depth: 1 });

function peStage(label: string, p: PeKind, k: number, cases: readonly PeCase[], stall: number, seed: number): TestStage {
  const pack = peInputPacker(p, k);
  const model = peModel(p);
  return { label, vectors: cases.map(pack), expected: cases.map((x) => BigInt(model(x))), stall, seed };
}

function randomPe(p: PeKind, k: number, n: number, seed: number): PeCase[] {
  return p.kind === 'bf16' ? randomBf16Cases(k, n, seed) : randomMxCases(p, k, n, seed);
}

function peTops(c: PeConfig): TestTop[] {
  const main = peBuild(c.kind, c.k);
  const one = peBuild(c.kind, 1);
  const p = c.kind;
  return [
    {
      label: `${main.name} random+corner`,
      top: main,
      contexts: operandContexts(main),
      stages: lazy(() => {
        const extra = extraPeCases(p, c.k);
        const edge = roundingEdgeCases(p, c.k);
        const adder = adderEdgeCases(p, c.k);
        const below = belowEdgeCases(p, c.k);
        const special = bf16SpecialCases(p, c.k);
        return [
          peStage(`${extra.length} added corners + 300 random+corner chunks`, p, c.k, [...extra, ...randomPe(p, c.k, 300, 21)], 20, 21),
          ...(edge.length ? [peStage(`${edge.length} added rounding-edge chunks`, p, c.k, edge, 20, 24)] : []),
          peStage(`${adder.length} added accumulator-adder edge chunks`, p, c.k, adder, 20, 25),
          ...(below.length ? [peStage(`${below.length} added chunks below the rounding edge`, p, c.k, below, 20, 28)] : []),
          ...(special.length ? [peStage(`${special.length} added chunks of BF16 special operands`, p, c.k, special, 20, 30)] : []),
        ];
      }),
    },
    {
      label: `${one.name} ${p.kind === 'bf16' ? 'sign/exp pairs' : 'exhaustive pairs'}`,
      top: one,
      contexts: operandContexts(one),
      stages: lazy(() => {
        const cases = p.kind === 'bf16' ? bf16ProductGrid(22) : exhaustivePairs(p, 22);
        const extra = extraPeCases(p, 1);
        const what = p.kind === 'bf16' ? 'sign/exponent pairs' : 'code pairs';
        // every 16th pair first: a stage runs to its end, and most mutants fail within a few thousand pairs
        const sample = cases.filter((_, i) => i % 16 === 0);
        const edge = productEdgeCases(p);
        const range = rangeEdgeProducts(p);
        const special1 = bf16SpecialCases(p, 1);
        return [
          peStage(`${extra.length} added corners + every 16th of the ${what} (${sample.length})`, p, 1, [...extra, ...sample], 0, 26),
          peStage(`${extra.length} added corners + ${cases.length} ${what}`, p, 1, [...extra, ...cases], 0, 22),
          // the stages above run without stalls (the suite's exhaustive check): the k = 1 top's own handshake
          // logic is seen under back-pressure only here (kills mxsf_pe_k1_d1#1, #6)
          peStage(`${edge.length} added rounding-edge products + every 16th of the ${what} from the 9th at 20 % stalls`, p, 1, [...edge, ...cases.filter((_, i) => i % 16 === 8)], 20, 27),
          ...(range.length ? [peStage(`${range.length} added products at the overflow edge and below the smallest subnormal`, p, 1, range, 20, 29)] : []),
          ...(special1.length ? [peStage(`${special1.length} added BF16 special operand pairs`, p, 1, special1, 20, 31)] : []),
        ];
      }),
    },
    {
      label: `${main.name} long`,
      top: main,
      contexts: operandContexts(main),
      stages: lazy(() => [peStage('5000 random+corner chunks', p, c.k, randomPe(p, c.k, 5_000, 23), 10, 23)]),
    },
  ];
}

// ---- tile ----

function tileTop(cfg: TileQuantConfig): TestTop {
  const top = tileQuantModule(cfg, quantizerParts(cfg.format, cfg.scaleMode, cfg.input));
  const B = codeBits(FORMAT_TABLE[cfg.format]);
  const model = goldenTileModel(cfg);
  const { lines } = tileLines(cfg);
  const stage = (label: string, tiles: Uint32Array[], stall: number, seed: number): TestStage => ({
    label,
    vectors: tileInputVectors(cfg, tiles),
    expected: tileExpectedOutputs(cfg, B, tiles, model),
    stall,
    seed,
  });
  void lines;
  return {
    label: top.name,
    top,
    contexts: rceilContexts(top, cfg.scaleMode, cfg.input),
    stages: lazy(() => {
      const extra = extraTiles(cfg);
      return [
        stage(`${extra.length} added + 120 tiles`, [...extra, ...makeTiles(120, cfg.rows, cfg.cols, cfg.input, 31)], 30, 31),
        stage('3000 tiles', makeTiles(3000, cfg.rows, cfg.cols, cfg.input, 32), 10, 32),
        // the suite's throughput run (generator/verify/suites/tile.ts): no stalls, within tileCycleBudget()
        { ...stage('48 tiles, no stalls, cycle budget', makeTiles(48, cfg.rows, cfg.cols, cfg.input, 33), 0, 33), maxCycles: tileCycleBudget(cfg, 48) },
      ];
    }),
  };
}

// ---- the units ----

/**
 * Quantizer formats of the full run: one of each kind of element encoder and scale module (the mxsf mode
 * select, an FP8 float, an integer, a 4-bit float); the other formats are the same generator code with other
 * constants, and one scale module alone has about 160 mutants (most of them equivalent: see the report).
 */
export const QUANTIZER_FORMATS: readonly FormatName[] = ['mxsf', 'mxfp8-e4m3', 'mxint8', 'mxfp4-e2m1'];

export interface UnitChoice {
  /** CI subset: fewer configurations */
  readonly quick?: boolean;
}

export function mutationUnits(o: UnitChoice = {}): MutationUnit[] {
  const decFormats: readonly FormatName[] = o.quick ? ['mxsf', 'mxfp4-e2m1'] : FORMAT_NAMES;
  const qCases: [FormatName, ScaleMode, QuantInput][] = o.quick
    ? [['mxsf', 'floor', 'fp32']]
    : [
        ...QUANTIZER_FORMATS.map((f): [FormatName, ScaleMode, QuantInput] => [f, 'floor', 'fp32']),
        ['mxsf', 'rceil', 'fp32'],
        ['mxsf', 'floor', 'bf16'],
      ];
  const mx = (a: FormatName, b: FormatName = a): PeKind => ({ kind: 'mx', formatA: a, formatB: b });
  const peCases: PeConfig[] = o.quick
    ? [{ kind: mx('mxint8'), k: 2 }]
    : [
        { kind: mx('mxsf'), k: 4 },
        { kind: mx('mxfp4-e2m1'), k: 4 },
        { kind: mx('mxint8'), k: 2 },
        { kind: { kind: 'bf16' }, k: 2 },
      ];
  const tileBase: TileQuantConfig = { format: 'mxsf', rows: 2, cols: 2, scaleMode: 'floor', input: 'fp32', order: 'row', buffers: 2 };
  const tiles: TileQuantConfig[] = o.quick
    ? [tileBase]
    : [tileBase, { ...tileBase, format: 'mxfp8-e4m3', cols: 4, order: 'col', buffers: 1 }, { ...tileBase, format: 'mxfp4-e2m1', rows: 4, cols: 2, scaleMode: 'rceil', input: 'bf16' }];
  const peLabel = (c: PeConfig) => `${peBuild(c.kind, c.k).name}`;
  return [
    { name: 'decoder', configs: decFormats.map((f) => decoderModule(f).name), tops: decFormats.map(decoderTop) },
    { name: 'quantizer', configs: qCases.map(([f, s, i]) => quantizerTop(f, s, i).label), tops: qCases.map(([f, s, i]) => quantizerTop(f, s, i)) },
    { name: 'pe', configs: peCases.map(peLabel), tops: peCases.flatMap(peTops) },
    { name: 'tile', configs: tiles.map((t) => tileQuantModule(t, quantizerParts(t.format, t.scaleMode, t.input)).name), tops: tiles.map(tileTop) },
  ];
}

/** Module name -> the unit that owns its mutants (the first unit whose tops contain it). */
export function moduleOwners(units: readonly MutationUnit[]): Map<string, { unit: MutationUnit; module: Module }> {
  const out = new Map<string, { unit: MutationUnit; module: Module }>();
  for (const u of units) for (const t of u.tops) for (const m of allModules(t.top)) if (!out.has(m.name)) out.set(m.name, { unit: u, module: m });
  return out;
}
