// mxgen sim quantize|gemm under Icarus: --design DIR/<top> (folders written as `mxgen generate` writes them:
// Verilog plus a manifest of the generator/ip/manifest.ts schema) checked bit for bit against the golden model,
// a hand-modified design caught with its seed, --keep with --waves, --seed/--stall reaching the testbench,
// pre-quantized operands through the PE, MXGEN_CACHE_DIR, and the design errors (exact lines).

import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { quantizeJson, formatJson } from '../../generator/cli/json';
import { fp32BitsToBf16Bits, makeMatrix, quantize, floatToBits } from '../../generator/golden/index';
import { bf16PeModule } from '../../generator/rtl/pe/bf16-pe';
import { mxPeModule } from '../../generator/rtl/pe/mx-pe';
import { blockQuantizerModule } from '../../generator/rtl/quantizer/quantizer';
import { decoderModule } from '../../generator/rtl/decoder/decoder';
import { quantizerParts } from '../../generator/rtl/tile/parts';
import { tileQuantModule } from '../../generator/rtl/tile/tilequant';
import { Prng } from '../../generator/util/prng';
import { expectOneLine, put, runIn, tempDir, writeDesignFolder } from './helpers';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let dir: string;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = (argv: string[], stdin = '') => runIn(dir, argv, stdin);
const ICARUS = ['--sim', 'icarus'];

function data(rows: number, cols: number, seed: number): { rows: number; cols: number; data: (number | string)[] } {
  const rng = new Prng(seed);
  return {
    rows,
    cols,
    data: Array.from({ length: rows * cols }, () => (rng.chance(0.05) ? 0 : (rng.u32() / 2 ** 32 - 0.5) * 2 ** rng.range(-20, 12))),
  };
}

let qDir: string; // mxsf k = 8 rceil fp32, depth 2
let qBf16Dir: string; // mxfp8-e4m3 k = 4 floor bf16, depth 0
let tileDir: string; // mxfp8-e4m3 4x4 floor fp32, column order, single buffer
let peDir: string; // mxfp8-e4m3 x mxfp8-e5m2 k = 8, depth 2
let bf16PeDir: string; // bf16 k = 4, depth 1

beforeAll(() => {
  dir = tempDir('mxgen-sim-');
  const ip = path.join(dir, 'ip');
  qDir = writeDesignFolder(blockQuantizerModule({ format: 'mxsf', k: 8, scaleMode: 'rceil', input: 'fp32', depth: 2 }), 'quantizer', { format: 'mxsf', k: 8, scaleMode: 'rceil', input: 'fp32', depth: 2 }, ip);
  qBf16Dir = writeDesignFolder(
    blockQuantizerModule({ format: 'mxfp8-e4m3', k: 4, scaleMode: 'floor', input: 'bf16', depth: 0 }),
    'quantizer',
    { format: 'mxfp8-e4m3', k: 4, scaleMode: 'floor', input: 'bf16', depth: 0 },
    ip,
  );
  const tcfg = { format: 'mxfp8-e4m3', rows: 4, cols: 4, scaleMode: 'floor', input: 'fp32', order: 'col', buffers: 1 } as const;
  tileDir = writeDesignFolder(tileQuantModule(tcfg, quantizerParts(tcfg.format, tcfg.scaleMode, tcfg.input)), 'tile', { format: 'mxfp8-e4m3', tile: '4x4', scaleMode: 'floor', input: 'fp32', order: 'col', buffers: 1 }, ip);
  peDir = writeDesignFolder(mxPeModule({ formatA: 'mxfp8-e4m3', formatB: 'mxfp8-e5m2', k: 8, depth: 2 }), 'pe', { format: 'mxfp8-e4m3', formatB: 'mxfp8-e5m2', k: 8, depth: 2 }, ip);
  bf16PeDir = writeDesignFolder(bf16PeModule({ k: 4, depth: 1 }), 'pe', { format: 'bf16', k: 4, depth: 1 }, ip);
  put(dir, 'm.json', data(3, 20, 1));
  put(dir, 'a.json', data(5, 20, 2));
  put(dir, 'b.json', data(20, 3, 3));
});

const rel = (p: string) => path.relative(dir, p);

describe('--design runs the folder\'s own Verilog, checked against the golden model', () => {
  test('quantizer: rows and columns', async () => {
    for (const block of ['1x8', '8x1']) {
      const want = await run(['quantize', '--format', 'mxsf', '--block', block, '--scale-mode', 'rceil', '--input', 'm.json']);
      const got = await run(['sim', 'quantize', '--design', rel(qDir), ...(block === '8x1' ? ['--block', block] : []), ...ICARUS, '--input', 'm.json']);
      expect(got.stderr).toBe('');
      expect(got.code).toBe(0);
      expect(got.stdout).toBe(want.stdout);
    }
  });

  test('a BF16-input quantizer: the design supplies --bf16-input', async () => {
    const got = await run(['sim', 'quantize', '--design', rel(qBf16Dir), ...ICARUS, '--input', 'm.json', '--stall', '30', '--seed', '4']);
    expect(got.stderr).toBe('');
    const src = data(3, 20, 1);
    const m = makeMatrix(3, 20, Uint32Array.from(src.data.map((v) => fp32BitsToBf16Bits(floatToBits(v as number)))));
    expect(got.stdout).toBe(formatJson(quantizeJson(quantize(m, 'mxfp8-e4m3', { rows: 1, cols: 4 }, 'floor'))));
  });

  test('tile re-quantizer (column order, single buffer), with stalls', async () => {
    const want = await run(['quantize', '--format', 'mxfp8-e4m3', '--block', '4x4', '--input', 'm.json']);
    const got = await run(['sim', 'quantize', '--design', rel(tileDir), ...ICARUS, '--input', 'm.json', '--stall', '25']);
    expect(got.stderr).toBe('');
    expect(got.stdout).toBe(want.stdout);
  });

  test('PE (a mixed pair, k = 8, depth 2): sim gemm agrees with gemm, K = 20 in chunks of 8', async () => {
    const want = await run(['gemm', '--format', 'mxfp8-e4m3', '--format-b', 'mxfp8-e5m2', '--block-a', '1x8', '--block-b', '8x1', '--a', 'a.json', '--b', 'b.json']);
    const got = await run(['sim', 'gemm', '--design', rel(peDir), ...ICARUS, '--a', 'a.json', '--b', 'b.json', '--stall', '20']);
    expect(got.stderr).toBe('');
    expect(got.stdout).toBe(want.stdout);
  });

  test('PE with a pre-quantized A', async () => {
    await run(['quantize', '--format', 'mxfp8-e4m3', '--block', '1x8', '--input', 'a.json', '--output', 'qa.json']);
    const want = await run(['gemm', '--format-b', 'mxfp8-e5m2', '--block-b', '8x1', '--a', 'qa.json', '--b', 'b.json']);
    const got = await run(['sim', 'gemm', '--design', rel(peDir), ...ICARUS, '--a', 'qa.json', '--b', 'b.json']);
    expect(got.stderr).toBe('');
    expect(got.stdout).toBe(want.stdout);
  });

  test('the issue\'s example: an mxsf k = 16, depth 3 PE with every module prefixed acme_, on 1x16 blocks', async () => {
    // the prefix as `mxgen generate --prefix acme_` applies it: every module and file renamed, the manifest's top too
    const plain = writeDesignFolder(mxPeModule({ formatA: 'mxsf', formatB: 'mxsf', k: 16, depth: 3 }), 'pe', { format: 'mxsf', k: 16, depth: 3 }, path.join(dir, 'plain'));
    const names = readdirSync(plain).filter((f) => f.endsWith('.v')).map((f) => f.slice(0, -2));
    const top = path.basename(plain);
    const out = path.join(dir, 'ip-out', `acme_${top}`);
    cpSync(plain, out, { recursive: true });
    const rename = (t: string) => names.reduce((acc, n) => acc.replace(new RegExp(`\\b${n}\\b`, 'g'), `acme_${n}`), t);
    for (const n of names) {
      writeFileSync(path.join(out, `acme_${n}.v`), rename(readFileSync(path.join(out, `${n}.v`), 'utf8')));
      rmSync(path.join(out, `${n}.v`));
    }
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    Object.assign(manifest, { top: `acme_${top}`, prefix: 'acme_', files: manifest.files.map((f: string) => `acme_${f}`) });
    writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest));
    put(dir, 'a16.json', data(4, 48, 5));
    put(dir, 'b16.json', data(48, 3, 6));
    const want = await run(['gemm', '--format', 'mxsf', '--block-a', '1x16', '--block-b', '16x1', '--a', 'a16.json', '--b', 'b16.json']);
    const got = await run(['sim', 'gemm', '--design', `ip-out/acme_${top}`, ...ICARUS, '--a', 'a16.json', '--b', 'b16.json']);
    expect(got.stderr).toBe('');
    expect(got.stdout).toBe(want.stdout);
  });

  test('bf16 PE (k = 4)', async () => {
    const want = await run(['gemm', '--format', 'bf16', '--block-a', '1x4', '--block-b', '4x1', '--a', 'a.json', '--b', 'b.json']);
    const got = await run(['sim', 'gemm', '--design', rel(bf16PeDir), ...ICARUS, '--a', 'a.json', '--b', 'b.json']);
    expect(got.stderr).toBe('');
    expect(got.stdout).toBe(want.stdout);
  });

  test('a generated PE with pre-quantized operands (no --design)', async () => {
    await run(['quantize', '--format', 'mxsf', '--block', '1x4', '--input', 'a.json', '--output', 'qa4.json']);
    await run(['quantize', '--format', 'mxsf', '--block', '4x1', '--input', 'b.json', '--output', 'qb4.json', '--values', 'hex']);
    const want = await run(['gemm', '--a', 'qa4.json', '--b', 'qb4.json']);
    const got = await run(['sim', 'gemm', ...ICARUS, '--a', 'qa4.json', '--b', 'qb4.json', '--values', 'hex']);
    expect(got.stderr).toBe('');
    expect(JSON.parse(got.stdout).bits.map((h: string) => parseInt(h, 16))).toEqual(JSON.parse(want.stdout).bits);
  });
});

describe('folders written by mxgen generate', () => {
  test.each([
    [['generate', 'quantizer', '--format', 'mxfp8-e4m3', '--k', '8', '--scale-mode', 'rceil', '--depth', '3'], ['quantize', '--format', 'mxfp8-e4m3', '--block', '1x8', '--scale-mode', 'rceil']],
    [['generate', 'quantizer', '--format', 'mxint8', '--k', '4', '--input', 'bf16', '--depth', '0'], null],
    [['generate', 'tile', '--format', 'mxsf', '--tile', '2x4', '--order', 'col', '--buffers', '1'], ['quantize', '--format', 'mxsf', '--block', '2x4']],
  ])('%j', async (gen, golden) => {
    const out = `gen-${gen[1]}-${gen[3]}`;
    const g = await run([...gen, '--prefix', 'acme_', '--out', out]);
    expect(g.code, g.stderr).toBe(0);
    const top = readdirSync(path.join(dir, out)).find((f) => f.startsWith('acme_'))!;
    const got = await run(['sim', 'quantize', '--design', `${out}/${top}`, ...ICARUS, '--input', 'm.json', '--stall', '15']);
    expect(got.stderr).toBe('');
    expect(got.code).toBe(0);
    if (golden) expect(got.stdout).toBe((await run([...golden, '--input', 'm.json'])).stdout);
  });

  test('pe: mxgen generate pe, then sim gemm --design agrees with gemm', async () => {
    const g = await run(['generate', 'pe', '--format', 'mxfp6-e3m2', '--k', '4', '--depth', '2', '--prefix', 'acme_', '--out', 'gen-pe']);
    expect(g.code, g.stderr).toBe(0);
    const want = await run(['gemm', '--format', 'mxfp6-e3m2', '--block-a', '1x4', '--block-b', '4x1', '--a', 'a.json', '--b', 'b.json']);
    const got = await run(['sim', 'gemm', '--design', 'gen-pe/acme_mxfp6e3m2_pe_k4_d2', ...ICARUS, '--a', 'a.json', '--b', 'b.json']);
    expect(got.stderr).toBe('');
    expect(got.stdout).toBe(want.stdout);
  });
});

describe('a hand-modified design is caught, with the seed that repeats the run', () => {
  test('one flipped code bit', async () => {
    const broken = path.join(dir, 'broken', path.basename(qDir));
    cpSync(qDir, broken, { recursive: true });
    const top = path.join(broken, `${path.basename(qDir)}.v`);
    const text = readFileSync(top, 'utf8');
    expect(text).toContain('assign codes_o = s2_out_codes_q;');
    writeFileSync(top, text.replace('assign codes_o = s2_out_codes_q;', "assign codes_o = s2_out_codes_q ^ 64'd1;"));
    const r = await run(['sim', 'quantize', '--design', rel(broken), ...ICARUS, '--input', 'm.json', '--seed', '7', '--stall', '20', '--output', 'broken.json']);
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('mxgen: the RTL (mxsf_quant_k8_rceil_fp32_d2, icarus) disagrees with the golden model: 9 of 9 blocks differ (0 scales, 9 codes)');
    expect(lines.at(-1)).toBe('  repeat this run with --seed 7 --stall 20');
    // the RTL's result is written (complete) before the check fails
    expect(JSON.parse(readFileSync(path.join(dir, 'broken.json'), 'utf8')).codes).toHaveLength(60);
  });
});

describe('--keep and --waves', () => {
  test('keeps the RTL, testbench, vectors and VCD, and prints their paths', async () => {
    const r = await run(['sim', 'quantize', '--format', 'mxfp4-e2m1', '--block', '1x4', ...ICARUS, '--input', 'm.json', '--keep', 'kept', '--waves', '--seed', '11', '--stall', '35']);
    expect(r.code).toBe(0);
    const k = path.join(dir, 'kept');
    const rtl = ['mxfp4e2m1_scale_floor_fp32.v', 'mxfp4e2m1_enc_fp32.v', 'mxfp4e2m1_quant_k4_floor_fp32_d1.v']; // dependency order
    expect(readdirSync(path.join(k, 'rtl')).sort()).toEqual([...rtl].sort());
    const tb = readdirSync(k).filter((f) => f.endsWith('.v'));
    expect(tb).toHaveLength(1);
    for (const f of ['vectors.hex', 'outputs.hex', 'run.log', 'waves.vcd']) expect(existsSync(path.join(k, 'run-1', f)), f).toBe(true);
    expect(readFileSync(path.join(k, 'run-1', 'waves.vcd'), 'utf8')).toMatch(/\$enddefinitions/);
    expect(readFileSync(path.join(k, 'run-1', 'vectors.hex'), 'utf8').trim().split('\n')).toHaveLength(3 * 5);
    const log = readFileSync(path.join(k, 'run-1', 'run.log'), 'utf8');
    expect(log).toContain('+seed=11');
    expect(log).toContain('+stall=35');
    expect(r.stderr).toBe(
      [
        'kept in kept:',
        `  rtl:       ${rtl.map((f) => `kept/rtl/${f}`).join(' ')}`,
        `  testbench: kept/${tb[0]}`,
        '  run 1:     kept/run-1/vectors.hex kept/run-1/outputs.hex kept/run-1/run.log kept/run-1/waves.vcd',
        '',
      ].join('\n'),
    );
    // the stdout JSON is the golden result
    expect(r.stdout).toBe((await run(['quantize', '--format', 'mxfp4-e2m1', '--block', '1x4', '--input', 'm.json'])).stdout);
  });

  test('gemm: one run folder per chunk; a design is copied', async () => {
    const r = await run(['sim', 'gemm', '--design', rel(peDir), ...ICARUS, '--a', 'a.json', '--b', 'b.json', '--keep', 'kept-pe']);
    expect(r.code).toBe(0);
    const k = path.join(dir, 'kept-pe');
    expect(readdirSync(k).filter((f) => f.startsWith('run-')).sort()).toEqual(['run-1', 'run-2', 'run-3']); // K = 20, k = 8
    expect(readdirSync(path.join(k, 'rtl')).sort()).toEqual(readdirSync(peDir).filter((f) => f.endsWith('.v')).sort());
    expect(r.stderr).toContain('  run 3:     kept-pe/run-3/vectors.hex');
  });

  test('a keep folder that holds anything is refused', async () => {
    const r = await run(['sim', 'quantize', '--format', 'mxfp4-e2m1', '--block', '1x4', ...ICARUS, '--input', 'm.json', '--keep', 'kept']);
    expect(r.code).toBe(1);
    expect(expectOneLine(r)).toBe('mxgen: --keep kept: the folder is not empty; give a new or empty folder (nothing in it is overwritten)');
  });

  test('--waves without --keep prints the VCD path', async () => {
    const r = await run(['sim', 'quantize', '--format', 'mxfp4-e2m1', '--block', '1x4', ...ICARUS, '--input', 'm.json', '--waves']);
    expect(r.code).toBe(0);
    const m = /^waves: (\S+waves\.vcd)\n$/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(existsSync(path.resolve(dir, m![1]!))).toBe(true);
  });
});

describe('design errors: one line', () => {
  beforeAll(() => {
    const copy = (name: string, edit: (m: Record<string, unknown>) => void, from = qDir) => {
      const to = path.join(dir, 'bad', name);
      cpSync(from, to, { recursive: true });
      const f = path.join(to, 'manifest.json');
      const m = JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
      edit(m);
      writeFileSync(f, JSON.stringify(m));
    };
    copy('width', (m) => {
      (m.ports as { name: string; width: number }[]).find((p) => p.name === 'codes_o')!.width = 32;
    });
    copy('k', (m) => {
      (m.params as Record<string, unknown>).k = '8';
    });
    copy('format', (m) => {
      (m.params as Record<string, unknown>).format = 'mxsff';
    });
    copy('missing', (m) => {
      m.files = [...(m.files as string[]), 'gone.v'];
    });
    copy('unit', (m) => {
      m.unit = 'decoder';
    });
    copy('schema', (m) => {
      delete m.handshake;
    });
    copy('role', (m) => {
      (m.ports as { name: string; role: string }[]).find((p) => p.name === 'x_i')!.role = 'clock';
    });
    writeDesignFolder(decoderModule('mxsf'), 'decoder', { format: 'mxsf' }, path.join(dir, 'bad'));
    put(dir, 'notes.txt', 'x');
  });

  test.each([
    [['sim', 'quantize', '--design', 'nowhere'], 1, 'mxgen: --design nowhere: no such folder'],
    [['sim', 'quantize', '--design', 'notes.txt'], 1, 'mxgen: --design notes.txt: not a folder; give the folder DIR/<top> that holds manifest.json'],
    [['sim', 'quantize', '--design', '.'], 1, "mxgen: .: no manifest.json here; --design takes a folder written by 'mxgen generate' (DIR/<top>)"],
    [['sim', 'quantize', '--design', 'bad/width'], 1, 'mxgen: bad/width/manifest.json: ports[8] is output codes_o[31:0], but a mxsf k = 8 block quantizer (rceil, fp32 input) has output codes_o[63:0] there'],
    [['sim', 'quantize', '--design', 'bad/k'], 1, "mxgen: bad/k/manifest.json: params.k: must be an integer in 1..1024 (got '8')"],
    [
      ['sim', 'quantize', '--design', 'bad/format'],
      1,
      "mxgen: bad/format/manifest.json: params.format: must be one of mxfp8-e5m2, mxfp8-e4m3, mxfp6-e3m2, mxfp6-e2m3, mxfp4-e2m1, mxint8, mxfp8-e2m5, mxsf (got 'mxsff'); did you mean 'mxsf'?",
    ],
    [['sim', 'quantize', '--design', 'bad/missing'], 1, "mxgen: bad/missing/manifest.json: files[3] 'gone.v' is not in the folder"],
    [['sim', 'quantize', '--design', 'bad/unit'], 1, "mxgen: --design bad/unit: the design is a decoder (mxsf_quant_k8_rceil_fp32_d2); 'mxgen sim quantize' runs quantizer or tile designs"],
    [['sim', 'quantize', '--design', 'bad/mxsf_decode'], 1, "mxgen: --design bad/mxsf_decode: the design is a decoder (mxsf_decode); 'mxgen sim quantize' runs quantizer or tile designs"],
    [['sim', 'quantize', '--design', 'bad/schema'], 1, 'mxgen: bad/schema/manifest.json: handshake: Invalid input: expected object, received undefined'],
    [['sim', 'quantize', '--design', 'bad/role'], 1, "mxgen: bad/role/manifest.json: port x_i has role 'clock', but it is a data port"],
    [['sim', 'gemm', '--design', 'ip/mxsf_quant_k8_rceil_fp32_d2', '--a', 'a.json', '--b', 'b.json'], 1, "mxgen: --design ip/mxsf_quant_k8_rceil_fp32_d2: the design is a quantizer (mxsf_quant_k8_rceil_fp32_d2); 'mxgen sim gemm' runs pe designs; use 'mxgen sim quantize'"],
    [['sim', 'quantize', '--design', 'ip/mxfp8e4m3_x_mxfp8e5m2_pe_k8_d2'], 1, "mxgen: --design ip/mxfp8e4m3_x_mxfp8e5m2_pe_k8_d2: the design is a pe (mxfp8e4m3_x_mxfp8e5m2_pe_k8_d2); 'mxgen sim quantize' runs quantizer or tile designs; use 'mxgen sim gemm'"],
    [
      ['sim', 'quantize', '--design', 'ip/mxsf_quant_k8_rceil_fp32_d2', '--format', 'mxfp4-e2m1'],
      2,
      "mxgen: sim quantize: --format mxfp4-e2m1 does not match the design mxsf_quant_k8_rceil_fp32_d2 (mxsf k = 8 block quantizer (rceil, fp32 input)) (see 'mxgen sim quantize --help')",
    ],
    [
      ['sim', 'quantize', '--design', 'ip/mxsf_quant_k8_rceil_fp32_d2', '--block', '1x32'],
      2,
      "mxgen: sim quantize: --block 1x32 does not match the design mxsf_quant_k8_rceil_fp32_d2 (mxsf k = 8 block quantizer (rceil, fp32 input)); use --block 1x8 or 8x1 (see 'mxgen sim quantize --help')",
    ],
    [
      ['sim', 'quantize', '--design', 'ip/mxsf_quant_k8_rceil_fp32_d2', '--scale-mode', 'floor'],
      2,
      "mxgen: sim quantize: --scale-mode floor does not match the design mxsf_quant_k8_rceil_fp32_d2 (mxsf k = 8 block quantizer (rceil, fp32 input)) (see 'mxgen sim quantize --help')",
    ],
    [
      ['sim', 'quantize', '--design', 'ip/mxsf_quant_k8_rceil_fp32_d2', '--bf16-input'],
      2,
      "mxgen: sim quantize: --bf16-input is given, but the design mxsf_quant_k8_rceil_fp32_d2 (mxsf k = 8 block quantizer (rceil, fp32 input)) has fp32 input (see 'mxgen sim quantize --help')",
    ],
    [
      ['sim', 'gemm', '--design', 'ip/mxfp8e4m3_x_mxfp8e5m2_pe_k8_d2', '--block-a', '1x32', '--block-b', '32x1', '--a', 'a.json', '--b', 'b.json'],
      2,
      "mxgen: sim gemm: --block-a 1x32 has 32 along K, but the design mxfp8e4m3_x_mxfp8e5m2_pe_k8_d2 (mxfp8-e4m3 x mxfp8-e5m2 k = 8 PE) has k = 8; use blocks with 8 along K (1x8 with 8x1, or 8x8) (see 'mxgen sim gemm --help')",
    ],
    [
      ['sim', 'gemm', '--design', 'ip/mxfp8e4m3_x_mxfp8e5m2_pe_k8_d2', '--format', 'mxsf', '--a', 'a.json', '--b', 'b.json'],
      2,
      "mxgen: sim gemm: --format mxsf does not match the design mxfp8e4m3_x_mxfp8e5m2_pe_k8_d2 (mxfp8-e4m3 x mxfp8-e5m2 k = 8 PE) (see 'mxgen sim gemm --help')",
    ],
    [['sim', 'quantize', '--input', 'm.json'], 2, "mxgen: sim quantize: missing required option --format (or give --design DIR) (see 'mxgen sim quantize --help')"],
  ])('%j', async (argv, code, line) => {
    const r = await run([...argv, ...ICARUS]);
    expect(r.code).toBe(code);
    expect(expectOneLine(r)).toBe(line);
  });
});

describe('seeds and the build cache', () => {
  test('the random commands take --seed', async () => {
    for (const name of ['sim quantize', 'sim gemm', 'train-step', 'study']) {
      const r = await run([...name.split(' '), '--help']);
      expect(r.stdout, name).toMatch(/--seed N\s+seed of /);
    }
    const bad = await run(['sim', 'quantize', '--format', 'mxsf', '--seed', '-1']);
    expect(expectOneLine(bad)).toBe("mxgen: sim quantize: option --seed must be an integer in 0..2147483647; got '-1' (see 'mxgen sim quantize --help')");
    const stall = await run(['sim', 'gemm', '--format', 'mxsf', '--stall', '100', '--a', 'a.json', '--b', 'b.json']);
    expect(expectOneLine(stall)).toBe("mxgen: sim gemm: option --stall must be an integer in 0..99; got '100' (see 'mxgen sim gemm --help')");
  });

  test('a missing simulator leaves no output file', async () => {
    const saved = process.env.PATH;
    process.env.PATH = path.join(dir, 'empty-path');
    try {
      const r = await run(['sim', 'quantize', '--format', 'mxsf', ...ICARUS, '--input', 'm.json', '--output', 'never.json']);
      expect(r.code).toBe(1);
      expect(expectOneLine(r)).toBe('mxgen: iverilog not found on PATH; install it with: apt-get update && apt-get install -y iverilog');
    } finally {
      process.env.PATH = saved;
    }
    expect(existsSync(path.join(dir, 'never.json'))).toBe(false);
  });

  test('MXGEN_CACHE_DIR relocates the simulator builds (the real binary)', async () => {
    const cache = path.join(dir, 'my-cache');
    const bin = path.join(ROOT, 'bin', 'mxgen.mjs');
    const r = await execa('node', [bin, 'sim', 'quantize', '--format', 'mxfp6-e2m3', '--block', '1x3', '--sim', 'icarus', '--input', 'm.json'], {
      cwd: dir,
      env: { MXGEN_CACHE_DIR: 'my-cache' },
      reject: false,
    });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const builds = readdirSync(cache).filter((f) => f.startsWith('icarus-mxfp6e2m3_quant_k3_floor_fp32_d1-') && !f.endsWith('.log'));
    expect(builds).toHaveLength(1);
    expect(existsSync(path.join(cache, builds[0]!, 'build.ok'))).toBe(true);
    // the harness module reads it once: BUILD_DIR (also the synthesis cache's root) follows the variable
    const probe = await execa('node', ['--import', 'tsx', '-e', "import('./generator/sim/paths.ts').then((p) => console.log(p.BUILD_DIR))"], {
      cwd: ROOT,
      env: { MXGEN_CACHE_DIR: cache },
    });
    expect(probe.stdout.trim()).toBe(cache);
    put(dir, 'in-the-way', 'x');
    const blocked = await execa('node', [bin, 'sim', 'quantize', '--format', 'mxsf', '--sim', 'icarus', '--input', 'm.json'], {
      cwd: dir,
      env: { MXGEN_CACHE_DIR: 'in-the-way/cache' },
      reject: false,
    });
    expect(blocked.exitCode).toBe(1);
    expect(blocked.stderr).toBe('mxgen: MXGEN_CACHE_DIR=in-the-way/cache: cannot create the build cache folder (a file is in the way)');
    expect(blocked.stdout).toBe('');
  });
});
