// `mxgen train-step` through the CLI entry point.

import { describe, expect, it } from 'vitest';
import { main } from '../../generator/cli/main';
import { bufferIO } from '../../generator/cli/io';

async function run(...argv: string[]) {
  const io = bufferIO();
  const code = await main(['train-step', ...argv], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const SMALL = ['--batch', '40', '--in', '70', '--out', '24'];

describe('mxgen train-step', () => {
  it('prints the table for one scheme', async () => {
    const r = await run('--format', 'mxfp8-e4m3', '--scheme', 'tile', '--tile', '16', ...SMALL);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^format\s+scheme\s+block\s+passes\s+bytes stored\s+err Y\s+err dX\s+err dW\n/);
    // 40*70 + 70*24 + 40*24 = 5440 one-byte codes; 3x5 + 5x2 + 3x2 = 31 tile scales
    expect(r.out).toMatch(/\nmxfp8-e4m3\s+tile\s+16x16\s+3\s+5471\s/);
  });

  it('--json gives the same numbers as the library', async () => {
    const { runLinearStep } = await import('../../generator/train/linear-step');
    const r = await run('--format', 'mxsf', '--scheme', '1d', '--json', ...SMALL, '--seed', '9');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { passes: number; bytesStored: number; relError: { y: number; dX: number; dW: number } };
    const lib = runLinearStep({ format: 'mxsf', scheme: '1d', shape: { batch: 40, in: 70, out: 24 }, seed: 9 });
    expect(j.passes).toBe(6);
    expect(j.bytesStored).toBe(lib.bytesStored);
    expect(j.relError).toEqual({ y: lib.relError.y, dX: lib.relError.dx, dW: lib.relError.dw });
  });

  it('--compare prints 1x32, 8x8 and 16x16 for mxsf and mxfp8-e4m3', async () => {
    const r = await run('--compare', ...SMALL);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter((l) => /^mx/.test(l))).toHaveLength(6);
  });

  for (const [argv, msg] of [
    [['--format', 'nope', '--scheme', 'tile'], /unknown format 'nope'/],
    [['--format', 'mxsf', '--scheme', 'diag'], /--scheme must be one of 1d, tile/],
    [['--format', 'mxsf', '--scheme', 'tile', '--tile', '32'], /--tile must be one of 8, 16/],
    [['--scheme', 'tile'], /--format is required/],
    [['--format', 'mxsf', '--scheme', 'tile', '--in', 'x'], /--in 'x' must be an integer/],
    [['--format', 'mxsf', '--scheme', 'tile', '--bogus'], /unknown option --bogus/],
  ] as const) {
    it(`bad options: ${argv.join(' ')}`, async () => {
      const r = await run(...argv);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(msg);
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    });
  }
});
