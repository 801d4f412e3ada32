// The formal checks on small fixtures: every property holds on a correct pipeline and fails on a mutant that
// breaks it (a checker that cannot fail proves nothing); the tree proofs agree with a SAT miter on mutants.
import { describe, expect, it } from 'vitest';
import { streamContract } from '../../generator/formal/contract';
import { checkHandshake, type FormalRow } from '../../generator/formal/handshake';
import { comparePipelines, findTrees } from '../../generator/formal/checks';
import { proveSum } from '../../generator/formal/algebra';
import { sumSpec, behaviouralTree } from '../../generator/formal/tree';
import { allProperties, handshakeWrapper } from '../../generator/formal/wrapper';
import { mxPeModule } from '../../generator/rtl/pe/mx-pe';
import { blockQuantizerModule } from '../../generator/rtl/quantizer/quantizer';
import { mutantsOf } from '../../generator/mutate/operators';
import { checkEquivalences } from '../../generator/mutate/equiv';
import { scratchDir } from '../../generator/sim/paths';
import { type Module, ModuleBuilder } from '../../generator/hdl/index';
import { JOIN_CHANNELS, joinModule, mutantOf, mutatedVerilog, pipeModule } from './fixtures';

const OPTS = { bmcDepth: 20, pdrSeconds: 120, keep: false };

async function rowsFor(m: Module, verilog?: Map<string, string>): Promise<Map<string, FormalRow>> {
  const rows = await checkHandshake({ module: m, contract: streamContract(m)!, latency: 2, ...(verilog ? { verilog } : {}) }, OPTS);
  return new Map(rows.map((r) => [r.property.replace(/ <= \d+ cycles$/, ''), r]));
}

describe('stream contract and wrappers', () => {
  it('derives one input and one output channel from the port interface', () => {
    const q = blockQuantizerModule({ format: 'mxsf', k: 4, scaleMode: 'floor', input: 'fp32', depth: 1 });
    const c = streamContract(q)!;
    expect(c.inputs.map((x) => [x.valid, x.ready, x.data.map((p) => p.name)])).toEqual([['in_valid_i', 'in_ready_o', ['x_i']]]);
    expect(c.outputs.map((x) => [x.valid, x.ready, x.data.map((p) => p.name)])).toEqual([['out_valid_o', 'out_ready_i', ['scale_o', 'codes_o']]]);
    const w = handshakeWrapper(c, { kind: 'data-stable', out: 0 }, { latency: 1, progress: 1 });
    expect(w.text).toContain('assert({codes_o, scale_o} == out0_data_q)');
    expect(allProperties(c).map((p) => p.kind)).toEqual([
      'valid-held', 'data-stable', 'no-output-without-input', 'no-extra-output', 'bounded-occupancy', 'no-loss', 'input-progress', 'cover-output', 'cover-held-output',
    ]);
  });

  it('has no contract for a combinational module', () => {
    const m = new ModuleBuilder('fx_comb');
    m.assign(m.output('y_o', 2), m.input('x_i', 2));
    expect(streamContract(m.build())).toBeUndefined();
  });
});

describe('handshake properties', () => {
  it('all hold on a correct 2-stage pipeline, with tight bounds', async () => {
    const rows = await rowsFor(pipeModule(2));
    for (const [k, r] of rows) expect([k, r.result]).toEqual([k, k.startsWith('cover') ? 'reached' : 'proven']);
    expect(rows.get('no-loss')!.note).toMatch(/bound 0 fails/);
  });

  it('hold on a depth-0 (combinational) stream module', async () => {
    const rows = await rowsFor(pipeModule(0));
    for (const [k, r] of rows) expect([k, r.result]).toEqual([k, k.startsWith('cover') ? 'reached' : 'proven']);
  });

  // each mutant breaks the property named, and the checker says so with a counterexample
  const broken: [string, string][] = [
    ['and -> or in assign s2_load', 'data-stable'], // stage 2 reloads while stalled
    ['bit 0 inverted in register s2_valid_q', 'no-output-without-input'], // a beat out of nothing
    ['or -> and in assign s2_accept', 'no-extra-output'], // the last stage never empties: one beat read again and again
    ['bit 0 inverted in the enable of s1_valid_q', 'no-loss'], // stage 1 never takes a beat: accepted inputs vanish
    ['bit 0 inverted in the enable of s1_valid_q', 'cover-output'], // ... and no output can ever be produced
  ];
  for (const [what, prop] of broken) {
    it(`'${what}' fails ${prop}`, async () => {
      const m = pipeModule(2);
      const rows = await rowsFor(m, mutatedVerilog(m, mutantOf(m, what)));
      expect(rows.get(prop)!.result).toMatch(/^FAILED/);
    });
  }
});

describe('several handshakes (channels given explicitly)', () => {
  it('a join of two input streams: every property per channel', async () => {
    const m = joinModule();
    const c = streamContract(m, undefined, JOIN_CHANNELS)!;
    const rows = await checkHandshake({ module: m, contract: c, latency: 1 }, OPTS);
    expect(rows.map((r) => r.property)).toContain('no-extra-output (b -> o)');
    for (const r of rows) expect([r.property, r.result]).toEqual([r.property, r.property.startsWith('cover') ? 'reached' : 'proven']);
  });
});

describe('pipeline depth against depth 0', () => {
  const o = { depths: [2], bmcExtra: 4, bmcSeconds: 120, freeBits: 4 };
  it('holds for the correct pipeline', async () => {
    const rows = await comparePipelines(pipeModule(0), [{ depth: 2, module: pipeModule(2) }], o);
    expect(rows.map((r) => r.result)).toEqual(['proven', 'bounded']);
  });

  it('the datapath miter catches a changed constant; the scoreboard catches a register loaded at the wrong time', async () => {
    const m = pipeModule(2);
    const [a, b] = [mutantOf(m, 'constant 3 -> 4 in register s1_v_q'), mutantOf(m, 'bit 0 inverted in the enable of s2_v_q')];
    const ra = await comparePipelines(pipeModule(0), [{ depth: 2, module: m, replace: a.ir }], o);
    expect(ra.map((r) => r.result.split(' ')[0])).toEqual(['FAILED', 'FAILED']);
    const rb = await comparePipelines(pipeModule(0), [{ depth: 2, module: m, replace: b.ir }], o);
    // registers made wires hide a wrong enable: only the scoreboard sees it
    expect(rb.map((r) => r.result.split(' ')[0])).toEqual(['proven', 'FAILED']);
  });
});

describe('reduction trees', () => {
  it('the algebraic proof of the k = 32 tree closes in seconds', () => {
    const [t] = findTrees(mxPeModule({ formatA: 'mxfp8-e5m2', formatB: 'mxfp8-e5m2', k: 32, depth: 0 }));
    const r = proveSum(t!.module, sumSpec(t!));
    expect(r.proven, r.detail).toBe(true);
  });

  it('a wrong specification is not proven', () => {
    const [t] = findTrees(mxPeModule({ formatA: 'mxint8', formatB: 'mxint8', k: 4, depth: 0 }));
    const s = sumSpec(t!);
    expect(proveSum(t!.module, { ...s, terms: s.terms.map((x, i) => (i === 5 ? { ...x, c: x.c * 2n } : x)) }).proven).toBe(false);
    expect(behaviouralTree(t!)).toContain(`wire [${t!.sumWidth - 1}:0] sum = t0 + t1 + t2 + t3`);
  });

  it('agrees with a SAT miter on every mutant of a k = 2 tree', async () => {
    const [t] = findTrees(mxPeModule({ formatA: 'mxint8', formatB: 'mxint8', k: 2, depth: 0 }));
    const tree = t!.module;
    const mutants = mutantsOf(tree.ir).filter((_, i) => i % 3 === 0);
    const sat = await checkEquivalences(mutants, tree, [], scratchDir('formal-test-tree-'));
    let rejected = 0;
    for (const mu of mutants) {
      const alg = proveSum({ ...tree, ir: mu.ir } as Module, sumSpec(t!));
      if (alg.proven) {
        // the sum is untouched: the mutant sits in the tail (neg_o, mag_o), which the tail miter checks
        expect(mu.what, mu.id).toMatch(/neg_o|mag_o/);
      } else {
        rejected++;
        expect(sat.get(mu.id)!.equivalent, `${mu.id} ${mu.what}: SAT says equivalent, algebra does not`).toBe(false);
      }
    }
    // the carry-save cells are submodules (csa_w<W>), so the tree's own IR holds few operators: 9 rejected at k = 2
    expect(rejected).toBeGreaterThan(5);
  });
});
