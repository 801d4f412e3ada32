// The generator's name, version and license as every generated file states them (from package.json, so a
// release bump changes every header and the regenerate-and-diff check asks for the new files).
import { readFileSync } from 'node:fs';

export const GENERATOR_NAME = 'mxgen';

interface PackageJson {
  readonly version: string;
  readonly license: string;
}

let pkg: PackageJson | undefined;
function packageJson(): PackageJson {
  pkg ??= JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as PackageJson;
  return pkg;
}

export const generatorVersion = (): string => packageJson().version;

/** SPDX id of the generator and of its output (the project's license, package.json `license`). */
export const LICENSE: string = packageJson().license;
