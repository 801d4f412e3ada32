// `mxgen train-step` option validation (framework-independent part).

import { describe, expect, it } from 'vitest';
import { resolveTrainStep, TrainStepOptionError } from '../../generator/train/options';

describe('train-step options', () => {
  it('defaults and a full single request', () => {
    expect(resolveTrainStep({ format: 'mxsf', scheme: 'tile' })).toEqual({
      kind: 'single',
      request: { format: 'mxsf', scheme: 'tile', tile: 8, scaleMode: undefined, shape: { batch: 128, in: 256, out: 128 }, seed: 1 },
    });
    const p = resolveTrainStep({ format: 'mxint8', scheme: '1d', batch: '5', in: '7', out: '9', seed: '42', scaleMode: 'rceil' });
    expect(p).toEqual({
      kind: 'single',
      request: { format: 'mxint8', scheme: '1d', tile: undefined, scaleMode: 'rceil', shape: { batch: 5, in: 7, out: 9 }, seed: 42 },
    });
    expect(resolveTrainStep({ compare: true }).kind).toBe('compare');
    expect(resolveTrainStep({ compare: true, format: 'mxfp4-e2m1' })).toMatchObject({ request: { formats: ['mxfp4-e2m1'] } });
  });

  const bad: Array<[Parameters<typeof resolveTrainStep>[0], RegExp]> = [
    [{ scheme: 'tile' }, /--format is required/],
    [{ format: 'mxsf' }, /--scheme is required/],
    [{ format: 'fp8', scheme: 'tile' }, /unknown format 'fp8'; choose one of: .*mxsf/],
    [{ format: 'mxsf', scheme: '2d' }, /unknown scheme '2d'/],
    [{ format: 'mxsf', scheme: 'tile', tile: '32' }, /--tile '32' is not supported; choose one of: 8, 16/],
    [{ format: 'mxsf', scheme: '1d', tile: '8' }, /--tile applies to --scheme tile only/],
    [{ format: 'mxsf', scheme: 'tile', batch: '0' }, /--batch '0' must be an integer from 1/],
    [{ format: 'mxsf', scheme: 'tile', in: '2.5' }, /--in '2.5'/],
    [{ format: 'mxsf', scheme: 'tile', seed: '-1' }, /--seed '-1'/],
    [{ format: 'mxsf', scheme: 'tile', scaleMode: 'ceil' }, /unknown scale mode 'ceil'/],
    [{ compare: true, scheme: 'tile' }, /--scheme cannot be combined with --compare/],
  ];
  for (const [flags, msg] of bad) {
    it(`rejects ${JSON.stringify(flags)} with one line`, () => {
      let err: unknown;
      try {
        resolveTrainStep(flags);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TrainStepOptionError);
      expect((err as Error).message).toMatch(msg);
      expect((err as Error).message).not.toContain('\n');
    });
  }
});

describe('train-step size limit', () => {
  it('rejects a layer above 2^27 multiply-adds per GEMM', () => {
    expect(() => resolveTrainStep({ format: 'mxsf', scheme: 'tile', batch: '4096', in: '4096', out: '16' })).toThrow(/above the limit 134217728/);
  });
});
