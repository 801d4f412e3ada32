// Throughput of the harness on the fixture pipeline: npx tsx test/sim/bench-fixture.ts [vectors] [stall%]
import { measureThroughput } from '../../generator/sim/bench-sim.js';
import { ADD2_PIPE, adderModel, adderVectors, fixture } from './fixtures.js';

const n = Number(process.argv[2] ?? 100_000);
const stall = Number(process.argv[3] ?? 0);
const vectors = adderVectors(ADD2_PIPE, n, 1);
const results = await measureThroughput({ iface: ADD2_PIPE, rtlFiles: [fixture('add2_pipe')], vectors, stallPercent: stall });
for (const r of results) {
  const bad = r.outputs.filter((o, i) => o !== adderModel(ADD2_PIPE, vectors[i]!)).length;
  if (bad) throw new Error(`${r.sim}: ${bad} mismatches`);
}
