import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { bundleConsole, findSourceEntry, PREBUILT_BUNDLE } from './console-bundle';

/**
 * Build step run by `npm run build` after `nest build` (node dist/admin-console/build-bundle.js):
 * bundles the console's TypeScript from src/ into dist/admin-console/public/console.js.
 */
async function main(): Promise<void> {
  const entry = findSourceEntry();
  if (!entry) throw new Error('src/admin-console/app/main.ts not found: run from the checkout');
  const js = await bundleConsole(entry);
  mkdirSync(dirname(PREBUILT_BUNDLE), { recursive: true });
  writeFileSync(PREBUILT_BUNDLE, js);
  process.stdout.write(`admin console: ${PREBUILT_BUNDLE} (${js.length} bytes)\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`admin console bundle failed: ${err.message}\n`);
  process.exit(1);
});
