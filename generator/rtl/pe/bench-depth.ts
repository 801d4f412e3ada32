// Bench: Fmax and area against pipeline depth d for the PEs and the block quantizer, on the OSU 0.18 um
// library (bench-timing.ts: Yosys + ABC mapping, OpenSTA), next to the planner's estimate (gate levels of the
// delay model, hdl/lib/delay.ts) and Yosys' `ltp` gate depth. Not the official synthesis report.
//
//   npx tsx generator/rtl/pe/bench-depth.ts [--k 32] [--depths 1,2,3,4] [--units mxsf,bf16,quant] [--json FILE]
//   npx tsx generator/rtl/pe/bench-depth.ts --calibrate     the delay model against `ltp` on the combinational units
//
// Units: an MX format (an MX PE of the format with itself, e.g. mxsf, mxfp8-e4m3), `bf16` (BF16 PE),
// `quant` (mxsf block quantizer, floor, FP32 input), `quant:<format>`; a suffix `+acc` (accumulate in place)
// or `+skid` builds that option. One design at a time (runs take ~2-8 min each at k = 32, cached in sim/build).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FORMAT_NAMES, FORMAT_TABLE, type FormatName } from '../../golden/index';
import { bf16MulModule, fp32AddModule, fp32RoundModule } from '../fp32/index';
import { elementEncoderModule } from '../quantizer/encoder';
import { sharedScaleModule } from '../quantizer/scale';
import { DEFAULT_ARCH, laneModule, laneTermWidth } from './mx-chunk';
import { treeModule } from './tree';
import { peWidths } from './widths';
import { DelayEstimator, type Module } from '../../hdl/index';
import type { PipelinePlan } from '../../hdl/lib/stager';
import { blockQuantizerPlanned } from '../quantizer/quantizer';
import { measureLtp, measureTiming, OSU018_LIB, type TimingResult } from './bench-timing';
import { bf16PePlanned } from './bf16-pe';
import { mxPeModule, mxPePlanned } from './mx-pe';

export interface DepthRow extends TimingResult {
  readonly unit: string;
  readonly depth: number;
  /** the planner's longest stage and the unpipelined total (delay-model gate levels) */
  readonly planMax: number;
  readonly planTotal: number;
  /** the delay model on the built design: latest arrival at a register or output */
  readonly modelLevels: number;
}

function build(unit: string, k: number, depth: number): { module: Module; plan: PipelinePlan } {
  const [base, opt] = unit.split('+') as [string, string | undefined];
  const acc = opt === 'acc';
  const skid = opt === 'skid';
  if (opt !== undefined && !acc && !skid) throw new Error(`unknown option '+${opt}' (use +acc or +skid)`);
  if (base === 'bf16') return bf16PePlanned({ k, depth, acc, skid });
  if (base === 'quant' || base.startsWith('quant:')) {
    const format = (base === 'quant' ? 'mxsf' : base.slice(6)) as FormatName;
    if (!FORMAT_NAMES.includes(format)) throw new Error(`unknown format '${format}'`);
    if (acc) throw new Error('the quantizer has no +acc option');
    return blockQuantizerPlanned({ format, k, scaleMode: 'floor', input: 'fp32', depth, skid });
  }
  if (!FORMAT_NAMES.includes(base as FormatName)) throw new Error(`unknown unit '${base}' (an MX format, bf16, quant or quant:<format>)`);
  return mxPePlanned({ formatA: base as FormatName, formatB: base as FormatName, k, depth, acc, skid });
}

export async function benchDepth(unit: string, k: number, depth: number): Promise<DepthRow> {
  const { module, plan } = build(unit, k, depth);
  const a = new DelayEstimator().evaluate(module);
  const modelLevels = Math.max(a.regInputs, ...a.outputs.values());
  const t = await measureTiming(module);
  return { ...t, unit, depth, planMax: plan.maxStage, planTotal: plan.total, modelLevels };
}

function table(rows: readonly DepthRow[]): string {
  const head = ['unit', 'top', 'd', 'model lv', 'ltp lv', 'path ns', 'Fmax MHz', 'x d=1', 'area um^2', 'x d=1', 'flops', 'worst path'];
  const lines = [head];
  for (const r of rows) {
    const base = rows.find((x) => x.unit === r.unit && x.depth === 1);
    lines.push([
      r.unit, r.top, String(r.depth), r.modelLevels.toFixed(0), String(r.ltp), r.pathNs.toFixed(2), r.fmaxMhz.toFixed(1),
      base ? (r.fmaxMhz / base.fmaxMhz).toFixed(2) : '-', r.areaUm2.toFixed(0), base ? (r.areaUm2 / base.areaUm2).toFixed(2) : '-',
      String(r.flops), `${r.from} -> ${r.to}`,
    ]);
  }
  const widths = head.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  return lines.map((l) => l.map((c, i) => (i < 2 || i === l.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

/** The delay model's estimate of combinational units against Yosys' `ltp` (both in gate levels). */
async function calibrate(): Promise<void> {
  const sf = FORMAT_TABLE.mxsf;
  const e5 = FORMAT_TABLE['mxfp8-e5m2'];
  const units: Module[] = [
    fp32AddModule(), fp32RoundModule(29, 10), fp32RoundModule(69, 10), bf16MulModule(),
    laneModule(sf, sf, peWidths(sf, sf, 32)), laneModule(e5, e5, peWidths(e5, e5, 32)),
    ...[sf, e5].map((f) => {
      const w = peWidths(f, f, 32);
      return treeModule(w, { termWidth: laneTermWidth(w, DEFAULT_ARCH), corrections: true, tree: 'csa' });
    }),
    sharedScaleModule('mxsf', 'floor', 'fp32'), sharedScaleModule('mxsf', 'rceil', 'fp32'), elementEncoderModule('mxsf', 'fp32'),
    mxPeModule({ formatA: 'mxsf', formatB: 'mxsf', k: 8, depth: 0 }),
  ];
  console.log('delay model (hdl/lib/delay.ts) against Yosys ltp (synth -flatten -noshare; ltp -noff), gate levels');
  console.log(`${'module'.padEnd(34)} ${'model'.padStart(6)} ${'ltp'.padStart(5)}  model/ltp`);
  for (const u of units) {
    const a = new DelayEstimator().evaluate(u);
    const model = Math.max(a.regInputs, ...a.outputs.values());
    const ltp = await measureLtp(u);
    console.log(`${u.name.padEnd(34)} ${model.toFixed(0).padStart(6)} ${String(ltp).padStart(5)}  ${(model / ltp).toFixed(2)}`);
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--calibrate')) return calibrate();
  const { values } = parseArgs({
    options: {
      k: { type: 'string', default: '32' },
      depths: { type: 'string', default: '1,2,3,4' },
      units: { type: 'string', default: 'mxsf,bf16,quant' },
      json: { type: 'string' },
    },
  });
  const k = Number(values.k);
  const depths = values.depths.split(',').map(Number);
  if (!Number.isInteger(k) || k < 1) throw new Error(`--k must be a positive integer, got '${values.k}'`);
  if (depths.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`--depths must list integers >= 0, got '${values.depths}'`);
  const rows: DepthRow[] = [];
  console.log(`pipeline depth bench: k = ${k}, OSU 0.18 um (${OSU018_LIB}), typical corner; see bench-timing.ts for the flow`);
  for (const unit of values.units.split(',')) {
    for (const d of depths) {
      const t0 = performance.now();
      const r = await benchDepth(unit, k, d);
      rows.push(r);
      console.log(`  ${r.top}: ${r.pathNs.toFixed(2)} ns, ${r.fmaxMhz.toFixed(1)} MHz, ${r.areaUm2.toFixed(0)} um^2, ltp ${r.ltp}, model ${r.modelLevels.toFixed(0)} (${r.cached ? 'cached' : `${((performance.now() - t0) / 1000).toFixed(0)} s`})`);
    }
  }
  console.log('');
  console.log(table(rows));
  if (values.json) writeFileSync(values.json, JSON.stringify(rows, null, 2) + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(`bench-depth: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
