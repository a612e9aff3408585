import { Redis } from 'ioredis';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
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

  it('runs a script as a function: FCALL, its library loaded when missing, EVALSHA when the ACL refuses functions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'valkran-lua-fn-'));
    writeFileSync(join(dir, 'echo.lua'), 'return { KEYS[1], ARGV[1], #KEYS, #ARGV }\n');
    const calls = async (command: string): Promise<number> => {
      const info = await valkey.client.info('commandstats');
      return Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
    };
    const asFunction = new LuaScript('echo.lua', dir, { asFunction: true });
    await valkey.client.call('CONFIG', 'RESETSTAT');
    expect(await asFunction.run(valkey.client, ['k'], ['a', 'b'])).toEqual(['k', 'a', 1, 2]);
    expect(await asFunction.run(valkey.client, ['k2', 'k3'], ['c'])).toEqual(['k2', 'c', 2, 1]);
    // the first call missed the library, then two answered; no script ran by EVAL or EVALSHA
    expect(await calls('fcall')).toBe(3);
    expect((await calls('evalsha')) + (await calls('eval'))).toBe(0);

    // A user set up before functions (no FCALL, no FUNCTION): the same answers by EVALSHA.
    await valkey.client.call('ACL', 'SETUSER', 'nofn', 'on', '>nofn-pass-0123', '~*', '&*');
    await valkey.client.call('ACL', 'SETUSER', 'nofn', '+@all', '-fcall', '-function');
    const restricted = new Redis(valkey.url, { username: 'nofn', password: 'nofn-pass-0123' });
    try {
      const denied = new LuaScript('echo.lua', dir, { asFunction: true });
      await valkey.client.call('CONFIG', 'RESETSTAT');
      expect(await denied.run(restricted, ['k'], ['a'])).toEqual(['k', 'a', 1, 1]);
      expect(await denied.run(restricted, ['k'], ['b'])).toEqual(['k', 'b', 1, 1]);
      expect(await calls('evalsha')).toBe(2); // the first said NOSCRIPT and went by EVAL
      expect(await calls('fcall')).toBe(0); // refused by the ACL before it ran: not counted
    } finally {
      restricted.disconnect();
      await valkey.client.call('ACL', 'DELUSER', 'nofn');
    }
  });

  it('has every global the scripts may use (the free-name check allows no more)', async () => {
    const globals = (await valkey.client.eval(
      'local names = {} for k in pairs(_G) do names[#names + 1] = k end return names',
      0,
    )) as string[];
    expect([...LUA_GLOBALS].filter((g) => !globals.includes(g))).toEqual([]);
  });
});
