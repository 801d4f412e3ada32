// Sharded regression: the decoder suite on Icarus (the smallest suite, 8 work items) run unsharded through the
// library, then as 4 shards under GNU parallel via `mxgen regress`, merged by `mxgen regress merge`: the same runs
// and vector counts. And merge refusing what is not the N clean shards of one run (in-process CLI calls).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardItems, workItems } from '../../generator/verify/shard';
import { SUITES } from '../../generator/verify/suites';
import { decoderSuite } from '../../generator/verify/suites/decoder';
import type { SuiteContext, SuiteRun } from '../../generator/verify/suite';
import { rerun, testSeed } from '../robust/seed';
import { main } from '../../generator/cli/main';
import { bufferIO } from '../../generator/cli/io';

const SEED = testSeed(11);
const root = path.resolve(__dirname, '../..');
const mxgen = (args: readonly string[]) => execa('node', [path.join(root, 'bin/mxgen.mjs'), ...args], { cwd: root, reject: false });
/** The CLI in this process (the same code as bin/mxgen.mjs without a node start per case). */
async function cli(args: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const io = bufferIO('', root);
  const exitCode = await main(args, io);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
}

describe('work items', () => {
  it('every shard count deals each item to exactly one shard', () => {
    for (const total of [0, 1, 7, 8, 33]) {
      for (const count of [1, 2, 3, 4, 9]) {
        const all = Array.from({ length: count }, (_, i) => shardItems(total, { index: i + 1, count })).flat().sort((a, b) => a - b);
        expect(all).toEqual(Array.from({ length: total }, (_, i) => i));
      }
    }
  });

  it('every suite lists work items with unique keys', () => {
    for (const level of ['ci'] as const) {
      const ctx: SuiteContext = { sims: ['icarus', 'verilator'], seed: SEED, level, waves: false, log: () => {} };
      for (const s of SUITES) {
        const keys = workItems([s], ctx).map((x) => x.item.key);
        expect(keys.length, s.name).toBeGreaterThan(0);
        expect(new Set(keys).size, s.name).toBe(keys.length);
      }
    }
  });
});

describe('regress --shard under GNU parallel, regress merge', () => {
  let dir: string;
  let unsharded: SuiteRun[];
  const shard = (i: number): string => path.join(dir, `shard-${i}.json`);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mxgen-shard-'));
    unsharded = await decoderSuite.run({ sims: ['icarus'], seed: SEED, level: 'ci', waves: false, log: () => {} });
    const r = await execa(
      'parallel',
      ['--will-cite', '--halt', 'now,fail=1', '-j', '2', 'node', 'bin/mxgen.mjs', 'regress', '--suite', 'ci', '--only', 'decoder', '--sim', 'icarus',
        '--seed', String(SEED), '--shard', '{}/4', '--json', path.join(dir, 'shard-{}.json'), ':::', '1', '2', '3', '4'],
      { cwd: root, reject: false },
    );
    expect(r.exitCode, `${r.stderr}\n${rerun(SEED)}`).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the merged shards are the unsharded run', async () => {
    const total = unsharded.reduce((a, r) => a + r.vectors, 0);
    expect(total).toBeGreaterThan(0);
    const r = await mxgen(['regress', 'merge', shard(1), shard(2), shard(3), shard(4)]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`merged 4 shards (suite ci): ${unsharded.length} passed, 0 failed (${total} vectors, 0 mismatches`);
    // run by run, in unsharded order
    const runs = [1, 2, 3, 4]
      .flatMap((i) => (JSON.parse(readFileSync(shard(i), 'utf8')) as { runs: (SuiteRun & { item: number })[] }).runs)
      .sort((a, b) => a.item - b.item);
    expect(runs.map((x) => [x.label, x.sim, x.vectors, x.mismatches])).toEqual(unsharded.map((x) => [x.label, x.sim, x.vectors, x.mismatches]));
  });

  it('fails on a missing or duplicate shard', async () => {
    const missing = await cli(['regress', 'merge', shard(1), shard(2), shard(4)]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr.trim()).toBe('mxgen: missing shard 3/4 (got 3 of 4)');
    const dup = await cli(['regress', 'merge', shard(1), shard(2), shard(3), shard(4), shard(2)]);
    expect(dup.exitCode).toBe(1);
    expect(dup.stderr).toMatch(/^mxgen: shard 2\/4 given twice/);
  });

  it('fails on a recorded mismatch, on zero vectors, on another seed and on bad JSON', async () => {
    const edit = (name: string, f: (j: Record<string, any>) => void): string => {
      const j = JSON.parse(readFileSync(shard(1), 'utf8')) as Record<string, any>;
      f(j);
      const p = path.join(dir, name);
      writeFileSync(p, JSON.stringify(j));
      return p;
    };
    const rest = [shard(2), shard(3), shard(4)];
    const bad = edit('mismatch.json', (j) => {
      j.runs[0].mismatches = 1;
      j.mismatches = 1;
    });
    const m = await cli(['regress', 'merge', bad, ...rest]);
    expect(m.exitCode).toBe(1);
    expect(m.stdout).toMatch(/FAIL/);
    expect(m.stdout).toMatch(/, 1 failed \(\d+ vectors, 1 mismatches/);

    const zero = edit('zero.json', (j) => {
      j.runs[0].vectors = 0;
      j.vectors = j.runs.reduce((a: number, r: SuiteRun) => a + r.vectors, 0);
    });
    expect((await cli(['regress', 'merge', zero, ...rest])).exitCode).toBe(1);

    const seed = edit('seed.json', (j) => {
      j.seed = SEED + 1;
    });
    const s = await cli(['regress', 'merge', seed, ...rest]);
    expect(s.exitCode).toBe(1);
    expect(s.stderr).toMatch(/^mxgen: shards of different runs: .* has seed/);

    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{"schema": "mxgen-regress-shard/1", ');
    const b = await cli(['regress', 'merge', broken, ...rest]);
    expect(b.exitCode).toBe(1);
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
    expect(b.stderr).toContain('truncated or malformed JSON');
  });

  it('rejects a shard that does not exist', async () => {
    for (const bad of ['5/4', 'x', '0/4']) {
      const r = await cli(['regress', '--only', 'decoder', '--sim', 'icarus', '--shard', bad]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('option --shard must be I/N');
    }
  });
});
