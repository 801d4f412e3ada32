// Standalone entry of the format study (the CLI command is `mxgen study`):
//   npx tsx generator/study/main.ts [--quick] [--seed N] [--jobs N] [--out DIR] [--cache DIR]

import { runStudy } from './run';

function parse(argv: string[]): { quick: boolean; seed?: number; jobs?: number; outDir?: string; cacheDir?: string } {
  const o: { quick: boolean; seed?: number; jobs?: number; outDir?: string; cacheDir?: string } = { quick: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--seed') o.seed = Number(val());
    else if (a === '--jobs') o.jobs = Number(val());
    else if (a === '--out') o.outDir = val();
    else if (a === '--cache') o.cacheDir = val();
    else throw new Error(`unknown argument ${a}; usage: main.ts [--quick] [--seed N] [--jobs N] [--out DIR] [--cache DIR]`);
  }
  return o;
}

const opts = parse(process.argv.slice(2));
await runStudy(opts, (line) => process.stderr.write(line + '\n'));
