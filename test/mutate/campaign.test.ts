// The mutation campaign's own machinery, in make test (the campaign itself is `make mutate`, its CI subset
// `make mutate-quick`): a small campaign (every 3rd mutant of two decoders) run two at a time must kill or
// prove equivalent every mutant, run again it must read every result back from its cache unchanged, and run
// one at a time without the cache it must give the same results.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCampaign } from '../../generator/mutate/campaign';
import { scoreOf } from '../../generator/mutate/report';

const cache = mkdtempSync(path.join(tmpdir(), 'mutate-cache-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('mutation campaign', () => {
  it('runs mutants two at a time, and a second run resumes every result from the cache', async () => {
    const o = { quick: true, units: ['decoder'], sample: 3, jobs: 2, cache } as const;
    const first = await runCampaign(o);
    expect(first.map((s) => s.unit)).toEqual(['decoder']);
    const c = scoreOf(first[0]!.results);
    expect(c.killed).toBeGreaterThan(5);
    expect(c.survived + c.stillborn).toBe(0);
    expect(first[0]!.reused).toBe(0);
    expect(readdirSync(cache).filter((f) => f.endsWith('.json'))).toHaveLength(c.mutants);
    const second = await runCampaign(o);
    expect(second[0]!.reused).toBe(c.mutants);
    const brief = (s: typeof first) => s[0]!.results.map((r) => `${r.id} ${r.status} ${r.detail}`);
    expect(brief(second)).toEqual(brief(first));
    // one at a time, without the cache: the same results in the same order
    const serial = await runCampaign({ ...o, jobs: 1, cache: false });
    expect(serial[0]!.reused).toBe(0);
    expect(brief(serial)).toEqual(brief(first));
  });

  it('rejects a bad jobs count with one line', async () => {
    await expect(runCampaign({ quick: true, units: ['decoder'], jobs: 0, cache })).rejects.toThrow(/^jobs must be a positive integer, not 0$/);
  });
});
