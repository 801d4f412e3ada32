// Emits a list of configurations into a scratch directory (under sim/work/) for lint and synthesis,
// returning each top with the files of its hierarchy.

import path from 'node:path';
import type { RtlConfig } from '../rtl/config';
import { generateDesigns, writeGenerated } from '../rtl/generate';

export interface EmittedTop {
  readonly config: RtlConfig;
  readonly top: string;
  readonly files: readonly string[];
}

export function emitConfigs(configs: readonly RtlConfig[], dir: string): EmittedTop[] {
  const design = generateDesigns(configs, dir);
  writeGenerated(design, dir);
  return design.manifest.configurations.map((e, i) => ({
    config: configs[i],
    top: e.top,
    files: e.files.map((f) => path.join(dir, f)),
  }));
}
