import { Injectable } from '@nestjs/common';
import type { ReadAnswer } from '../common/conditional-read';
import { notFound, ProblemException } from '../common/problem';
import { RateLimiter } from '../common/rate-limiter';
import type { RateState } from '../common/rate-limit.repository';
import { boardNotFound } from './board';
import { RenderedReads } from './rendered-reads';
import {
  AroundDto,
  LookupResultDto,
  PageDto,
  PlayerDto,
  toEntryDto,
  toPlayerDto,
} from './dto/standings.dto';
import {
  ConditionalRead,
  PlayerAttempts,
  RankedEntry,
  ReadConditions,
  StandingsRead,
  StandingsRepository,
} from './standings.repository';

type Ok<T> = Extract<StandingsRead<T>, { status: 'ok' }> & { rate?: RateState };
type Rows = { playerId: string; entry: RankedEntry | null }[];

/** Reads of the current period: pages, one player, around a player, friends lookup. */
@Injectable()
export class StandingsService {
  constructor(
    private readonly repo: StandingsRepository,
    private readonly limiter: RateLimiter,
    private readonly rendered: RenderedReads,
  ) {}

  /**
   * A conditional read whose body is JSON text, kept per `key` (see RenderedReads): the kept
   * version rides along with the request's own If-None-Match versions, so one script call says
   * "not modified" (304 when the client's version is current; the kept body when the kept one
   * is) or renders the rows, which are then kept at their version.
   */
  private async keptRead<T>(
    key: string,
    boardId: string,
    conditions: ReadConditions,
    read: (conditions: ReadConditions) => Promise<ConditionalRead<T>>,
    render: (ok: Ok<T>) => object,
    playerId?: string,
  ): Promise<ReadAnswer<string>> {
    const kept = this.rendered.enabled ? this.rendered.get(key) : undefined;
    const epoch = this.rendered.epoch;
    const asked = conditions.ifVersion;
    const r = await read(
      kept
        ? { ...conditions, ifVersion: asked ? `${asked},${kept.version}` : kept.version }
        : conditions,
    );
    if (
      r.status === 'not-modified' &&
      kept &&
      r.version === kept.version &&
      !names(asked, r.version)
    ) {
      this.rendered.count(true);
      return { notModified: false, body: kept.json, version: r.version, rate: r.rate };
    }
    const answer = this.answer(boardId, r, (ok) => JSON.stringify(render(ok)), playerId);
    if (!answer.notModified && answer.version && this.rendered.enabled) {
      this.rendered.count(false);
      this.rendered.set(key, answer.version, answer.body, epoch);
    }
    return answer;
  }

  private unwrap<T>(boardId: string, r: StandingsRead<T>, playerId?: string): Ok<T> {
    if (r.status === 'player-not-found') throw playerNotFound(boardId, playerId);
    // (period-not-found: only reads of an archived period get it; these read the current one)
    if (r.status !== 'ok') throw boardNotFound(boardId);
    return r;
  }

  /** A conditional read's answer; refusals and not-found carry the counter's headers. */
  private answer<T, B>(
    boardId: string,
    r: ConditionalRead<T>,
    render: (ok: Ok<T>) => B,
    playerId?: string,
  ): ReadAnswer<B> {
    if (r.status === 'rate-limited') throw this.limiter.reject(r.spec);
    if (r.status === 'not-modified') return { notModified: true, version: r.version, rate: r.rate };
    if (r.status !== 'ok') {
      const err =
        r.status === 'board-not-found' ? boardNotFound(boardId) : playerNotFound(boardId, playerId);
      throw RateLimiter.withHeaders(err, r.rate);
    }
    return { notModified: false, body: render(r), version: r.version, rate: r.rate };
  }

  async page(boardId: string, offset: number, limit: number): Promise<PageDto> {
    const r = this.unwrap(boardId, await this.repo.page(boardId, 'current', offset, limit));
    return pageDto(boardId, offset, limit, r);
  }

  /** {@link page} with the read limit charged and the version checked in the same script. */
  async pageIf(
    boardId: string,
    offset: number,
    limit: number,
    conditions: ReadConditions,
  ): Promise<ReadAnswer<string>> {
    return this.keptRead(
      `page\n${boardId}\n${offset}\n${limit}`,
      boardId,
      conditions,
      (c) => this.repo.page(boardId, 'current', offset, limit, c),
      (ok) => pageDto(boardId, offset, limit, ok),
    );
  }

  async player(boardId: string, playerId: string): Promise<PlayerDto> {
    const r = this.unwrap(boardId, await this.repo.player(boardId, 'current', playerId), playerId);
    return playerDto(boardId, playerId, r);
  }

  async playerIf(
    boardId: string,
    playerId: string,
    conditions: ReadConditions,
  ): Promise<ReadAnswer<string>> {
    return this.keptRead(
      `player\n${boardId}\n${playerId}`,
      boardId,
      conditions,
      (c) => this.repo.player(boardId, 'current', playerId, c),
      (ok) => playerDto(boardId, playerId, ok),
      playerId,
    );
  }

  async around(boardId: string, playerId: string, limit: number): Promise<AroundDto> {
    const r = await this.repo.around(boardId, 'current', playerId, limit);
    return aroundDto(boardId, playerId, this.unwrap(boardId, r, playerId));
  }

  async aroundIf(
    boardId: string,
    playerId: string,
    limit: number,
    conditions: ReadConditions,
  ): Promise<ReadAnswer<string>> {
    return this.keptRead(
      `around\n${boardId}\n${playerId}\n${limit}`,
      boardId,
      conditions,
      (c) => this.repo.around(boardId, 'current', playerId, limit, c),
      (ok) => aroundDto(boardId, playerId, ok),
      playerId,
    );
  }

  async lookup(boardId: string, playerIds: string[]): Promise<LookupResultDto> {
    const r = this.unwrap(boardId, await this.repo.players(boardId, 'current', unique(playerIds)));
    return lookupDto(boardId, r);
  }

  /** {@link lookup} with the read limit charged in the same script (no version: it is a POST). */
  async lookupIf(
    boardId: string,
    playerIds: string[],
    conditions: ReadConditions,
  ): Promise<{ body: LookupResultDto; rate?: RateState }> {
    const r = await this.repo.players(boardId, 'current', unique(playerIds), {
      limit: conditions.limit,
    });
    const answer = this.answer(boardId, r, (ok) => lookupDto(boardId, ok));
    return { body: bodyOf(answer), rate: answer.rate };
  }
}

const unique = (ids: string[]): string[] => [...new Set(ids)];

/** Whether a comma-separated version list (a request's If-None-Match versions) holds `version`. */
const names = (list: string | undefined, version: string): boolean =>
  list !== undefined && list.split(',').includes(version);

/** A tournament board's attempts on a player read (current period). */
function withAttempts(dto: PlayerDto, a: PlayerAttempts | undefined): PlayerDto {
  if (!a) return dto;
  const used = a.attempts[0] ?? 0;
  const left = a.maxAttempts === null ? null : Math.max(0, a.maxAttempts - used);
  return { ...dto, attempts: used, attemptsLeft: left };
}

/** The body of a read asked without a version (so it cannot be "not modified"). */
function bodyOf<T>(answer: ReadAnswer<T>): T {
  if (answer.notModified) throw new Error('a read without a version was answered "not modified"');
  return answer.body;
}

function playerNotFound(boardId: string, playerId: string | undefined): ProblemException {
  return notFound(`Player "${playerId}" is not on leaderboard "${boardId}".`);
}

/** A player's entry (404 when the read found no entry; the read counter's headers on it). */
function playerDto(boardId: string, playerId: string, ok: Ok<Rows>): PlayerDto {
  const entry = ok.rows[0]?.entry;
  if (!entry) throw RateLimiter.withHeaders(playerNotFound(boardId, playerId), ok.rate);
  return withAttempts(toPlayerDto(boardId, ok.header, entry), ok.attempts);
}

function aroundDto(boardId: string, playerId: string, ok: Ok<RankedEntry[]>): AroundDto {
  return {
    leaderboardId: boardId,
    periodId: ok.header.periodId,
    total: ok.header.total,
    playerId,
    entries: ok.rows.map(toEntryDto),
  };
}

function pageDto(boardId: string, offset: number, limit: number, r: Ok<RankedEntry[]>): PageDto {
  return {
    leaderboardId: boardId,
    periodId: r.header.periodId,
    total: r.header.total,
    offset,
    limit,
    entries: r.rows.map(toEntryDto),
  };
}

function lookupDto(
  boardId: string,
  r: Ok<{ playerId: string; entry: RankedEntry | null }[]>,
): LookupResultDto {
  const found = r.rows.flatMap((row) => (row.entry ? [row.entry] : []));
  // Equal ranks (competition/dense) keep the board's tie order: earliest first.
  found.sort((a, b) => a.rank - b.rank || (a.sequence < b.sequence ? -1 : 1));
  return {
    leaderboardId: boardId,
    periodId: r.header.periodId,
    total: r.header.total,
    entries: found.map((e) => toPlayerDto(boardId, r.header, e)),
    missing: r.rows.filter((row) => !row.entry).map((row) => row.playerId),
  };
}
