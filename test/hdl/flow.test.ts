// The emitted Verilog through the real tools: Icarus compiles and simulates it, Verilator -Wall
// lints it with zero warnings, Yosys synthesizes it without latches.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { adderPipe } from '../../generator/hdl/examples/adder-pipe';
import { type Expr, type Module, evalExpr, lzcModule, toBits } from '../../generator/hdl/index';
import { blockAlign, nanBox, opsModule, rng } from './fixtures';
import { iverilogCompile, removeTempDirs, simulate, verilatorLint, writeVerilog, yosysSynth } from './tools';

afterAll(removeTempDirs);

/** iverilog + verilator + yosys on one design; returns the temp dir and files. */
async function allTools(top: Module, tag: string) {
  const { dir, files } = writeVerilog(top, tag);
  const names = files.map((f) => path.basename(f));
  const iv = await iverilogCompile(names, 'a.vvp', dir);
  expect(iv.output, 'iverilog').toBe('');
  expect(iv.ok).toBe(true);
  const vl = await verilatorLint(names, top.name, dir);
  expect(vl.output, 'verilator --lint-only -Wall').toBe('');
  expect(vl.ok).toBe(true);
  const ys = await yosysSynth(names, top.name, dir);
  expect(ys.output, 'yosys').toBe('');
  expect(ys.ok).toBe(true);
  return { dir, names };
}

describe('example: adder + LZC + valid/ready pipeline', () => {
  for (const depth of [0, 1, 2, 3]) {
    test(`depth ${depth}: lint/synth clean, streams in order with random stalls and no bubbles`, async () => {
      const top = adderPipe({ width: 8, depth });
      const { dir, names } = await allTools(top, `pipe${depth}`);
      const sim = await simulate(names, pipelineBench(top.name), dir);
      expect(sim.output).toMatch(/PASS ran (\d+) beats, 0 errors/);
      expect(Number(/ran (\d+) beats/.exec(sim.output)![1])).toBeGreaterThan(200);
    });
  }
});

function pipelineBench(dut: string): string {
  return `\`timescale 1ns/1ps
module tb;
  reg clk = 1'b0, rst_n = 1'b0, in_valid = 1'b0, out_ready = 1'b0;
  reg [7:0] a = 8'd0, b = 8'd0;
  wire in_ready, out_valid;
  wire [8:0] sum;
  wire [3:0] lz;
  ${dut} dut (.clk_i(clk), .rst_ni(rst_n), .in_valid_i(in_valid), .in_ready_o(in_ready),
    .out_valid_o(out_valid), .out_ready_i(out_ready), .a_i(a), .b_i(b), .sum_o(sum), .lz_o(lz));
  always #5 clk = ~clk;
  reg [8:0] expected [0:4095];
  integer wr = 0, rd = 0, errors = 0, cycle = 0, seed = 7, k, lzv;
  initial begin
    #12 rst_n = 1'b1;
    #200000 $display("TIMEOUT wr=%0d rd=%0d", wr, rd);
    $finish;
  end
  always @(negedge clk) if (!rst_n && out_valid !== 1'b0) begin
    errors = errors + 1;
    $display("out_valid is %b during reset", out_valid);
  end
  always @(posedge clk) if (rst_n) begin
    cycle = cycle + 1;
    // record the input first: with depth 0 the same beat leaves in this cycle
    if (in_valid && in_ready) begin
      expected[wr] = a + b;
      wr = wr + 1;
    end
    if (out_valid && out_ready) begin
      lzv = 9;
      for (k = 0; k < 9; k = k + 1) if (expected[rd][k]) lzv = 8 - k;
      if (rd >= wr || sum !== expected[rd] || lz !== lzv) begin
        errors = errors + 1;
        if (errors < 5) $display("MISMATCH beat %0d: sum %0d lz %0d, expected %0d lz %0d", rd, sum, lz, expected[rd], lzv);
      end
      rd = rd + 1;
    end
    // full throughput window: every cycle must hand over a beat
    if (cycle > 402 && cycle < 500 && !in_ready) begin
      errors = errors + 1;
      $display("BUBBLE at cycle %0d", cycle);
    end
    if (!in_valid || in_ready) begin
      in_valid <= cycle < 400 ? (($random(seed) & 3) != 0) : cycle < 500;
      a <= $random(seed);
      b <= $random(seed);
    end
    out_ready <= cycle < 400 ? (($random(seed) & 3) != 0) : 1'b1;
    if (cycle > 510 && rd == wr) begin
      $display("PASS ran %0d beats, %0d errors", rd, errors);
      $finish;
    end
  end
endmodule
`;
}

describe('leading-zero counter, exhaustive', () => {
  for (const width of [1, 2, 3, 4, 5, 7, 8, 9, 12, 16]) {
    test(`width ${width}`, async () => {
      const lzc = lzcModule(width);
      const cw = lzc.outputShapes.get('count_o')!.width;
      const { dir, names } = await allTools(lzc, `lzc${width}`);
      const tb = `module tb;
  reg [${width - 1}:0] x;
  wire [${cw - 1}:0] c;
  integer i, k, expv, errors = 0;
  ${lzc.name} dut (.x_i(x), .count_o(c));
  initial begin
    for (i = 0; i < ${2 ** width}; i = i + 1) begin
      x = i;
      #1;
      expv = ${width};
      for (k = 0; k < ${width}; k = k + 1) if (x[k]) expv = ${width - 1} - k;
      if (c !== expv) begin
        errors = errors + 1;
        if (errors < 5) $display("MISMATCH x=%b count=%0d expected=%0d", x, c, expv);
      end
    end
    $display("ran %0d vectors, %0d errors", i, errors);
    $finish;
  end
endmodule
`;
      const sim = await simulate(names, tb, dir);
      expect(sim.output).toContain(`ran ${2 ** width} vectors, 0 errors`);
    });
  }
});

describe('emitted Verilog vs the reference interpreter (evalExpr)', () => {
  test('every operator: 2000 random and corner vectors agree bit for bit', async () => {
    const { module, outputs } = opsModule();
    await differential(module, outputs, 2000, 'ops');
  });

  test('block alignment probe (max tree, shifts, rounding, adder tree, LZC), 8 lanes', async () => {
    const { module, outputs } = blockAlign(8);
    await differential(module, outputs, 500, 'align');
  });

  test('NaN box: lint and synthesis clean', async () => {
    await allTools(nanBox(), 'nanbox');
  });
});

/** Random + corner vectors through Icarus, compared with evalExpr of each output's DSL expression. */
async function differential(module: Module, outputs: ReadonlyMap<string, Expr>, count: number, tag: string) {
  const { dir, names } = await allTools(module, tag);
  const ins = module.dataPorts('input');
  const outs = module.dataPorts('output');
  const next = rng(0x9e3779b97f4a7c15n);
  const vectors: Record<string, bigint>[] = [];
  for (let i = 0; i < count; i++) {
    const corner = i < 64;
    vectors.push(
      Object.fromEntries(
        ins.map((p, j) => {
          const max = (1n << BigInt(p.width)) - 1n;
          const pick = [0n, max, max >> 1n, (max >> 1n) + 1n][(i >> (2 * j)) & 3]!; // 0, all ones, smax, smin
          return [p.name, corner ? pick : next(p.width)];
        }),
      ),
    );
  }
  const packed = (ports: readonly { name: string; width: number }[], v: Record<string, bigint>) =>
    ports.reduceRight((acc, p) => (acc << BigInt(p.width)) | v[p.name]!, 0n);
  const expected = vectors.map((v) => Object.fromEntries(outs.map((p) => [p.name, toBits(evalExpr(outputs.get(p.name)!, v, (n) => module.driverOf(n)), p.width)])));
  writeFileSync(path.join(dir, 'vin.hex'), vectors.map((v) => packed(ins, v).toString(16)).join('\n') + '\n');
  writeFileSync(path.join(dir, 'vout.hex'), expected.map((v) => packed(outs, v).toString(16)).join('\n') + '\n');

  const ranges = (ports: readonly { name: string; width: number }[]) => {
    let lo = 0;
    return ports.map((p) => {
      const r = { name: p.name, hi: lo + p.width - 1, lo };
      lo += p.width;
      return r;
    });
  };
  const inR = ranges(ins);
  const outR = ranges(outs);
  const iw = inR[inR.length - 1]!.hi + 1;
  const ow = outR[outR.length - 1]!.hi + 1;
  const tb = `module tb;
  reg [${iw - 1}:0] vin [0:${count - 1}];
  reg [${ow - 1}:0] vout [0:${count - 1}];
  reg [${iw - 1}:0] in;
  reg [${ow - 1}:0] expv;
  wire [${ow - 1}:0] out;
  integer i, errors = 0;
  ${module.name} dut (
    ${[...inR.map((r) => `.${r.name}(in[${r.hi}:${r.lo}])`), ...outR.map((r) => `.${r.name}(out[${r.hi}:${r.lo}])`)].join(',\n    ')}
  );
  initial begin
    $readmemh("vin.hex", vin);
    $readmemh("vout.hex", vout);
    for (i = 0; i < ${count}; i = i + 1) begin
      in = vin[i];
      expv = vout[i];
      #1;
${outR.map((r) => `      if (out[${r.hi}:${r.lo}] !== expv[${r.hi}:${r.lo}]) begin errors = errors + 1; if (errors < 20) $display("MISMATCH %0d ${r.name}: got %h expected %h", i, out[${r.hi}:${r.lo}], expv[${r.hi}:${r.lo}]); end`).join('\n')}
    end
    $display("ran %0d vectors, %0d errors", i, errors);
    $finish;
  end
endmodule
`;
  const sim = await simulate(names, tb, dir);
  expect(sim.output).toContain(`ran ${count} vectors, 0 errors`);
}
