// Bench: the PE's reduction tree architectures side by side (tree.ts): the word-level compressor tree of csa_w*
// cells (default), the earlier bit-level Dadda column compression with inline full/half adders, and the
// balanced adder tree. Yosys figures from the official estimate (generator/sim/synth.ts synthesize(): generic
// cells, CMOS transistor estimate, ltp depth) of the tree module alone and of the whole PE at depth 1, and the
// size of the tree's Verilog.
//
//   npx tsx generator/rtl/pe/bench-tree.ts [--k 32] [--formats mxsf,mxfp8-e5m2] [--trees csa,dadda,adders] [--pe]
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FORMAT_TABLE, FORMAT_NAMES, type FormatName } from '../../golden/index';
import { type Module, allModules, writeDesign } from '../../hdl/index';
import { synthesize } from '../../sim/synth';
import { scratchDir } from '../../sim/paths';
import { laneTermWidth, type PeArch } from './mx-chunk';
import { mxPeModule } from './mx-pe';
import { type TreeKind, treeModule } from './tree';
import { peWidths } from './widths';

interface Row {
  readonly what: string;
  readonly top: string;
  readonly cells: number;
  readonly transistors: number;
  readonly depth: number;
  readonly bytes: number;
}

async function measure(what: string, m: Module, fileOf: string): Promise<Row> {
  const dir = scratchDir(`bench-tree-${m.name}-`);
  const files = writeDesign(m, dir, { bindings: false });
  const r = await synthesize(files, m.name);
  return { what, top: m.name, cells: r.cells, transistors: r.transistors, depth: r.depth, bytes: statSync(join(dir, `${fileOf}.v`)).size };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      k: { type: 'string', default: '32' },
      formats: { type: 'string', default: 'mxsf,mxfp8-e5m2,mxfp8-e4m3,mxint8' },
      trees: { type: 'string', default: 'csa,dadda,adders' },
      pe: { type: 'boolean', default: false },
    },
  });
  const k = Number(values.k);
  const rows: Row[] = [];
  for (const f of values.formats.split(',') as FormatName[]) {
    if (!FORMAT_NAMES.includes(f)) throw new Error(`unknown format '${f}'`);
    for (const tree of values.trees.split(',') as TreeKind[]) {
      const arch: PeArch = { sign: 'ones', tree };
      const w = peWidths(FORMAT_TABLE[f], FORMAT_TABLE[f], k);
      const t = treeModule(w, { termWidth: laneTermWidth(w, arch), corrections: true, tree });
      rows.push(await measure(`${f} ${tree} tree`, t, t.name));
      console.log(`  ${rows[rows.length - 1]!.top}: done`);
      if (values.pe) {
        const pe = mxPeModule({ formatA: f, formatB: f, k, depth: 1, arch });
        const treeName = allModules(pe).find((x) => x.name.startsWith('pe_tree'))!.name;
        rows.push(await measure(`${f} ${tree} PE d=1`, pe, treeName));
        console.log(`  ${rows[rows.length - 1]!.top}: done`);
      }
    }
  }
  const head = ['what', 'top', 'cells', 'transistors', 'ltp depth', 'tree .v bytes'];
  const lines = [head, ...rows.map((r) => [r.what, r.top, String(r.cells), String(r.transistors), String(r.depth), String(r.bytes)])];
  const widths = head.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  console.log(`\nreduction trees, k = ${k} (Yosys 0.23 bounded-sat flow of generator/sim/synth.ts; transistors: stat -tech cmos)`);
  console.log(lines.map((l) => l.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n'));
}

main().catch((e: unknown) => {
  console.error(`bench-tree: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
