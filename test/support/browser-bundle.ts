import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * Builds the SDK's browser bundle beside the live page (src/realtime/public/valkran.js), as
 * `npm run build` does for dist/: browser tests run the app from src/, and a bundle left from
 * an earlier build could be stale. About half a second; the file is replaced atomically.
 */
export function buildBrowserBundle(): void {
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'clients', 'typescript', 'build.mjs'),
      '--browser',
      'src/realtime/public/valkran.js',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
}
