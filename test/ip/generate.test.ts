// `mxgen generate` as a user meets it: every unit with non-default parameters, folders that compile and
// type-check on their own, prefixes, output-folder safety, config files and their errors, `mxgen units`.

import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { main } from '../../generator/cli/main';
import { bufferIO } from '../../generator/cli/io';
import { configJsonSchema } from '../../generator/ip/designs';
import { manifestSchema, readManifest } from '../../generator/ip/manifest';
import { UNITS } from '../../generator/ip/units';
import { lintVerilog } from '../../generator/sim';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dirs: string[] = [];
const temp = (name: string): string => {
  const d = mkdtempSync(path.join(tmpdir(), `mxgen-ip-${name}-`));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function run(argv: string[], cwd: string) {
  const io = bufferIO('', cwd);
  const code = await main(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

/** One design per unit, every parameter away from its default. */
const NON_DEFAULT: readonly { unit: string; argv: string[]; top: string }[] = [
  { unit: 'decoder', argv: ['--format', 'mxfp6-e2m3'], top: 'mxfp6e2m3_decode' },
  { unit: 'quantizer', argv: ['--format', 'mxfp8-e4m3', '--k', '8', '--scale-mode', 'rceil', '--input', 'bf16', '--depth', '2'], top: 'mxfp8e4m3_quant_k8_rceil_bf16_d2' },
  { unit: 'pe', argv: ['--format', 'mxsf', '--format-b', 'mxfp8-e2m5', '--k', '4', '--depth', '3'], top: 'mxsf_x_mxfp8e2m5_pe_k4_d3' },
  { unit: 'tile', argv: ['--format', 'mxint8', '--tile', '4x2', '--scale-mode', 'rceil', '--input', 'bf16', '--order', 'col', '--buffers', '1'], top: 'mxint8_tilequant_r4c2_rceil_bf16_col_sb' },
  {
    unit: 'array',
    argv: ['--format', 'mxfp8-e5m2', '--rows', '2', '--cols', '3', '--tile', '4x4', '--scale-mode', 'rceil', '--depth', '2', '--buffer-tiles', '8', '--reduction', 'adders'],
    top: 'mxfp8e5m2_array_r2c3_t4_rceil_d2_n8_adders',
  },
];

describe('mxgen generate <unit>', () => {
  test('every unit is covered here with non-default parameters', () => {
    expect(NON_DEFAULT.map((d) => d.unit).sort()).toEqual(UNITS.map((u) => u.name).sort());
  });

  for (const d of NON_DEFAULT) {
    test(`${d.unit}: a folder that lints clean, compiles alone under both simulators from its filelist, and type-checks`, async () => {
      const work = temp(d.unit);
      const r = await run(['generate', d.unit, ...d.argv, '--prefix', 'acme_', '--out', 'ip'], work);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const top = `acme_${d.top}`;
      const src = path.join(work, 'ip', top);
      // copied anywhere: nothing points outside the folder
      const copy = path.join(temp(`${d.unit}-copy`), 'moved');
      cpSync(src, copy, { recursive: true });
      const { manifest } = readManifest(copy);
      expect(manifest.top).toBe(top);
      expect(manifest.unit).toBe(d.unit);
      const files = readdirSync(copy);
      expect(files.sort()).toEqual([...manifest.files, manifest.filelist, manifest.core, manifest.bindings, 'manifest.json'].sort());
      // --prefix: every module declared and instantiated carries it
      for (const f of manifest.files) {
        const v = readFileSync(path.join(copy, f), 'utf8');
        expect(f.startsWith('acme_')).toBe(true);
        for (const m of v.matchAll(/^module (\w+)/gm)) expect(m[1]!.startsWith('acme_')).toBe(true);
        for (const m of v.matchAll(/^ {2}(\w+) u_\w+ \($/gm)) expect(m[1]!.startsWith('acme_')).toBe(true);
        expect(v).toMatch(/^\/\/ SPDX-License-Identifier: MIT\n/);
        expect(v).toContain(`// Command:   mxgen generate ${d.unit} `);
        expect(Math.max(...v.split('\n').map((l) => l.length))).toBeLessThanOrEqual(160);
      }
      await lintVerilog(manifest.files.map((f) => path.join(copy, f)), top);
      const iv = await execa('iverilog', ['-g2005', '-o', path.join(copy, '..', 'a.vvp'), '-f', manifest.filelist], { cwd: copy, reject: false, all: true });
      expect(iv.all).toBe('');
      expect(iv.exitCode).toBe(0);
      const vl = await execa('verilator', ['--lint-only', '-Wall', '--top-module', top, '-f', manifest.filelist], { cwd: copy, reject: false, all: true });
      expect(vl.all).toBe('');
      expect(vl.exitCode).toBe(0);
      const tsc = await execa('tsc', ['--strict', '--noEmit', '--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler', manifest.bindings], {
        cwd: copy, preferLocal: true, localDir: ROOT, reject: false, all: true,
      });
      expect(tsc.all).toBe('');
      expect(tsc.exitCode).toBe(0);
      // the FuseSoC core lists the same files in the same order
      const core = parseYaml(readFileSync(path.join(copy, manifest.core), 'utf8').replace(/^CAPI=2:\n/, '')) as {
        name: string; filesets: { rtl: { files: string[] } }; targets: { default: { toplevel: string } };
      };
      expect(core.name).toBe(`mxgen:ip:${top}:${manifest.generator.version}`);
      expect(core.filesets.rtl.files).toEqual(manifest.files);
      expect(core.targets.default.toplevel).toBe(top);
    });
  }

  test('the same command twice writes byte-identical files', async () => {
    const work = temp('twice');
    const argv = ['generate', 'quantizer', '--format', 'mxsf', '--k', '4', '--out', 'o'];
    expect((await run(argv, work)).code).toBe(0);
    const read = () => Object.fromEntries(readdirSync(path.join(work, 'o', 'mxsf_quant_k4_floor_fp32_d1')).map((f) => [f, readFileSync(path.join(work, 'o', 'mxsf_quant_k4_floor_fp32_d1', f), 'utf8')]));
    const first = read();
    expect((await run(argv, work)).code).toBe(0);
    expect(read()).toEqual(first);
  });
});

describe('output folders: mxgen never deletes a file it did not write', () => {
  test('a non-empty --out without an mxgen index is refused, and kept whole with --force', async () => {
    const work = temp('foreign');
    mkdirSync(path.join(work, 'ip'));
    writeFileSync(path.join(work, 'ip', 'my_top.v'), 'module my_top; endmodule\n');
    const r = await run(['generate', 'decoder', '--format', 'mxsf', '--out', 'ip'], work);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mxgen: ip is not empty and was not written by mxgen .* pass --force/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(path.join(work, 'ip'))).toEqual(['my_top.v']);
    const f = await run(['generate', 'decoder', '--format', 'mxsf', '--out', 'ip', '--force'], work);
    expect(f.code).toBe(0);
    expect(readFileSync(path.join(work, 'ip', 'my_top.v'), 'utf8')).toBe('module my_top; endmodule\n');
  });

  test('a top folder with foreign files and no manifest is refused; with a manifest only its listed files go', async () => {
    const work = temp('stale');
    expect((await run(['generate', 'pe', '--format', 'mxsf', '--k', '2', '--out', 'ip'], work)).code).toBe(0);
    const dir = path.join(work, 'ip', 'mxsf_pe_k2_d1');
    writeFileSync(path.join(dir, 'notes.txt'), 'mine\n');
    // a file the old manifest lists but the new output lacks is removed; the user's file stays
    const m = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { files: string[] };
    writeFileSync(path.join(dir, 'old_module.v'), '// written by an earlier run\n');
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...m, files: [...m.files, 'old_module.v'] }, null, 2));
    expect((await run(['generate', 'pe', '--format', 'mxsf', '--k', '2', '--out', 'ip'], work)).code).toBe(0);
    expect(existsSync(path.join(dir, 'old_module.v'))).toBe(false);
    expect(readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('mine\n');
    // a folder of the same name that mxgen did not write
    const other = temp('other');
    mkdirSync(path.join(other, 'ip', 'mxsf_decode'), { recursive: true });
    writeFileSync(path.join(other, 'ip', 'mxgen-index.json'), JSON.stringify({ schema: 'mxgen-index/1', generator: 'mxgen', tops: [] }));
    writeFileSync(path.join(other, 'ip', 'mxsf_decode', 'hand.v'), 'module hand; endmodule\n');
    const r = await run(['generate', 'decoder', '--format', 'mxsf', '--out', 'ip'], other);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/mxsf_decode is not empty and holds no mxgen manifest\.json/);
    expect(readdirSync(path.join(other, 'ip', 'mxsf_decode'))).toEqual(['hand.v']);
  });

  test('a config run removes the tops it no longer produces (their listed files only)', async () => {
    const work = temp('prune');
    const cfg = (designs: object[]) => writeFileSync(path.join(work, 'c.json'), JSON.stringify({ out: 'ip', designs }));
    cfg([{ unit: 'decoder', format: 'mxsf' }, { unit: 'decoder', format: 'mxint8' }]);
    expect((await run(['generate', '--config', 'c.json'], work)).code).toBe(0);
    writeFileSync(path.join(work, 'ip', 'mxint8_decode', 'keep.txt'), 'x');
    cfg([{ unit: 'decoder', format: 'mxsf' }]);
    const r = await run(['generate', '--config', 'c.json'], work);
    expect(r.code).toBe(0);
    expect(readdirSync(path.join(work, 'ip', 'mxint8_decode'))).toEqual(['keep.txt']);
    expect(existsSync(path.join(work, 'ip', 'mxsf_decode', 'manifest.json'))).toBe(true);
  });

  test('an unwritable --out is one clear line', async () => {
    const work = temp('unwritable');
    writeFileSync(path.join(work, 'file'), 'x');
    const r = await run(['generate', 'decoder', '--format', 'mxsf', '--out', 'file'], work);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('mxgen: --out file is a file, not a folder\n');
  });
});

describe('parameters and config files: one line naming the key and the allowed values', () => {
  const bad: readonly [string[], RegExp][] = [
    [['generate', 'pe', '--format', 'mxsf', '--k', '0'], /^mxgen: --k: must be an integer in 1\.\.64 \(got 0\)$/],
    [['generate', 'pe', '--format', 'mxsf', '--k', 'many'], /^mxgen: --k: must be an integer in 1\.\.64 \(got 'many'\)$/],
    [['generate', 'pe', '--format', 'mxsff'], /^mxgen: --format: must be one of .*mxsf, bf16 \(got 'mxsff'\); did you mean 'mxsf'\?$/],
    [['generate', 'pe', '--format', 'bf16', '--format-b', 'mxsf'], /^mxgen: --format-b: the bf16 baseline PE has no second format/],
    [['generate', 'quantizer', '--format', 'mxsf', '--depth', '9'], /^mxgen: --depth: must be an integer in 0\.\.8 \(got 9\)$/],
    [['generate', 'tile', '--format', 'mxsf', '--tile', '8by8'], /^mxgen: --tile: must be RxC, e\.g\. 8x8 \(got '8by8'\)$/],
    [['generate', 'tile', '--format', 'mxsf', '--tile', '128x8'], /^mxgen: --tile: each tile edge must be at most 64/],
    [['generate', 'tile', '--format', 'mxsf', '--buffers', '3'], /^mxgen: --buffers: must be one of 1, 2 \(got 3\)$/],
    [['generate', 'pe', '--format', 'mxsf', '--prefix', '9x'], /^mxgen: --prefix: /],
    [['generate', 'pe', '--format', 'mxsf', '--k', '2', '--skid', '--depth', '0'], /^mxgen: --depth: --skid needs --depth 1 or more/],
    [['generate', 'pe', '--format', 'bf16', '--k', '1', '--depth', '16'], /^mxgen: --depth: this unit has 12 distinct places for register cuts here; choose a depth of at most 12 \(got 16\)$/],
    [['generate', 'pex'], /^mxgen: generate: unknown unit 'pex'; did you mean 'pe'\?/],
  ];
  for (const [argv, msg] of bad) {
    test(argv.join(' '), async () => {
      const work = temp('bad');
      const r = await run(argv, work);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(readdirSync(work)).toEqual([]); // nothing written
    });
  }

  const badConfigs: readonly [unknown, RegExp][] = [
    [{ designs: [{ unit: 'pe', format: 'mxsf', k: 0 }] }, /c\.json: designs\[0\]\.k: must be an integer in 1\.\.64 \(got 0\)/],
    [{ designs: [{ unit: 'pe', format: 'mxsf', dpeth: 3 }] }, /c\.json: designs\[0\]\.dpeth: unknown parameter; did you mean 'depth'\?/],
    [{ designs: [{ unit: 'tiles', format: 'mxsf' }] }, /c\.json: designs\[0\]\.unit: unknown unit 'tiles'; did you mean 'tile'\?/],
    [{ designs: [{ format: 'mxsf' }] }, /c\.json: designs\[0\]\.unit: required, one of decoder, quantizer, pe, tile/],
    [{ designs: [{ unit: 'decoder', format: 'mxsf' }], prfix: 'a_' }, /c\.json: prfix: unknown key; did you mean 'prefix'\?/],
    [{ designs: [] }, /c\.json: designs: must be a non-empty array/],
    [{ designs: [{ unit: 'decoder', format: 'mxsf' }, { unit: 'decoder', format: 'mxsf' }] }, /designs\[1\] makes the same top 'mxsf_decode' as designs\[0\]/],
    ['{"designs": [', /c\.json: not valid JSON/],
  ];
  for (const [cfg, msg] of badConfigs) {
    test(`config ${typeof cfg === 'string' ? cfg : JSON.stringify(cfg)}`, async () => {
      const work = temp('badcfg');
      writeFileSync(path.join(work, 'c.json'), typeof cfg === 'string' ? cfg : JSON.stringify(cfg));
      const r = await run(['generate', '--config', 'c.json'], work);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(readdirSync(work)).toEqual(['c.json']);
    });
  }

  test('a config file with several designs and a prefix', async () => {
    const work = temp('cfg');
    writeFileSync(path.join(work, 'c.json'), JSON.stringify({ prefix: 'soc_', out: 'ip', designs: [{ unit: 'pe', format: 'mxsf', k: 16, depth: 3 }, { unit: 'quantizer', format: 'mxfp8-e4m3', k: 16 }] }));
    const r = await run(['generate', '--config', 'c.json'], work);
    expect(r.stderr).toBe('');
    expect(readdirSync(path.join(work, 'ip')).sort()).toEqual(['mxgen-index.json', 'soc_mxfp8e4m3_quant_k16_floor_fp32_d1', 'soc_mxsf_pe_k16_d3']);
    const m = manifestSchema.parse(JSON.parse(readFileSync(path.join(work, 'ip', 'soc_mxsf_pe_k16_d3', 'manifest.json'), 'utf8')));
    expect(m.command).toBe('mxgen generate --config c.json, designs[0]');
    expect(m.params).toEqual({ format: 'mxsf', k: 16, depth: 3, skid: false, accumulate: 'port', lanes: 'ones', positiveZero: false });
    expect(m.latency).toEqual({ cycles: 3, note: expect.any(String) });
  });

  test('the checked-in JSON Schema is the one the unit schemas give', () => {
    expect(readFileSync(path.join(ROOT, 'configs', 'mxgen-config.schema.json'), 'utf8')).toBe(configJsonSchema());
  });

  test('mxgen units --json lists every unit with its parameters', async () => {
    const r = await run(['units', '--json'], temp('units'));
    const units = JSON.parse(r.stdout) as { name: string; parameters: { name: string; option: string; allowed: string }[] }[];
    expect(units.map((u) => u.name)).toEqual(UNITS.map((u) => u.name));
    const pe = units.find((u) => u.name === 'pe')!;
    expect(pe.parameters.map((p) => p.option)).toEqual(['--format', '--format-b', '--k', '--depth', '--skid', '--accumulate', '--lanes', '--positive-zero']);
    expect(pe.parameters.find((p) => p.name === 'k')!.allowed).toBe('an integer in 1..64');
  });
});
