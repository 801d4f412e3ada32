// The README's width-rule table must be the table in shape.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { WIDTH_RULES } from '../../generator/hdl/index';

test('README width table matches WIDTH_RULES', () => {
  const readme = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../generator/hdl/README.md'), 'utf8');
  for (const r of WIDTH_RULES) expect(readme).toContain(`| ${r.expr} | ${r.result} |`);
});
