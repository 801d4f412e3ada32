// Bit-exact checks of GEMMs through the array against the golden model: random and corner operands (quantized
// FP32 matrices, raw codes with NaN/Inf codes and NaN scales, FP32 specials), every op combination,
// accumulation, FP32 and re-quantized outputs, and the simulated cycle count against cycles.ts. Used by the
// regression suite (generator/verify/suites/array.ts) and the tests (test/rtl/array*.test.ts).

import {
  FORMAT_TABLE, classifyCode, codeBits, fp32BitsToBf16Bits, floatToBits, gemmBf16, gemmQuantized, quantize, type FormatName, type Matrix, type QuantizedMatrix,
} from '../../golden/index';
import { transposeMatrix, transposeQuantized } from '../../train/transpose';
import { Prng, jobSeed } from '../../util/prng';
import { randomFp32 } from '../pe/vectors';
import { type ArrayConfig, isBf16 } from './config';
import { commandCycles } from './cycles';
import type { StoredOperand } from './host';
import { ArraySession, type Op } from './session';
import type { ArrayRunOptions, ArraySimulator } from './sim';

export type DataStyle = 'normal' | 'wild' | 'codes';

export interface GemmCase {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly opA: Op;
  readonly opB: Op;
  /** accumulate onto a random C */
  readonly acc: boolean;
  readonly outFp32: boolean;
  readonly outMx: boolean;
  readonly data: DataStyle;
  readonly seed: number;
}

export const caseLabel = (g: GemmCase): string =>
  `${g.m}x${g.k}x${g.n} op ${g.opA}${g.opB}${g.acc ? ' +C' : ''} out ${[g.outFp32 ? 'fp32' : '', g.outMx ? 'mx' : ''].filter(Boolean).join('+')} ${g.data} seed ${g.seed}`;

/** A rows x cols FP32 matrix of the given style. */
export function randomMatrix(rng: Prng, rows: number, cols: number, style: DataStyle): Matrix {
  const bits = new Uint32Array(rows * cols);
  const rowScale = Array.from({ length: rows }, () => 2 ** rng.range(-12, 12));
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      if (style === 'wild') bits[i * cols + j] = randomFp32(rng);
      else bits[i * cols + j] = rng.chance(0.1) ? (rng.chance(0.5) ? 0 : 0x80000000) : floatToBits(rng.normal() * rowScale[i]!);
    }
  return { rows, cols, bits };
}

/** A stored MX operand made of random codes (NaN/Inf codes included) and random scales (a NaN scale now and then). */
function randomCodes(rng: Prng, format: FormatName, rows: number, cols: number, t: number): QuantizedMatrix {
  const f = FORMAT_TABLE[format];
  const n = 1 << codeBits(f);
  const gr = Math.ceil(rows / t);
  const gc = Math.ceil(cols / t);
  const codes = new Uint8Array(rows * cols);
  for (let i = 0; i < codes.length; i++) {
    let c = rng.int(n);
    // keep specials rare so most chunks stay finite
    while (classifyCode(f, c) !== 'finite' && !rng.chance(0.05)) c = rng.int(n);
    codes[i] = c;
  }
  const scales = Uint8Array.from({ length: gr * gc }, () => (rng.chance(0.03) ? 0xff : rng.range(127 - 40, 127 + 40)));
  return { format, block: { rows: t, cols: t }, scaleMode: 'floor', rows, cols, gridRows: gr, gridCols: gc, scales, codes };
}

interface Prepared {
  readonly a: StoredOperand;
  readonly b: StoredOperand;
  readonly c?: Matrix;
  readonly fp32: Matrix;
  /** the expected re-quantized (bf16: rounded) output */
  readonly mx?: StoredOperand;
}

/** Operands as stored (A is K x M for op t) and the golden results. */
export function prepareCase(cfg: ArrayConfig, g: GemmCase): Prepared {
  const rng = new Prng(g.seed);
  const T = cfg.tile;
  const [ar, ac] = g.opA === 'n' ? [g.m, g.k] : [g.k, g.m];
  const [br, bc] = g.opB === 'n' ? [g.k, g.n] : [g.n, g.k];
  const c = g.acc ? randomMatrix(rng, g.m, g.n, g.data === 'normal' ? 'normal' : 'wild') : undefined;
  if (isBf16(cfg)) {
    const style = g.data === 'codes' ? 'wild' : g.data;
    const A = randomMatrix(rng, ar, ac, style);
    const B = randomMatrix(rng, br, bc, style);
    const bf = (x: Matrix): StoredOperand => ({ kind: 'bf16', rows: x.rows, cols: x.cols, bits: Uint16Array.from(x.bits, (v) => fp32BitsToBf16Bits(v) >>> 16) });
    const fp32 = gemmBf16(g.opA === 't' ? transposeMatrix(A) : A, g.opB === 't' ? transposeMatrix(B) : B, c, T);
    const mx = g.outMx ? { kind: 'bf16' as const, rows: g.m, cols: g.n, bits: Uint16Array.from(fp32.bits, (v) => fp32BitsToBf16Bits(v) >>> 16) } : undefined;
    return { a: bf(A), b: bf(B), ...(c ? { c } : {}), fp32, ...(mx ? { mx } : {}) };
  }
  const format = cfg.format as FormatName;
  const tile = { rows: T, cols: T };
  const stored = (rows: number, cols: number): QuantizedMatrix =>
    g.data === 'codes' ? randomCodes(rng, format, rows, cols, T) : quantize(randomMatrix(rng, rows, cols, g.data), format, tile, cfg.scaleMode);
  const qa = stored(ar, ac);
  const qb = stored(br, bc);
  const fp32 = gemmQuantized(g.opA === 't' ? transposeQuantized(qa) : qa, g.opB === 't' ? transposeQuantized(qb) : qb, c);
  const mx = g.outMx ? { kind: 'mx' as const, q: quantize(fp32, format, tile, cfg.scaleMode) } : undefined;
  return { a: { kind: 'mx', q: qa }, b: { kind: 'mx', q: qb }, ...(c ? { c } : {}), fp32, ...(mx ? { mx } : {}) };
}

export interface CaseResult {
  readonly label: string;
  readonly ok: boolean;
  /** output elements compared (FP32 bits, codes, scales) */
  readonly compared: number;
  readonly mismatches: number;
  readonly cycles: number;
  readonly modelCycles: number;
  readonly macs: number;
  /** first differences, for the report */
  readonly detail: string[];
}

const hex = (v: number, d = 8): string => `0x${(v >>> 0).toString(16).padStart(d, '0')}`;

export function compareOperand(exp: StoredOperand, got: StoredOperand | undefined, detail: string[]): { compared: number; bad: number } {
  if (!got) return { compared: 0, bad: 1 };
  let bad = 0;
  let compared = 0;
  const note = (s: string) => {
    if (detail.length < 6) detail.push(s);
  };
  if (exp.kind === 'mx' && got.kind === 'mx') {
    const { q } = exp;
    for (let i = 0; i < q.codes.length; i++, compared++)
      if (q.codes[i] !== got.q.codes[i]) {
        bad++;
        note(`code [${Math.floor(i / q.cols)},${i % q.cols}]: expected ${hex(q.codes[i]!, 2)} actual ${hex(got.q.codes[i]!, 2)}`);
      }
    for (let i = 0; i < q.scales.length; i++, compared++)
      if (q.scales[i] !== got.q.scales[i]) {
        bad++;
        note(`scale of tile ${i}: expected ${hex(q.scales[i]!, 2)} actual ${hex(got.q.scales[i]!, 2)}`);
      }
  } else if (exp.kind === 'bf16' && got.kind === 'bf16') {
    for (let i = 0; i < exp.bits.length; i++, compared++)
      if (exp.bits[i] !== got.bits[i]) {
        bad++;
        note(`bf16 [${Math.floor(i / exp.cols)},${i % exp.cols}]: expected ${hex(exp.bits[i]!, 4)} actual ${hex(got.bits[i]!, 4)}`);
      }
  } else bad++;
  return { compared, bad };
}

/**
 * Runs the cases in one simulation (one session; operands of each case stored anew, buffers reused), checks
 * every output bit and the cycle count of every command.
 */
export async function runGemmCases(sim: ArraySimulator, cases: readonly GemmCase[], o: ArrayRunOptions): Promise<{ results: CaseResult[]; seconds: number; cycles: number }> {
  const cfg = sim.config;
  const s = new ArraySession(cfg);
  const pending = cases.map((g) => {
    const p = prepareCase(cfg, g);
    s.reset();
    const a = s.store(0, p.a, 'A');
    const b = s.store(1, p.b, 'B');
    const cRef = p.c ? s.storeFp32(p.c, 'C') : undefined;
    const out = g.outFp32 ? (cRef && cases.indexOf(g) % 2 === 0 ? cRef : s.allocFp32(g.m, g.n, 'the result')) : undefined;
    const h = s.gemm({ a, b, opA: g.opA, opB: g.opB, ...(cRef ? { c: cRef } : {}), ...(out ? { out } : {}), ...(g.outMx ? { outMxBuf: 2 } : {}) });
    const fp32 = out ? s.readFp32(out) : undefined;
    const mx = h.mx ? s.readOperand(h.mx, cfg.scaleMode) : undefined;
    return { g, p, fp32, mx };
  });
  const run = await s.run(sim, o);
  const results = pending.map(({ g, p, fp32, mx }, i): CaseResult => {
    const detail: string[] = [];
    let compared = 0;
    let bad = 0;
    if (fp32) {
      const got = fp32.value!;
      for (let e = 0; e < p.fp32.bits.length; e++, compared++)
        if (p.fp32.bits[e] !== got.bits[e]) {
          bad++;
          if (detail.length < 6) detail.push(`C[${Math.floor(e / g.n)},${e % g.n}]: expected ${hex(p.fp32.bits[e]!)} actual ${hex(got.bits[e]!)}`);
        }
    }
    if (mx) {
      const r = compareOperand(p.mx!, mx.value, detail);
      compared += r.compared;
      bad += r.bad;
      if (mx.paddingNonZero) {
        bad += mx.paddingNonZero;
        detail.push(`${mx.paddingNonZero} codes/scales outside the matrix are not +0 / the tile scale`);
      }
    }
    const model = commandCycles(cfg, { m: g.m, k: g.k, n: g.n, acc: g.acc, outMx: g.outMx });
    const cycles = run.commandCycles[i]!;
    if (cycles !== model.cycles) {
      bad++;
      detail.push(`cycles: simulated ${cycles}, model ${model.cycles}`);
    }
    return { label: caseLabel(g), ok: bad === 0 && compared > 0, compared, mismatches: bad, cycles, modelCycles: model.cycles, macs: model.macs, detail };
  });
  return { results, seconds: run.seconds, cycles: run.cycles };
}

/** Random cases: sizes that are and are not multiples of T, R and C, every op pair, outputs and data styles. */
export function randomCases(cfg: ArrayConfig, count: number, seed: number, maxDim: number): GemmCase[] {
  const rng = new Prng(seed);
  const T = cfg.tile;
  const dim = (): number => {
    const r = rng.int(4);
    if (r === 0) return rng.range(1, 3); // tiny
    if (r === 1) return Math.min(maxDim, T * rng.range(1, Math.max(1, Math.floor(maxDim / T)))); // a multiple of T
    return rng.range(1, maxDim);
  };
  const ops: readonly Op[] = ['n', 't'];
  const styles: readonly DataStyle[] = isBf16(cfg) ? ['normal', 'wild'] : ['normal', 'normal', 'wild', 'codes'];
  return Array.from({ length: count }, (_, i) => {
    const out = i % 3;
    return {
      m: dim(),
      k: dim(),
      n: dim(),
      opA: ops[i % 2]!,
      opB: ops[(i >> 1) % 2]!,
      acc: rng.chance(0.35),
      outFp32: out !== 1,
      outMx: out !== 0,
      data: rng.pick(styles),
      seed: jobSeed(seed, `gemm ${i}`),
    };
  });
}
