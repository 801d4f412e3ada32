// `make lint`: verilator --lint-only -Wall on every reference configuration and every synthesis
// configuration, with no waivers. Prints one line per top; fails on any warning.

import path from 'node:path';
import { lintVerilog } from '../sim';
import { referenceConfigs, synthConfigs } from '../rtl/configs';
import { emitConfigs } from './emit-configs';

async function main(): Promise<number> {
  const configs = [...referenceConfigs(), ...synthConfigs()];
  const seen = new Set<string>();
  const tops = emitConfigs(configs, path.resolve('sim/work/lint')).filter((t) => !seen.has(t.top) && seen.add(t.top));
  if (tops.length === 0) throw new Error('no configuration to lint');
  let failed = 0;
  for (const t of tops) {
    try {
      const r = await lintVerilog([...t.files], t.top);
      console.log(`lint ${t.top.padEnd(40)} clean (${r.seconds.toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.log(`lint ${t.top.padEnd(40)} FAILED\n${e instanceof Error ? e.message : String(e)}`);
    }
  }
  console.log(`\n${tops.length - failed} passed, ${failed} failed (verilator --lint-only -Wall)`);
  return failed ? 1 : 0;
}

main().then(
  (c) => (process.exitCode = c),
  (e: unknown) => {
    console.error(`lint: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
