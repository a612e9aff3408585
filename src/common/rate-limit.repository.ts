import { Injectable } from '@nestjs/common';
import { LuaScript, ScriptReply } from '../valkey/lua-script';
import { boardTag } from '../valkey/keys';
import { ValkeyConnections } from '../valkey/valkey-connections';

/**
 * One counter to charge: a key name (with its window), the limit and this request's cost. With
 * `field`, the counter is that field of the key (a hash of one window's counters); without, the
 * key itself.
 */
export interface LimitSpec {
  name: string;
  key: string;
  field?: string;
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
 * The rate-limit counters: fixed one-second windows in Valkey (see rate-limit.lib.lua), 2 s TTL.
 * Per-IP and per-key counters are one key per counter and window, with a hash tag of their own;
 * per-player counters are the fields of one hash per board and window, in the board's slot, so
 * the submit script can charge them (a batch of 1000 players: one read and one write).
 */
@Injectable()
export class RateLimitRepository {
  private readonly script = new LuaScript('rate-limit.lua', __dirname);
  private readonly peekScript = new LuaScript('rate-limit-peek.lua', __dirname);
  private readonly chargeScript = new LuaScript('rate-limit-charge.lua', __dirname);

  constructor(private readonly valkey: ValkeyConnections) {}

  /**
   * A throttler counter (@nestjs/throttler): `tracker` (a client IP) within the current window
   * of `ttlMs`. The name `default` is the per-IP read budget, shared by HTTP reads and
   * Socket.IO connects.
   */
  throttleCounter(throttler: string, tracker: string, limit: number, ttlMs: number): LimitSpec {
    const tag = throttler === 'default' ? 'ip' : `t:${throttler}`;
    const windowNo = Math.floor(Date.now() / ttlMs);
    return {
      name: 'reads per client IP',
      key: `{rl:${tag}:${tracker}}:${windowNo}`,
      limit,
      cost: 1,
    };
  }

  /** The per-IP read budget's counter for `ip` (the throttler's `default`, one-second windows). */
  readCounter(ip: string, limit: number): LimitSpec {
    return this.throttleCounter('default', ip, limit, 1000);
  }

  submitKeyCounter(keyDigestHex: string, limit: number, cost: number): LimitSpec {
    return {
      name: 'submissions per API key',
      key: `{rl:key:${keyDigestHex.slice(0, 32)}}:${window()}`,
      limit,
      cost,
    };
  }

  /**
   * One counter per distinct player, charged with how often the player occurs: field playerId
   * of the board's hash for this window.
   */
  playerCounters(boardId: string, playerIds: string[], limit: number): LimitSpec[] {
    const counts = new Map<string, number>();
    for (const p of playerIds) counts.set(p, (counts.get(p) ?? 0) + 1);
    const key = `${boardTag(boardId)}:rl:p:${window()}`;
    return [...counts].map(([p, cost]) => ({
      name: `submissions per player per board (${p})`,
      key,
      field: p,
      limit,
      cost,
    }));
  }

  /** Checks and charges the counters in one round trip (they must share a slot on a cluster). */
  async check(specs: LimitSpec[]): Promise<LimitOutcome> {
    if (specs.length === 0) return { ok: true, state: null };
    const reply = (await this.script.run(
      this.valkey.api,
      specs.map((s) => s.key),
      RateLimitRepository.args(specs),
    )) as ScriptReply[];
    if (reply[0] === 'RATE_LIMITED') return { ok: false, spec: specs[Number(reply[1]) - 1] };
    return {
      ok: true,
      state: { limit: Number(reply[1]), remaining: Math.max(0, Number(reply[2])) },
    };
  }

  /**
   * Whether the counters have room for their costs, charging nothing; the state is the tightest
   * counter's before this request (they must share a slot on a cluster).
   */
  async peek(specs: LimitSpec[]): Promise<LimitOutcome> {
    if (specs.length === 0) return { ok: true, state: null };
    const reply = (await this.peekScript.run(
      this.valkey.api,
      specs.map((s) => s.key),
      RateLimitRepository.args(specs),
    )) as ScriptReply[];
    if (reply[0] === 'RATE_LIMITED') return { ok: false, spec: specs[Number(reply[1]) - 1] };
    return { ok: true, state: { limit: Number(reply[1]), remaining: Number(reply[2]) } };
  }

  /** Charges the counters without a check (for work already done); the tightest one's state. */
  async charge(specs: LimitSpec[]): Promise<RateState | null> {
    if (specs.length === 0) return null;
    const reply = (await this.chargeScript.run(
      this.valkey.api,
      specs.map((s) => s.key),
      RateLimitRepository.args(specs),
    )) as ScriptReply[];
    return { limit: Number(reply[0]), remaining: Math.max(0, Number(reply[1])) };
  }

  /**
   * The ARGV prefix a script expects for these counters (see rate-limit.lib.lua), followed by
   * `rest` (the script's own arguments). Built with plain pushes: it runs on every read and submit.
   */
  static args(specs: LimitSpec[], rest: (string | number)[] = []): (string | number)[] {
    const out: (string | number)[] = [specs.length];
    for (const s of specs) out.push(s.limit, s.cost, s.field ?? '');
    for (const a of rest) out.push(a);
    return out;
  }
}
