// A host session on the array: operands stored once in the operand buffers (a bump allocator per buffer),
// FP32 matrices in the FP32 buffer, GEMM commands on them, reads of the results; then one simulator run and the
// results handed back parsed. The drivers (gemm-driver.ts, train-step.ts) and the tests build on this.

import type { Matrix, ScaleMode } from '../../golden/index';
import { type ArrayConfig, OPERAND_BUFFERS } from './config';
import { type StoredOperand, loadFp32, loadOperand, operandShape, operandTiles, parseFp32, parseOperand, readFp32, readOperand, tileGrid } from './host';
import type { ArrayCommand, ArrayRunOptions, ArrayRunResult, ArraySimulator, HostOp } from './sim';

/** Where a stored operand lives. */
export interface OperandRef {
  readonly buf: number;
  readonly base: number;
  readonly rows: number;
  readonly cols: number;
}

export interface Fp32Ref {
  readonly base: number;
  readonly rows: number;
  readonly cols: number;
}

export type Op = 'n' | 't';

export interface GemmSpec {
  readonly a: OperandRef;
  readonly b: OperandRef;
  readonly opA: Op;
  readonly opB: Op;
  /** accumulate onto this FP32 matrix (M x N) */
  readonly c?: Fp32Ref;
  /** write the FP32 result here */
  readonly out?: Fp32Ref;
  /** write the re-quantized (bf16: rounded) result into this operand buffer */
  readonly outMxBuf?: number;
}

export interface GemmHandle {
  /** index of the command in the session */
  readonly index: number;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** the re-quantized output, when requested */
  readonly mx?: OperandRef;
}

/** A problem with a session's request (capacity, shapes): one line for the user. */
export class ArraySessionError extends Error {
  readonly userError = true;
  constructor(message: string) {
    super(message);
    this.name = 'ArraySessionError';
  }
}

export class ArraySession {
  private readonly ops: HostOp[] = [];
  private readonly readers: { n: number; done: (words: bigint[], unknown: bigint[]) => void }[] = [];
  private readonly used = new Array<number>(OPERAND_BUFFERS).fill(0);
  private fp32Used = 0;
  private cmds = 0;

  constructor(readonly config: ArrayConfig) {}

  private allocTiles(buf: number, tiles: number, what: string): number {
    if (buf < 0 || buf >= OPERAND_BUFFERS) throw new ArraySessionError(`operand buffer ${buf} does not exist (0..${OPERAND_BUFFERS - 1})`);
    const base = this.used[buf]!;
    if (base + tiles > this.config.bufferTiles)
      throw new ArraySessionError(`${what} needs ${tiles} tiles in operand buffer ${buf}, which has ${this.config.bufferTiles - base} of ${this.config.bufferTiles} left; generate the array with a larger --buffer-tiles`);
    this.used[buf] = base + tiles;
    return base;
  }

  /** An FP32 region of rows x cols (whole T x T tiles). */
  allocFp32(rows: number, cols: number, what: string): Fp32Ref {
    const T = this.config.tile;
    const words = operandTiles(rows, cols, T) * T;
    const cap = this.config.bufferTiles * T;
    if (this.fp32Used + words > cap)
      throw new ArraySessionError(`${what} needs ${words} FP32 words, the FP32 buffer has ${cap - this.fp32Used} of ${cap} left; generate the array with a larger --buffer-tiles`);
    const base = this.fp32Used;
    this.fp32Used += words;
    return { base, rows, cols };
  }

  /** Frees the whole FP32 buffer for later allocations (its data stay until overwritten). */
  resetFp32(): void {
    this.fp32Used = 0;
  }

  /**
   * Frees every buffer for later allocations. Safe between GEMMs: the host port waits for a running command,
   * and a command waits for the reads before it, so later writes never overtake earlier reads.
   */
  reset(): void {
    this.used.fill(0);
    this.fp32Used = 0;
  }

  store(buf: number, op: StoredOperand, what: string): OperandRef {
    const { rows, cols } = operandShape(op);
    const base = this.allocTiles(buf, operandTiles(rows, cols, this.config.tile), what);
    this.ops.push(...loadOperand(this.config, buf, base, op));
    return { buf, base, rows, cols };
  }

  storeFp32(mat: Matrix, what: string): Fp32Ref {
    const ref = this.allocFp32(mat.rows, mat.cols, what);
    this.ops.push(...loadFp32(this.config, ref.base, mat));
    return ref;
  }

  gemm(g: GemmSpec): GemmHandle {
    const T = this.config.tile;
    const [m, ka] = g.opA === 'n' ? [g.a.rows, g.a.cols] : [g.a.cols, g.a.rows];
    const [kb, n] = g.opB === 'n' ? [g.b.rows, g.b.cols] : [g.b.cols, g.b.rows];
    if (ka !== kb) throw new ArraySessionError(`op(A) is ${m}x${ka} and op(B) is ${kb}x${n}: the K edges differ`);
    if (g.a.buf === g.b.buf) throw new ArraySessionError(`A and B are both in operand buffer ${g.a.buf}: each buffer has one read port, store them in different buffers`);
    for (const [r, what] of [[g.c, 'C'], [g.out, 'the output']] as const)
      if (r && (r.rows !== m || r.cols !== n)) throw new ArraySessionError(`${what} is ${r.rows}x${r.cols}, the product is ${m}x${n}`);
    if (!g.out && g.outMxBuf === undefined) throw new ArraySessionError('a GEMM must write its result (FP32, re-quantized, or both)');
    const mx = g.outMxBuf === undefined ? undefined : { buf: g.outMxBuf, base: this.allocTiles(g.outMxBuf, tileGrid(m, n, T).gr * tileGrid(m, n, T).gc, 'the re-quantized output'), rows: m, cols: n };
    const cmd: ArrayCommand = {
      m, k: ka, n,
      opA: g.opA === 't', opB: g.opB === 't',
      bufA: g.a.buf, bufB: g.b.buf, baseA: g.a.base, baseB: g.b.base,
      acc: g.c !== undefined, baseC: g.c?.base ?? 0,
      outFp32: g.out !== undefined, baseOut: g.out?.base ?? 0,
      outMx: mx !== undefined, bufQ: mx?.buf ?? 0, baseQ: mx?.base ?? 0,
    };
    this.ops.push({ op: 'cmd', cmd });
    return { index: this.cmds++, m, k: ka, n, ...(mx ? { mx } : {}) };
  }

  /** Reads an FP32 matrix back; the promise of run() fills it. */
  readFp32(ref: Fp32Ref): { value?: Matrix } {
    const box: { value?: Matrix } = {};
    const ops = readFp32(this.config, ref.base, ref.rows, ref.cols);
    this.ops.push(...ops);
    this.readers.push({ n: ops.length, done: (w, x) => (box.value = parseFp32(this.config, w, ref.rows, ref.cols, x)) });
    return box;
  }

  readOperand(ref: OperandRef, scaleMode: ScaleMode): { value?: StoredOperand; paddingNonZero?: number } {
    const box: { value?: StoredOperand; paddingNonZero?: number } = {};
    const ops = readOperand(this.config, ref.buf, ref.base, ref.rows, ref.cols);
    this.ops.push(...ops);
    this.readers.push({
      n: ops.length,
      done: (w, x) => {
        const p = parseOperand(this.config, w, ref.rows, ref.cols, scaleMode, x);
        box.value = p.op;
        box.paddingNonZero = p.paddingNonZero;
      },
    });
    return box;
  }

  get program(): readonly HostOp[] {
    return this.ops;
  }

  async run(sim: ArraySimulator, o: ArrayRunOptions): Promise<ArrayRunResult> {
    const r = await sim.run(this.ops, o);
    let at = 0;
    for (const rd of this.readers) {
      rd.done(r.responses.slice(at, at + rd.n), r.unknown.slice(at, at + rd.n));
      at += rd.n;
    }
    return r;
  }
}
