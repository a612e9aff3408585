import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'luaparse';
import type { Chunk, Expression, Identifier, Statement, VarargLiteral } from 'luaparse';
import type { AssembledLua } from '../../src/valkey/lua-script';

export const SRC = join(__dirname, '..', '..', 'src');

/** Every `.lua` file under src/, sorted. */
export function luaFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.lua'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** A library is only ever included; everything else is a script some repository runs. */
export const isLuaLibrary = (file: string): boolean => file.endsWith('.lib.lua');

/**
 * The globals a Valkran script may use: Valkey 8's script globals (src/script_lua.c allow lists,
 * checked against a real server in test/lua-scripts.e2e-spec.ts) less those that defeat this
 * check or the sandbox (`_G`, `load`, `loadstring`, `getfenv`, `setfenv`, `newproxy`), are
 * deprecated or internal (`gcinfo`, `collectgarbage`, `__redis__err__handler`), or that no
 * script needs (`coroutine`, `os`).
 */
export const LUA_GLOBALS: ReadonlySet<string> = new Set([
  'KEYS',
  'ARGV',
  'redis',
  'server',
  'string',
  'table',
  'math',
  'bit',
  'cjson',
  'cmsgpack',
  'struct',
  '_VERSION',
  'assert',
  'error',
  'getmetatable',
  'ipairs',
  'next',
  'pairs',
  'pcall',
  'rawequal',
  'rawget',
  'rawset',
  'select',
  'setmetatable',
  'tonumber',
  'tostring',
  'type',
  'unpack',
  'xpcall',
]);

/** A name used without a `local` declaration in scope: a global. */
export interface FreeName {
  name: string;
  line: number;
  write: boolean;
}

/** Parses Lua 5.1 as Valkey does, a leading `#!lua flags=...` line aside. */
export function parseLua(source: string): Chunk {
  const code = source.startsWith('#!') ? source.replace(/^#![^\n]*/, '') : source;
  return parse(code, { luaVersion: '5.1', locations: true, comments: false });
}

/** Every global a chunk reads or writes, walking it with Lua's scoping rules. */
export function freeNames(chunk: Chunk): FreeName[] {
  const scopes: Set<string>[] = [];
  const found: FreeName[] = [];
  const declare = (id: Identifier): void => {
    scopes[scopes.length - 1].add(id.name);
  };
  const use = (id: Identifier, write: boolean): void => {
    if (scopes.some((s) => s.has(id.name))) return;
    found.push({ name: id.name, line: id.loc?.start.line ?? 0, write });
  };
  const block = (body: Statement[], before?: () => void, after?: () => void): void => {
    scopes.push(new Set());
    before?.();
    body.forEach(statement);
    after?.();
    scopes.pop();
  };
  const fn = (params: (Identifier | VarargLiteral)[], body: Statement[], self: boolean): void =>
    block(body, () => {
      if (self) scopes[scopes.length - 1].add('self');
      for (const p of params) if (p.type === 'Identifier') declare(p);
    });

  function expression(e: Expression): void {
    switch (e.type) {
      case 'Identifier':
        return use(e, false);
      case 'StringLiteral':
      case 'NumericLiteral':
      case 'BooleanLiteral':
      case 'NilLiteral':
      case 'VarargLiteral':
        return;
      case 'FunctionDeclaration':
        return fn(e.parameters, e.body, false);
      case 'TableConstructorExpression':
        for (const f of e.fields) {
          if (f.type === 'TableKey') expression(f.key);
          expression(f.value);
        }
        return;
      case 'BinaryExpression':
      case 'LogicalExpression':
        expression(e.left);
        return expression(e.right);
      case 'UnaryExpression':
        return expression(e.argument);
      case 'MemberExpression':
        return expression(e.base);
      case 'IndexExpression':
        expression(e.base);
        return expression(e.index);
      case 'CallExpression':
        expression(e.base);
        return e.arguments.forEach(expression);
      case 'TableCallExpression':
        expression(e.base);
        return expression(e.arguments);
      case 'StringCallExpression':
        expression(e.base);
        return expression(e.argument);
      default:
        throw new Error(`unknown Lua expression ${(e as { type: string }).type}`);
    }
  }

  function statement(s: Statement): void {
    switch (s.type) {
      case 'LocalStatement':
        // `local x = x` reads the outer x: the values come before the names exist.
        s.init.forEach(expression);
        return s.variables.forEach(declare);
      case 'AssignmentStatement':
        s.init.forEach(expression);
        for (const v of s.variables) {
          if (v.type === 'Identifier') use(v, true);
          else expression(v);
        }
        return;
      case 'CallStatement':
        return expression(s.expression);
      case 'FunctionDeclaration': {
        const id = s.identifier;
        if (id?.type === 'Identifier') {
          // `local function f` is visible in its own body; `function f` assigns a global.
          if (s.isLocal) declare(id);
          else use(id, true);
        } else if (id) {
          expression(id.base);
        }
        return fn(s.parameters, s.body, id?.type === 'MemberExpression' && id.indexer === ':');
      }
      case 'ReturnStatement':
        return s.arguments.forEach(expression);
      case 'IfStatement':
        for (const c of s.clauses) {
          if (c.type !== 'ElseClause') expression(c.condition);
          block(c.body);
        }
        return;
      case 'WhileStatement':
        expression(s.condition);
        return block(s.body);
      case 'DoStatement':
        return block(s.body);
      case 'RepeatStatement':
        // The condition sees the body's locals.
        return block(s.body, undefined, () => expression(s.condition));
      case 'ForNumericStatement':
        expression(s.start);
        expression(s.end);
        if (s.step) expression(s.step);
        return block(s.body, () => declare(s.variable));
      case 'ForGenericStatement':
        s.iterators.forEach(expression);
        return block(s.body, () => s.variables.forEach(declare));
      case 'BreakStatement':
      case 'LabelStatement':
      case 'GotoStatement':
        return;
      default:
        throw new Error(`unknown Lua statement ${(s as { type: string }).type}`);
    }
  }

  block(chunk.body);
  return found;
}

/** The names a chunk declares at its top level (`local x`, `local function f`), in order. */
export function topLevelLocals(chunk: Chunk): string[] {
  return chunk.body.flatMap((s) => {
    if (s.type === 'LocalStatement') return s.variables.map((v) => v.name);
    if (s.type === 'FunctionDeclaration' && s.isLocal && s.identifier?.type === 'Identifier') {
      return [s.identifier.name];
    }
    return [];
  });
}

/** "src/scores/submit.lua:12" for a line of an assembled script. */
export function origin(assembled: AssembledLua, line: number): string {
  const seg = assembled.segments.find((s) => line >= s.line && line < s.line + s.lines);
  const file = seg ? relative(join(SRC, '..'), seg.file) : '?';
  return seg ? `${file}:${line - seg.line + 1}` : `assembled line ${line}`;
}
