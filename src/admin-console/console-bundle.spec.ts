import { existsSync } from 'node:fs';
import { bundleConsole, findSourceEntry, locateBundle, PREBUILT_BUNDLE } from './console-bundle';

describe('the admin console bundle', () => {
  // Run from src/: no prebuilt bundle beside the sources (npm run build writes it into dist/).
  it('is built from the sources outside production and refused in production when missing', () => {
    expect(existsSync(PREBUILT_BUNDLE)).toBe(false);
    expect(locateBundle(false)).toEqual({ kind: 'sources', entry: findSourceEntry() });
    // A built app (dist/) in production has no esbuild: no bundle is a startup error.
    expect(() => locateBundle(true, false)).toThrow(/npm run build/);
    // The app run from its sources with production settings (tests) bundles them.
    expect(locateBundle(true, true)).toEqual({ kind: 'sources', entry: findSourceEntry() });
  });

  it('bundles the browser code without any server code', async () => {
    const js = await bundleConsole(findSourceEntry()!);
    expect(js).toContain('/v1/admin/whoami');
    expect(js).toContain('sessionStorage');
    // Nothing of the server comes along (the console's types are the SDK's generated ones).
    expect(js).not.toMatch(/@nestjs|class-validator|reflect-metadata|require\(/);
    expect(js).not.toMatch(/\.innerHTML\s*=/);
    // Its HTTP calls go through the SDK's REST client, without the SDK's live client.
    expect(js).toContain('ValkranError');
    expect(js).not.toMatch(/socket\.io|engine\.io/i);
  });
});
