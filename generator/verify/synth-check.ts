// `make synth-check` (part of `make test`): a fast Yosys pass over every reference and synthesis
// configuration: elaborate, `proc`, `opt`, and fail on any latch or on a failed `check -assert`.
// The full area/depth report (synth + abc + stat -tech cmos + ltp) is `make synth`; it takes much longer.

import path from 'node:path';
import { execa } from 'execa';
import { requireTool } from '../sim';
import { referenceConfigs, synthConfigs } from '../rtl/configs';
import { emitConfigs } from './emit-configs';

const LATCH_CELLS = 't:$dlatch t:$adlatch t:$dlatchsr t:$sr t:$_DLATCH_* t:$_SR_*';

async function main(): Promise<number> {
  const yosys = requireTool('yosys');
  const seen = new Set<string>();
  const tops = emitConfigs([...referenceConfigs(), ...synthConfigs()], path.resolve('sim/work/synth-check')).filter(
    (t) => !seen.has(t.top) && seen.add(t.top),
  );
  if (tops.length === 0) throw new Error('no configuration to check');
  let failed = 0;
  for (const t of tops) {
    const script = [
      ...t.files.map((f) => `read_verilog "${f}"`),
      `hierarchy -check -top ${t.top}`,
      'proc',
      'opt_clean',
      `select -assert-none ${LATCH_CELLS}`,
      'check -assert',
    ].join('; ');
    const t0 = performance.now();
    const r = await execa(yosys, ['-q', '-p', script], { reject: false, all: true });
    const s = ((performance.now() - t0) / 1000).toFixed(1);
    if (r.exitCode === 0) {
      console.log(`synth-check ${t.top.padEnd(44)} ok, no latches (${s} s)`);
    } else {
      failed++;
      console.log(`synth-check ${t.top.padEnd(44)} FAILED\n${r.all ?? ''}`);
    }
  }
  console.log(`\n${tops.length - failed} passed, ${failed} failed (yosys proc + latch check)`);
  return failed ? 1 : 0;
}

main().then(
  (c) => (process.exitCode = c),
  (e: unknown) => {
    console.error(`synth-check: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
