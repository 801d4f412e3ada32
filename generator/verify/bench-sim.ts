// `make bench-sim`: simulator throughput of the k = 32 block quantizers of rtl-out (mxsf and mxfp8-e4m3, floor,
// FP32 input), in blocks per second under each simulator, no stalls (one block per cycle). The outputs are
// checked against the golden model too, so a fast wrong model does not count.
// Usage: tsx generator/verify/bench-sim.ts [--sim icarus|verilator|all] [--blocks N] (N for Verilator; Icarus runs N/25)

import { parseArgs } from 'node:util';
import { measureThroughput, type SimulatorName } from '../sim';
import type { FormatName } from '../golden';
import { quantizerSpec } from '../rtl/quantizer/configs';
import { blockQuantizerModule } from '../rtl/quantizer/quantizer';
import { checkAgainstGolden, referenceRtlFiles } from '../rtl/quantizer/run';
import { randomBlocks, packBlock } from '../rtl/quantizer/vectors';

const FORMATS: readonly FormatName[] = ['mxsf', 'mxfp8-e4m3'];

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { sim: { type: 'string', default: 'all' }, blocks: { type: 'string', default: '200000' } } });
  const sims: SimulatorName[] = values.sim === 'all' ? ['verilator', 'icarus'] : [values.sim as SimulatorName];
  if (!sims.every((s) => s === 'icarus' || s === 'verilator')) throw new Error(`--sim must be icarus, verilator or all, not '${values.sim}'`);
  const blocks = Number(values.blocks);
  if (!Number.isInteger(blocks) || blocks < 25) throw new Error(`--blocks must be an integer >= 25, not '${values.blocks}'`);
  let failed = 0;
  for (const format of FORMATS) {
    const c = quantizerSpec(format);
    const top = blockQuantizerModule(c);
    const iface = top.interface();
    const rtlFiles = referenceRtlFiles(top.name);
    for (const sim of sims) {
      const n = sim === 'icarus' ? Math.round(blocks / 25) : blocks;
      const data = randomBlocks(format, c.k, c.input, n, 1);
      const vectors = data.map((b) => packBlock(c.input, b));
      const [t] = await measureThroughput({ iface, rtlFiles, vectors, sims: [sim], log: null });
      const rep = checkAgainstGolden({ iface, rtlFiles, ...c }, data, { inputs: vectors, outputs: t!.outputs }, 1, `bench ${sim}`);
      if (!rep.ok) {
        failed++;
        console.log(rep.text);
      }
      const line = `${top.name.padEnd(36)} ${sim.padEnd(9)} ${String(n).padStart(8)} blocks in ${t!.seconds.toFixed(2).padStart(6)} s = ${Math.round(t!.vectorsPerSecond).toLocaleString('en-US').padStart(9)} blocks/s (${(t!.vectorsPerSecond * c.k).toExponential(2)} elements/s; build ${t!.buildSeconds.toFixed(1)} s)${rep.ok ? '' : '  MISMATCH'}`;
      console.log(line);
    }
  }
  return failed ? 1 : 0;
}

main().then(
  (c) => (process.exitCode = c),
  (e: unknown) => {
    console.error(`bench-sim: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
