// The mutation result cache decides, on reading, whether a result still holds for the tests of now: a kill while
// the stage that killed it is still there (adding a stage keeps it), a survivor only with exactly the same tests,
// an equivalence proof always. Checked on a decoder top with hand-made stages; no simulation runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCached, resultKey, testsOf, writeCached } from '../../generator/mutate/campaign';
import { mutantsOf } from '../../generator/mutate/operators';
import type { MutantResult } from '../../generator/mutate/run';
import type { TestStage, TestTop } from '../../generator/mutate/units';
import { decoderModule } from '../../generator/rtl/decoder/decoder';

const dir = mkdtempSync(path.join(tmpdir(), 'mutate-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const top = decoderModule('mxsf');
const stage = (label: string, v: bigint): TestStage => ({ label, vectors: [v], expected: [v + 1n], stall: 0, seed: 1 });
const topWith = (...stages: TestStage[]): TestTop => ({ label: top.name, top, stages: () => stages });
const m = mutantsOf(top.ir)[0]!;
const result = (status: MutantResult['status'], detail: string): MutantResult => ({ id: m.id, module: m.module, kind: m.kind, what: m.what, where: 'x.v:1', status, detail, seconds: 1 });

describe('mutation result cache', () => {
  const a = stage('stage a', 1n);
  const b = stage('stage b', 2n);
  const b2 = stage('stage b', 3n); // same label, other vectors
  const c = stage('stage c', 4n);
  const key = resultKey(m, [topWith(a, b)], 300);
  const read = (...s: TestStage[]) => readCached(dir, key, testsOf(m.module, [topWith(...s)]));

  it('keys on the design, not on the vectors', () => {
    expect(resultKey(m, [topWith(a, b, c)], 300)).toBe(key);
    expect(resultKey(m, [topWith(a, b)], 60)).not.toBe(key);
    expect(resultKey(mutantsOf(top.ir)[1]!, [topWith(a, b)], 300)).not.toBe(key);
  });

  it('keeps a kill while its stage is there, and only then', () => {
    writeCached(dir, key, result('killed', `${top.name} / stage b: output #0 differs`), testsOf(m.module, [topWith(a, b)]));
    expect(read(a, b)?.status).toBe('killed');
    expect(read(a, b, c)?.status).toBe('killed'); // a stage added
    expect(read(b)?.status).toBe('killed'); // another stage dropped
    expect(read(a, b2)).toBeUndefined(); // the killing stage changed
    expect(read(a, c)).toBeUndefined(); // the killing stage dropped
  });

  it('keeps a survivor only for exactly the same tests', () => {
    writeCached(dir, key, result('survived', 'passed'), testsOf(m.module, [topWith(a, b)]));
    expect(read(a, b)?.status).toBe('survived');
    expect(read(a, b, c)).toBeUndefined();
    expect(read(a, b2)).toBeUndefined();
  });

  it('keeps an equivalence proof whatever the tests', () => {
    writeCached(dir, key, result('equivalent', 'ABC &cec'), testsOf(m.module, [topWith(a, b)]));
    expect(read(c)?.status).toBe('equivalent');
  });

  it('does not cache a kill it cannot place in a stage', () => {
    const k2 = resultKey(mutantsOf(top.ir)[2]!, [topWith(a)], 300);
    writeCached(dir, k2, result('killed', 'somewhere else: differs'), testsOf(m.module, [topWith(a)]));
    expect(readCached(dir, k2, testsOf(m.module, [topWith(a)]))).toBeUndefined();
  });
});
