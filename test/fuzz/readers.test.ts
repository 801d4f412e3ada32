// Fuzzing of every JSON reader of the CLI with malformed, truncated, huge, deeply nested and wrong-typed input:
// matrix JSON (quantize --input, gemm --a/--b/--c, sim quantize --input), the pre-quantized operand (gemm and
// sim gemm --a/--b), config files (generate --config) and design manifests (sim quantize|gemm --design). Each case
// ends in one clear line and a non-zero exit, or a complete success; never a stack trace, never a partial or
// changed output file (run.ts). Seeded from MXGEN_SEED; MXGEN_RUNS_SCALE multiplies the run counts (make fuzz-long).

import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { matrixFromJson, parseJsonText } from '../../generator/cli/io';
import { quantizedFromJson } from '../../generator/cli/operand';
import { paramInfo } from '../../generator/ip/params';
import { UNITS } from '../../generator/ip/units';
import { SEED, arrayText, check, damaged, rarely, deepText, field, hugeText, matrixDoc, objectText, oddFile, paramValue, quantizedDoc, valueText } from './gen';
import { rerun } from '../robust/seed';
import { countFor, printStats, Sandbox, expectClean, expectCleanFailure, expectJsonFile, run, withOutput } from './run';

let box: Sandbox;
beforeAll(() => {
  box = new Sandbox('mxgen-fuzz-readers-');
});
afterAll(() => {
  box.dispose();
  printStats(`fuzz: JSON readers, ${rerun(SEED)}`);
});

const anyDoc = (doc: fc.Arbitrary<string>) => damaged(fc.oneof({ weight: 12, arbitrary: doc }, { weight: 1, arbitrary: oddFile }, { weight: 1, arbitrary: valueText }));
const outputCase = fc.record({ existed: fc.boolean(), stdin: fc.boolean() });
const B_MATRIX = JSON.stringify({ rows: 2, cols: 1, data: [1, -2.5] });

describe('matrix JSON', () => {
  test('quantize --input (file or stdin) --output', async () => {
    await check(
      'matrix-quantize',
      400,
      fc.asyncProperty(anyDoc(matrixDoc), outputCase, fc.constantFrom('mxsf', 'mxfp4-e2m1', 'mxint8'), async (doc, o, format) => {
        const dir = box.fresh();
        writeFileSync(path.join(dir, 'in.json'), doc);
        const argv = ['quantize', '--format', format, '--block', '1x2', '--input', o.stdin ? '-' : 'in.json', '--output', 'out.json'];
        const what = `mxgen ${argv.join(' ')} < ${JSON.stringify(doc.slice(0, 200))}`;
        const r = await withOutput(dir, { name: 'out.json', kind: 'file', existed: o.existed }, () => run(dir, argv, o.stdin ? doc : ''), what, expectJsonFile);
        expectClean(r, what);
      }),
    );
  });

  test('gemm --b and --c', async () => {
    await check(
      'matrix-gemm',
      250,
      fc.asyncProperty(anyDoc(matrixDoc), fc.boolean(), outputCase, async (doc, asC, o) => {
        const dir = box.fresh();
        writeFileSync(path.join(dir, 'a.json'), JSON.stringify({ rows: 1, cols: 2, data: [1, 2] }));
        writeFileSync(path.join(dir, 'b.json'), asC ? B_MATRIX : doc);
        writeFileSync(path.join(dir, 'c.json'), doc);
        const argv = ['gemm', '--format', 'mxfp8-e4m3', '--a', 'a.json', '--b', 'b.json', ...(asC ? ['--c', 'c.json'] : []), '--output', 'out.json'];
        const what = `mxgen ${argv.join(' ')}, ${asC ? 'c' : 'b'}.json = ${JSON.stringify(doc.slice(0, 200))}`;
        const r = await withOutput(dir, { name: 'out.json', kind: 'file', existed: o.existed }, () => run(dir, argv), what, expectJsonFile);
        expectClean(r, what);
      }),
    );
  });

  test('sim quantize --input: rejected before anything is built', async () => {
    await check(
      'matrix-sim-quantize',
      80,
      fc.asyncProperty(anyDoc(matrixDoc), outputCase, async (doc, o) => {
        // a valid matrix would start a simulation: those are covered by the quantize property (the same reader)
        let valid = true;
        try {
          matrixFromJson(parseJsonText(doc, 'x'), 'x', doc);
        } catch {
          valid = false;
        }
        fc.pre(!valid);
        const dir = box.fresh();
        writeFileSync(path.join(dir, 'in.json'), doc);
        const argv = ['sim', 'quantize', '--format', 'mxsf', '--sim', 'icarus', '--input', o.stdin ? '-' : 'in.json', '--output', 'out.json'];
        const what = `mxgen ${argv.join(' ')} < ${JSON.stringify(doc.slice(0, 200))}`;
        const r = await withOutput(dir, { name: 'out.json', kind: 'file', existed: o.existed }, () => run(dir, argv, o.stdin ? doc : ''), what);
        expectCleanFailure(r, what);
      }),
    );
  });
});

describe('pre-quantized operand JSON', () => {
  test('gemm --a', async () => {
    await check(
      'quantized-gemm',
      400,
      fc.asyncProperty(anyDoc(quantizedDoc), outputCase, fc.constantFrom([], [], [], [], ['--format', 'mxsf'], ['--format', 'mxint8', '--block-a', '1x2']), async (doc, o, extra) => {
        const dir = box.fresh();
        writeFileSync(path.join(dir, 'a.json'), doc);
        writeFileSync(path.join(dir, 'b.json'), B_MATRIX);
        // B's block edge along K follows A's (else nearly every case would stop at that check)
        let edge = 2;
        try {
          const blk = (JSON.parse(doc) as { block?: unknown }).block;
          if (Array.isArray(blk) && typeof blk[1] === 'number' && Number.isSafeInteger(blk[1]) && blk[1] > 0 && blk[1] <= 64) edge = blk[1];
        } catch {
          // damaged: any edge will do
        }
        const argv = ['gemm', ...extra, '--block-b', `${edge}x1`, '--a', o.stdin ? '-' : 'a.json', '--b', 'b.json', '--output', 'out.json'];
        const what = `mxgen ${argv.join(' ')}, a = ${JSON.stringify(doc.slice(0, 200))}`;
        const r = await withOutput(dir, { name: 'out.json', kind: 'file', existed: o.existed }, () => run(dir, argv, o.stdin ? doc : ''), what, expectJsonFile);
        expectClean(r, what);
      }),
    );
  });

  test('sim gemm --a: rejected before anything is built', async () => {
    await check(
      'quantized-sim-gemm',
      80,
      fc.asyncProperty(anyDoc(quantizedDoc), async (doc) => {
        let valid = true;
        try {
          const j = parseJsonText(doc, 'x');
          if (typeof j !== 'object' || j === null || Array.isArray(j)) throw new Error('not an object');
          quantizedFromJson(j as Record<string, unknown>, 'x');
        } catch {
          valid = false;
        }
        fc.pre(!valid);
        const dir = box.fresh();
        writeFileSync(path.join(dir, 'a.json'), doc);
        writeFileSync(path.join(dir, 'b.json'), B_MATRIX);
        const argv = ['sim', 'gemm', '--format', 'mxsf', '--sim', 'icarus', '--a', 'a.json', '--b', 'b.json', '--output', 'out.json'];
        const what = `mxgen ${argv.join(' ')}, a = ${JSON.stringify(doc.slice(0, 200))}`;
        const r = await withOutput(dir, { name: 'out.json', kind: 'file', existed: false }, () => run(dir, argv), what);
        expectCleanFailure(r, what);
      }),
    );
  });
});

// ---- config files ----

const designText: fc.Arbitrary<string> = fc.constantFrom(...UNITS).chain((u) => {
  const params = paramInfo(u.schema);
  const fields: Record<string, fc.Arbitrary<string | undefined>> = {
    unit: field(fc.oneof({ weight: 20, arbitrary: fc.constant(JSON.stringify(u.name)) }, { weight: 1, arbitrary: fc.constantFrom('"quantiser"', '"PE"', '"decoder"') }), 30),
  };
  // required parameters mostly present, optional ones now and then
  for (const p of params) fields[p.key] = p.required ? field(paramValue(p), 30) : rarely(paramValue(p), 0.4);
  return objectText(fields);
});

const configDoc: fc.Arbitrary<string> = objectText({
  $schema: rarely(fc.constantFrom('"./mxgen-config.schema.json"', '"x"', '3'), 0.3),
  prefix: rarely(fc.oneof({ weight: 4, arbitrary: fc.constantFrom('""', '"acme_"', '"A"', '"_"') }, { weight: 1, arbitrary: fc.constantFrom('"1x_"', '"a b"', '"a-b"') }, { weight: 1, arbitrary: valueText }), 0.3),
  out: rarely(fc.oneof(fc.constantFrom('"o"', '""', '"."'), valueText), 0.2),
  designs: field(fc.array(fc.oneof({ weight: 20, arbitrary: designText }, { weight: 1, arbitrary: valueText }), { minLength: 1, maxLength: 3 }).map((xs) => `[${xs.join(',')}]`), 30),
});

describe('config files', () => {
  test('generate --config FILE --out DIR', async () => {
    await check(
      'config-generate',
      300,
      fc.asyncProperty(anyDoc(configDoc), fc.boolean(), fc.boolean(), async (doc, existed, list) => {
        const dir = box.fresh();
        writeFileSync(path.join(dir, 'c.json'), doc);
        // --out always: a config's own "out" could point anywhere (it is resolved against the config file)
        const argv = ['generate', '--config', 'c.json', '--out', 'gen', ...(list ? ['--list'] : [])];
        const what = `mxgen ${argv.join(' ')}, c.json = ${JSON.stringify(doc.slice(0, 300))}`;
        const r = await withOutput(dir, { name: 'gen', kind: 'folder', existed }, () => run(dir, argv), what, (p) => {
          if (list) return;
          // a success: every design folder complete (a manifest that parses, every file it lists present)
          for (const top of readdirSync(p).filter((n) => !n.includes('.') && n !== 'mine.txt')) {
            const m = JSON.parse(readFileSync(path.join(p, top, 'manifest.json'), 'utf8')) as { files: string[] };
            for (const f of m.files) expect(readFileSync(path.join(p, top, f), 'utf8').length, `${what}: ${top}/${f}`).toBeGreaterThan(0);
          }
        });
        if (r.code === 0) expect(r.stdout, what).not.toBe('');
        else expectCleanFailure(r, what);
      }),
    );
  });
});

// ---- manifests ----

/** Every path into a JSON value down to `depth` (objects by key, arrays by index). */
function paths(v: unknown, depth: number, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = at.length ? [at] : [];
  if (depth === 0 || v === null || typeof v !== 'object') return out;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out.push(...paths(x, depth - 1, [...at, Array.isArray(v) ? Number(k) : k]));
  return out;
}

const HOLE = '\u0000HOLE\u0000';

/** The manifest text with one or two keys replaced by any value (or deleted, or a key added). */
function mutatedManifest(base: Record<string, unknown>): fc.Arbitrary<string> {
  const all = paths(base, 3);
  const edit = fc.tuple(fc.constantFrom(...all), fc.constantFrom('replace', 'replace', 'delete', 'add'), valueText);
  return damaged(
    fc.array(edit, { minLength: 0, maxLength: 2 }).map((edits) => {
      const m = structuredClone(base);
      const holes: string[] = [];
      for (const [p, how, value] of edits) {
        let o = m as Record<string | number, unknown>;
        for (const k of p.slice(0, -1)) o = (o?.[k] ?? {}) as Record<string | number, unknown>;
        if (typeof o !== 'object' || o === null) continue;
        const last = p[p.length - 1]!;
        if (how === 'delete') delete o[last];
        else {
          o[how === 'add' ? `${String(last)}_x` : last] = `${HOLE}${holes.length}`;
          holes.push(value);
        }
      }
      let t = JSON.stringify(m, null, 2);
      holes.forEach((h, i) => (t = t.replace(JSON.stringify(`${HOLE}${i}`), () => h)));
      return t;
    }),
  );
}

describe('design manifests', () => {
  const designs: { dir: string; manifest: Record<string, unknown>; command: 'quantize' | 'gemm' }[] = [];
  beforeAll(async () => {
    countFor('(setup)');
    const gen = box.fresh();
    for (const argv of [
      ['generate', 'quantizer', '--format', 'mxsf', '--k', '2', '--out', 'g'],
      ['generate', 'tile', '--format', 'mxint8', '--tile', '2x2', '--out', 'g'],
      ['generate', 'pe', '--format', 'mxfp4-e2m1', '--k', '2', '--out', 'g'],
    ]) {
      const r = await run(gen, argv);
      expect(r.code, r.stderr).toBe(0);
    }
    for (const top of readdirSync(path.join(gen, 'g')).filter((n) => !n.endsWith('.json'))) {
      const dir = path.join(gen, 'g', top);
      const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
      designs.push({ dir, manifest, command: manifest.unit === 'pe' ? 'gemm' : 'quantize' });
    }
    expect(designs).toHaveLength(3);
  });

  test('sim quantize|gemm --design DIR (inputs missing, so a manifest that loads stops there)', async () => {
    await check(
      'manifest-design',
      300,
      fc.asyncProperty(
        fc.nat({ max: 2 }).chain((i) => fc.tuple(fc.constant(i), mutatedManifest(designs[i]!.manifest))),
        fc.boolean(),
        async ([i, text], swap) => {
          const d = designs[i]!;
          const dir = box.fresh();
          const folder = path.join(dir, 'design');
          cpSync(d.dir, folder, { recursive: true });
          writeFileSync(path.join(folder, 'manifest.json'), text);
          const command = swap ? (d.command === 'gemm' ? 'quantize' : 'gemm') : d.command;
          const argv = command === 'gemm' ? ['sim', 'gemm', '--design', 'design', '--a', 'no-a.json', '--b', 'no-b.json'] : ['sim', 'quantize', '--design', 'design', '--input', 'no-input.json'];
          const what = `mxgen ${argv.join(' ')}, manifest = ${JSON.stringify(text.slice(0, 400))}`;
          expectCleanFailure(await run(dir, [...argv, '--sim', 'icarus', '--output', 'out.json']), what);
          expect(readdirSync(dir).sort(), what).toEqual(['design']);
        },
      ),
    );
  });
});

// ---- the extremes, once each ----

describe('extremes', () => {
  const deep = (d: number) => '['.repeat(d) + ']'.repeat(d);
  const huge = 'x'.repeat(1_000_000);
  test.each([
    ['matrix: rows nested 200000 deep', ['quantize', '--format', 'mxsf', '--input', 'f.json'], `{"rows":${deep(200_000)},"cols":1,"data":[1]}`],
    ['matrix: an element nested 200000 deep', ['quantize', '--format', 'mxsf', '--input', 'f.json'], `{"rows":1,"cols":1,"data":[${deep(200_000)}]}`],
    ['matrix: 10^6 elements, wrong count', ['quantize', '--format', 'mxsf', '--input', 'f.json'], `{"rows":3,"cols":3,"data":[${'1,'.repeat(999_999)}1]}`],
    ['matrix: rows*cols beyond any array', ['quantize', '--format', 'mxsf', '--input', 'f.json'], '{"rows":9007199254740991,"cols":9007199254740991,"data":[]}'],
    ['matrix: a 1 MB key', ['quantize', '--format', 'mxsf', '--input', 'f.json'], `{"${huge}":1,"rows":1,"cols":1}`],
    ['matrix: a 1 MB element string', ['quantize', '--format', 'mxsf', '--input', 'f.json'], `{"rows":1,"cols":1,"data":["${huge}"]}`],
    ['matrix: unclosed 100000 deep', ['quantize', '--format', 'mxsf', '--input', 'f.json'], '['.repeat(100_000)],
    ['quantized: block nested 200000 deep', ['gemm', '--a', 'f.json', '--b', 'f.json'], `{"format":"mxsf","block":${deep(200_000)},"rows":1,"cols":1,"scales":[1],"codes":[1]}`],
    ['quantized: a 1 MB format name', ['gemm', '--a', 'f.json', '--b', 'f.json'], `{"format":"${huge}","block":[1,1],"rows":1,"cols":1,"scales":[1],"codes":[1]}`],
    ['quantized: a format name with a newline', ['gemm', '--a', 'f.json', '--b', 'f.json'], '{"format":"mxsf\\nfake line","block":[1,1],"rows":1,"cols":1,"scales":[1],"codes":[1]}'],
    ['config: a parameter nested 200000 deep', ['generate', '--config', 'f.json', '--out', 'o'], `{"designs":[{"unit":"pe","format":${deep(200_000)}}]}`],
    ['config: prefix nested 200000 deep', ['generate', '--config', 'f.json', '--out', 'o'], `{"prefix":${deep(200_000)},"designs":[{"unit":"decoder","format":"mxsf"}]}`],
    ['config: a 1 MB prefix', ['generate', '--config', 'f.json', '--out', 'o'], `{"prefix":"${huge}","designs":[{"unit":"decoder","format":"mxsf"}]}`],
    ['config: a 1 MB out', ['generate', '--config', 'f.json', '--out', 'o'], `{"out":${deep(100_000)},"designs":[{"unit":"decoder","format":"mxsf"}]}`],
    ['config: a 1 MB unknown key', ['generate', '--config', 'f.json', '--out', 'o'], `{"${huge}":1,"designs":[]}`],
    ['config: a 1 MB unit name', ['generate', '--config', 'f.json', '--out', 'o'], `{"designs":[{"unit":"${huge}"}]}`],
    ['config: a 1 MB parameter name', ['generate', '--config', 'f.json', '--out', 'o'], `{"designs":[{"unit":"decoder","format":"mxsf","${huge}":1}]}`],
    ['config: a unit name with a newline', ['generate', '--config', 'f.json', '--out', 'o'], '{"designs":[{"unit":"pe\\nx"}]}'],
    ['config: JSON broken across lines', ['generate', '--config', 'f.json', '--out', 'o'], '{"designs":\n[\n{"unit": }]}'],
    ['config: 10^5 designs, one bad', ['generate', '--config', 'f.json', '--out', 'o'], `{"designs":[${'{"unit":"decoder","format":"mxsf"},'.repeat(100_000)}{"unit":"x"}]}`],
  ])('%s', async (_what, argv, content) => {
    countFor('extremes');
    const dir = box.fresh();
    writeFileSync(path.join(dir, 'f.json'), content);
    const r = await run(dir, argv);
    expectCleanFailure(r, `${argv.join(' ')} <${content.length} chars>`);
    expect(readdirSync(dir)).toEqual(['f.json']);
  });

  test('a manifest nested deep, huge, or broken across lines', async () => {
    countFor('manifest-extremes');
    const gen = box.fresh();
    expect((await run(gen, ['generate', 'quantizer', '--format', 'mxsf', '--k', '2', '--out', 'g'])).code).toBe(0);
    const top = readdirSync(path.join(gen, 'g')).find((n) => !n.endsWith('.json'))!;
    const file = path.join(gen, 'g', top, 'manifest.json');
    const good = readFileSync(file, 'utf8');
    for (const bad of [
      good.replace('"schema": "mxgen-ip/1"', `"schema": ${deep(200_000)}`),
      good.replace('"schema": "mxgen-ip/1"', `"schema": "${huge}"`),
      good.replace(/"k": 2/, `"k": ${deep(200_000)}`),
      good.replace(/"format": "mxsf"/, `"format": "${huge}"`),
      good.replace(/"format": "mxsf"/, '"format": "mx\\nsf"'),
      good.replace('"schema": "mxgen-ip/1",', '"schema": "mxgen-ip/1",\n  "oops": ,'),
    ]) {
      expect(bad).not.toBe(good);
      writeFileSync(file, bad);
      expectCleanFailure(await run(gen, ['sim', 'quantize', '--design', path.join('g', top), '--input', 'none.json']), `manifest ${JSON.stringify(bad.slice(0, 200))}`);
    }
  });
});

// keep the helpers honest: the damage generators produce what they claim
test('generators: deep and huge text parse as JSON; arrays have the length asked', () => {
  fc.assert(fc.property(deepText, (t) => void JSON.parse(t)), { numRuns: 20, seed: 1 });
  fc.assert(fc.property(hugeText, (t) => t.length >= 400), { numRuns: 20, seed: 1 });
  fc.assert(fc.property(arrayText(fc.constant('1'), 4), (t) => Array.isArray(JSON.parse(t))), { numRuns: 20, seed: 1 });
});
