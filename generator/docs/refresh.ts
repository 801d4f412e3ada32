// `make generate` (with `mxgen generate`): rewrites the files derived from code schemas and tables —
// the format-table section of docs/formats.md and configs/mxgen-config.schema.json (the config files' JSON
// Schema, from the unit schemas). `--check` writes nothing and fails, naming the stale files, instead.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { configJsonSchema } from '../ip/designs';
import { REPO_ROOT } from '../sim/paths';
import { withFormatTable } from './format-table';

export const DERIVED_FILES: readonly { file: string; make: (old: string) => string }[] = [
  { file: 'docs/formats.md', make: withFormatTable },
  { file: 'configs/mxgen-config.schema.json', make: () => configJsonSchema() },
];

function main(): number {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const d of DERIVED_FILES) {
    const p = path.join(REPO_ROOT, d.file);
    let old = '';
    try {
      old = readFileSync(p, 'utf8');
    } catch {
      // a missing file is stale
    }
    const next = d.make(old);
    if (next === old) continue;
    stale.push(d.file);
    if (!check) writeFileSync(p, next);
  }
  if (check && stale.length) {
    console.error(`check-generated: ${stale.join(', ')} stale; run 'make generate' and commit`);
    return 1;
  }
  if (!check) console.log(stale.length ? `refreshed ${stale.join(', ')}` : 'derived docs and schemas up to date');
  return 0;
}

process.exitCode = main();
