// How a bmc3 run is read (generator/formal/engines.ts): a pass needs every frame asked for; a run stopped by its
// time limit, or killed inside one long SAT call, is bounded to the frames its verbose lines show; a run killed
// before its first frame is a limit with no bound. Then one real bmc3 run on a small counter.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { abcBmc, bmcOutcome } from '../../generator/formal/engines';

// the start of every bmc3 -v run: its parameter line names TimeOut even when no limit is hit
const head = [
  'Running "bmc3". PI/PO/Reg = 33/1/32. And =   3507. Lev =    42. ObjNums =  2065.',
  'Params: FramesMax = 8. Start = 0. ConfLimit = 0. TimeOut = 300. SolveAll = 0.',
].join('\n');
const frame = (f: number) => `${String(f).padStart(4)} + : Var =    1448. Cla =     5220. Conf =    467. Learn =    467.    0 MB   4 MB     0.03 sec`;
const frames = (n: number) => Array.from({ length: n }, (_, f) => frame(f)).join('\n');

describe('reading bmc3', () => {
  // output, frames asked for, killed by runTool, expected
  const table: [string, string, number, boolean, { status: string; depth?: number }][] = [
    ['every frame: passed', `${head}\n${frames(8)}\nNo output asserted in 8 frames. Time = 1.0 sec`, 8, false, { status: 'passed', depth: 8 }],
    ['its own -T after 5 frames', `${head}\n${frames(5)}\nNo output asserted in 5 frames. Time = 300.1 sec`, 8, false, { status: 'timeout', depth: 5 }],
    ['killed inside frame 3', `${head}\n${frames(3)}`, 8, true, { status: 'timeout', depth: 3 }],
    ['killed before frame 0', head, 8, true, { status: 'timeout', depth: 0 }],
    ['counterexample', `${head}\n${frames(2)}\nOutput 0 of miter "sb" was asserted in frame 2. Time = 0.03 sec`, 8, false, { status: 'failed', depth: 2 }],
    ['no summary, not killed: the tool broke', `${head}\nError: Does not work for combinational networks.`, 8, false, { status: 'error' }],
  ];
  for (const [name, out, n, killed, want] of table) it(name, () => expect(bmcOutcome(out, n, killed)).toEqual(want));
});

const dir = mkdtempSync(path.join(tmpdir(), 'formal-bmc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bmc3 on a counter', () => {
  it('runs every frame of an unreachable bad state, and finds a reachable one', async () => {
    // acc counts up by at most 3 a cycle: 40 is out of reach within 10 frames, 6 is reached at frame 2
    const v = path.join(dir, 'c.v');
    writeFileSync(v, [
      'module c(input clk, input [1:0] a, output far, output near);',
      '  reg [7:0] acc = 8\'d0;',
      '  always @(posedge clk) acc <= acc + {6\'d0, a};',
      '  assign far  = acc == 8\'d40;',
      '  assign near = acc == 8\'d6;',
      'endmodule',
    ].join('\n'));
    for (const bad of ['far', 'near']) {
      const keep = bad === 'far' ? 'near' : 'far';
      execFileSync('yosys', ['-q', '-p', `read_verilog ${v}; hierarchy -top c; proc; delete -output c/${keep}; synth -top c; dffunmap; aigmap; write_aiger -zinit ${path.join(dir, `${bad}.aig`)}`]);
    }
    expect(await abcBmc(path.join(dir, 'far.aig'), 10, 60)).toMatchObject({ status: 'passed', depth: 10 });
    expect(await abcBmc(path.join(dir, 'near.aig'), 10, 60)).toMatchObject({ status: 'failed', depth: 2 });
  }, 60_000);
});
