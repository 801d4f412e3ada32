// The formal result cache (generator/formal/cache.ts): a passing call is kept and read back, a failing one is run
// again, and the key changes with the design and the options.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedRows, formalCache, formalKey } from '../../generator/formal/cache';
import type { FormalRow } from '../../generator/formal/handshake';
import { decoderModule } from '../../generator/rtl/decoder/decoder';

const dir = mkdtempSync(path.join(tmpdir(), 'formal-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const row = (result: string): FormalRow => ({ group: 'handshake', property: 'p', module: 'm', method: 'PDR (ABC)', depth: 'unbounded', result, seconds: 1.5 });
const bad = (r: FormalRow) => /FAILED/.test(r.result);

describe('formal result cache', () => {
  it('keeps a passing call and reads it back; runs a failing one again', async () => {
    const cache = formalCache(dir);
    let runs = 0;
    const run = (result: string) => async () => (runs++, [row(result)]);
    expect(await cachedRows(cache, () => 'pass', bad, run('proven'))).toEqual([row('proven')]);
    const again = await cachedRows(cache, () => 'pass', bad, run('proven'));
    expect(runs).toBe(1);
    expect(cache.hits).toBe(1);
    expect(again).toEqual([{ ...row('proven'), note: 'from the result cache' }]);
    await cachedRows(cache, () => 'fail', bad, run('FAILED'));
    await cachedRows(cache, () => 'fail', bad, run('FAILED'));
    expect(runs).toBe(3);
    expect(await cachedRows(undefined, () => 'pass', bad, run('proven'))).toEqual([row('proven')]);
    expect(runs).toBe(4);
  });

  it('keys on the design and the options', () => {
    const a = decoderModule('mxsf');
    const b = decoderModule('mxint8');
    expect(formalKey('handshake', { x: 1 }, [a])).toBe(formalKey('handshake', { x: 1 }, [decoderModule('mxsf')]));
    expect(formalKey('handshake', { x: 1 }, [a])).not.toBe(formalKey('handshake', { x: 1 }, [b]));
    expect(formalKey('handshake', { x: 1 }, [a])).not.toBe(formalKey('handshake', { x: 2 }, [a]));
    expect(formalKey('handshake', { x: 1 }, [a])).not.toBe(formalKey('tree', { x: 1 }, [a]));
  });
});
