// Emits a list of configurations into a scratch directory (under sim/work/) for lint and synthesis, one
// folder per top, returning each top with the files of its hierarchy (submodules first).

import path from 'node:path';
import { writeDesign } from '../hdl/index';
import type { RtlConfig } from '../rtl/config';

export interface EmittedTop {
  readonly config: RtlConfig;
  readonly top: string;
  readonly files: readonly string[];
}

export function emitConfigs(configs: readonly RtlConfig[], dir: string): EmittedTop[] {
  return configs.map((config) => {
    const m = config.build();
    return { config, top: m.name, files: writeDesign(m, path.join(dir, m.name), { bindings: false }) };
  });
}
