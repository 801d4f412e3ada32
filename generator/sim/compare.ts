// Comparison of simulated outputs against expected ones, with a report that names the failing vectors'
// inputs, the per-port expected/actual values and the seed needed to replay the run.
import type { ModuleInterface } from '../hdl/ports.js';
import { MismatchError } from './errors.js';
import { dataPorts, toHex, unpackPorts, type PlacedPort } from './pack.js';

export interface CompareOptions {
  readonly expected: readonly bigint[];
  readonly actual: readonly bigint[];
  readonly iface: ModuleInterface;
  /** Packed input vectors; shown next to a mismatch when there is one input per output. */
  readonly inputs: readonly bigint[];
  readonly seed: number;
  /** Context for the headline, e.g. "verilator stall 30%". */
  readonly describe?: string;
  /** Mismatches listed in detail (default 10). */
  readonly maxShown?: number;
}

export interface PortValue {
  readonly port: string;
  readonly hex: string;
}

export interface OutputPortDiff {
  readonly port: string;
  readonly expected: string;
  /** null when the simulation produced no output for this index. */
  readonly actual: string | null;
  readonly differs: boolean;
}

export interface Mismatch {
  readonly index: number;
  readonly inputs: readonly PortValue[] | null;
  readonly outputs: readonly OutputPortDiff[];
}

export interface CompareReport {
  readonly ok: boolean;
  readonly module: string;
  readonly vectors: number;
  readonly mismatches: number;
  readonly shown: readonly Mismatch[];
  readonly seed: number;
  readonly text: string;
}

const hexPorts = (ports: readonly PlacedPort[], word: bigint): PortValue[] => {
  const v = unpackPorts(ports, word);
  return ports.map((p) => ({ port: p.name, hex: '0x' + toHex(v[p.name]!, p.width) }));
};

export function compareOutputs(opts: CompareOptions): CompareReport {
  const { expected, actual, iface, inputs, seed } = opts;
  const ins = dataPorts(iface, 'input');
  const outs = dataPorts(iface, 'output');
  const inputsAligned = inputs.length === expected.length;
  const maxShown = opts.maxShown ?? 10;
  const n = Math.max(expected.length, actual.length);
  const shown: Mismatch[] = [];
  let mismatches = 0;
  for (let i = 0; i < n; i++) {
    const e = expected[i];
    const a = actual[i];
    if (e !== undefined && a === e) continue;
    mismatches++;
    if (shown.length >= maxShown) continue;
    const ev = e === undefined ? null : hexPorts(outs, e);
    const av = a === undefined ? null : hexPorts(outs, a);
    shown.push({
      index: i,
      inputs: inputsAligned && inputs[i] !== undefined ? hexPorts(ins, inputs[i]!) : null,
      outputs: outs.map((p, k) => {
        const ex = ev ? ev[k]!.hex : '(none)';
        const ac = av ? av[k]!.hex : null;
        return { port: p.name, expected: ex, actual: ac, differs: ex !== ac };
      }),
    });
  }
  const ctx = opts.describe ? ` [${opts.describe}]` : '';
  const counts = expected.length === actual.length ? '' : ` (expected ${expected.length} outputs, got ${actual.length})`;
  const ok = expected.length > 0 && mismatches === 0;
  const headline =
    expected.length === 0
      ? `${iface.name}${ctx}: zero vectors compared; a test without vectors proves nothing (seed ${seed})`
      : `${iface.name}${ctx}: ${mismatches} of ${n} outputs mismatch${counts} (seed ${seed})`;
  const lines = [headline];
  for (const m of shown) {
    const inText = m.inputs ? m.inputs.map((v) => `${v.port}=${v.hex}`).join(' ') : '(inputs not aligned with outputs)';
    lines.push(`  #${m.index} inputs ${inText}`);
    for (const o of m.outputs) lines.push(`      ${o.port} expected ${o.expected} actual ${o.actual ?? '(missing)'}${o.differs ? '  <-- differs' : ''}`);
  }
  if (mismatches > shown.length) lines.push(`  ... ${mismatches - shown.length} more mismatches`);
  return { ok, module: iface.name, vectors: expected.length, mismatches, shown, seed, text: lines.join('\n') };
}

/** Throws a MismatchError carrying the readable report unless every output matches (and there was at least one). */
export function assertNoMismatch(opts: CompareOptions): CompareReport {
  const report = compareOutputs(opts);
  if (!report.ok) throw new MismatchError(report.text);
  return report;
}
