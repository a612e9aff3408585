#!/usr/bin/env node
// Builds the SDK with esbuild (JavaScript) and tsc (declarations):
//
//   node build.mjs                       dist/: index.mjs, index.cjs (Node and bundlers; the
//                                        dependencies stay imports), valkran.browser.js (IIFE,
//                                        window.Valkran, everything bundled) and the .d.ts files
//   node build.mjs --browser <outfile>   only the browser bundle, to <outfile> (the server's
//                                        build puts it beside the live page)
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'src');
const dist = join(here, 'dist');

/** The browser bundle, written whole or not at all (test files may build it side by side). */
export async function buildBrowser(outfile) {
  mkdirSync(dirname(outfile), { recursive: true });
  const partial = `${outfile}.${process.pid}.tmp`;
  await build({
    entryPoints: [join(src, 'browser.ts')],
    outfile: partial,
    bundle: true,
    format: 'iife',
    globalName: 'Valkran',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    legalComments: 'eof',
    logLevel: 'warning',
  });
  renameSync(partial, outfile);
}

async function buildPackage() {
  const common = {
    entryPoints: [join(src, 'index.ts')],
    bundle: true,
    platform: 'neutral',
    target: ['es2022'],
    external: ['openapi-fetch', 'socket.io-client'],
    logLevel: 'warning',
  };
  await build({ ...common, format: 'esm', outfile: join(dist, 'index.mjs') });
  await build({ ...common, format: 'cjs', outfile: join(dist, 'index.cjs') });
  await buildBrowser(join(dist, 'valkran.browser.js'));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(here, 'tsconfig.json')], { stdio: 'inherit' });
  // tsc does not copy declaration inputs: the generated schema goes along by hand.
  copyFileSync(join(src, 'schema.d.ts'), join(dist, 'schema.d.ts'));
}

const browserAt = process.argv.indexOf('--browser');
if (browserAt !== -1) {
  const outfile = process.argv[browserAt + 1];
  if (!outfile) throw new Error('--browser needs an output file');
  await buildBrowser(resolve(outfile));
} else {
  await buildPackage();
}
