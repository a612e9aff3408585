import { Injectable, Logger } from '@nestjs/common';
import { ValkeyConnections } from '../valkey/valkey-connections';
import { AppConfig } from '../config/app-config';
import { Metrics } from './metrics';
import { ProblemException } from './problem';
import { LimitOutcome, LimitSpec, RateLimitRepository, RateState } from './rate-limit.repository';

export type { LimitOutcome, LimitSpec, RateState };

/** How a submission is limited: see {@link RateLimiter.planSubmission}. */
export interface SubmissionLimits {
  /** Counters in the board's slot, checked and charged inside the submit script. */
  inScript: LimitSpec[];
  /** On a cluster, the per-key counter (another slot): peeked before, charged after. */
  outside: LimitSpec | null;
  /** The outside counter's state at the peek (before this request). */
  peeked: RateState | null;
  /** The outside counter when the peek found no room: only an idempotent replay may pass. */
  refused: LimitSpec | null;
}

/**
 * The rate-limit rules: which counters a request charges (limits from the config; 0 turns a
 * limit off), the 429 and the RateLimit headers. Every check is one atomic script; submission
 * limits ride inside the submit script itself.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);

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
   * the submit script; the per-key counter rides too on standalone Valkey. On a cluster it lives
   * in another slot: it is peeked here (nothing taken) and charged by {@link chargeAccepted}
   * once the script has accepted the submission, so replays and refused submissions cost
   * nothing there either. When the peek finds no room the script is still asked, to let an
   * idempotent replay through (`refused`).
   */
  async planSubmission(
    boardId: string,
    playerIds: string[],
    apiKeyDigest: string,
  ): Promise<SubmissionLimits> {
    const players = this.playerSpecs(boardId, playerIds);
    const keySpec = apiKeyDigest ? this.submitKeySpec(apiKeyDigest, playerIds.length) : null;
    const none = { outside: null, peeked: null, refused: null };
    if (!keySpec) return { inScript: players, ...none };
    if (!this.valkey.cluster) return { inScript: [keySpec, ...players], ...none };
    const outcome = await this.counters.peek([keySpec]);
    if (!outcome.ok) return { inScript: players, outside: keySpec, peeked: null, refused: keySpec };
    return { inScript: players, outside: keySpec, peeked: outcome.state, refused: null };
  }

  /**
   * Charges the counter kept outside the submit script for a submission it accepted (not for a
   * replay). Between the peek and this charge, concurrent submissions of one key can all pass
   * the peek: the overshoot is at most the submissions in flight at once. The write is already
   * applied, so a failure here is logged and forgiven rather than turned into an error.
   */
  async chargeAccepted(limits: SubmissionLimits): Promise<RateState | null> {
    if (!limits.outside) return null;
    try {
      return await this.counters.charge([limits.outside]);
    } catch (err) {
      this.logger.warn(`Could not charge ${limits.outside.name}: ${(err as Error).message}`);
      const peeked = limits.peeked;
      return (
        peeked && { ...peeked, remaining: Math.max(0, peeked.remaining - limits.outside.cost) }
      );
    }
  }

  /** The tighter of two counter states (the one with fewer requests left). */
  static tightest(a: RateState | null, b: RateState | null): RateState | null {
    return !a ? b : !b ? a : a.remaining <= b.remaining ? a : b;
  }

  static headers(state: RateState | null): Record<string, string> {
    if (!state) return {};
    return {
      'ratelimit-limit': String(state.limit),
      'ratelimit-remaining': String(state.remaining),
      'ratelimit-reset': '1',
    };
  }

  /** `err` carrying the read counter's headers, when the refused read charged it. */
  static withHeaders(err: ProblemException, state: RateState | undefined): ProblemException {
    if (state) Object.assign(err.headers, RateLimiter.headers(state));
    return err;
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
