import { Injectable } from '@nestjs/common';
import { ValkeyConnections } from '../valkey/valkey-connections';
import { AppConfig } from '../config/app-config';
import { Metrics } from './metrics';
import { ProblemException } from './problem';
import { LimitOutcome, LimitSpec, RateLimitRepository, RateState } from './rate-limit.repository';

export type { LimitOutcome, LimitSpec, RateState };

/**
 * The rate-limit rules: which counters a request charges (limits from the config; 0 turns a
 * limit off), the 429 and the RateLimit headers. Every check is one atomic script; submission
 * limits ride inside the submit script itself.
 */
@Injectable()
export class RateLimiter {
  constructor(
    private readonly config: AppConfig,
    private readonly valkey: ValkeyConnections,
    private readonly metrics: Metrics,
    private readonly counters: RateLimitRepository,
  ) {}

  /** The 429 for a limit that said no (and counted in the metrics). */
  reject(spec: LimitSpec): ProblemException {
    this.metrics.rateLimited.inc({ limit: spec.name.replace(/ \(.*\)$/, '') });
    return RateLimiter.tooMany(spec);
  }

  get limits(): AppConfig['rateLimits'] {
    return this.config.rateLimits;
  }

  submitKeySpec(keyDigestHex: string, cost: number): LimitSpec | null {
    const limit = this.limits.submitPerKey;
    return limit > 0 ? this.counters.submitKeyCounter(keyDigestHex, limit, cost) : null;
  }

  /** One counter per distinct player, charged with how often the player occurs. */
  playerSpecs(boardId: string, playerIds: string[]): LimitSpec[] {
    const limit = this.limits.submitPerPlayer;
    return limit > 0 ? this.counters.playerCounters(boardId, playerIds, limit) : [];
  }

  /** The ARGV prefix a script expects for these counters. */
  static args(specs: LimitSpec[]): (string | number)[] {
    return RateLimitRepository.args(specs);
  }

  /**
   * The counters a submission charges. Per-player counters share the board's slot and ride in
   * the submit script; the per-key counter rides too on standalone Valkey, but lives in
   * another slot, so on a cluster it is checked here first, in a call of its own.
   */
  async planSubmission(
    boardId: string,
    playerIds: string[],
    apiKeyDigest: string,
  ): Promise<{ inScript: LimitSpec[]; checked: RateState | null }> {
    const players = this.playerSpecs(boardId, playerIds);
    const keySpec = apiKeyDigest ? this.submitKeySpec(apiKeyDigest, playerIds.length) : null;
    if (!keySpec) return { inScript: players, checked: null };
    if (!this.valkey.cluster) return { inScript: [keySpec, ...players], checked: null };
    const outcome = await this.check([keySpec]);
    if (!outcome.ok) throw this.reject(outcome.spec);
    return { inScript: players, checked: outcome.state };
  }

  /** The tighter of two counter states (the one with fewer requests left). */
  static tightest(a: RateState | null, b: RateState | null): RateState | null {
    return !a ? b : !b ? a : a.remaining <= b.remaining ? a : b;
  }

  /** Checks and charges the counters in one round trip (they must share a slot on a cluster). */
  check(specs: (LimitSpec | null)[]): Promise<LimitOutcome> {
    return this.counters.check(specs.filter((s): s is LimitSpec => s !== null));
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
