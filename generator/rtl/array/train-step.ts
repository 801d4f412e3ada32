// One training step of a linear layer through the array (issue 13): X, W and dY stored ONCE each as T x T tiles,
// then Y = X*W (FP32, and re-quantized on the drain into an operand buffer), dX = dY*W^T (W read transposed) and
// dW = X^T*dY (X read transposed); every FP32 bit, code and scale checked against the golden model, every
// command's cycle count against cycles.ts. The inputs are those of `mxgen train-step` (train/linear-step.ts).

import { fp32BitsToBf16Bits, gemmBf16, gemmQuantized, quantize, type FormatName, type Matrix, type QuantizedMatrix, type ScaleMode } from '../../golden/index';
import type { SimulatorName } from '../../sim/index';
import { makeInputs } from '../../train/linear-step';
import { transposeMatrix, transposeQuantized } from '../../train/transpose';
import { compareOperand } from './check';
import { type ArrayConfig, type ArrayFormat, arrayConfigProblem, isBf16 } from './config';
import { commandCycles, type CycleModel } from './cycles';
import { bufferTilesFor, GemmOpError } from './gemm-driver';
import { type StoredOperand, operandTiles } from './host';
import { ArraySession } from './session';
import { ArraySimulator } from './sim';

export interface ArrayTrainStepRequest {
  readonly format: ArrayFormat;
  readonly rows: number;
  readonly cols: number;
  readonly tile: number;
  /** batch (rows of X and dY) */
  readonly m: number;
  /** input features (columns of X, rows of W) */
  readonly k: number;
  /** output features (columns of W and dY) */
  readonly n: number;
  readonly seed: number;
  readonly sim: SimulatorName;
  readonly scaleMode?: ScaleMode;
  readonly depth?: number;
  readonly stallPercent?: number;
}

export interface GemmStepReport {
  readonly name: string;
  readonly product: string;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly cycles: number;
  readonly model: CycleModel;
  readonly fp32Compared: number;
  readonly fp32Mismatches: number;
  /** the re-quantized output (Y only) */
  readonly mxCompared?: number;
  readonly mxMismatches?: number;
  readonly diff: readonly string[];
}

export interface ArrayTrainStepResult {
  readonly top: string;
  readonly config: ArrayConfig;
  readonly gemms: readonly GemmStepReport[];
  readonly ok: boolean;
  readonly seconds: number;
  readonly buildSeconds: number;
  /** host writes of the three stored operands (one tile row each) */
  readonly storedTiles: number;
}

export async function arrayTrainStep(r: ArrayTrainStepRequest): Promise<ArrayTrainStepResult> {
  const T = r.tile;
  const mode = r.scaleMode ?? 'floor';
  const { x, w, dy } = makeInputs({ batch: r.m, in: r.k, out: r.n }, r.seed);
  const tiles = (a: { rows: number; cols: number }) => operandTiles(a.rows, a.cols, T);
  const need = Math.max(tiles(x), tiles(w), tiles(dy) + tiles(dy), tiles(dy) + tiles(x) + tiles(w));
  const config: ArrayConfig = { format: r.format, rows: r.rows, cols: r.cols, tile: T, scaleMode: mode, depth: r.depth ?? 1, bufferTiles: bufferTilesFor(need) };
  const p = arrayConfigProblem(config);
  if (p) throw new GemmOpError(`--${p[0] === 'tile' ? 'tile' : 'array'}: ${p[1]}`);

  // the stored copies (one quantization pass each) and the golden products
  let store: (m: Matrix) => StoredOperand;
  let golden: { y: Matrix; dx: Matrix; dw: Matrix; yq: StoredOperand };
  if (isBf16(config)) {
    store = (m) => ({ kind: 'bf16', rows: m.rows, cols: m.cols, bits: Uint16Array.from(m.bits, (v) => fp32BitsToBf16Bits(v) >>> 16) });
    const y = gemmBf16(x, w, undefined, T);
    golden = { y, dx: gemmBf16(dy, transposeMatrix(w), undefined, T), dw: gemmBf16(transposeMatrix(x), dy, undefined, T), yq: store(y) };
  } else {
    const f = r.format as FormatName;
    const q = new Map<Matrix, QuantizedMatrix>([x, w, dy].map((m) => [m, quantize(m, f, { rows: T, cols: T }, mode)]));
    store = (m) => ({ kind: 'mx', q: q.get(m)! });
    const [qx, qw, qdy] = [q.get(x)!, q.get(w)!, q.get(dy)!];
    const y = gemmQuantized(qx, qw);
    golden = { y, dx: gemmQuantized(qdy, transposeQuantized(qw)), dw: gemmQuantized(transposeQuantized(qx), qdy), yq: { kind: 'mx', q: quantize(y, f, { rows: T, cols: T }, mode) } };
  }

  const s = new ArraySession(config);
  const X = s.store(0, store(x), 'X');
  const W = s.store(1, store(w), 'W');
  const DY = s.store(2, store(dy), 'dY');
  const outY = s.allocFp32(r.m, r.n, 'Y');
  const outDx = s.allocFp32(r.m, r.k, 'dX');
  const outDw = s.allocFp32(r.k, r.n, 'dW');
  const hy = s.gemm({ a: X, b: W, opA: 'n', opB: 'n', out: outY, outMxBuf: 2 });
  const hdx = s.gemm({ a: DY, b: W, opA: 'n', opB: 't', out: outDx });
  const hdw = s.gemm({ a: X, b: DY, opA: 't', opB: 'n', out: outDw });
  const ry = s.readFp32(outY);
  const ryq = s.readOperand(hy.mx!, mode);
  const rdx = s.readFp32(outDx);
  const rdw = s.readFp32(outDw);
  const sim = new ArraySimulator(config);
  let run;
  try {
    run = await s.run(sim, { sim: r.sim, seed: r.seed, stallPercent: r.stallPercent ?? 0 });
  } finally {
    sim.dispose();
  }

  const fp32Diff = (exp: Matrix, got: Matrix, name: string, diff: string[]): number => {
    let bad = 0;
    for (let i = 0; i < exp.bits.length; i++)
      if (exp.bits[i] !== got.bits[i]) {
        if (bad++ < 3) diff.push(`${name}[${Math.floor(i / exp.cols)},${i % exp.cols}]: expected 0x${exp.bits[i]!.toString(16).padStart(8, '0')} actual 0x${got.bits[i]!.toString(16).padStart(8, '0')}`);
      }
    return bad;
  };
  const rows: [string, string, typeof hy, Matrix, Matrix, boolean][] = [
    ['Y', 'X*W', hy, golden.y, ry.value!, true],
    ['dX', 'dY*W^T', hdx, golden.dx, rdx.value!, false],
    ['dW', 'X^T*dY', hdw, golden.dw, rdw.value!, false],
  ];
  const gemms = rows.map(([name, product, h, exp, got, mx]): GemmStepReport => {
    const diff: string[] = [];
    const bad = fp32Diff(exp, got, name, diff);
    const model = commandCycles(config, { m: h.m, k: h.k, n: h.n, acc: false, outMx: mx });
    const cycles = run.commandCycles[h.index]!;
    if (cycles !== model.cycles) diff.push(`${name}: ${cycles} cycles simulated, the cycle model says ${model.cycles}`);
    let mxPart = {};
    if (mx) {
      const qd: string[] = [];
      const c = compareOperand(golden.yq, ryq.value, qd);
      const pad = ryq.paddingNonZero ?? 0;
      if (pad) qd.push(`${pad} codes/scales outside Y are not +0 / the tile's scale`);
      diff.push(...qd.map((d) => `Y re-quantized: ${d}`));
      mxPart = { mxCompared: c.compared, mxMismatches: c.bad + pad };
    }
    return { name, product, m: h.m, k: h.k, n: h.n, cycles, model, fp32Compared: exp.bits.length, fp32Mismatches: bad, ...mxPart, diff };
  });
  return {
    top: sim.top.name,
    config,
    gemms,
    ok: gemms.every((g) => g.diff.length === 0 && g.fp32Mismatches === 0 && (g.mxMismatches ?? 0) === 0),
    seconds: run.seconds,
    buildSeconds: run.buildSeconds,
    storedTiles: tiles(x) + tiles(w) + tiles(dy),
  };
}

/** The table `mxgen sim train-step` prints. */
export function trainStepText(r: ArrayTrainStepResult, sim: string): string {
  const c = r.config;
  const lines = [
    `${r.top} (${sim}): ${c.rows}x${c.cols} PEs, ${c.tile}x${c.tile} tiles, ${c.format}; X, W, dY stored once (${r.storedTiles} tiles), W^T and X^T read transposed`,
    '',
    `${'GEMM'.padEnd(4)} ${'product'.padEnd(17)} ${'M x K x N'.padEnd(16)} ${'cycles'.padStart(8)} ${'model'.padStart(7)} ${'MACs'.padStart(9)} ${'utilisation'.padStart(12)}  ${'FP32 bits'.padEnd(17)} re-quantized Y`,
  ];
  for (const g of r.gemms) {
    const fp = `${g.fp32Compared - g.fp32Mismatches}/${g.fp32Compared} ok`;
    const mx = g.mxCompared === undefined ? '-' : `${g.mxCompared - (g.mxMismatches ?? 0)}/${g.mxCompared} codes+scales ok`;
    lines.push(
      `${g.name.padEnd(4)} ${g.product.padEnd(17)} ${`${g.m}x${g.k}x${g.n}`.padEnd(16)} ${String(g.cycles).padStart(8)} ${String(g.model.cycles).padStart(7)} ${String(g.model.macs).padStart(9)} ${`${(100 * g.model.utilisation).toFixed(1)} %`.padStart(12)}  ${fp.padEnd(17)} ${mx}`,
    );
  }
  lines.push('', r.ok ? 'all outputs bit-exact; cycle counts equal the cycle model' : 'MISMATCH:', ...r.gemms.flatMap((g) => g.diff.map((d) => `  ${d}`)));
  lines.push(`(simulation ${r.seconds.toFixed(1)} s${r.buildSeconds ? `, build ${r.buildSeconds.toFixed(1)} s` : ', cached build'})`);
  return lines.join('\n');
}
