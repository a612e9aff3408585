import { Injectable } from '@nestjs/common';
import { badRequest, conflict } from '../common/problem';
import { RateLimiter, RateState, SubmissionLimits } from '../common/rate-limiter';
import { Metrics } from '../common/metrics';
import { EventBus } from '../events/event-bus';
import { boardNotFound } from '../leaderboard/board';
import { BatchResultDto, SubmitResultDto, toSubmitResult } from './dto/submit.dto';
import { entryRefusalProblem } from './entry-rules';
import { fingerprint } from './fingerprint';
import {
  ScoresRepository,
  SubmissionInput,
  SubmitOutcome,
  SubscoresProblem,
} from './scores.repository';

function subscoresMessage(o: { reason: SubscoresProblem; columns: number }): string {
  const columns = `${o.columns} tie-break column${o.columns === 1 ? '' : 's'}`;
  switch (o.reason) {
    case 'none':
      return 'this leaderboard has no tie-break columns: leave subscores out';
    case 'count':
      return `must hold exactly ${o.columns} integer${o.columns === 1 ? '' : 's'}, one per tie-break column`;
    case 'required':
      return `is required: this leaderboard has ${columns} (only an increment of a player already on it may leave them out)`;
  }
}

/** Submission rules around the atomic submit scripts: limits, idempotency, bounds errors. */
@Injectable()
export class SubmissionsService {
  constructor(
    private readonly repo: ScoresRepository,
    private readonly limiter: RateLimiter,
    private readonly metrics: Metrics,
    private readonly events: EventBus,
  ) {}

  private count(boardId: string, outcome: SubmitOutcome<unknown>, updated: boolean[]): void {
    if (outcome.status !== 'ok' || outcome.replayed) return;
    const mode = outcome.updateMode ?? 'unknown';
    for (const u of updated)
      this.metrics.submissions.inc({ board: boardId, mode, updated: String(u) });
  }

  private unwrap<T>(
    boardId: string,
    outcome: SubmitOutcome<T>,
    fieldPrefix: (index: number) => string,
  ): { value: T; replayed: boolean; rate: RateState | null } {
    switch (outcome.status) {
      case 'ok':
        return outcome;
      case 'rate-limited':
        throw this.limiter.reject(outcome.spec);
      case 'board-not-found':
        throw boardNotFound(boardId);
      case 'idempotency-conflict':
        throw conflict(
          'This Idempotency-Key was already used with a different request body within 24 hours.',
        );
      case 'out-of-bounds':
        throw badRequest(
          `${fieldPrefix(outcome.index)}score`,
          `the resulting score ${outcome.result} is outside the board's bounds [${outcome.min}, ${outcome.max}]`,
        );
      case 'bad-subscores':
        throw badRequest(`${fieldPrefix(outcome.index)}subscores`, subscoresMessage(outcome));
      case 'entry-refused':
        throw entryRefusalProblem(boardId, outcome, fieldPrefix(outcome.index));
    }
  }

  /**
   * Charges the per-key counter kept outside the script (cluster) for an accepted submission
   * and returns the RateLimit state to report: the tightest of the script's and that one's.
   */
  private async settle(
    limits: SubmissionLimits,
    replayed: boolean,
    inScript: RateState | null,
  ): Promise<RateState | null> {
    const outside = replayed ? limits.peeked : await this.limiter.chargeAccepted(limits);
    return RateLimiter.tightest(inScript, outside);
  }

  /** The limits a submission charges; a spent per-key counter refuses at once unless the
   * request could be an idempotent replay (it has an Idempotency-Key). */
  private async plan(
    boardId: string,
    playerIds: string[],
    idempotencyKey: string | undefined,
    apiKeyDigest: string,
  ): Promise<SubmissionLimits> {
    const limits = await this.limiter.planSubmission(boardId, playerIds, apiKeyDigest);
    if (limits.refused && !idempotencyKey) throw this.limiter.reject(limits.refused);
    return limits;
  }

  async submit(
    boardId: string,
    entry: SubmissionInput,
    idempotencyKey?: string,
    apiKeyDigest = '',
  ): Promise<{ result: SubmitResultDto; replayed: boolean; rate: RateState | null }> {
    const limits = await this.plan(boardId, [entry.playerId], idempotencyKey, apiKeyDigest);
    const outcome = await this.repo.submit(
      boardId,
      entry,
      fingerprint('single', entry, idempotencyKey, apiKeyDigest),
      limits.inScript,
      limits.refused,
    );
    const { value, replayed, rate } = this.unwrap(boardId, outcome, () => '');
    this.count(boardId, outcome, [value.updated]);
    if (value.updated) await this.events.emit('scores.changed', { boardId });
    return {
      result: toSubmitResult(boardId, entry.playerId, value),
      replayed,
      rate: await this.settle(limits, replayed, rate),
    };
  }

  async submitBatch(
    boardId: string,
    entries: SubmissionInput[],
    idempotencyKey?: string,
    apiKeyDigest = '',
  ): Promise<{ result: BatchResultDto; replayed: boolean; rate: RateState | null }> {
    const limits = await this.plan(
      boardId,
      entries.map((e) => e.playerId),
      idempotencyKey,
      apiKeyDigest,
    );
    const outcome = await this.repo.submitBatch(
      boardId,
      entries,
      fingerprint('batch', entries, idempotencyKey, apiKeyDigest),
      limits.inScript,
      limits.refused,
    );
    const { value, replayed, rate } = this.unwrap(boardId, outcome, (i) => `entries.${i}.`);
    this.count(
      boardId,
      outcome,
      value.map((row) => row.updated),
    );
    if (value.some((row) => row.updated)) await this.events.emit('scores.changed', { boardId });
    return {
      result: {
        leaderboardId: boardId,
        results: value.map((row, i) => toSubmitResult(boardId, entries[i].playerId, row)),
      },
      replayed,
      rate: await this.settle(limits, replayed, rate),
    };
  }
}
