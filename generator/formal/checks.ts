// The three groups of `make formal`, each from a design (unit + parameters of the unit registry):
//   handshake  every streaming top (handshake.ts);
//   tree       every reduction tree of an MX PE against the behavioural sum (tree.ts, algebra.ts);
//   pipeline   every pipelined depth of a unit with a `depth` parameter against depth 0 (pipeline.ts).

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Module } from '../hdl/index';
import { emitDesign, emitVerilog } from '../hdl/index';
import type { UnitDef, UnitParams } from '../ip/unit';
import type { IrModule } from '../hdl/ir';
import { parseTile } from '../ip/params';
import { scratchDir } from '../sim/paths';
import { rmSync } from 'node:fs';
import { proveSum } from './algebra';
import { type TransactionShape, streamContract } from './contract';
import { type ModelJob, abcBmc, abcCec, cecMiter, modelFile, prepareModels, readVerilog } from './engines';
import { type FormalRow, type HandshakeOptions, checkHandshake } from './handshake';
import { type DataRestriction, dataView, datapathRegisters, scoreboardWrapper, transparentDesign } from './pipeline';
import { BASELINE_BF16, type FormatName } from '../golden/index';
import { dataPorts, unpackPorts } from '../sim/index';
import { type PeKind, peInputPacker, peModel, randomBf16Cases, randomMxCases } from '../rtl/pe/vectors';
import { packBlock, randomBlocks } from '../rtl/quantizer/vectors';
import type { QuantInput } from '../rtl/quantizer/common';
import { type TreeContract, behaviouralTail, cutAtSum, findTrees, sumSpec, writeBehaviouralTree } from './tree';

export interface Design {
  readonly unit: UnitDef;
  readonly params: UnitParams;
}

/** Beats per transaction: the one fact about a unit's stream the port interface does not carry. */
export function transactionShape(d: Design): TransactionShape {
  if (d.unit.name === 'tile') {
    const { rows, cols } = parseTile(String(d.params['tile']));
    return { inBeats: rows, outBeats: d.params['order'] === 'col' ? cols : rows };
  }
  return { inBeats: 1, outBeats: 1 };
}

export async function handshakeRows(d: Design, o: HandshakeOptions): Promise<FormalRow[]> {
  const m = d.unit.build(d.params);
  const contract = streamContract(m, transactionShape(d));
  if (!contract) return [];
  return checkHandshake({ module: m, contract, latency: d.unit.latency(d.params)?.cycles ?? 0 }, o);
}

// ---- trees ----

export interface TreeOptions {
  /** k of the SAT miters of whole trees (the algebraic proof runs at every k given) */
  readonly satKs: readonly number[];
  readonly satSeconds: number;
  readonly log?: (line: string) => void;
}

/** Rows for one tree: the algebraic proof of `sum` and the SAT check of the tail (any k), or a whole-tree SAT miter. */
export async function treeAlgebraRows(t: TreeContract, log?: (l: string) => void): Promise<FormalRow[]> {
  const name = t.module.name;
  const rows: FormalRow[] = [];
  const a = proveSum(t.module, sumSpec(t));
  rows.push({
    group: 'tree', property: `sum = sum of the ${t.k} sign-extended terms${t.corrections ? ' + neg_i' : ''} (mod 2^${t.sumWidth})`, module: name,
    method: 'algebraic rewriting', depth: 'combinational', result: a.proven ? 'proven' : 'FAILED', seconds: a.seconds,
    note: `${a.substitutions} substitutions, at most ${a.peak} monomials${a.proven ? '' : `: ${a.detail}`}`,
  });
  const dir = scratchDir(`formal-tail-${name}-`);
  try {
    const cut = cutAtSum(t.module.ir, t.sumWidth);
    const gate = path.join(dir, `${cut.name}.v`);
    writeFileSync(gate, emitVerilog(cut));
    const spec = path.join(dir, `spec_${cut.name}.v`);
    writeFileSync(spec, behaviouralTail(t, `spec_${cut.name}`));
    const subs = emitDesign(t.module);
    const subFiles = [...subs].filter(([n]) => n !== name).map(([n, text]) => {
      const f = path.join(dir, `${n}.v`);
      writeFileSync(f, text);
      return f;
    });
    const r = await cecMiter(dir, [readVerilog([...subFiles, gate, spec])], `spec_${cut.name}`, cut.name, 600);
    rows.push({
      group: 'tree', property: 'neg_o = sign of sum, mag_o = |sum| (sum cut into an input)', module: name, method: 'SAT miter (ABC &cec)', depth: 'combinational',
      result: r.status === 'proven' ? 'proven' : r.status === 'failed' ? 'FAILED' : r.status, seconds: r.seconds + r.prepSeconds, ...(r.detail ? { note: r.detail } : {}),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  log?.(`${name}: ${rows.map((r) => `${r.result} (${r.method}, ${r.seconds.toFixed(1)} s)`).join(', ')}`);
  return rows;
}

export async function treeSatRow(t: TreeContract, seconds: number, log?: (l: string) => void): Promise<FormalRow> {
  const name = t.module.name;
  const dir = scratchDir(`formal-tree-${name}-`);
  try {
    const files = [...emitDesign(t.module)].map(([n, text]) => {
      const f = path.join(dir, `${n}.v`);
      writeFileSync(f, text);
      return f;
    });
    const spec = writeBehaviouralTree(t, dir);
    const r = await cecMiter(dir, [readVerilog([...files, spec.file])], spec.top, name, seconds);
    const row: FormalRow = {
      group: 'tree', property: `outputs = behavioural sum of the ${t.k} terms`, module: name, method: 'SAT miter (ABC &cec)', depth: 'combinational',
      result: r.status === 'proven' ? 'proven' : r.status === 'failed' ? 'FAILED' : `${r.status} after ${Math.round(r.seconds + r.prepSeconds)} s`,
      seconds: r.seconds + r.prepSeconds, note: `${r.ands ?? '?'} AND nodes in the miter`,
    };
    log?.(`${name}: whole-tree SAT miter ${row.result} (${row.seconds.toFixed(1)} s)`);
    return row;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- pipeline ----

export interface PipelineOptions {
  readonly depths: readonly number[];
  /**
   * The scoreboard (timing) check on the design rebuilt at this k, at `timingDepths`; the datapath check stays at
   * the design's own k and `depths`. The scoreboard's BMC unrolls two copies of the whole datapath per cycle: at
   * k = 32 it reached 12 cycles in no less than 30 min (depth 3), while the staging and handshake it checks are the
   * same generator code at any k. Unset: both checks at the design's k and `depths`.
   */
  readonly timingK?: number;
  readonly timingDepths?: readonly number[];
  /** which checks (default both) */
  readonly checks?: 'both' | 'datapath' | 'timing';
  /** BMC cycles of the scoreboard = factor * depth + extra */
  readonly bmcExtra: number;
  readonly bmcSeconds: number;
  /** low bits of each data input that vary in the scoreboard run (the rest fixed) */
  readonly freeBits: number;
  readonly log?: (line: string) => void;
}

const write = (dir: string, texts: Map<string, string>): string[] =>
  [...texts].map(([n, text]) => {
    const f = path.join(dir, `${n}.v`);
    writeFileSync(f, text);
    return f;
  });

/** A pipelined design to compare with depth 0; `replace` swaps one module's IR (a mutant, in the tests). */
export interface PipelineGate {
  readonly depth: number;
  readonly module: Module;
  readonly replace?: IrModule;
}

/** Depth d against depth 0 for every d in o.depths: datapath (transparent registers, cec) and timing (scoreboard BMC). */
export async function pipelineRows(d: Design, o: PipelineOptions): Promise<FormalRow[]> {
  if (!('depth' in d.params)) return [];
  const run = (params: Record<string, unknown>, depths: readonly number[], checks: PipelineOptions['checks']) =>
    comparePipelines(
      d.unit.build({ ...params, depth: 0 }),
      depths.map((depth) => ({ depth, module: d.unit.build({ ...params, depth }) })),
      { ...o, checks },
      (m) => sampleInput(d, m),
    );
  if (o.timingK === undefined || !('k' in d.params)) return run(d.params, o.depths, o.checks);
  return [...(await run(d.params, o.depths, 'datapath')), ...(await run({ ...d.params, k: o.timingK }, o.timingDepths ?? o.depths, 'timing'))];
}

export async function comparePipelines(
  gold: Module,
  gates: readonly PipelineGate[],
  o: PipelineOptions,
  sample: (m: Module) => Record<string, bigint> | undefined = () => undefined,
): Promise<FormalRow[]> {
  const c0 = streamContract(gold);
  if (!c0) return [];
  const datapath = o.checks !== 'timing';
  const timing = o.checks !== 'datapath';
  const dir = scratchDir(`formal-pipe-${gold.name}-`);
  const rows: FormalRow[] = [];
  try {
    const files = write(dir, emitDesign(gold, { prefix: 'g0_' }));
    const views: string[] = datapath ? [dataView(c0, `g0_${gold.name}`, 'gold_view')] : [];
    const jobs: ModelJob[] = [];
    for (const { depth, module: gate, replace } of gates) {
      const c = streamContract(gate)!;
      if (datapath) {
        files.push(...write(dir, transparentDesign(gate, `tp${depth}_`, replace)));
        views.push(dataView(c, `tp${depth}_${gate.name}`, `gate_view_${depth}`));
        jobs.push({ top: `miter_${depth}`, kind: 'aig', miter: { gold: 'gold_view', gate: `gate_view_${depth}` } });
      }
      if (timing) {
        const real = emitDesign(gate, { prefix: `r${depth}_` });
        if (replace) real.set(`r${depth}_${replace.name}`, emitVerilog(replace, { prefix: `r${depth}_` }));
        files.push(...write(dir, real));
        const s = sample(gate);
        const restrict: DataRestriction[] = c.inputs[0]!.data.map((p, i) => ({ port: p.name, free: o.freeBits, fixed: s?.[p.name] ?? fixedBits(p.width, i) }));
        views.push(scoreboardWrapper(c, `r${depth}_${gate.name}`, `g0_${gold.name}`, depth + 1, `sb_${depth}`, restrict));
        jobs.push({ top: `sb_${depth}`, kind: 'aig' });
      }
    }
    const vf = path.join(dir, 'views.v');
    writeFileSync(vf, views.join('\n'));
    const prep = await prepareModels(dir, [readVerilog([...files, vf])], jobs, 7200, 'pipeline');
    o.log?.(`${gold.name}: depths ${gates.map((g) => g.depth).join(',')}: models in ${prep.seconds.toFixed(0)} s`);
    const share = prep.seconds / Math.max(1, jobs.length);
    if (!prep.ok) return [{ group: 'pipeline', property: 'all depths', module: gold.name, method: 'yosys', depth: '-', result: 'error', seconds: prep.seconds, note: prep.error }];
    let limitHit: number | undefined;
    const scoreboard = `every output beat = depth 0's result of its input beat, in order (scoreboard; low ${o.freeBits} bits of each data input free)`;
    for (const { depth, module: gate } of gates) {
      if (datapath) {
        const cec = await abcCec(modelFile(dir, { top: `miter_${depth}`, kind: 'aig' }), 1800);
        rows.push({
          group: 'pipeline', property: `data outputs = depth 0's (${datapathRegisters(gate)} datapath registers as wires)`, module: gate.name,
          method: 'SAT miter (ABC &cec)', depth: 'combinational', result: cec.status === 'proven' ? 'proven' : cec.status === 'failed' ? 'FAILED' : cec.status,
          seconds: cec.seconds + share, ...(cec.detail ? { note: cec.detail } : {}),
        });
      }
      if (timing && limitHit !== undefined) {
        // the scoreboard's cost grows about 4x per depth: once a depth hits the limit, deeper ones would too
        rows.push({
          group: 'pipeline', property: scoreboard,
          module: gate.name, method: 'BMC (ABC bmc3)', depth: '-', result: 'not run', seconds: 0,
          note: `depth ${limitHit} reached the ${o.bmcSeconds} s limit; its datapath is checked above`,
        });
      } else if (timing) {
        const frames = 2 * depth + o.bmcExtra;
        const b = await abcBmc(modelFile(dir, { top: `sb_${depth}`, kind: 'aig' }), frames, o.bmcSeconds);
        if (b.status === 'timeout') limitHit = depth;
        if (b.status === 'timeout' && (b.depth ?? 0) === 0) {
          // the plan's own limit, before one frame finished: no bound here, like the deeper depths after it
          rows.push({
            group: 'pipeline', property: scoreboard,
            module: gate.name, method: 'BMC (ABC bmc3)', depth: '-', result: 'not run', seconds: b.seconds + share,
            note: `the ${o.bmcSeconds} s limit came before bmc3 finished one of ${frames} cycles; its datapath is checked above`,
          });
          o.log?.(`${gate.name}: scoreboard not run (limit before one frame, ${b.seconds.toFixed(1)} s)`);
          continue;
        }
        rows.push({
          group: 'pipeline', property: scoreboard,
          module: gate.name, method: 'BMC (ABC bmc3)', depth: `${b.depth ?? frames} cycles`,
          result: b.status === 'passed' || (b.status === 'timeout' && (b.depth ?? 0) > 0) ? 'bounded' : b.status === 'failed' ? `FAILED (cycle ${b.depth})` : b.status,
          seconds: b.seconds + share, ...(b.status === 'timeout' ? { note: `time limit ${o.bmcSeconds} s reached after ${b.depth ?? 0} of ${frames} cycles` } : {}),
        });
      }
      o.log?.(`${gate.name}: ${rows.slice(datapath && timing ? -2 : -1).map((r) => `${r.result} (${r.method}, ${r.depth}, ${r.seconds.toFixed(1)} s)`).join('; ')}`);
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A typical input beat of the unit (its own random vector generator, the first case with a finite, non-zero
 * result), whose upper bits the scoreboard holds fixed: fixed bits that made every result NaN or zero would
 * hide a register loaded at the wrong time.
 */
function sampleInput(d: Design, top: Module): Record<string, bigint> | undefined {
  const ins = dataPorts(top.interface(), 'input');
  if (d.unit.name === 'pe') {
    const k = Number(d.params['k']);
    const kind: PeKind = d.params['format'] === BASELINE_BF16 ? { kind: 'bf16' } : { kind: 'mx', formatA: d.params['format'] as FormatName, formatB: (d.params['formatB'] ?? d.params['format']) as FormatName };
    const cases = kind.kind === 'bf16' ? randomBf16Cases(k, 200, 5) : randomMxCases(kind, k, 200, 5);
    const model = peModel(kind);
    const good = cases.find((x) => {
      const r = model(x);
      return ((r >>> 23) & 0xff) !== 0xff && (r & 0x7fffffff) !== 0 && ((x.acc >>> 23) & 0xff) !== 0xff;
    });
    if (!good) return undefined;
    return unpackPorts(ins, peInputPacker(kind, k)(good));
  }
  if (d.unit.name === 'quantizer') {
    const [blk] = randomBlocks(d.params['format'] as FormatName, Number(d.params['k']), d.params['input'] as QuantInput, 1, 5);
    return { x_i: packBlock(d.params['input'] as QuantInput, blk!) };
  }
  return undefined;
}

/** Fixed upper bits of the scoreboard's data input i: a fixed pseudo-random pattern (not all zero). */
function fixedBits(width: number, i: number): bigint {
  let x = 0x9e3779b97f4a7c15n ^ BigInt(i + 1);
  let v = 0n;
  for (let b = 0; b < width; b += 64) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    v |= x << BigInt(b);
  }
  return v & ((1n << BigInt(width)) - 1n);
}

export { findTrees };
