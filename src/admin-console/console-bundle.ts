import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The bundled browser code, written here by `npm run build` (see build-bundle.ts). */
export const PREBUILT_BUNDLE = join(__dirname, 'public', 'console.js');

/**
 * Where the console's TypeScript sources are: beside this file when the app runs from src/
 * (Jest, ts-node), or in src/ of the checkout when it runs from a dist/ that `nest build`
 * made without the bundle step (`npm run dev`).
 */
const SOURCE_ENTRIES = [
  join(__dirname, 'app', 'main.ts'),
  join(__dirname, '..', '..', 'src', 'admin-console', 'app', 'main.ts'),
];

export function findSourceEntry(): string | null {
  return SOURCE_ENTRIES.find((p) => existsSync(p)) ?? null;
}

/**
 * Bundles the console's browser code (src/admin-console/app/*.ts) into one script with esbuild,
 * in memory. esbuild is a dev dependency: this runs at build time, and at run time only outside
 * production when no prebuilt bundle exists.
 */
export async function bundleConsole(entry: string): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** Where the script comes from: a file `npm run build` wrote, or the sources, bundled on demand. */
export type BundleSource = { kind: 'prebuilt'; js: Buffer } | { kind: 'sources'; entry: string };

/**
 * Finds the console script: the prebuilt bundle if there is one; otherwise, outside production
 * or when the app itself runs from its TypeScript sources (tests of production settings), the
 * sources (bundled on first request). A built app in production without its bundle is a startup
 * error: esbuild is not installed there.
 */
export function locateBundle(
  production: boolean,
  fromSources = __filename.endsWith('.ts'),
): BundleSource {
  if (existsSync(PREBUILT_BUNDLE)) return { kind: 'prebuilt', js: readFileSync(PREBUILT_BUNDLE) };
  const entry = production && !fromSources ? null : findSourceEntry();
  if (entry) return { kind: 'sources', entry };
  throw new Error(
    `The admin console bundle ${PREBUILT_BUNDLE} is missing: build the app with "npm run build" (nest build, then the console bundle).`,
  );
}
