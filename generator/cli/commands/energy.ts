// `mxgen energy`: the energy of a workload (training step or inference) on the accelerator in each format against
// the BF16 array: measured per-op logic energy x the array's operation counts + cited memory energies x traffic.
// The work is in generator/energy/ (make energy writes reports/energy.*).

import type { Command } from '../command';
import { InputError, UsageError } from '../errors';
import { parseJsonText, readInputText } from '../io';

export const energyCommand: Command = {
  name: 'energy',
  summary: 'energy of a training step / inference on the array per format vs BF16 (compute, re-quantization, buffers, DRAM, leakage)',
  usage: '--workload mlp|transformer|FILE.json --array RxC [--format F[,F...]] [--layout tile|1x32|both] [--cache DIR] [--json]',
  options: [
    { name: 'workload', value: 'W', required: true, help: 'mlp (MNIST MLP 784-256-128-10, batch 64: training step and inference), transformer (one block: training step and inference), or a workload JSON file' },
    { name: 'array', value: 'RxC', required: true, help: 'PE rows x columns, each 1..8 (8x8 tiles)' },
    { name: 'format', value: 'F', default: 'mxsf,mxfp8-e2m5,mxfp8-e4m3,mxint8,bf16', help: 'formats, comma-separated (bf16 is the baseline of the ratios)' },
    { name: 'layout', value: 'L', choices: ['tile', '1x32', 'both'], default: 'both', help: 'MX storage: 8x8 tiles, 1-D 1x32 blocks (a second re-quantized copy per transposed read), or both' },
    { name: 'cache', value: 'DIR', help: 'per-op energy cache (default sim/work/energy-cache of the checkout); figures missing there are measured (minutes each)' },
    { name: 'json', help: 'print the records (the reports/energy.json form) instead of the table' },
  ],
  help: [
    'Per GEMM: PE ops, idle cycles, buffer words and re-quantized elements from the array\'s cycle model',
    '(generator/rtl/array/cycles.ts); stored bytes per format; per-op energies measured at gate level on the',
    'OSU 0.18 um library (generator/phys) on the workload\'s own operands (mlp) or N(0,1) (transformer, files).',
    'Memory energies: Horowitz ISSCC 2014, SRAM scaled to 0.18 um / 1.8 V. Workload file: {"name", "training",',
    '"gemms": [{"m", "k", "n", "a", "opA", "b", "opB", "out", "outQuantized", "cls"}], "tensors"?: [...]}.',
    '',
    'Examples:',
    '  mxgen energy --workload mlp --array 8x8',
    '  mxgen energy --workload transformer --array 4x4 --format mxsf,bf16 --layout tile --json',
  ].join('\n'),
  async run(args, io) {
    const { resolveEnergy } = await import('../../energy/cli');
    let plan;
    try {
      plan = resolveEnergy({ workload: args.require('workload'), array: args.require('array'), format: args.require('format'), layout: args.require('layout') });
    } catch (e) {
      if ((e as { userError?: boolean }).userError) throw new UsageError((e as Error).message);
      throw e;
    }
    let workloads = plan.workloads;
    if (!workloads) {
      const file = args.require('workload');
      const text = await readInputText(file, 'workload', io);
      const { workloadFromJson } = await import('../../energy/options');
      try {
        workloads = [workloadFromJson(parseJsonText(text, file), file)];
      } catch (e) {
        if ((e as { userError?: boolean }).userError) throw new InputError((e as Error).message);
        throw e;
      }
    }
    const { energyStudy } = await import('../../energy/run');
    const { energyText } = await import('../../energy/cli');
    const { resolve } = await import('node:path');
    const records = await energyStudy({
      workloads,
      arrays: [plan.array],
      formats: plan.formats,
      layouts: plan.layouts,
      ...(args.given('cache') ? { cacheDir: resolve(io.cwd, args.require('cache')) } : {}),
      log: (l) => io.err(`${l}\n`),
    });
    await io.out(args.flag('json') ? `${JSON.stringify(records, null, 2)}\n` : energyText(records));
  },
};
