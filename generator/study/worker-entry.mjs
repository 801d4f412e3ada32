// Worker-thread bootstrap: registers the TypeScript loader (as bin/mxgen.mjs does for the main thread),
// then loads the TypeScript worker. Node 20 does not apply `--import tsx` hooks to a worker's entry module.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
