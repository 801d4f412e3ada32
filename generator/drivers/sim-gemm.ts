// GEMM through a processing element (`mxgen sim gemm`): every output element of C = A * B (+ C) goes through the
// PE chunk by chunk, the FP32 accumulator carried between chunks (formats.md section 4, step 4): one simulator run
// per chunk index (in batches), the first chunks of all M x N elements, then the second chunks fed with the first
// results, and so on. A partial chunk at the K edge (or a K shorter than the PE's k) is padded with +0 codes, which
// leave the exact sum unchanged. BF16: the inputs are rounded FP32 -> BF16 (half to even) here, before the PE.
// The operands are quantized by the golden model (or given pre-quantized); the PE is generated for the formats
// and k, or it is a design folder's own Verilog. The comparison with goldenGemm is gemmDiff (rtl/pe/gemm.ts).

import { BASELINE_BF16, chunkLength, fp32BitsToBf16Bits, makeMatrix, scaleAt, type FormatName, type Matrix, type QuantizedMatrix } from '../golden/index';
import type { PeCase, PeKind } from '../rtl/pe/vectors';
import type { SimulatorName } from '../sim/index';
import { describeDesign, type LoadedDesign } from './design';
import { DriverError } from './errors';
import { fp32Matrix, operandShape, quantized, type GemmSpec } from './gemm';
import { prepareKeepFolder, RtlRunner, type KeepFolder, type KeptFiles } from './rtl-runner';

import { SIM_GEMM_DEPTH } from '../rtl/pe/gemm';
import { MAX_SIM_GEMM_K } from '../rtl/pe/names';

export { gemmDiff } from '../rtl/pe/gemm';
export { MAX_SIM_GEMM_K, SIM_GEMM_DEPTH };

/** Transactions per simulator run. */
const BATCH = 200_000;

export interface SimGemmOptions {
  readonly sim: SimulatorName;
  readonly seed?: number;
  readonly stallPercent?: number;
  readonly toolPath?: string;
  /** run this design folder's PE instead of generating one (formats and k must match it) */
  readonly design?: LoadedDesign;
  readonly keep?: KeepFolder;
  readonly waves?: boolean;
}

export interface SimGemmResult {
  readonly result: Matrix;
  /** the PE module that ran */
  readonly top: string;
  /** PE transactions simulated (M * N * chunks) */
  readonly transactions: number;
  readonly chunks: number;
  readonly k: number;
  readonly kept?: KeptFiles;
  readonly waves: readonly string[];
}

/** The chunk length the PE runs with: the design's k, or the block edge along K (at most K). */
export function simGemmK(g: Pick<GemmSpec, 'blockA' | 'blockB' | 'a'>, design?: LoadedDesign): number {
  if (design?.spec.unit === 'pe') return design.spec.k;
  return Math.min(chunkLength(g.blockA, g.blockB), operandShape(g.a).cols);
}

/** Checks that the GEMM's formats and blocks are what a PE design computes; the message names the option. */
export function designGemmProblem(d: LoadedDesign, g: Pick<GemmSpec, 'formatA' | 'formatB' | 'blockA'>): string | undefined {
  const s = d.spec;
  if (s.unit !== 'pe') return `--design ${d.shown}: a ${s.unit} runs under 'mxgen sim quantize'`;
  const what = `the design ${d.manifest.top} (${describeDesign(s)})`;
  if (g.formatA !== s.formatA) return `--format ${g.formatA} does not match ${what}`;
  if (g.formatB !== s.formatB) return `the format of B (${g.formatB}) does not match ${what}${s.formatA !== s.formatB ? `; use --format-b ${s.formatB}` : ''}`;
  if (g.blockA.cols !== s.k) {
    return `--block-a ${g.blockA.rows}x${g.blockA.cols} has ${g.blockA.cols} along K, but ${what} has k = ${s.k}; use blocks with ${s.k} along K (1x${s.k} with ${s.k}x1, or ${s.k}x${s.k})`;
  }
  return undefined;
}

/** The per-chunk transactions of every output element. */
interface Chunks {
  readonly kind: PeKind;
  readonly count: number;
  readonly M: number;
  readonly N: number;
  chunk(i: number, j: number, ch: number, acc: number): PeCase;
}

function mxChunks(qa: QuantizedMatrix, qb: QuantizedMatrix, k: number): Chunks {
  const K = qa.cols;
  const N = qb.cols;
  return {
    kind: { kind: 'mx', formatA: qa.format, formatB: qb.format },
    count: Math.ceil(K / k),
    M: qa.rows,
    N,
    chunk(i, j, ch, acc) {
      const a = new Array<number>(k).fill(0);
      const b = new Array<number>(k).fill(0);
      const k0 = ch * k;
      for (let t = 0; t < k && k0 + t < K; t++) {
        a[t] = qa.codes[i * K + k0 + t]!;
        b[t] = qb.codes[(k0 + t) * N + j]!;
      }
      return { a, b, xa: scaleAt(qa, i, k0), xb: scaleAt(qb, k0, j), acc };
    },
  };
}

function bf16Chunks(a: Matrix, b: Matrix, k: number): Chunks {
  const K = a.cols;
  const N = b.cols;
  const ab = a.bits.map((x) => fp32BitsToBf16Bits(x) >>> 16);
  const bb = b.bits.map((x) => fp32BitsToBf16Bits(x) >>> 16);
  return {
    kind: { kind: 'bf16' },
    count: Math.ceil(K / k),
    M: a.rows,
    N,
    chunk(i, j, ch, acc) {
      const av = new Array<number>(k).fill(0);
      const bv = new Array<number>(k).fill(0);
      const k0 = ch * k;
      for (let t = 0; t < k && k0 + t < K; t++) {
        av[t] = ab[i * K + k0 + t]!;
        bv[t] = bb[(k0 + t) * N + j]!;
      }
      return { a: av, b: bv, xa: 0, xb: 0, acc };
    },
  };
}

/** C through the PE RTL. */
export async function simGemm(g: GemmSpec, o: SimGemmOptions): Promise<SimGemmResult> {
  const sa = operandShape(g.a);
  const sb = operandShape(g.b);
  if (sa.cols !== sb.rows) throw new DriverError(`A is ${sa.rows}x${sa.cols} and B is ${sb.rows}x${sb.cols}: A's columns must equal B's rows (K)`);
  if (g.c && (g.c.rows !== sa.rows || g.c.cols !== sb.cols)) throw new DriverError(`C is ${g.c.rows}x${g.c.cols} but A*B is ${sa.rows}x${sb.cols}`);
  if ((g.formatA === BASELINE_BF16) !== (g.formatB === BASELINE_BF16)) throw new DriverError(`'${BASELINE_BF16}' cannot be mixed with an MX format`);
  chunkLength(g.blockA, g.blockB);
  const problem = o.design ? designGemmProblem(o.design, g) : undefined;
  if (problem) throw new DriverError(problem);
  const k = simGemmK(g, o.design);
  if (!o.design && k > MAX_SIM_GEMM_K) throw new DriverError(`chunk length ${k} is above ${MAX_SIM_GEMM_K}: too large a PE to build and simulate`);
  const { requireTool } = await import('../sim/tools');
  if (o.sim === 'icarus') {
    requireTool('iverilog', { path: o.toolPath });
    requireTool('vvp', { path: o.toolPath });
  } else requireTool('verilator', { path: o.toolPath });

  let chunks: Chunks;
  if (g.formatA === BASELINE_BF16) chunks = bf16Chunks(fp32Matrix(g.a, 'A'), fp32Matrix(g.b, 'B'), k);
  else chunks = mxChunks(quantized(g.a, g.formatA, g.blockA, g.scaleMode), quantized(g.b, g.formatB as FormatName, g.blockB, g.scaleMode), k);

  if (o.keep) prepareKeepFolder(o.keep);
  const settings = { sim: o.sim, seed: o.seed ?? 1, stallPercent: o.stallPercent ?? 0, ...(o.waves !== undefined ? { waves: o.waves } : {}), ...(o.keep ? { keep: o.keep } : {}), ...(o.toolPath !== undefined ? { toolPath: o.toolPath } : {}) };
  let runner: RtlRunner;
  if (o.design) runner = RtlRunner.design(o.design, settings);
  else if (g.formatA === BASELINE_BF16) {
    const { bf16PeModule } = await import('../rtl/pe/bf16-pe');
    runner = RtlRunner.generated(bf16PeModule({ k, depth: SIM_GEMM_DEPTH }), settings);
  } else {
    const { mxPeModule } = await import('../rtl/pe/mx-pe');
    runner = RtlRunner.generated(mxPeModule({ formatA: g.formatA, formatB: g.formatB as FormatName, k, depth: SIM_GEMM_DEPTH }), settings);
  }
  const { peInputPacker } = await import('../rtl/pe/vectors');
  const { M, N, count } = chunks;
  const acc = new Uint32Array(M * N);
  if (g.c) acc.set(g.c.bits);
  const pack = peInputPacker(chunks.kind, k);
  try {
    for (let ch = 0; ch < count; ch++) {
      for (let from = 0; from < M * N; from += BATCH) {
        const to = Math.min(M * N, from + BATCH);
        const vectors: bigint[] = [];
        for (let e = from; e < to; e++) vectors.push(pack(chunks.chunk(Math.floor(e / N), e % N, ch, acc[e]!)));
        const r = await runner.run(vectors, { seedOffset: ch });
        for (let e = from; e < to; e++) acc[e] = Number(r.outputs[e - from]!);
      }
    }
    const kept = runner.kept();
    return { result: makeMatrix(M, N, acc), top: runner.top, transactions: M * N * count, chunks: count, k, waves: runner.waves(), ...(kept ? { kept } : {}) };
  } finally {
    runner.dispose();
  }
}
