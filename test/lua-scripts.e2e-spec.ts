import { relative } from 'node:path';
import { LuaScript } from '../src/valkey/lua-script';
import { isLuaLibrary, LUA_GLOBALS, luaFiles, SRC } from './support/lua';
import { startValkey, TestValkey } from './support/valkey';

/** Every script, assembled with its libraries, compiles in a real Valkey (its own Lua 5.1). */
describe('Lua scripts in a real Valkey', () => {
  let valkey: TestValkey;
  beforeAll(async () => {
    valkey = await startValkey();
  });
  afterAll(() => valkey.stop());

  const scripts = luaFiles().filter((f) => !isLuaLibrary(f));

  // A #! line anywhere but first would be a syntax error here, so this checks the hoisting too.
  it.each(scripts.map((f) => relative(SRC, f)))('%s loads (SCRIPT LOAD)', async (name) => {
    const script = new LuaScript(name, SRC);
    const sha = (await valkey.client.call('SCRIPT', 'LOAD', script.source)) as string;
    expect(sha).toBe(script.sha);
  });

  // The submit scripts run as Valkey Functions; any script without a #! line may.
  const plain = scripts.filter(
    (f) => !new LuaScript(relative(SRC, f), SRC).source.startsWith('#!'),
  );
  it.each(plain.map((f) => relative(SRC, f)))('%s loads as a function library', async (name) => {
    const script = new LuaScript(name, SRC, { asFunction: true });
    const loaded = await valkey.client.call('FUNCTION', 'LOAD', 'REPLACE', script.library!.code);
    expect(loaded).toBe(script.library!.fn);
  });

  it('has every global the scripts may use (the free-name check allows no more)', async () => {
    const globals = (await valkey.client.eval(
      'local names = {} for k in pairs(_G) do names[#names + 1] = k end return names',
      0,
    )) as string[];
    expect([...LUA_GLOBALS].filter((g) => !globals.includes(g))).toEqual([]);
  });
});
