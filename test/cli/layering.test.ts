// The commands parse, call and print; the work lives below them: the modules that do the work (the regression
// suites in generator/verify, the drivers, the RTL builders, the harness, the golden model) never import from cli/.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const GENERATOR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'generator');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const WORK = ['verify', 'drivers', 'rtl', 'sim', 'golden', 'formats', 'hdl', 'train'];

test('the work modules do not import from generator/cli', () => {
  const offenders: string[] = [];
  for (const f of WORK.flatMap((d) => sources(path.join(GENERATOR, d)))) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/(?:from|import\()\s*['"]([^'"]+)['"]/g)) {
      const target = path.resolve(path.dirname(f), m[1]!);
      if (m[1]!.startsWith('.') && (target === path.join(GENERATOR, 'cli') || target.startsWith(path.join(GENERATOR, 'cli') + path.sep))) {
        offenders.push(`${path.relative(GENERATOR, f)} -> ${m[1]}`);
      }
    }
  }
  expect(offenders).toEqual([]);
  // and the suites use the drivers
  expect(readFileSync(path.join(GENERATOR, 'verify', 'suites', 'quantizer.ts'), 'utf8')).toContain("from '../../drivers/sim-quantize'");
});
