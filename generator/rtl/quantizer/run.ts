// Running block quantizer RTL on blocks through the generator/sim harness: write a configuration's Verilog
// into a scratch directory (or use the files of rtl-out/), stream packed blocks, unpack scales and codes, and
// compare them with the golden model.

import { rmSync } from 'node:fs';
import path from 'node:path';
import { writeDesign } from '../../hdl';
import type { ModuleInterface } from '../../hdl/ports';
import { codeBits, FORMAT_TABLE, type FormatName } from '../../golden';
import type { ScaleMode } from '../../golden/scale';
import { compareOutputs, dataPorts, packPorts, runSimulation, type CompareReport, type SimulatorName } from '../../sim';
import { REPO_ROOT, scratchDir } from '../../sim/paths';
import { manifestVerilog, readManifest } from '../../ip/manifest';
import type { QuantInput } from './common';
import { blockQuantizerModule, type QuantizerConfig } from './quantizer';
import { goldenBlock, packBlock, packCodes, unpackCodes, type Block, type QuantResult } from './vectors';

/** A quantizer the harness can drive: its port contract and Verilog files. */
export interface QuantizerRtl {
  readonly iface: ModuleInterface;
  readonly rtlFiles: readonly string[];
  readonly format: FormatName;
  readonly k: number;
  readonly scaleMode: ScaleMode;
  readonly input: QuantInput;
}

/**
 * Builds a quantizer configuration into a fresh scratch directory under sim/work/ and calls `use` with it;
 * the directory is removed afterwards (simulator builds are cached by content under sim/build/).
 */
export async function withQuantizerRtl<T>(c: QuantizerConfig, use: (rtl: QuantizerRtl) => Promise<T>): Promise<T> {
  const top = blockQuantizerModule(c);
  const dir = scratchDir(`rtl-${top.name}-`);
  try {
    const rtlFiles = writeDesign(top, dir, { bindings: false });
    return await use({ iface: top.interface(), rtlFiles, format: c.format, k: c.k, scaleMode: c.scaleMode, input: c.input });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RunBlocksOptions {
  readonly sim: SimulatorName;
  readonly seed: number;
  readonly stallPercent?: number;
  readonly toolPath?: string;
  readonly waves?: boolean;
}

export interface RunBlocksResult {
  readonly results: QuantResult[];
  /** packed input words and packed output words, for reports */
  readonly inputs: bigint[];
  readonly outputs: bigint[];
  readonly seconds: number;
  readonly buildSeconds: number;
  readonly cycles: number;
}

/** Streams blocks through the quantizer RTL and returns its scales and codes, in order. */
export async function runQuantizerBlocks(rtl: QuantizerRtl, blocks: readonly Block[], o: RunBlocksOptions): Promise<RunBlocksResult> {
  const ins = dataPorts(rtl.iface, 'input');
  const outs = dataPorts(rtl.iface, 'output');
  const B = codeBits(FORMAT_TABLE[rtl.format]);
  const inputs = blocks.map((b) => {
    if (b.length !== rtl.k) throw new Error(`block of ${b.length} values for a k = ${rtl.k} quantizer`);
    return packPorts(ins, { x_i: packBlock(rtl.input, b) });
  });
  const r = await runSimulation({
    sim: o.sim,
    iface: rtl.iface,
    rtlFiles: rtl.rtlFiles,
    vectors: inputs,
    seed: o.seed,
    stallPercent: o.stallPercent ?? 0,
    ...(o.toolPath !== undefined ? { toolPath: o.toolPath } : {}),
    ...(o.waves !== undefined ? { waves: o.waves } : {}),
  });
  const scalePort = outs.find((p) => p.name === 'scale_o');
  const codesPort = outs.find((p) => p.name === 'codes_o');
  if (!scalePort || !codesPort) throw new Error(`${rtl.iface.name} lacks scale_o/codes_o`);
  const results = r.outputs.map((w) => ({
    scale: Number((w >> BigInt(scalePort.lsb)) & 0xffn),
    codes: Uint8Array.from(unpackCodes(w >> BigInt(codesPort.lsb), rtl.k, B)),
  }));
  return { results, inputs, outputs: r.outputs, seconds: r.seconds, buildSeconds: r.buildSeconds, cycles: r.cycles };
}

/** The packed output word the golden model expects for one block. */
export function expectedWord(rtl: QuantizerRtl, g: QuantResult): bigint {
  const B = codeBits(FORMAT_TABLE[rtl.format]);
  return packPorts(dataPorts(rtl.iface, 'output'), { scale_o: BigInt(g.scale), codes_o: packCodes(g.codes, B) });
}

/** Compares a run with the golden model; the report names the first mismatching blocks with their inputs. */
export function checkAgainstGolden(rtl: QuantizerRtl, blocks: readonly Block[], run: Pick<RunBlocksResult, 'inputs' | 'outputs'>, seed: number, describe: string): CompareReport {
  const expected = blocks.map((b) => expectedWord(rtl, goldenBlock(rtl.format, rtl.scaleMode, rtl.input, b)));
  return compareOutputs({ expected, actual: run.outputs, iface: rtl.iface, inputs: run.inputs, seed, describe, maxShown: 5 });
}

/** Verilog files (absolute paths, dependency order) of a top of the checked-in rtl-out/<top>/ folder. */
export function referenceRtlFiles(top: string): string[] {
  const dir = path.join(REPO_ROOT, 'rtl-out', top);
  try {
    const { manifest } = readManifest(dir);
    return manifestVerilog(manifest, dir);
  } catch (e) {
    throw new Error(`rtl-out/${top}: ${e instanceof Error ? e.message : String(e)}; run 'make generate'`);
  }
}

/** The differing elements of one mismatching block: index, input bits, expected and actual codes. */
export function describeBlockMismatch(rtl: QuantizerRtl, block: Block, expected: QuantResult, actual: QuantResult, maxElements = 8): string {
  const digits = rtl.input === 'fp32' ? 8 : 4;
  const hex = (v: number, d: number): string => '0x' + v.toString(16).padStart(d, '0');
  const lines = [`scale expected ${hex(expected.scale, 2)} actual ${hex(actual.scale, 2)}${expected.scale === actual.scale ? '' : '  <-- differs'}`];
  let shown = 0;
  for (let i = 0; i < block.length && shown < maxElements; i++) {
    if (expected.codes[i] === actual.codes[i]) continue;
    shown++;
    lines.push(`element ${i}: x ${hex(block[i]!, digits)} expected code ${hex(expected.codes[i]!, 2)} actual ${hex(actual.codes[i]!, 2)}`);
  }
  return lines.join('\n');
}
