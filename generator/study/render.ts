// Renders reports/study.md and the SVG plots again from reports/study.json and study.runtime.json (after a
// change to the report layout, without re-running the study):
//   npx tsx generator/study/render.ts [--out DIR] [--quick]

import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { outputPrefix, renderMarkdown, renderPlots, type RuntimeJson, type StudyJson } from './report';

const argv = process.argv.slice(2);
const outIdx = argv.indexOf('--out');
const dir = resolve(outIdx >= 0 ? argv[outIdx + 1] : 'reports');
const px = outputPrefix(argv.includes('--quick') ? 'quick' : 'full');
try {
  const json = JSON.parse(await readFile(join(dir, `${px}.json`), 'utf8')) as StudyJson;
  const runtime = JSON.parse(await readFile(join(dir, `${px}.runtime.json`), 'utf8')) as RuntimeJson;
  await writeFile(join(dir, `${px}.md`), renderMarkdown(json, runtime));
  const plots = renderPlots(json);
  for (const [name, svg] of Object.entries(plots)) await writeFile(join(dir, name), svg);
  console.log(`rendered ${join(dir, `${px}.md`)} and ${Object.keys(plots).length} plots`);
} catch (e) {
  console.error(`render: ${(e as Error).message}`);
  process.exit(1);
}
