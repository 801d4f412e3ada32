// Generators of malformed input for the fuzz tests: JSON *text* (so that it can be truncated, deeply nested or huge
// without building the value), the documents each reader takes with every field now right, now wrong-typed, out of
// range, huge or nested, and text-level damage (truncation, junk, a cut-out span, a doubled key).
// Property parameters: seeded from MXGEN_SEED (test/robust/seed.ts), run counts scaled by MXGEN_RUNS_SCALE.

import fc from 'fast-check';
import { deriveSeed } from '../../generator/util/prng';
import { rerun, scaled, testSeed } from '../robust/seed';
import { countFor } from './run';

export const SEED = testSeed(20260611);

/** fast-check parameters of one property: its own stream derived from the run's seed. */
export function fcParams(name: string, numRuns: number): { seed: number; numRuns: number; endOnFailure: true } {
  return { seed: deriveSeed(SEED, name) | 0, numRuns: scaled(numRuns), endOnFailure: true };
}

/** fc.assert with the run's seed in the failure message (fast-check's own seed is the property's derived one). */
export async function check<T>(name: string, numRuns: number, prop: fc.IAsyncPropertyWithHooks<T> | fc.IAsyncProperty<T>): Promise<void> {
  countFor(name);
  try {
    await fc.assert(prop, fcParams(name, numRuns));
  } catch (e) {
    if (e instanceof Error) e.message = `${name}: ${rerun(SEED)}\n${e.message}`;
    throw e;
  }
}

// ---- JSON text pieces ----

const text = (v: unknown): string => JSON.stringify(v) ?? 'null';

/** Nesting `d` deep, as text (a value this deep cannot be stringified, only parsed). */
export const deepText = fc.oneof(
  fc.integer({ min: 2, max: 200_000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
  fc.integer({ min: 2, max: 100_000 }).map((d) => '{"a":'.repeat(d) + '1' + '}'.repeat(d)),
  fc.integer({ min: 2, max: 50 }).map((d) => '['.repeat(d) + '1' + ']'.repeat(d)),
);

/** Huge values: long strings, long arrays, long numbers. */
export const hugeText = fc.oneof(
  fc.integer({ min: 5_000, max: 300_000 }).map((n) => text('q'.repeat(n))),
  fc.integer({ min: 10_000, max: 500_000 }).map((n) => `[${'7,'.repeat(n - 1)}7]`),
  fc.integer({ min: 400, max: 5_000 }).map((n) => '9'.repeat(n)),
  fc.integer({ min: 1_000, max: 100_000 }).map((n) => `"0x${'f'.repeat(n)}"`),
);

/** Numbers JSON allows that readers must treat with care, and tokens JSON does not allow. */
export const oddNumber = fc.constantFrom(
  '0', '-0', '1', '2', '3', '-1', '0.5', '1.5', '2.0', '1e0', '1E2', '-1e-400', '1e-400', '1e39', '-1e39', '1e400', '-1e400',
  '3.4028235677973366e38', '4294967295', '4294967296', '9007199254740993', '123456789012345678901234567890', '255', '256', '65536', '65537',
);
export const badToken = fc.constantFrom('NaN', 'Infinity', '-Infinity', 'undefined', '0x10', '01', '.5', '+1', "'x'", '[,]', '{,}', '"\\x41"', '"\\u12"', '1 2', 'tru');

/** Strings readers meet: number spellings, codes, formats, control characters, non-ASCII. */
export const oddString = fc.constantFrom(
  '', 'nan', 'inf', '-inf', 'NaN', 'Infinity', '0x7f800000', '0x', '0b', '0b1', '0b102', '0xg', '0x1_0', '1.5', '-0', ' 1', '1e3',
  'mxsf', 'MXSF', 'mxfp8-e4m3', 'mxfp8e4m3', 'bf16', 'floor', 'rceil', 'fp32', 'row', 'col', '8x8', '0x8', '2x2', 'pe', 'quantizer', 'tile', 'decoder',
  'a\nb', 'mxsf\r', 'tab\there', '\u001b[31mred', '\u0000', '🙂', 'ü', '../x', '/', '-', '--format', 'x'.repeat(300),
).map(text);

/** Any one JSON value as text: mostly small, sometimes odd, huge or deep. */
export const valueText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(text) },
  { weight: 4, arbitrary: oddNumber },
  { weight: 4, arbitrary: oddString },
  { weight: 1, arbitrary: badToken },
  { weight: 1, arbitrary: hugeText },
  { weight: 1, arbitrary: deepText },
);

/** An array of `items` as text, its length sometimes off by one. */
export function arrayText(item: fc.Arbitrary<string>, length: number): fc.Arbitrary<string> {
  return fc
    .oneof({ weight: 5, arbitrary: fc.constant(length) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: length + 2 }) })
    .chain((n) => fc.array(item, { minLength: n, maxLength: n }))
    .map((xs) => `[${xs.join(',')}]`);
}

/** `arb` with probability `p`, else undefined (fc.option cannot make the value the rare case). */
export function rarely<T>(arb: fc.Arbitrary<T>, p: number): fc.Arbitrary<T | undefined> {
  const n = Math.round(1 / p);
  return fc.oneof({ weight: n - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}

/** A field: absent, right (from `good`) or any wrong value. */
export function field(good: fc.Arbitrary<string>, goodWeight = 6): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: goodWeight, arbitrary: good },
    { weight: 3, arbitrary: valueText },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** An object as text from its fields (absent ones left out), with a stray key or a doubled key now and then. */
export function objectText(fields: Record<string, fc.Arbitrary<string | undefined>>): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.record(fields),
      rarely(fc.tuple(fc.constantFrom('extra', 'Rows', 'dat', '__proto__', 'constructor', ''), valueText), 0.1),
      rarely(fc.constantFrom(...Object.keys(fields)), 0.1),
    )
    .map(([o, stray, dup]) => {
      const parts = Object.entries(o)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${text(k)}:${v}`);
      if (stray) parts.splice(parts.length >> 1, 0, `${text(stray[0])}:${stray[1]}`);
      if (dup && o[dup] !== undefined) parts.push(`${text(dup)}:${o[dup]}`);
      return `{${parts.join(',')}}`;
    });
}

/** Text-level damage to a document: none (mostly), truncation, junk inserted, a span cut out, a character changed. */
export function damaged(doc: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const junk = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(',', '}', ']', '"', '\\', '\u0000', '\n', '{', '[', ':', '//', '/*'));
  return fc.tuple(doc, fc.nat({ max: 14 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), junk).map(([t, how, u, v, j]) => {
    const at = Math.floor(u * t.length);
    const to = at + Math.floor(v * (t.length - at));
    switch (how) {
      case 0:
        return t.slice(0, at);
      case 1:
        return t.slice(0, at) + j + t.slice(at);
      case 2:
        return t.slice(0, at) + t.slice(to);
      case 3:
        return t.slice(0, at) + String.fromCharCode(33 + Math.floor(v * 94)) + t.slice(at + 1);
      default:
        return t;
    }
  });
}

/** Whole-file oddities: empty, whitespace, a BOM, binary, a bare scalar, a top-level array. */
export const oddFile = fc.constantFrom('', ' ', '\n', '\ufeff{}', '\u0000\u0001\u0002', 'null', 'true', '0', '"x"', '[]', '[{}]', '{}', '{"a":1}{"b":2}', '\uFFFD\uFFFD');

// ---- the readers' documents ----

const smallInt = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map(String);
const fp32Element = fc.oneof(
  fc.double({ noNaN: false }).map((x) => (Number.isFinite(x) ? text(x) : x > 0 ? '"inf"' : x < 0 ? '"-inf"' : '"nan"')),
  fc.integer({ min: -1, max: 2 ** 32 }).map(String),
  fc.constantFrom('"0x3f800000"', '"0b1"', '"nan"', '"-inf"', '1e39', '-0', '0.1', '1.0000000596046448'),
);

/** The matrix input form {"rows","cols","data"|"bits"}; mostly with as many elements as rows*cols. */
export const matrixDoc: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom('data', 'data', 'data', 'data', 'bits', 'bits', 'both'))
  .chain(([r, c, which]) => {
    const data = arrayText(fc.oneof({ weight: 30, arbitrary: fp32Element }, { weight: 1, arbitrary: valueText }), r * c);
    const bits = arrayText(fc.oneof({ weight: 30, arbitrary: fc.integer({ min: -1, max: 2 ** 32 }).map(String) }, { weight: 1, arbitrary: valueText }), r * c);
    return objectText({
      rows: field(fc.constant(String(r)), 20),
      cols: field(fc.constant(String(c)), 20),
      ...(which !== 'bits' ? { data: field(data, 20) } : {}),
      ...(which !== 'data' ? { bits: field(bits, 20) } : {}),
    });
  });

const FORMATS = ['mxsf', 'mxfp8-e4m3', 'mxfp4-e2m1', 'mxint8', 'mxfp6-e3m2'];

/** The quantize output form (a pre-quantized GEMM operand), two columns so B (2 x 1) fits. */
export const quantizedDoc: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...FORMATS), fc.integer({ min: 1, max: 3 }), fc.constantFrom([1, 2], [1, 1], [2, 2], [1, 32]))
  .chain(([format, rows, block]) => {
    const scales = Math.ceil(rows / block[0]!) * Math.ceil(2 / block[1]!);
    return objectText({
      format: field(fc.constant(text(format)), 30),
      block: field(fc.constant(text(block)), 30),
      scaleMode: field(fc.constantFrom('"floor"', '"rceil"'), 10),
      rows: field(fc.constant(String(rows)), 30),
      cols: field(fc.constant('2'), 30),
      scales: field(arrayText(fc.oneof({ weight: 60, arbitrary: smallInt(0, 255) }, { weight: 1, arbitrary: smallInt(256, 257) }, { weight: 1, arbitrary: valueText }), scales), 30),
      codes: field(arrayText(fc.oneof({ weight: 60, arbitrary: smallInt(0, 15) }, { weight: 6, arbitrary: smallInt(16, 256) }, { weight: 1, arbitrary: valueText }), rows * 2), 30),
      values: rarely(valueText, 0.3),
    });
  });

/**
 * A value for a unit parameter: mostly a valid small one (a choice, a small integer in range, a tile shape), else a
 * neighbour of its range or anything (a large valid k would only make the case slow).
 */
export function paramValue(p: { choices?: readonly (string | number)[]; type: string; minimum?: number; maximum?: number; pattern?: string }): fc.Arbitrary<string> {
  const good: string[] = (p.choices ?? []).map(text);
  const bad: string[] = [];
  if (p.type === 'integer' || p.type === 'number') {
    const lo = p.minimum ?? 0;
    const hi = p.maximum ?? 64;
    for (const v of [lo, lo + 1, 2, 4]) if (v >= lo && v <= hi) good.push(String(v));
    bad.push(String(lo - 1), '1.5', '"4"', String(hi + 1), '-0');
  }
  if (p.type === 'boolean') good.push('true', 'false');
  if (p.pattern !== undefined) good.push('"2x2"', '"4x2"', '"1x3"'), bad.push('"0x4"', '"65x1"', '"8X8"', '"2x"');
  return fc.oneof(
    { weight: 12, arbitrary: good.length ? fc.constantFrom(...good) : oddString },
    { weight: 2, arbitrary: bad.length ? fc.constantFrom(...bad) : oddString },
    { weight: 1, arbitrary: valueText },
  );
}
