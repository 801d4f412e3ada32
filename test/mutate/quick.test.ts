// The CI subset of `make mutate` (generator/mutate/main.ts --quick): every 5th mutant of the decoders of two
// formats, the mxsf quantizer's top and element encoder, the mxint8 PE's lane and top, the 2x2 tile's top. Every
// mutant must be killed by its unit's tests or shown equivalent.
import { describe, expect, it } from 'vitest';
import { runCampaign } from '../../generator/mutate/campaign';
import { scoreOf } from '../../generator/mutate/report';

describe('make mutate, CI subset', () => {
  it('kills every non-equivalent mutant', async () => {
    const scores = await runCampaign({ quick: true, sample: 5, jobs: 2, cache: false });
    expect(scores.map((s) => s.unit)).toEqual(['decoder', 'quantizer', 'pe', 'tile']);
    for (const s of scores) {
      const c = scoreOf(s.results);
      expect(c.killed, s.unit).toBeGreaterThan(5);
      const left = s.results.filter((r) => r.status === 'survived' || r.status === 'stillborn');
      expect(left.map((r) => `${r.id} ${r.what}: ${r.where} -- ${r.detail}`), s.unit).toEqual([]);
    }
  });
});
