import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ReplyError } from 'ioredis';
import type { Cluster, Redis } from 'ioredis';
import { isValkeyUnavailable, ValkeyUnavailableError } from './valkey-errors';

export type ScriptArg = string | number;
export type ScriptReply = string | number | null | ScriptReply[];

/**
 * `--- @include "<path>"` (BullMQ's convention): a library the file uses, written relative to
 * the including file and without `.lua`, e.g. `--- @include "../valkey/standings.lib"`.
 */
const INCLUDE = /^---\s*@include\s+"([^"]+)"\s*$/;
const INCLUDE_LIKE = /^--+\s*@include\b/;

/** Where one file's lines sit in an assembled script (1-based line numbers). */
export interface LuaSegment {
  file: string;
  /** The files it includes, resolved. */
  includes: string[];
  /** The assembled line holding the file's first line. */
  line: number;
  lines: number;
}

export interface AssembledLua {
  source: string;
  /** The files in the order they were placed: libraries first, each once, the script last. */
  segments: LuaSegment[];
}

function readLua(script: string, file: string, from?: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw err;
    const where = from ? `, included from ${from}` : '';
    throw new Error(`Lua script ${script}: file not found: ${file}${where}`);
  }
}

/** The files a Lua file includes, resolved; the header (comments and includes) must hold them. */
function includesOf(script: string, file: string, text: string): string[] {
  const includes: string[] = [];
  let inHeader = true;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (INCLUDE_LIKE.test(line)) {
      const m = INCLUDE.exec(line);
      if (!m) {
        throw new Error(`Lua script ${script}: malformed include at ${file}:${i + 1}: ${line}`);
      }
      if (!inHeader) {
        throw new Error(
          `Lua script ${script}: include after code at ${file}:${i + 1} (includes go at the top)`,
        );
      }
      includes.push(resolve(dirname(file), `${m[1]}.lua`));
    } else if (line !== '' && !line.startsWith('--') && !(i === 0 && line.startsWith('#!'))) {
      inHeader = false;
    }
  });
  return includes;
}

/**
 * Assembles a Lua script with the libraries it declares (`--- @include`), recursively: each
 * file once, a library before whatever includes it, the script last. A `#!lua flags=...` line
 * stays the first line. Throws, naming the script, on a missing file or an include cycle.
 */
export function assembleLua(file: string): AssembledLua {
  const script = resolve(file);
  const ordered: { file: string; text: string; includes: string[] }[] = [];
  const placed = new Set<string>();
  const visit = (path: string, chain: string[]): void => {
    if (placed.has(path)) return;
    if (chain.includes(path)) {
      const cycle = [...chain.slice(chain.indexOf(path)), path].join(' -> ');
      throw new Error(`Lua script ${script}: include cycle: ${cycle}`);
    }
    const text = readLua(script, path, chain[chain.length - 1]);
    if (path !== script && text.startsWith('#!')) {
      throw new Error(`Lua script ${script}: library ${path} has a #! line (only a script may)`);
    }
    const includes = includesOf(script, path, text);
    for (const lib of includes) visit(lib, [...chain, path]);
    placed.add(path);
    ordered.push({ file: path, text, includes });
  };
  visit(script, []);

  // The script's #! line moves above the libraries; a blank line keeps its other lines' numbers.
  const main = ordered[ordered.length - 1];
  const firstLine = main.text.split('\n', 1)[0];
  const shebang = firstLine.startsWith('#!') ? firstLine : '';
  const lines: string[] = shebang ? [shebang] : [];
  const segments: LuaSegment[] = [];
  for (const { file: path, text, includes } of ordered) {
    const own = text.replace(/\n$/, '').split('\n');
    if (path === script && shebang) own[0] = '';
    segments.push({ file: path, includes, line: lines.length + 1, lines: own.length });
    lines.push(...own);
  }
  return { source: lines.join('\n') + '\n', segments };
}

/**
 * The fields, in order, of the list a Lua function builds from its one argument's fields, for a
 * function written as `local function NAME(h)` whose body is `return { h.a, h.b or false, … }` (a
 * reply's layout, say). TypeScript then decodes that reply by the names in the order the Lua side
 * writes them, so the order is written once. Throws, naming the file, when there is no such
 * function.
 */
export function luaReturnedFields(file: string, name: string): string[] {
  const text = readLua(file, file);
  const fn = new RegExp(
    `^local function ${name}\\((\\w+)\\)\\n\\s*return \\{([^}]*)\\}\\n\\s*end$`,
    'm',
  ).exec(text);
  if (!fn)
    throw new Error(`Lua file ${file}: no "local function ${name}(h) return { h.…, … } end"`);
  return [...fn[2].matchAll(new RegExp(`\\b${fn[1]}\\.(\\w+)`, 'g'))].map((m) => m[1]);
}

/**
 * A script refused a board whose keys are in another storage layout than the scripts' (error
 * reply `LAYOUT …`, see valkey/standings.lib.lua): the board's migration has not finished, which
 * only happens in the moments after an upgrade. Nothing was applied; rendered as a 503 with
 * Retry-After, like any moment when the store cannot answer.
 */
export class StorageLayoutPendingError extends ValkeyUnavailableError {
  constructor(cause: Error) {
    super(cause, false);
    this.name = 'StorageLayoutPendingError';
  }
}

/** Maps a script's failure to the error the application handles. */
function scriptFailure(err: unknown, mayWrite: boolean): unknown {
  if (err instanceof ReplyError && (err as Error).message.startsWith('LAYOUT ')) {
    return new StorageLayoutPendingError(err as Error);
  }
  return isValkeyUnavailable(err) ? new ValkeyUnavailableError(err, mayWrite) : err;
}

/** Valkey's answer to an FCALL of a function no library on that node registers. */
const isFunctionMissing = (err: unknown): boolean =>
  err instanceof Error && err.message.startsWith('ERR Function not found');

/**
 * Valkey's ACL refused FCALL or FUNCTION LOAD to the connection's user (`NOPERM User … has no
 * permissions to run the 'fcall' command`): refused before anything ran.
 */
const isFunctionRefused = (err: unknown): boolean =>
  err instanceof Error && /^NOPERM\b.*'(fcall|function\|load)'/.test(err.message);

/**
 * An assembled script as a Valkey Functions library: one function, named after the script and
 * its code's hash (`valkran_submit_<12 hex>`), so two versions of it can serve side by side
 * during a rolling upgrade. The libraries' definitions run once, when the library is loaded,
 * instead of on every call: the script's own body becomes a function the registered callback
 * calls after pointing `KEYS` and `ARGV` (locals above the libraries, so every library sees them)
 * at the call's keys and arguments. Nothing else outlives a call: the libraries keep no state at
 * their top level beyond constants.
 */
export function functionLibrary(
  name: string,
  assembled: AssembledLua,
): { fn: string; code: string } {
  const main = assembled.segments[assembled.segments.length - 1];
  const lines = assembled.source.replace(/\n$/, '').split('\n');
  if (lines[0].startsWith('#!')) {
    throw new Error(`Lua script ${name}: a #! line (flags) is not supported as a function`);
  }
  const FN = '__FUNCTION_NAME__';
  const body = [
    'local KEYS, ARGV',
    ...lines.slice(0, main.line - 1),
    'local function main()',
    ...lines.slice(main.line - 1),
    'end',
    `redis.register_function('${FN}', function(keys, args)`,
    '  KEYS, ARGV = keys, args',
    '  return main()',
    'end)',
  ].join('\n');
  // Named by the hash of the library's own code, wrapper included: a release that changes only
  // how the script is wrapped still gets a library of its own.
  const hash = createHash('sha1').update(body).digest('hex').slice(0, 12);
  const fn = `valkran_${name.replace(/\.lua$/, '').replace(/\W/g, '_')}_${hash}`;
  return { fn, code: `#!lua name=${fn}\n${body.replace(FN, fn)}` };
}

/**
 * A Lua script kept as a `.lua` file beside its repository, assembled with the library files it
 * declares (`--- @include`, see {@link assembleLua}). Runs by SHA (EVALSHA) and loads itself on
 * NOSCRIPT, so each Valkey node compiles it once. With `asFunction` it runs as a Valkey Function
 * instead (FCALL; see {@link functionLibrary}), loading its library on every master of a cluster
 * when a node answers that it has none: for the scripts whose libraries cost more to define on
 * each call than their work (the submit scripts).
 */
export class LuaScript {
  readonly source: string;
  readonly sha: string;
  /** The Valkey Functions library it runs as, when it does. */
  readonly library?: { fn: string; code: string };
  /**
   * Set when Valkey's ACL refused FCALL or FUNCTION LOAD (a user set up before the submit scripts
   * became functions): from then on the script runs by EVALSHA, as every other script does.
   */
  private functionsDenied = false;
  /** A load of the library under way: concurrent misses share it (it is ~75 KB to compile). */
  private loading?: Promise<void>;
  /**
   * False for a script declared `#!lua flags=no-writes`, or one whose header says
   * `-- writes: counters only` (a read that charges its rate-limit counter): a failure of it
   * never applied anything a client asked for, so it is `unavailable`, not `outcome-unknown`.
   */
  readonly mayWrite: boolean;

  constructor(
    readonly name: string,
    dir: string,
    options: { asFunction?: boolean } = {},
  ) {
    const assembled = assembleLua(resolve(dir, name));
    this.source = assembled.source;
    this.sha = createHash('sha1').update(this.source).digest('hex');
    if (options.asFunction) this.library = functionLibrary(name, assembled);
    this.mayWrite =
      !/^#!lua\b[^\n]*\bflags=[^\n]*\bno-writes\b/.test(this.source) &&
      !/^-- writes: counters only\b/m.test(this.source);
  }

  /**
   * Runs the script, then `WAIT replicas timeoutMs` right behind it on the same connection (one
   * pipeline, so on a cluster both go to the master of the keys' slot). Resolves with the
   * script's reply and how many replicas acknowledged every write this connection sent.
   */
  async runReplicated(
    client: Redis | Cluster,
    keys: string[],
    args: ScriptArg[],
    replicas: number,
    timeoutMs: number,
  ): Promise<{ reply: ScriptReply; replicas: number }> {
    const attempt = async (byBody: boolean) => {
      let library = this.functionsDenied ? undefined : this.library;
      if (byBody && library) {
        try {
          await this.loadLibrary(client);
        } catch (err) {
          if (!isFunctionRefused(err)) throw err;
          this.denyFunctions(err);
          library = undefined;
        }
      }
      const pipeline = client.pipeline();
      if (library) pipeline.fcall(library.fn, keys.length, ...keys, ...args);
      else if (byBody) pipeline.eval(this.source, keys.length, ...keys, ...args);
      else pipeline.evalsha(this.sha, keys.length, ...keys, ...args);
      const results = await pipeline.call('WAIT', replicas, timeoutMs).exec();
      if (!results) throw new Error('Connection is closed.');
      const [[scriptErr, reply], [waitErr, acked]] = results;
      const asFunction = library !== undefined;
      return { scriptErr, waitErr, reply: reply as ScriptReply, acked: Number(acked), asFunction };
    };
    try {
      let r = await attempt(false);
      // A pipeline is not redirected by ioredis when only some of its commands were (WAIT has
      // no key): the script did not run, so learn the new slot owner and send it again.
      for (let i = 0; i < 3 && /^(MOVED|ASK|TRYAGAIN) /.test(r.scriptErr?.message ?? ''); i++) {
        await new Promise<void>((done) =>
          'refreshSlotsCache' in client ? client.refreshSlotsCache(() => done()) : done(),
        );
        r = await attempt(false);
      }
      // (Whatever the flag says by now: concurrent calls sent as functions all come back here.)
      if (r.asFunction && isFunctionRefused(r.scriptErr)) {
        this.denyFunctions(r.scriptErr);
        r = await attempt(false);
      }
      if (r.scriptErr?.message.startsWith('NOSCRIPT') || isFunctionMissing(r.scriptErr)) {
        r = await attempt(true);
      }
      if (r.scriptErr) throw r.scriptErr;
      if (r.waitErr) throw r.waitErr;
      return { reply: r.reply, replicas: r.acked };
    } catch (err) {
      throw scriptFailure(err, this.mayWrite);
    }
  }

  async run(client: Redis | Cluster, keys: string[], args: ScriptArg[]): Promise<ScriptReply> {
    if (this.library && !this.functionsDenied)
      return this.runFunction(client, this.library, keys, args);
    try {
      try {
        return (await client.evalsha(this.sha, keys.length, ...keys, ...args)) as ScriptReply;
      } catch (err) {
        if (err instanceof Error && err.message.startsWith('NOSCRIPT')) {
          return (await client.eval(this.source, keys.length, ...keys, ...args)) as ScriptReply;
        }
        throw err;
      }
    } catch (err) {
      throw scriptFailure(err, this.mayWrite);
    }
  }

  private async runFunction(
    client: Redis | Cluster,
    library: { fn: string; code: string },
    keys: string[],
    args: ScriptArg[],
  ): Promise<ScriptReply> {
    const call = async () =>
      (await client.fcall(library.fn, keys.length, ...keys, ...args)) as ScriptReply;
    try {
      try {
        return await call();
      } catch (err) {
        if (!isFunctionMissing(err)) throw err;
        await this.loadLibrary(client);
        return await call();
      }
    } catch (err) {
      if (!isFunctionRefused(err)) throw scriptFailure(err, this.mayWrite);
      // Refused before anything ran: the same call by EVALSHA.
      this.denyFunctions(err);
      return this.run(client, keys, args);
    }
  }

  private denyFunctions(err: unknown): void {
    if (this.functionsDenied) return;
    this.functionsDenied = true;
    new Logger(LuaScript.name).warn(
      `${this.name} runs by EVALSHA: Valkey's ACL refused it as a function (${(err as Error).message}). ` +
        'Allow +fcall +function|load for this user (see deploy/valkey/valkran.acl) and restart: ' +
        'a submit costs Valkey more by EVALSHA.',
    );
  }

  /**
   * Loads the library (REPLACE: loaders racing on one node all succeed) on the node, or on every
   * master of a cluster (which of them answered is not known here; they all need it sooner or
   * later). Valkey keeps loaded libraries in its snapshots and replicates them.
   */
  private loadLibrary(client: Redis | Cluster): Promise<void> {
    this.loading ??= this.loadOnNodes(client).finally(() => (this.loading = undefined));
    return this.loading;
  }

  /**
   * On a cluster a master that fails to load it is passed over (the call sent again says whether
   * its own node has it); an ACL refusal anywhere is reported, so the caller turns to EVALSHA.
   */
  private async loadOnNodes(client: Redis | Cluster): Promise<void> {
    const code = this.library?.code;
    if (!code) return;
    if (!('nodes' in client)) {
      await client.function('LOAD', 'REPLACE', code);
      return;
    }
    const loads = await Promise.allSettled(
      client.nodes('master').map((node) => node.function('LOAD', 'REPLACE', code)),
    );
    const refused = loads.find((l) => l.status === 'rejected' && isFunctionRefused(l.reason));
    if (refused) throw (refused as PromiseRejectedResult).reason;
  }
}
