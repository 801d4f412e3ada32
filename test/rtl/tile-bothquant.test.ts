// The 1-D comparison unit (two 1xK block quantizers + a KxK transpose buffer) is a real, working design:
// row-wise and column-wise results against the golden quantizeBlock under Icarus with random stalls on the
// input and on both output streams (its two output streams need a testbench of their own), plus lint.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, test } from 'vitest';
import { writeDesign } from '../../generator/hdl/index';
import { lintVerilog } from '../../generator/sim/index';
import { scratchDir } from '../../generator/sim/paths';
import { codeBits, FORMAT_TABLE, quantizeBlock, type FormatName } from '../../generator/golden/index';
import { bothQuantModule, type BothQuantConfig } from '../../generator/rtl/tile/bothquant';
import { makeTiles } from '../../generator/rtl/tile/tiles';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function bench(dut: string, K: number, W: number, B: number, rows: number, stall: number): string {
  const IW = K * W;
  const CW = K * B;
  return `\`timescale 1ns/1ps
module tb;
  reg clk = 1'b0, rst_n = 1'b0, in_valid = 1'b0, out_ready = 1'b0, row_ready = 1'b0;
  reg [${IW - 1}:0] row = ${IW}'d0;
  wire in_ready, out_valid, row_valid;
  wire [7:0] row_scale, col_scale;
  wire [${CW - 1}:0] row_codes, col_codes;
  ${dut} dut (.clk_i(clk), .rst_ni(rst_n), .in_valid_i(in_valid), .in_ready_o(in_ready), .out_valid_o(out_valid),
    .out_ready_i(out_ready), .row_i(row), .row_ready_i(row_ready), .row_valid_o(row_valid), .row_scale_o(row_scale),
    .row_codes_o(row_codes), .col_scale_o(col_scale), .col_codes_o(col_codes));
  reg [${IW - 1}:0] mem [0:${rows - 1}];
  integer sent = 0, nrow = 0, ncol = 0, cycles = 0, fr, fc;
  reg [31:0] rng = 32'h2545f491;
  function [31:0] xs;
    input [31:0] x;
    reg [31:0] y;
    begin
      y = x ^ (x << 13);
      y = y ^ (y >> 17);
      xs = y ^ (y << 5);
    end
  endfunction
  always #5 clk = ~clk;
  initial begin
    $readmemh("in.hex", mem);
    fr = $fopen("rows.hex", "w");
    fc = $fopen("cols.hex", "w");
    #22 rst_n = 1'b1;
  end
  always @(posedge clk) if (rst_n) begin
    cycles = cycles + 1;
    if (row_valid && row_ready) begin $fwrite(fr, "%h %h\\n", row_scale, row_codes); nrow = nrow + 1; end
    if (out_valid && out_ready) begin $fwrite(fc, "%h %h\\n", col_scale, col_codes); ncol = ncol + 1; end
    if (in_valid && in_ready) sent = sent + 1;
    rng = xs(rng);
    if (!(in_valid && !in_ready)) begin
      if (sent < ${rows} && (rng % 100) >= ${stall}) begin in_valid <= 1'b1; row <= mem[sent]; end
      else in_valid <= 1'b0;
    end
    rng = xs(rng);
    out_ready <= (rng % 100) >= ${stall};
    rng = xs(rng);
    row_ready <= (rng % 100) >= ${stall};
    if (nrow == ${rows} && ncol == ${rows}) begin
      $display("DONE cycles=%0d", cycles);
      $fclose(fr);
      $fclose(fc);
      $finish;
    end
    if (cycles > ${rows * 40 + 1000}) begin
      $display("TIMEOUT rows=%0d cols=%0d", nrow, ncol);
      $finish;
    end
  end
endmodule
`;
}

const hexOf = (v: number, digits: number): string => v.toString(16).padStart(digits, '0');

function expectedLine(format: FormatName, values: number[], B: number): string {
  const q = quantizeBlock(format, values, 'floor');
  let codes = 0n;
  for (let i = values.length - 1; i >= 0; i--) codes = (codes << BigInt(B)) | BigInt(q.codes[i]!);
  return `${hexOf(q.scale, 2)} ${codes.toString(16).padStart(Math.ceil((values.length * B) / 4), '0')}`;
}

describe('1-D comparison unit (bothquant)', () => {
  const cases: BothQuantConfig[] = [
    { format: 'mxsf', k: 8, scaleMode: 'floor', input: 'fp32', buffers: 2 },
    { format: 'mxfp4-e2m1', k: 4, scaleMode: 'floor', input: 'fp32', buffers: 1 },
  ];
  for (const c of cases) {
    test(`${c.format} 1x${c.k} ${c.buffers === 2 ? 'double' : 'single'} buffer: rows and columns bit-exact (icarus, 25% stalls), lint clean`, async () => {
      const top = bothQuantModule(c);
      const dir = scratchDir(`test-${top.name}-`);
      dirs.push(dir);
      const files = writeDesign(top, dir, { bindings: false });
      await lintVerilog(files, top.name);
      const K = c.k;
      const B = codeBits(FORMAT_TABLE[c.format]);
      const strips = makeTiles(48, K, K, 'fp32', 11);
      const rows = strips.length * K;
      const lines: string[] = [];
      for (const s of strips) for (let r = 0; r < K; r++) lines.push(Array.from({ length: K }, (_, j) => hexOf(s[r * K + (K - 1 - j)]!, 8)).join(''));
      writeFileSync(path.join(dir, 'in.hex'), lines.join('\n') + '\n');
      writeFileSync(path.join(dir, 'tb.v'), bench(top.name, K, 32, B, rows, 25));
      const comp = await execa('iverilog', ['-g2005', '-o', 'tb.vvp', 'tb.v', ...files], { cwd: dir, reject: false, all: true });
      expect(comp.all).toBe('');
      const run = await execa('vvp', ['-n', 'tb.vvp'], { cwd: dir, reject: false, all: true });
      expect(run.all).toMatch(/DONE cycles=\d+/);
      const expRows: string[] = [];
      const expCols: string[] = [];
      for (const s of strips) {
        for (let r = 0; r < K; r++) expRows.push(expectedLine(c.format, Array.from(s.subarray(r * K, r * K + K)), B));
        for (let j = 0; j < K; j++) expCols.push(expectedLine(c.format, Array.from({ length: K }, (_, r) => s[r * K + j]!), B));
      }
      const gotRows = readFileSync(path.join(dir, 'rows.hex'), 'utf8').trim().split('\n');
      const gotCols = readFileSync(path.join(dir, 'cols.hex'), 'utf8').trim().split('\n');
      expect(gotRows.length).toBe(rows);
      expect(gotCols.length).toBe(rows);
      expect(gotRows).toEqual(expRows);
      expect(gotCols).toEqual(expCols);
    });
  }
});
