import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { previewOpenApiDocument } from '../../../src/openapi';
import { useApp } from '../../../test/support/fixture';

const ROOT = join(__dirname, '..', '..', '..');
const SCHEMA = join(ROOT, 'clients', 'typescript', 'src', 'schema.d.ts');

describe('the SDK REST types (clients/typescript/src/schema.d.ts)', () => {
  const f = useApp();

  it('are what the generator makes from the current API (else: run `npm run sdk:generate`)', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'scripts', 'generate-sdk.mjs'), '--stdout'],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
    );
    const committed = readFileSync(SCHEMA, 'utf8');
    if (stdout !== committed) {
      const fresh = stdout.split('\n');
      const old = committed.split('\n');
      const line = fresh.findIndex((l, i) => l !== old[i]);
      throw new Error(
        'clients/typescript/src/schema.d.ts is out of date with the API: run `npm run sdk:generate` ' +
          `and commit the result (first difference at line ${line + 1}:\n` +
          `  committed: ${old[line] ?? '<end of file>'}\n  generated: ${fresh[line] ?? '<end of file>'})`,
      );
    }
    expect(stdout).toContain('"/v1/leaderboards/{id}/scores"');
  }, 30_000);

  it('come from the same document the running server serves at /openapi.json', async () => {
    // The generator builds the document in Nest's preview mode (no Valkey): it must be exactly
    // the served one, or the SDK would be typed against something else.
    const served = (await f.api.get('/openapi.json')).body;
    const preview = JSON.parse(JSON.stringify(await previewOpenApiDocument()));
    expect(Object.keys(preview.paths).length).toBeGreaterThan(15);
    expect(preview).toEqual(served);
  });
});
