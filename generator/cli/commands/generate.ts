// `mxgen generate`: writes the reference RTL configurations into rtl-out/ (or --out DIR) with their
// bindings and manifest.json. The same configuration always gives byte-identical files.

import path from 'node:path';
import type { Command } from '../command';

export const generateCommand: Command = {
  name: 'generate',
  summary: 'write the reference RTL configurations (Verilog, bindings, manifest.json) into rtl-out/',
  usage: '[--out DIR] [--list]',
  options: [
    { name: 'out', value: 'DIR', help: 'output directory', default: 'rtl-out' },
    { name: 'list', help: 'list the configurations without writing anything' },
  ],
  help: 'The reference set: every format\'s decoder and k = 32 block quantizer (floor), mxsf also with rceil and BF16 input,\nand the processing elements and tile re-quantizers. rtl-out/ is checked in; CI regenerates it and fails on any difference.',
  async run(args, io) {
    const { referenceConfigs } = await import('../../rtl/configs');
    const { generateDesigns, writeGenerated } = await import('../../rtl/generate');
    const configs = referenceConfigs();
    if (args.flag('list')) {
      await io.out(configs.map((c) => `${c.unit.padEnd(14)} ${c.format.padEnd(24)} ${JSON.stringify(c.params)}`).join('\n') + '\n');
      return;
    }
    const outDir = path.resolve(io.cwd, args.require('out'));
    const design = generateDesigns(configs, outDir);
    writeGenerated(design, outDir);
    const verilog = [...design.files.keys()].filter((f) => f.endsWith('.v')).length;
    await io.out(`generate: ${design.manifest.configurations.length} configurations, ${verilog} Verilog modules -> ${path.relative(io.cwd, outDir) || '.'}\n`);
  },
};
