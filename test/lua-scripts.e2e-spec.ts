import { Redis } from 'ioredis';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { LuaScript } from '../src/valkey/lua-script';
import { isLuaLibrary, LUA_GLOBALS, luaFiles, SRC } from './support/lua';
import { commandStats, startValkey, TestValkey } from './support/valkey';

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
    const stats = (command: string) => commandStats(valkey.client, command);
    const asFunction = new LuaScript('echo.lua', dir, { asFunction: true });
    await valkey.client.call('FUNCTION', 'FLUSH');
    await valkey.client.call('CONFIG', 'RESETSTAT');
    expect(await asFunction.run(valkey.client, ['k'], ['a', 'b'])).toEqual(['k', 'a', 1, 2]);
    expect(await asFunction.run(valkey.client, ['k2', 'k3'], ['c'])).toEqual(['k2', 'c', 2, 1]);
    const replicated = await asFunction.runReplicated(valkey.client, ['k4'], ['d'], 0, 0);
    expect(replicated.reply).toEqual(['k4', 'd', 1, 1]);
    // one call missed the library ("function not found" counts as a failed call), three answered;
    // nothing ran by EVAL or EVALSHA
    expect(await stats('fcall')).toEqual({ calls: 4, rejected: 0 });
    expect((await stats('evalsha')).calls + (await stats('eval')).calls).toBe(0);

    const asUser = async (name: string, rules: string[], run: (c: Redis) => Promise<void>) => {
      await valkey.client.call('ACL', 'SETUSER', name, 'on', '>pass-0123456789', '~*', '&*');
      await valkey.client.call('ACL', 'SETUSER', name, '+@all', ...rules);
      const restricted = new Redis(valkey.url, { username: name, password: 'pass-0123456789' });
      try {
        await run(restricted);
      } finally {
        restricted.disconnect();
        await valkey.client.call('ACL', 'DELUSER', name);
      }
    };
    // A user set up before functions (no FCALL, no FUNCTION): the same answers by EVALSHA.
    await asUser('nofn', ['-fcall', '-function'], async (restricted) => {
      for (const replicatedToo of [false, true]) {
        const denied = new LuaScript('echo.lua', dir, { asFunction: true });
        await valkey.client.call('SCRIPT', 'FLUSH');
        await valkey.client.call('CONFIG', 'RESETSTAT');
        const run = (arg: string) =>
          replicatedToo
            ? denied.runReplicated(restricted, ['k'], [arg], 0, 0).then((r) => r.reply)
            : denied.run(restricted, ['k'], [arg]);
        expect(await Promise.all([run('a'), run('b')])).toEqual([
          ['k', 'a', 1, 1],
          ['k', 'b', 1, 1],
        ]);
        expect(await run('c')).toEqual(['k', 'c', 1, 1]);
        // Both first calls went as functions and were refused (together: neither saw the other
        // turn to EVALSHA); from then on EVALSHA only.
        expect(await stats('fcall')).toEqual({ calls: 0, rejected: 2 });
        expect((await stats('evalsha')).calls).toBe(3);
      }
    });
    // A user who may call functions but not load them, on a Valkey without the library.
    await asUser('noload', ['-function'], async (restricted) => {
      for (const replicatedToo of [false, true]) {
        const denied = new LuaScript('echo.lua', dir, { asFunction: true });
        await valkey.client.call('FUNCTION', 'FLUSH');
        const reply = replicatedToo
          ? (await denied.runReplicated(restricted, ['k'], ['z'], 0, 0)).reply
          : await denied.run(restricted, ['k'], ['z']);
        expect(reply).toEqual(['k', 'z', 1, 1]);
      }
    });
  });

  it('has every global the scripts may use (the free-name check allows no more)', async () => {
    const globals = (await valkey.client.eval(
      'local names = {} for k in pairs(_G) do names[#names + 1] = k end return names',
      0,
    )) as string[];
    expect([...LUA_GLOBALS].filter((g) => !globals.includes(g))).toEqual([]);
  });
});
