import { existsSync } from 'node:fs';
import { bundleConsole, findSourceEntry, locateBundle, PREBUILT_BUNDLE } from './console-bundle';

describe('the admin console bundle', () => {
  // Run from src/: no prebuilt bundle beside the sources (npm run build writes it into dist/).
  it('is built from the sources outside production and refused in production when missing', () => {
    expect(existsSync(PREBUILT_BUNDLE)).toBe(false);
    expect(locateBundle(false)).toEqual({ kind: 'sources', entry: findSourceEntry() });
    expect(() => locateBundle(true)).toThrow(/npm run build/);
  });

  it('bundles the browser code without any server code', async () => {
    const js = await bundleConsole(findSourceEntry()!);
    expect(js).toContain('/v1/admin/whoami');
    expect(js).toContain('sessionStorage');
    // Type-only imports of the API's DTOs leave nothing behind.
    expect(js).not.toMatch(/@nestjs|class-validator|reflect-metadata|require\(/);
    expect(js).not.toMatch(/\.innerHTML\s*=/);
  });
});
