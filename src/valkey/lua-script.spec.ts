import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  freeNames,
  isLuaLibrary,
  LUA_GLOBALS,
  luaFiles,
  origin,
  parseLua,
  SRC,
  topLevelLocals,
} from '../../test/support/lua';
import { assembleLua, LuaScript, luaReturnedFields } from './lua-script';

const scripts = luaFiles().filter((f) => !isLuaLibrary(f));
const name = (f: string): string => relative(SRC, f);

/** The globals an assembled script uses that Valkey would not have, with where they are. */
function undeclared(file: string): string[] {
  const assembled = assembleLua(file);
  return freeNames(parseLua(assembled.source))
    .filter((n) => n.write || !LUA_GLOBALS.has(n.name))
    .map((n) => `${n.write ? 'writes' : 'reads'} ${n.name} at ${origin(assembled, n.line)}`);
}

describe('Lua scripts under src/', () => {
  it('are found', () => {
    expect(scripts.length).toBeGreaterThan(10);
    expect(scripts.map(name)).toContain('scores/submit.lua');
  });

  it.each(scripts.map((f) => [name(f), f]))(
    '%s uses no global but Valkey builtins and declared locals',
    (_, file) => {
      expect(undeclared(file)).toEqual([]);
    },
  );

  it.each(luaFiles().map((f) => [name(f), f]))(
    '%s includes every library whose names it uses',
    (_, file) => {
      // Only the libraries it names itself count, not what they include in turn.
      const { segments } = assembleLua(file);
      const own = (f: string) => parseLua(readFileSync(f, 'utf8'));
      const declared = new Set(
        segments[segments.length - 1].includes.flatMap((lib) => topLevelLocals(own(lib))),
      );
      const missing = freeNames(own(file))
        .filter((n) => !LUA_GLOBALS.has(n.name) && !declared.has(n.name))
        .map((n) => n.name);
      expect([...new Set(missing)]).toEqual([]);
    },
  );

  it.each(scripts.map((f) => [name(f), f]))(
    '%s declares no top-level name twice (a library cannot shadow another)',
    (_, file) => {
      const names = topLevelLocals(parseLua(assembleLua(file).source));
      expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    },
  );
});

describe('the free-name check', () => {
  const free = (code: string): string[] =>
    freeNames(parseLua(code)).map((n) => `${n.write ? 'w' : 'r'}:${n.name}`);

  it('reports a name nothing declares, read or written', () => {
    expect(free('local a = 1\nreturn a + b')).toEqual(['r:b']);
    expect(free('c = 1')).toEqual(['w:c']);
    expect(free('function helper() end')).toEqual(['w:helper']);
    expect(free('redis.call(KEYS[1])')).toEqual(['r:redis', 'r:KEYS']);
  });

  it("follows Lua's scopes", () => {
    // the value of a local is read before the local exists
    expect(free('local x = x')).toEqual(['r:x']);
    // a local function sees itself; a block's locals end with it
    expect(free('local function f(n) return f(n) end')).toEqual([]);
    expect(free('do local y = 1 end\nreturn y')).toEqual(['r:y']);
    expect(free('for i = 1, 2 do end\nreturn i')).toEqual(['r:i']);
    expect(free('for k, v in pairs({}) do local _ = k .. v end')).toEqual(['r:pairs']);
    expect(free('if true then local z = 1 else return z end')).toEqual(['r:z']);
    // repeat's condition sees the body's locals
    expect(free('repeat local done = true until done')).toEqual([]);
    // a method has self; table keys and fields are not variables
    expect(free('local t = { k = 1 }\nfunction t:m() return self.k end')).toEqual([]);
    expect(free('local s = ("x"):rep(2)\nreturn #s, -s, s[s], {[s] = s}')).toEqual([]);
    expect(free('local f = function(...) return ... end')).toEqual([]);
  });

  it('skips a #! line and keeps line numbers', () => {
    expect(freeNames(parseLua('#!lua flags=no-writes\nreturn q'))).toEqual([
      { name: 'q', line: 2, write: false },
    ]);
  });
});

describe('assembleLua', () => {
  let dir: string;
  const write = (file: string, text: string): string => {
    const path = join(dir, file);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'valkran-lua-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('places each library once, before what includes it, and keeps #! first', () => {
    write('lib/base.lib.lua', 'local function base() return 1 end\n');
    write('lib/mid.lib.lua', '--- @include "base.lib"\nlocal function mid() return base() end\n');
    const script = write(
      'feature/x.lua',
      [
        '#!lua flags=no-writes',
        '-- KEYS: none',
        '--- @include "../lib/mid.lib"',
        '--- @include "../lib/base.lib"',
        'return mid() + base()',
        '',
      ].join('\n'),
    );
    const { source, segments } = assembleLua(script);
    expect(source.split('\n')[0]).toBe('#!lua flags=no-writes');
    expect(source.match(/local function base/g)).toHaveLength(1);
    expect(segments.map((s) => relative(dir, s.file))).toEqual([
      'lib/base.lib.lua',
      'lib/mid.lib.lua',
      'feature/x.lua',
    ]);
    expect(source.indexOf('#!', 1)).toBe(-1);
    expect(freeNames(parseLua(source))).toEqual([]);
    // a script's own lines keep their numbers relative to its segment
    const last = segments[2];
    expect(source.split('\n')[last.line - 1 + 4]).toBe('return mid() + base()');
    // LuaScript runs the assembled source
    expect(new LuaScript('x.lua', join(dir, 'feature')).source).toBe(source);
  });

  it('reports an undeclared name used by a script through its libraries', () => {
    write('util.lib.lua', 'local function helper() return 1 end\nfunction leaked() end\n');
    const script = write('s.lua', '--- @include "util.lib"\nreturn helper() + helpr()\n');
    expect(undeclared(script)).toEqual([
      `writes leaked at ${relative(join(SRC, '..'), join(dir, 'util.lib.lua'))}:2`,
      `reads helpr at ${relative(join(SRC, '..'), script)}:2`,
    ]);
  });

  it('names the script and the missing file when an include cannot be found', () => {
    write('a.lib.lua', '--- @include "gone.lib"\nlocal a = 1\n');
    const script = write('s.lua', '--- @include "a.lib"\nreturn a\n');
    expect(() => assembleLua(script)).toThrow(
      `Lua script ${script}: file not found: ${join(dir, 'gone.lib.lua')}, included from ${join(dir, 'a.lib.lua')}`,
    );
    expect(() => new LuaScript('nope.lua', dir)).toThrow(
      `file not found: ${join(dir, 'nope.lua')}`,
    );
  });

  it('rejects an include cycle, naming it', () => {
    write('a.lib.lua', '--- @include "b.lib"\n');
    write('b.lib.lua', '--- @include "a.lib"\n');
    const script = write('s.lua', '--- @include "a.lib"\nreturn 1\n');
    const [a, b] = [join(dir, 'a.lib.lua'), join(dir, 'b.lib.lua')];
    expect(() => assembleLua(script)).toThrow(
      `Lua script ${script}: include cycle: ${a} -> ${b} -> ${a}`,
    );
    const self = write('self.lua', '--- @include "self"\n');
    expect(() => assembleLua(self)).toThrow(`include cycle: ${self} -> ${self}`);
  });

  it('rejects an include after code, a malformed include and a library with #!', () => {
    write('l.lib.lua', 'local l = 1\n');
    expect(() => assembleLua(write('late.lua', 'local x = 1\n--- @include "l.lib"\n'))).toThrow(
      'include after code',
    );
    expect(() => assembleLua(write('bad.lua', '-- @include "l.lib"\nreturn 1\n'))).toThrow(
      'malformed include',
    );
    write('flags.lib.lua', '#!lua flags=no-writes\nlocal f = 1\n');
    expect(() => assembleLua(write('f.lua', '--- @include "flags.lib"\nreturn 1\n'))).toThrow(
      'has a #! line',
    );
  });

  it('reads the fields a function returns as a list (luaReturnedFields), or names the file', () => {
    const file = write(
      'h.lib.lua',
      [
        '-- return { h.not, h.this }',
        'local function reply(h)',
        '  return { h.status, h.total or false,',
        '    h.version or false }',
        'end',
        '',
      ].join('\n'),
    );
    expect(luaReturnedFields(file, 'reply')).toEqual(['status', 'total', 'version']);
    expect(() => luaReturnedFields(file, 'other')).toThrow(
      `Lua file ${file}: no "local function other(h)`,
    );
  });
});
