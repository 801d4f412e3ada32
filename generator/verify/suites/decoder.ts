// Regression of the element decoders (generator/rtl/decoder) on the checked-in RTL of rtl-out/: every code of
// every format through its decoder, on every simulator, compared bit for bit with the golden unpacked form
// (unpackCode, derived from the decoded value). The same count at every level: the test is exhaustive.
// All decoders run side by side in one wrapper (one simulator build per simulator instead of one per format).

import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { codeBits, FORMAT_NAMES, FORMAT_TABLE, type FormatName } from '../../golden';
import { ModuleBuilder, emitDesign, type Expr, type Module } from '../../hdl';
import { scratchDir } from '../../sim/paths';
import { formatId } from '../../formats/table';
import { compareOutputs, dataPorts, packPorts, runSimulation, type SimulatorName } from '../../sim';
import { decoderModule, decoderName } from '../../rtl/decoder/decoder';
import { unpackCode } from '../../rtl/decoder/unpack';
import { referenceRtlFiles } from '../../rtl/quantizer/run';
import type { Suite, SuiteContext, SuiteRun, WorkItem } from '../suite';

/** Packed expected output word of every code of a format, in code order. */
export function decoderExpected(format: FormatName): { inputs: bigint[]; expected: bigint[] } {
  const f = FORMAT_TABLE[format];
  const iface = decoderModule(format).interface();
  const ins = dataPorts(iface, 'input');
  const outs = dataPorts(iface, 'output');
  const expW = outs.find((p) => p.name === 'exp_o')!.width;
  const inputs: bigint[] = [];
  const expected: bigint[] = [];
  for (let c = 0; c < 2 ** codeBits(f); c++) {
    const u = unpackCode(f, c);
    inputs.push(packPorts(ins, { code_i: BigInt(c) }));
    expected.push(
      packPorts(outs, {
        sign_o: BigInt(u.sign),
        sig_o: BigInt(u.sig),
        exp_o: BigInt.asUintN(expW, BigInt(u.exp)),
        is_zero_o: u.isZero ? 1n : 0n,
        is_nan_o: u.isNaN ? 1n : 0n,
        is_inf_o: u.isInf ? 1n : 0n,
      }),
    );
  }
  return { inputs, expected };
}

/**
 * Every decoder of rtl-out in one simulation model (one simulator build instead of one per format): a wrapper
 * whose ports are each decoder's ports prefixed with the format id, in the decoder's order, so the slice of a
 * packed output word that belongs to one format is exactly that decoder's packed output word.
 */
function decoderBundle(formats: readonly FormatName[]): Module {
  const m = new ModuleBuilder('tb_decoder_bundle', { doc: 'Test wrapper: every element decoder side by side (verification only, not generated RTL).' });
  const outs: { port: string; sig: Expr }[] = [];
  for (const format of formats) {
    const dec = decoderModule(format);
    const id = formatId(format);
    const code = m.input(`${id}_code_i`, dec.inputShapes.get('code_i')!);
    const u = m.instance(dec, `u_${id}`, { code_i: code });
    for (const port of dec.outputShapes.keys()) outs.push({ port: `${id}_${port}`, sig: u.out(port) });
  }
  for (const o of outs) m.assign(m.output(o.port, o.sig.shape), o.sig);
  return m.build();
}

export async function runDecoderRegression(
  sim: SimulatorName,
  seed: number,
  waves = false,
  formats: readonly FormatName[] = FORMAT_NAMES,
): Promise<SuiteRun[]> {
  const t0 = performance.now();
  const bundle = decoderBundle(formats);
  const biface = bundle.interface();
  const bouts = dataPorts(biface, 'output');
  const n = Math.max(...formats.map((f) => 2 ** codeBits(FORMAT_TABLE[f])));
  const bins = dataPorts(biface, 'input');
  const vectors = Array.from({ length: n }, (_, i) =>
    packPorts(bins, Object.fromEntries(formats.map((f) => [`${formatId(f)}_code_i`, BigInt(i % 2 ** codeBits(FORMAT_TABLE[f]))]))),
  );
  let outputs: bigint[] = [];
  let failure: string | undefined;
  const dir = scratchDir('decoder-bundle-');
  try {
    const wrapper = path.join(dir, `${bundle.name}.v`);
    writeFileSync(wrapper, emitDesign(bundle).get(bundle.name)!);
    const rtlFiles = [...formats.flatMap((f) => referenceRtlFiles(decoderName(f))), wrapper];
    const r = await runSimulation({ sim, iface: biface, rtlFiles, vectors, seed, ...(waves ? { waves: true } : {}) });
    outputs = r.outputs;
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - t0) / 1000 / formats.length; // one model: the time is shared
  return formats.map((format) => {
    const top = decoderName(format);
    const count = 2 ** codeBits(FORMAT_TABLE[format]);
    const label = `${top} all ${count} codes`;
    if (failure !== undefined) return { label, sim, vectors: 0, mismatches: 1, seconds, report: `${label} (${sim}): ${failure}` };
    const iface = decoderModule(format).interface();
    const { inputs, expected } = decoderExpected(format);
    const first = bouts.find((p) => p.name === `${formatId(format)}_${dataPorts(iface, 'output')[0]!.name}`)!;
    const mask = (1n << BigInt(dataPorts(iface, 'output').reduce((w, p) => w + p.width, 0))) - 1n;
    const actual = outputs.slice(0, count).map((w) => (w >> BigInt(first.lsb)) & mask);
    const rep = compareOutputs({ expected, actual, iface, inputs, seed, describe: `${sim}, in the decoder bundle`, maxShown: 5 });
    return { label, sim, vectors: rep.vectors, mismatches: rep.mismatches, seconds, ...(rep.ok ? {} : { report: rep.text }) };
  });
}

export const decoderSuite: Suite = {
  name: 'decoder',
  summary: 'element decoders of rtl-out vs the golden unpacked form: every code of every format',
  async run(ctx: SuiteContext): Promise<SuiteRun[]> {
    const runs: SuiteRun[] = [];
    for (const sim of ctx.sims) {
      const t0 = performance.now();
      const r = await runDecoderRegression(sim, ctx.seed, ctx.waves);
      ctx.log(`${sim}: every code of ${r.length} decoders in one model, ${r.reduce((a, x) => a + x.mismatches, 0)} mismatches, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      runs.push(...r);
    }
    return runs;
  },
  // a shard takes single decoders (a bundle of one: the same codes, labels and counts, one build each)
  items(ctx: SuiteContext): WorkItem[] {
    return ctx.sims.flatMap((sim) =>
      FORMAT_NAMES.map((f) => ({ key: `${formatId(f)} ${sim}`, run: (c: SuiteContext) => runDecoderRegression(sim, c.seed, c.waves, [f]) })),
    );
  },
};
