// A `require` that loads the repository's TypeScript sources, compiled on load by swc with the
// repository's .swcrc (the transform the tests use; decorator metadata on: Nest's dependency
// graph needs it), for tooling that runs server code or test support without a build: the SDK
// generator (src/openapi.ts), the standings bench (test/support/cluster.ts).
import { transformFileSync } from '@swc/core';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A require resolving from `url` (a module's import.meta.url) that also loads `.ts` files. */
export function createTsRequire(url) {
  Module._extensions['.ts'] ??= (module, filename) => {
    const { code } = transformFileSync(filename, {
      swcrc: true,
      configFile: join(root, '.swcrc'),
      sourceMaps: false,
    });
    module._compile(code, filename);
  };
  return createRequire(url);
}
