import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { badRequest, conflict, notFound } from '../common/problem';
import { BoardsRepository } from '../leaderboard/boards.repository';
import { RankingTrigger } from '../ranking-jobs/ranking-trigger';
import { LimitSpec, RateLimiter, RateState } from '../common/rate-limiter';
import { ValkeyConnections } from '../valkey/valkey-connections';
import { Metrics } from '../common/metrics';
import { BoardKeys } from '../valkey/keys';
import { BatchResultDto, EraseResultDto, SubmitResultDto } from './dto/submit.dto';
import {
  ScoresRepository,
  SubmissionInput,
  SubmissionRow,
  SubmitOutcome,
} from './scores.repository';

/** JSON with object keys sorted, so equal bodies hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const digest = (text: string): string => createHash('sha256').update(text).digest('hex');

export function toSubmitResult(
  leaderboardId: string,
  playerId: string,
  row: SubmissionRow,
): SubmitResultDto {
  return {
    leaderboardId,
    periodId: row.periodId,
    playerId,
    score: row.score,
    rank: row.rank,
    previousScore: row.previousScore,
    previousRank: row.previousRank,
    updated: row.updated,
  };
}

const PURGE_CHUNK = 500;

const tightest = (a: RateState | null, b: RateState | null): RateState | null =>
  !a ? b : !b ? a : a.remaining <= b.remaining ? a : b;

/** Submission rules around the atomic scripts: idempotency, bounds errors, moderation. */
@Injectable()
export class ScoresService {
  constructor(
    private readonly repo: ScoresRepository,
    private readonly boards: BoardsRepository,
    private readonly ranking: RankingTrigger,
    private readonly limiter: RateLimiter,
    private readonly valkey: ValkeyConnections,
    private readonly metrics: Metrics,
  ) {}

  private count(boardId: string, outcome: SubmitOutcome<unknown>, updated: boolean[]): void {
    if (outcome.status !== 'ok' || outcome.replayed) return;
    const mode = outcome.updateMode ?? 'unknown';
    for (const u of updated)
      this.metrics.submissions.inc({ board: boardId, mode, updated: String(u) });
  }

  /**
   * The counters a submission charges. Per-player counters share the board's slot and ride in
   * the submit script; the per-key counter rides too on standalone Valkey, but lives in
   * another slot, so on a cluster it is checked first in a call of its own.
   */
  private async limitsFor(
    boardId: string,
    playerIds: string[],
    apiKeyDigest: string,
  ): Promise<{ inScript: LimitSpec[]; checked: RateState | null }> {
    const players = this.limiter.playerSpecs(boardId, playerIds);
    const keySpec = apiKeyDigest
      ? this.limiter.submitKeySpec(apiKeyDigest, playerIds.length)
      : null;
    if (!keySpec) return { inScript: players, checked: null };
    if (!this.valkey.cluster) return { inScript: [keySpec, ...players], checked: null };
    const outcome = await this.limiter.check([keySpec]);
    if (!outcome.ok) throw this.limiter.reject(outcome.spec);
    return { inScript: players, checked: outcome.state };
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
        throw notFound(`Leaderboard "${boardId}" does not exist.`);
      case 'idempotency-conflict':
        throw conflict(
          'This Idempotency-Key was already used with a different request body within 24 hours.',
        );
      case 'out-of-bounds':
        throw badRequest(
          `${fieldPrefix(outcome.index)}score`,
          `the resulting score ${outcome.result} is outside the board's bounds [${outcome.min}, ${outcome.max}]`,
        );
    }
  }

  async submit(
    boardId: string,
    entry: SubmissionInput,
    idempotencyKey?: string,
    apiKeyDigest = '',
  ): Promise<{ result: SubmitResultDto; replayed: boolean; rate: RateState | null }> {
    const limits = await this.limitsFor(boardId, [entry.playerId], apiKeyDigest);
    const outcome = await this.repo.submit(
      boardId,
      entry,
      idempotencyKey ? digest(idempotencyKey) : '',
      digest(`single:${canonicalJson(entry)}`),
      limits.inScript,
    );
    const { value, replayed, rate } = this.unwrap(boardId, outcome, () => '');
    this.count(boardId, outcome, [value.updated]);
    if (value.updated) this.ranking.changed(boardId);
    return {
      result: toSubmitResult(boardId, entry.playerId, value),
      replayed,
      rate: tightest(rate, limits.checked),
    };
  }

  async submitBatch(
    boardId: string,
    entries: SubmissionInput[],
    idempotencyKey?: string,
    apiKeyDigest = '',
  ): Promise<{ result: BatchResultDto; replayed: boolean; rate: RateState | null }> {
    const limits = await this.limitsFor(
      boardId,
      entries.map((e) => e.playerId),
      apiKeyDigest,
    );
    const outcome = await this.repo.submitBatch(
      boardId,
      entries,
      idempotencyKey ? digest(idempotencyKey) : '',
      digest(`batch:${canonicalJson(entries)}`),
      limits.inScript,
    );
    const { value, replayed, rate } = this.unwrap(boardId, outcome, (i) => `entries.${i}.`);
    this.count(
      boardId,
      outcome,
      value.map((row) => row.updated),
    );
    if (value.some((row) => row.updated)) this.ranking.changed(boardId);
    return {
      result: {
        leaderboardId: boardId,
        results: value.map((row, i) => toSubmitResult(boardId, entries[i].playerId, row)),
      },
      replayed,
      rate: tightest(rate, limits.checked),
    };
  }

  async removePlayer(boardId: string, playerId: string): Promise<void> {
    const r = await this.repo.remove(boardId, new BoardKeys(boardId).current, playerId);
    if (r === 'board-not-found') throw notFound(`Leaderboard "${boardId}" does not exist.`);
    if (r === 'absent') throw notFound(`Player "${playerId}" is not on leaderboard "${boardId}".`);
    this.ranking.changed(boardId);
  }

  /** Removes every current entry with minScore <= score <= maxScore, in bounded steps. */
  async purge(boardId: string, minScore: number, maxScore: number): Promise<number> {
    if (minScore > maxScore) throw badRequest('minScore', 'must not be greater than maxScore');
    let removed = 0;
    for (;;) {
      const n = await this.repo.purgeChunk(boardId, minScore, maxScore, PURGE_CHUNK);
      if (n < 0) throw notFound(`Leaderboard "${boardId}" does not exist.`);
      removed += n;
      if (n < PURGE_CHUNK) {
        if (removed > 0) this.ranking.changed(boardId);
        return removed;
      }
    }
  }

  /** Erases a player from every board's current period and every archived period. */
  async erase(playerId: string): Promise<EraseResultDto> {
    const removedFrom: EraseResultDto['removedFrom'] = [];
    for (const { board } of await this.boards.list()) {
      const periods = await this.repo.eraseEverywhere(board.id, playerId);
      if (periods.length === 0) continue;
      this.ranking.changed(board.id);
      for (const periodId of periods) removedFrom.push({ leaderboardId: board.id, periodId });
    }
    return { playerId, removedFrom };
  }
}
