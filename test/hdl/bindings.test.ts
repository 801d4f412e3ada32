// ts-morph bindings: content, pack/unpack round trip, and a port change breaking `tsc --noEmit`.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, test } from 'vitest';
import { adderPipe } from '../../generator/hdl/examples/adder-pipe';
import { ModuleBuilder, emitBindings, writeDesign } from '../../generator/hdl/index';
import { removeTempDirs, tempDir } from './tools';

afterAll(removeTempDirs);

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('bindings', () => {
  test('interface constant, data-port interfaces and pack/unpack functions', () => {
    const { fileName, text } = emitBindings(adderPipe({ width: 8, depth: 2 }));
    expect(fileName).toBe('adder_pipe_w8_d2.bindings.ts');
    expect(text).not.toMatch(/^import /m); // self-contained: a copied folder still type-checks
    expect(text).toContain('export interface ModuleInterface {');
    expect(text).toContain('export const adderPipeW8D2 = {');
    expect(text).toContain("{ name: 'a_i', dir: 'input', width: 8, doc: 'first addend' },");
    expect(text).toContain('} as const satisfies ModuleInterface;');
    expect(text).toContain('export interface AdderPipeW8D2Inputs {');
    expect(text).toContain('  readonly lz_o: bigint;');
    expect(text).not.toMatch(/in_valid_i: bigint|clk_i: bigint/);
    expect(text).toContain("return field(v.a_i, 8, 'a_i') | (field(v.b_i, 8, 'b_i') << 8n);");
    expect(text).toContain('lz_o: (word >> 9n) & 0xfn,');
    expect(emitBindings(adderPipe({ width: 8, depth: 2 })).text).toBe(text);
  });

  test('the contract types written into a bindings file are those of generator/hdl/ports.ts', async () => {
    // a bindings interface constant must satisfy the project's own ModuleInterface, so the two cannot drift
    const dir = tempDir('contract');
    writeDesign(adderPipe({ width: 8, depth: 2 }), dir);
    writeFileSync(
      path.join(dir, 'check.ts'),
      [
        `import type { ModuleInterface as Ours } from '${path.join(ROOT, 'generator', 'hdl', 'ports')}';`,
        "import { adderPipeW8D2, type ModuleInterface as Theirs } from './adder_pipe_w8_d2.bindings';",
        'export const a: Ours = adderPipeW8D2;',
        'export const b = (x: Ours): Theirs => x;',
        'export const c = (x: Theirs): Ours => x;',
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', skipLibCheck: true, types: [] }, include: ['*.ts'] }),
    );
    const r = await execa('tsc', ['-p', path.join(dir, 'tsconfig.json')], { preferLocal: true, localDir: ROOT, reject: false, all: true });
    expect(r.all).toBe('');
    expect(r.exitCode).toBe(0);
  });

  test('pack/unpack round trip (first port in the LSBs) and range checks', async () => {
    const dir = tempDir('bind');
    writeDesign(adderPipe({ width: 8, depth: 2 }), dir);
    const b = (await import(path.join(dir, 'adder_pipe_w8_d2.bindings.ts'))) as Record<string, unknown>;
    const pack = b['packAdderPipeW8D2Inputs'] as (v: { a_i: bigint; b_i: bigint }) => bigint;
    const unpack = b['unpackAdderPipeW8D2Outputs'] as (w: bigint) => { sum_o: bigint; lz_o: bigint };
    expect(pack({ a_i: 0x12n, b_i: 0xabn })).toBe(0xab12n);
    expect(unpack((5n << 9n) | 0x1f0n)).toEqual({ sum_o: 0x1f0n, lz_o: 5n });
    expect(() => pack({ a_i: 256n, b_i: 0n })).toThrow(/a_i = 256 does not fit 8 bits/);
    expect((b['adderPipeW8D2'] as { handshake: unknown }).handshake).toMatchObject({ inValid: 'in_valid_i' });
  });

  test('renaming a port breaks type-checking of code that uses the old field', async () => {
    const dir = tempDir('tsc');
    const unit = (port: string) => {
      const m = new ModuleBuilder('scale');
      const x = m.input(port, 8, 'input code');
      m.assign(m.output('y_o', 9), x.shl(1));
      return m.build();
    };
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', skipLibCheck: true, types: [] }, include: ['*.ts'] }),
    );
    writeFileSync(
      path.join(dir, 'use.ts'),
      [
        "import { packScaleInputs, unpackScaleOutputs, scale } from './scale.bindings';",
        'export const word: bigint = packScaleInputs({ x_i: 3n });',
        'export const y: bigint = unpackScaleOutputs(6n).y_o;',
        'export const n: string = scale.ports[0].name;',
        '',
      ].join('\n'),
    );
    const tsc = () => execa('tsc', ['-p', path.join(dir, 'tsconfig.json')], { preferLocal: true, localDir: ROOT, reject: false, all: true });

    writeDesign(unit('x_i'), dir);
    const ok = await tsc();
    expect(ok.all).toBe('');
    expect(ok.exitCode).toBe(0);

    writeDesign(unit('code_i'), dir);
    const broken = await tsc();
    expect(broken.exitCode).not.toBe(0);
    expect(broken.all).toMatch(/use\.ts.*'x_i' does not exist in type 'ScaleInputs'/);
  });
});
