// The accelerator under Verilator (builds take 1-3 minutes each, cached in sim/build/): the acceptance run
// `mxgen sim train-step --format mxsf --array 4x4 --tile 8 --m 37 --k 70 --n 21 --sim verilator`; the C++ host
// driver against the Verilog testbench on the same program (same responses, same cycle counts); the C++ stream
// driver against the stream testbench on a PE. In the default run (npm test) these cost ~2.5 min with cold builds;
// the C++ host driver vs Verilog testbench comparison (two more array builds, ~45 s) runs only with
// MXGEN_ARRAY_LONG=1 (`make array-long`).

import { describe, expect, test } from 'vitest';
import { runStreamFast } from '../../generator/drivers/verilator-cpp';
import { bufferIO } from '../../generator/cli/io';
import { main } from '../../generator/cli/main';
import { writeDesign } from '../../generator/hdl/index';
import { prepareCase, randomCases } from '../../generator/rtl/array/check';
import { ArraySession } from '../../generator/rtl/array/session';
import { ArraySimulator } from '../../generator/rtl/array/sim';
import { mxPeModule } from '../../generator/rtl/pe/mx-pe';
import { peInputPacker, randomMxCases } from '../../generator/rtl/pe/vectors';
import { runSimulation } from '../../generator/sim/index';
import { scratchDir } from '../../generator/sim/paths';

const LONG = process.env['MXGEN_ARRAY_LONG'] === '1';

describe('array under Verilator', () => {
  test('mxgen sim train-step --format mxsf --array 4x4 --tile 8 --m 37 --k 70 --n 21 --sim verilator: exit 0, bit-exact', async () => {
    const io = bufferIO();
    const code = await main(['sim', 'train-step', '--format', 'mxsf', '--array', '4x4', '--tile', '8', '--m', '37', '--k', '70', '--n', '21', '--sim', 'verilator'], io);
    expect(io.stderr()).toBe('');
    expect(code).toBe(0);
    expect(io.stdout()).toMatch(/all outputs bit-exact; cycle counts equal the cycle model/);
    expect(io.stdout()).toMatch(/Y\s+X\*W\s+37x70x21\s+569\s+569/);
  }, 900_000);

  test.runIf(LONG)('the C++ host driver and the Verilog testbench give the same responses and cycle counts', async () => {
    const cfg = { format: 'mxfp8-e4m3' as const, rows: 2, cols: 3, tile: 4, scaleMode: 'floor' as const, depth: 1, bufferTiles: 64 };
    const s = new ArraySession(cfg);
    for (const g of randomCases(cfg, 6, 21, 13)) {
      const p = prepareCase(cfg, g);
      s.reset();
      const a = s.store(0, p.a, 'A');
      const b = s.store(1, p.b, 'B');
      const out = s.allocFp32(g.m, g.n, 'out');
      const h = s.gemm({ a, b, opA: g.opA, opB: g.opB, out, outMxBuf: 2 });
      s.readFp32(out);
      s.readOperand(h.mx!, 'floor');
    }
    const sim = new ArraySimulator(cfg);
    try {
      const cpp = await sim.run(s.program, { sim: 'verilator', seed: 5, stallPercent: 30, driver: 'cpp' });
      const vlg = await sim.run(s.program, { sim: 'verilator', seed: 5, stallPercent: 30, driver: 'verilog' });
      expect(cpp.commandCycles).toEqual(vlg.commandCycles);
      // the Verilog testbench reports never-written lanes as 0 too under Verilator (no X)
      expect(cpp.responses).toEqual(vlg.responses);
      expect(cpp.responses.length).toBeGreaterThan(100);
    } finally {
      sim.dispose();
    }
  }, 900_000);

  test('the C++ stream driver agrees with the stream testbench on the mxsf k=8 PE (30 % stalls)', async () => {
    const top = mxPeModule({ formatA: 'mxsf', formatB: 'mxsf', k: 8, depth: 2 });
    const files = writeDesign(top, scratchDir('pe-cpp-'), { bindings: false });
    const pack = peInputPacker({ kind: 'mx', formatA: 'mxsf', formatB: 'mxsf' }, 8);
    const vectors = randomMxCases({ formatA: 'mxsf', formatB: 'mxsf' }, 8, 3000, 9).map(pack);
    const fast = await runStreamFast({ iface: top.interface(), rtlFiles: files, vectors, seed: 3, stallPercent: 30 });
    const slow = await runSimulation({ sim: 'verilator', iface: top.interface(), rtlFiles: files, vectors, seed: 3, stallPercent: 30 });
    expect(fast.outputs).toEqual(slow.outputs);
    expect(fast.outputs).toHaveLength(3000);
  }, 900_000);
});
