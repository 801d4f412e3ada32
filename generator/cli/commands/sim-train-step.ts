// `mxgen sim train-step`: one linear layer's training step (Y = X*W, dX = dY*W^T, dW = X^T*dY) through the
// generated accelerator from one stored copy of each tensor, Y also re-quantized on the drain; every bit checked
// against the golden model. The work is in generator/rtl/array/train-step.ts.

import type { Command } from '../command';
import { BASELINE_BF16, FORMAT_NAMES } from '../../formats/table';
import { UsageError } from '../errors';
import { gemmFormatValue, SCALE_MODE_OPTION } from '../options';
import { RtlMismatchError } from '../../drivers/errors';
import { SIM_CHOICES } from '../options';
import { quoteText } from '../../util/shown';

function int(args: { require(n: string): string }, name: string, min: number, max: number): number {
  const s = args.require(name);
  const v = Number(s);
  if (!/^\d+$/.test(s.trim()) || v < min || v > max) throw new UsageError(`--${name} ${quoteText(s)} must be an integer from ${min} to ${max}`);
  return v;
}

export const simTrainStepCommand: Command = {
  name: 'sim train-step',
  summary: 'a linear layer training step (X*W, dY*W^T, X^T*dY) through the generated accelerator, bit-checked, with cycles per GEMM',
  usage: '--format F --array RxC --tile T --m M --k K --n N [--seed S] [--scale-mode M] [--depth D] [--stall P] [--sim verilator|icarus] [--json]',
  options: [
    { name: 'format', value: 'F', required: true, help: `element format: ${[...FORMAT_NAMES, BASELINE_BF16].join(', ')}` },
    { name: 'array', value: 'RxC', default: '4x4', help: 'PE rows x columns (each at most T)' },
    { name: 'tile', value: 'T', default: '8', help: 'square tile edge T (a power of two): the stored tiles and every PE\'s chunk length' },
    { name: 'm', value: 'M', default: '37', help: 'batch: rows of X and dY' },
    { name: 'k', value: 'K', default: '70', help: 'input features: columns of X, rows of W' },
    { name: 'n', value: 'N', default: '21', help: 'output features: columns of W and dY' },
    { name: 'seed', value: 'S', default: '1', help: 'seed of the inputs (those of mxgen train-step) and of the host-port stalls' },
    SCALE_MODE_OPTION,
    { name: 'depth', value: 'D', default: '1', help: 'register stages inside each PE cell (0..2)' },
    { name: 'stall', value: 'P', default: '0', help: 'random bubbles and back-pressure on the host ports, percent per cycle (0..90)' },
    { name: 'sim', value: 'S', choices: SIM_CHOICES, default: 'verilator', help: 'simulator: verilator or icarus' },
    { name: 'json', help: 'print JSON instead of the table' },
  ],
  help: [
    'X = ReLU(N(0,1)) (M x K), W ~ N(0, 1/K) (K x N), dY = g_b * N(0,1) (M x N), as in mxgen train-step. X, W and dY are',
    'quantized once with T x T tiles (bf16: rounded to BF16) and stored once in three operand buffers. Then three',
    'commands: Y = X*W (FP32 out, and re-quantized on the drain into an operand buffer), dX = dY*W^T (W read',
    'transposed) and dW = X^T*dY (X read transposed). Every FP32 bit of Y, dX, dW and every code and scale of the',
    're-quantized Y is compared with the golden model, every cycle count with the cycle model; exit 1 with a diff',
    'summary on any mismatch. The array is generated and built on the fly (builds cached in sim/build/).',
    '',
    'Example: mxgen sim train-step --format mxsf --array 4x4 --tile 8 --m 37 --k 70 --n 21 --sim verilator',
  ].join('\n'),
  async run(args, io) {
    const format = gemmFormatValue('format', args.require('format'));
    const a = /^([1-9][0-9]*)x([1-9][0-9]*)$/.exec(args.require('array').trim());
    if (!a) throw new UsageError(`--array ${quoteText(args.require('array'))} is not RxC with positive integers (e.g. 4x4)`);
    const tile = int(args, 'tile', 2, 32);
    const req = {
      format,
      rows: Number(a[1]),
      cols: Number(a[2]),
      tile,
      m: int(args, 'm', 1, 4096),
      k: int(args, 'k', 1, 4096),
      n: int(args, 'n', 1, 4096),
      seed: int(args, 'seed', 0, 2 ** 31 - 1),
      scaleMode: args.require('scale-mode') as 'floor' | 'rceil',
      depth: int(args, 'depth', 0, 2),
      stallPercent: int(args, 'stall', 0, 90),
      sim: args.require('sim') as 'verilator' | 'icarus',
    };
    if (req.m * req.k * req.n > 1 << 27) throw new UsageError(`--m * --k * --n is ${req.m * req.k * req.n}, above the limit ${1 << 27} (2^27) for a simulation`);
    const { requireTool } = await import('../../sim/tools');
    if (req.sim === 'icarus') {
      requireTool('iverilog');
      requireTool('vvp');
    } else requireTool('verilator');
    const { arrayTrainStep, trainStepText } = await import('../../rtl/array/train-step');
    const r = await arrayTrainStep(req);
    if (args.flag('json')) {
      const json = {
        top: r.top,
        config: r.config,
        ok: r.ok,
        gemms: r.gemms.map((g) => ({
          name: g.name, product: g.product, m: g.m, k: g.k, n: g.n, cycles: g.cycles, modelCycles: g.model.cycles, macs: g.model.macs,
          utilisation: g.model.utilisation, fp32Compared: g.fp32Compared, fp32Mismatches: g.fp32Mismatches,
          ...(g.mxCompared !== undefined ? { mxCompared: g.mxCompared, mxMismatches: g.mxMismatches } : {}), diff: g.diff,
        })),
        seconds: r.seconds,
      };
      await io.out(`${JSON.stringify(json, null, 2)}\n`);
    } else await io.out(`${trainStepText(r, req.sim)}\n`);
    if (!r.ok) throw new RtlMismatchError(`sim train-step: the array disagrees with the golden model:\n${r.gemms.flatMap((g) => g.diff.map((d) => `  ${d}`)).join('\n')}`);
  },
};
