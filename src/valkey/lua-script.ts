import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Cluster, Redis } from 'ioredis';
import { isValkeyUnavailable, ValkeyUnavailableError } from './valkey-errors';

export type ScriptArg = string | number;
export type ScriptReply = string | number | null | ScriptReply[];

/**
 * A Lua script kept as a `.lua` file beside its repository, optionally prefixed by shared
 * library files. Runs by SHA (EVALSHA) and loads itself on NOSCRIPT, so each Valkey node
 * compiles it once.
 */
export class LuaScript {
  readonly source: string;
  readonly sha: string;

  constructor(
    readonly name: string,
    dir: string,
    libs: string[] = [],
  ) {
    const parts = [...libs, name].map((f) => readFileSync(resolve(dir, f), 'utf8'));
    // A shebang (flags) must stay on the first line, so hoist it above the libraries.
    const main = parts.pop() ?? '';
    const shebang = main.startsWith('#!') ? main.slice(0, main.indexOf('\n') + 1) : '';
    this.source = shebang + parts.join('\n') + '\n' + main.slice(shebang.length);
    this.sha = createHash('sha1').update(this.source).digest('hex');
  }

  async run(client: Redis | Cluster, keys: string[], args: ScriptArg[]): Promise<ScriptReply> {
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
      throw isValkeyUnavailable(err) ? new ValkeyUnavailableError(err) : err;
    }
  }
}
