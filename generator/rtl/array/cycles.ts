// The array's cycle count per command, in closed form per output tile (README.md, "Timing"); tests check it
// against the simulated count, cycle for cycle.
//
//   S = ceil(K/T) chunk steps per block, P = max(S, R) cycles per block slot, L = depth + 1 (PE-cell latency)
//   blocks: T x T output tiles row-major, in each tile ceil(vm/R) x ceil(vn/C) blocks of R x C (vm, vn = the
//           tile's rows and columns inside M x N)
//   t_0 = 2, or max(2, R) when accumulating (the first block's C is read first)
//   block starts: every P cycles; with a re-quantized output a tile's last block starts no sooner than T cycles
//           after the previous tile's last block (the re-quantizer takes T rows per tile)
//   cycles = t_last + S + L + R + 3            (t_last: start of the last block; from the command's acceptance
//            + 2T + 2 with a re-quantized output  to its done pulse; the re-quantizer takes the tile's T rows,
//              (+ T + 2 for the bf16 array's          then 2 cycles, then gives T lines)
//              BF16-rounded output: one register after the rounders)

import { type ArrayConfig, isBf16 } from './config';
import { cellLatency } from './pe-cell';

export interface CommandShape {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** accumulate onto C */
  readonly acc: boolean;
  /** re-quantized (bf16: rounded) output */
  readonly outMx: boolean;
}

export interface CycleModel {
  readonly cycles: number;
  /** S: chunk steps per block */
  readonly steps: number;
  /** P: cycles per block slot */
  readonly slot: number;
  readonly blocks: number;
  readonly tiles: number;
  /** useful multiply-adds M * N * K */
  readonly macs: number;
  /** macs / (cycles * R * C * T) */
  readonly utilisation: number;
  /** cycles a block slot waits for the re-quantizer, summed */
  readonly spacingWait: number;
}

export function commandCycles(c: Pick<ArrayConfig, 'format' | 'rows' | 'cols' | 'tile' | 'depth'>, g: CommandShape): CycleModel {
  const { rows: R, cols: C, tile: T } = c;
  if (![g.m, g.k, g.n].every((x) => Number.isInteger(x) && x >= 1)) throw new Error(`M, K, N must be positive integers, got ${g.m}, ${g.k}, ${g.n}`);
  const S = Math.ceil(g.k / T);
  const P = Math.max(S, R);
  const L = cellLatency(c.depth);
  const gm = Math.ceil(g.m / T);
  const gn = Math.ceil(g.n / T);
  let closePrev = -Infinity;
  let next = g.acc ? Math.max(2, R) : 2; // start of the next block
  let blocks = 0;
  let wait = 0;
  let last = 0;
  for (let ti = 0; ti < gm; ti++) {
    const vm = Math.min(T, g.m - ti * T);
    for (let tj = 0; tj < gn; tj++) {
      const vn = Math.min(T, g.n - tj * T);
      const nbt = Math.ceil(vm / R) * Math.ceil(vn / C);
      blocks += nbt;
      const closing = next + (nbt - 1) * P;
      const close = g.outMx ? Math.max(closing, closePrev + T) : closing;
      wait += close - closing;
      closePrev = close;
      last = close;
      next = close + P;
    }
  }
  const tail = isBf16(c) ? T + 2 : 2 * T + 2;
  const cycles = last + S + L + R + 3 + (g.outMx ? tail : 0);
  const macs = g.m * g.n * g.k;
  return { cycles, steps: S, slot: P, blocks, tiles: gm * gn, macs, utilisation: macs / (cycles * R * C * T), spacingWait: wait };
}
