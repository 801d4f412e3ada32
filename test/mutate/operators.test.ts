// Mutants are legal Verilog of the same ports, each one change away from the original, named stably.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { emitVerilog } from '../../generator/hdl/index';
import { mutantsOf } from '../../generator/mutate/operators';
import { firstDiff } from '../../generator/mutate/run';
import { decoderModule } from '../../generator/rtl/decoder/decoder';
import { pipeModule } from '../formal/fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'mxgen-mutants-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mutation operators', () => {
  const m = pipeModule(2);
  const mutants = mutantsOf(m.ir);
  const orig = emitVerilog(m);

  it('makes every class of mutant, with stable ids', () => {
    expect(new Set(mutants.map((x) => x.kind))).toEqual(new Set(['operator', 'invert', 'constant'])); // the fixture has no ?:
    expect(mutants.map((x) => x.id)).toEqual(mutantsOf(pipeModule(2).ir).map((x) => x.id));
    const dec = mutantsOf(decoderModule('mxsf').ir);
    expect(new Set(dec.map((x) => x.kind))).toEqual(new Set(['operator', 'invert', 'constant', 'mux']));
  });

  it('changes one place of the Verilog, keeps the ports, and compiles under Icarus', async () => {
    const files: string[] = [];
    const portLines = (t: string) => t.split('\n').filter((l) => /^\s+(input|output)\s/.test(l));
    for (const mu of mutants) {
      const text = emitVerilog(mu.ir);
      expect(text, mu.what).not.toBe(orig);
      expect(firstDiff(orig, text).line, mu.what).toBeGreaterThan(0);
      expect(portLines(text)).toEqual(portLines(orig));
      const f = path.join(dir, `${mu.id.replace('#', '_')}.v`);
      writeFileSync(f, text.replace(`module ${m.name} `, `module ${mu.id.replace('#', '_')} `));
      files.push(f);
    }
    const r = await execa('iverilog', ['-g2005', '-o', path.join(dir, 'all.vvp'), ...files], { reject: false, all: true });
    expect(r.all ?? '').toBe('');
    expect(r.exitCode).toBe(0);
  });
});
