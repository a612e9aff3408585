import { Injectable } from '@nestjs/common';
import { LuaScript, ScriptReply } from '../valkey/lua-script';
import { BoardKeys } from '../valkey/keys';
import { ValkeyConnections } from '../valkey/valkey-connections';
import { AppConfig } from '../config/app-config';
import { Metrics } from './metrics';
import { ProblemException } from './problem';

/** One counter to charge: a key name (with its window), the limit and this request's cost. */
export interface LimitSpec {
  name: string;
  key: string;
  limit: number;
  cost: number;
}

export interface RateState {
  limit: number;
  remaining: number;
}

export type LimitOutcome = { ok: true; state: RateState | null } | { ok: false; spec: LimitSpec };

const window = (): number => Math.floor(Date.now() / 1000);

/**
 * Fixed one-second windows in Valkey (see rate-limit.lib.lua): every check is one atomic
 * script, and submission limits ride inside the submit script itself.
 */
@Injectable()
export class RateLimiter {
  private readonly script = new LuaScript('rate-limit.lua', __dirname, ['rate-limit.lib.lua']);

  constructor(
    private readonly config: AppConfig,
    private readonly valkey: ValkeyConnections,
    private readonly metrics: Metrics,
  ) {}

  /** The 429 for a limit that said no (and counted in the metrics). */
  reject(spec: LimitSpec): ProblemException {
    this.metrics.rateLimited.inc({ limit: spec.name.replace(/ \(.*\)$/, '') });
    return RateLimiter.tooMany(spec);
  }

  get limits(): AppConfig['rateLimits'] {
    return this.config.rateLimits;
  }

  readSpec(ip: string): LimitSpec | null {
    const limit = this.limits.readPerIp;
    return limit > 0
      ? { name: 'reads per client IP', key: `{rl:ip:${ip}}:${window()}`, limit, cost: 1 }
      : null;
  }

  submitKeySpec(keyDigestHex: string, cost: number): LimitSpec | null {
    const limit = this.limits.submitPerKey;
    if (limit <= 0) return null;
    return {
      name: 'submissions per API key',
      key: `{rl:key:${keyDigestHex.slice(0, 32)}}:${window()}`,
      limit,
      cost,
    };
  }

  /** One counter per distinct player, charged with how often the player occurs. */
  playerSpecs(boardId: string, playerIds: string[]): LimitSpec[] {
    const limit = this.limits.submitPerPlayer;
    if (limit <= 0) return [];
    const counts = new Map<string, number>();
    for (const p of playerIds) counts.set(p, (counts.get(p) ?? 0) + 1);
    const keys = new BoardKeys(boardId);
    const w = window();
    return [...counts].map(([p, cost]) => ({
      name: `submissions per player per board (${p})`,
      key: keys.playerRate(p, w),
      limit,
      cost,
    }));
  }

  /** The ARGV prefix a script expects for these counters. */
  static args(specs: LimitSpec[]): (string | number)[] {
    return [specs.length, ...specs.flatMap((s) => [s.limit, s.cost])];
  }

  /** Checks and charges the counters in one round trip (they must share a slot on a cluster). */
  async check(specs: (LimitSpec | null)[]): Promise<LimitOutcome> {
    const live = specs.filter((s): s is LimitSpec => s !== null);
    if (live.length === 0) return { ok: true, state: null };
    const reply = (await this.script.run(
      this.valkey.api,
      live.map((s) => s.key),
      RateLimiter.args(live),
    )) as ScriptReply[];
    if (reply[0] === 'RATE_LIMITED') return { ok: false, spec: live[Number(reply[1]) - 1] };
    return {
      ok: true,
      state: { limit: Number(reply[1]), remaining: Math.max(0, Number(reply[2])) },
    };
  }

  static headers(state: RateState | null): Record<string, string> {
    if (!state) return {};
    return {
      'ratelimit-limit': String(state.limit),
      'ratelimit-remaining': String(state.remaining),
      'ratelimit-reset': '1',
    };
  }

  static tooMany(spec: LimitSpec): ProblemException {
    return new ProblemException(
      429,
      'rate-limited',
      `Rate limit exceeded: at most ${spec.limit} ${spec.name} per second.`,
      undefined,
      {
        'retry-after': '1',
        'ratelimit-limit': String(spec.limit),
        'ratelimit-remaining': '0',
        'ratelimit-reset': '1',
      },
    );
  }
}
