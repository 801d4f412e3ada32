// Malformed input of every kind ends in one clear line and a non-zero exit, never an internal error or a stack
// trace: property-based (fast-check, fixed seed) over the matrix and quantized JSON readers and the argument
// parser. (The full fuzzing campaign of the CLI is issue 16; this keeps the readers honest meanwhile.)

import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { put, runIn, tempDir, type RunResult } from './helpers';

let dir: string;
beforeAll(() => {
  dir = tempDir('mxgen-malformed-');
  put(dir, 'b.json', { rows: 2, cols: 1, data: [1, 2] });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function clean(r: RunResult): void {
  if (r.code === 0) return;
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^mxgen: /);
  expect(lines[0]).not.toMatch(/internal error/);
  expect(r.stdout).toBe('');
}

const SEED = 20260611;
const jsonValue = fc.jsonValue({ maxDepth: 4 });
const element = fc.oneof(fc.double(), fc.integer(), fc.constantFrom('nan', 'inf', '-inf', '0x3f800000', '0b1', 'x', ''), fc.constant(null), jsonValue);

describe('malformed JSON readers', () => {
  test('matrix JSON (quantize)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ rows: fc.oneof(fc.integer({ min: -2, max: 4 }), jsonValue), cols: fc.oneof(fc.integer({ min: -2, max: 4 }), jsonValue), data: fc.array(element, { maxLength: 20 }), bits: fc.option(fc.array(element, { maxLength: 20 }), { nil: undefined }) }, { requiredKeys: [] }),
        async (o) => clean(await runIn(dir, ['quantize', '--format', 'mxsf', '--block', '1x2'], JSON.stringify(o))),
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  test('pre-quantized operand JSON (gemm)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            format: fc.oneof(fc.constantFrom('mxsf', 'mxfp4-e2m1', 'bf16', 'mxsff'), jsonValue),
            block: fc.oneof(fc.tuple(fc.integer({ min: -1, max: 3 }), fc.integer({ min: -1, max: 3 })), jsonValue),
            scaleMode: fc.oneof(fc.constantFrom('floor', 'rceil', 'x'), jsonValue),
            rows: fc.oneof(fc.integer({ min: 0, max: 3 }), jsonValue),
            cols: fc.constant(2),
            scales: fc.array(element, { maxLength: 6 }),
            codes: fc.array(element, { maxLength: 8 }),
          },
          { requiredKeys: ['codes'] },
        ),
        async (o) => clean(await runIn(dir, ['gemm', '--a', '-', '--b', 'b.json'], JSON.stringify(o))),
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  test('truncated and garbage text', async () => {
    const good = JSON.stringify({ rows: 1, cols: 3, data: [1, 2.5, 'nan'] });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: good.length - 1 }), fc.string({ maxLength: 8 }), async (cut, junk) => {
        clean(await runIn(dir, ['quantize', '--format', 'mxsf'], good.slice(0, cut) + junk));
      }),
      { seed: SEED, numRuns: 200 },
    );
    clean(await runIn(dir, ['quantize', '--format', 'mxsf'], '['.repeat(100_000)));
  });
});

describe('malformed command lines', () => {
  const words = fc.constantFrom('--format', '--block', '--values', '--a', '--b', '--seed', '--stall', '--design', '--keep', '-h', '--', '-', 'mxsf', '8x8', '1e39', '-1', '0x7e', 'hex', '--fromat', '=', '--format=', '--json');
  // commands that only compute with the golden model (a valid random command line must stay cheap)
  test.each([['quantize'], ['gemm'], ['encode'], ['decode'], ['formats']])('%s', async (cmd) => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(words, fc.string({ maxLength: 6 })), { maxLength: 6 }), async (argv) => {
        clean(await runIn(dir, [cmd, ...argv], '{"rows":1,"cols":1,"data":[1]}'));
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});
