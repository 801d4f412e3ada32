#!/usr/bin/env node
// Entry point for the `mxgen` command: registers the TypeScript loader and runs the CLI.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../generator/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
