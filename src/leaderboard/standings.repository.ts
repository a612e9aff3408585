import { Injectable } from '@nestjs/common';
import { LuaScript, ScriptReply } from '../valkey/lua-script';
import { BoardKeys } from './board.keys';
import { ValkeyConnections } from '../valkey/valkey-connections';
import { PeriodRef, Tier } from './board';
import { LimitSpec, RateLimitRepository, RateState } from '../common/rate-limit.repository';

/** One ranked row as stored, decoded. */
export interface RankedEntry {
  rank: number;
  /** The tie-break sequence (14 hex digits, fixed width): orders equal scores, earliest first. */
  sequence: string;
  playerId: string;
  score: number;
  displayName?: string;
  metadata?: Record<string, unknown>;
  updatedAt: number;
  /** Player reads of a cohort board: the player's cohort standing in the period read. */
  cohort?: CohortStanding;
}

export interface CohortStanding {
  cohortId: number;
  /** null while the player is placed but removed from the period's standings */
  cohortRank: number | null;
  cohortTotal: number;
  /** '' on boards without leagues */
  league: string;
}

/** Player reads append the players' cohort columns to their header (see cohortReadColumns). */
function withCohorts(rows: Rows, flat: ScriptReply | undefined): Rows {
  if (!Array.isArray(flat)) return rows;
  rows.forEach((row, i) => {
    const cohortId = String(flat[4 * i] ?? '');
    if (!row.entry || !cohortId) return;
    const rank = String(flat[4 * i + 1]);
    row.entry.cohort = {
      cohortId: Number(cohortId),
      cohortRank: rank ? Number(rank) : null,
      cohortTotal: Number(flat[4 * i + 2]),
      league: String(flat[4 * i + 3]),
    };
  });
  return rows;
}

export interface StandingsHeader {
  periodId: string;
  periodStartedAt: number;
  total: number;
  tiers: Tier[];
}

export type StandingsRead<T> =
  | {
      status: 'ok';
      header: StandingsHeader;
      rows: T;
      /** The board's version ("<createdAt>.<counter>"): every change a read can see moves it. */
      version?: string;
    }
  | { status: 'board-not-found' }
  | { status: 'player-not-found' };

/** A conditional read whose `ifVersion` is still the board's version: nothing was rendered. */
export interface NotModified {
  status: 'not-modified';
  notModified: true;
  version: string;
}

// A record (valkey/standings.lib.lua): the sequence in 14 hex digits, updatedAt in 11, then the
// displayName, then a tab and the metadata JSON when there is metadata.
const SEQ_HEX = 14;
const AT_HEX = 11;

/**
 * Decodes a stored player record (see board.keys.ts) with the score and rank the script read.
 * Both numbers are below 2^53, so parseInt is exact.
 */
export function decodeRecord(
  playerId: string,
  record: string,
  score: string,
  rank: number,
): RankedEntry {
  const rest = record.slice(SEQ_HEX + AT_HEX);
  // Neither text can hold a raw tab: display names reject control characters and JSON
  // escapes them inside strings.
  const tab = rest.indexOf('\t');
  const displayName = tab < 0 ? rest : rest.slice(0, tab);
  const metadata = tab < 0 ? '' : rest.slice(tab + 1);
  const entry: RankedEntry = {
    rank,
    sequence: record.slice(0, SEQ_HEX),
    playerId,
    score: Number(score),
    updatedAt: parseInt(record.slice(SEQ_HEX, SEQ_HEX + AT_HEX), 16),
  };
  if (displayName) entry.displayName = displayName;
  if (metadata) entry.metadata = JSON.parse(metadata) as Record<string, unknown>;
  return entry;
}

function decodeHeader(raw: ScriptReply[]): StandingsHeader {
  return {
    periodId: String(raw[1]),
    periodStartedAt: Number(raw[2]),
    total: Number(raw[3]),
    tiers: JSON.parse(String(raw[4] || '[]')) as Tier[],
  };
}

function decodeRows(flat: ScriptReply[]): { playerId: string; entry: RankedEntry | null }[] {
  const out: { playerId: string; entry: RankedEntry | null }[] = [];
  for (let i = 0; i < flat.length; i += 4) {
    const playerId = String(flat[i]);
    const record = String(flat[i + 1]);
    out.push({
      playerId,
      entry: record
        ? decodeRecord(playerId, record, String(flat[i + 2]), Number(flat[i + 3]))
        : null,
    });
  }
  return out;
}

type Rows = { playerId: string; entry: RankedEntry | null }[];

/**
 * What a read may be asked besides its rows: `ifVersion`, answer {@link NotModified} without
 * rendering when it is still the board's version; `limit`, the per-IP read counter to charge in
 * the same script (refused: {@link ReadRateLimited}).
 */
export interface ReadConditions {
  ifVersion?: string;
  limit?: LimitSpec | null;
}

/** A read refused by the counter it was asked to charge: nothing was read. */
export interface ReadRateLimited {
  status: 'rate-limited';
  spec: LimitSpec;
}

/** Every answer of a conditional read, with the charged counter's state on all but a refusal. */
export type ConditionalRead<T> =
  ((StandingsRead<T> | NotModified) & { rate?: RateState }) | ReadRateLimited;

/**
 * Reads of a period's standings. Each read is one Lua call: O(log N + M) whatever the offset.
 * Reads may carry {@link ReadConditions}; the rate limit and the version check then happen in
 * that same call.
 */
@Injectable()
export class StandingsRepository {
  private readonly pageScript = new LuaScript('page.lua', __dirname);
  private readonly aroundScript = new LuaScript('around.lua', __dirname);
  private readonly playersScript = new LuaScript('players.lua', __dirname);

  constructor(private readonly valkey: ValkeyConnections) {}

  private async read(
    script: LuaScript,
    boardId: string,
    period: PeriodRef,
    args: (string | number)[],
    conditions: ReadConditions,
  ): Promise<ConditionalRead<Rows>> {
    const k = new BoardKeys(boardId);
    const p = k.of(period);
    const keys = [k.cfg, p.z, p.r, p.dz, k.version];
    const specs = conditions.limit ? [conditions.limit] : [];
    for (const spec of specs) keys.push(spec.key);
    const reply = (await script.run(this.valkey.api, keys, [
      ...RateLimitRepository.args(specs),
      ...args,
    ])) as ScriptReply[];
    const header = reply[0] as ScriptReply[];
    if (header[0] === 'RATE_LIMITED') return { status: 'rate-limited', spec: specs[0] };
    const counted = reply[2] as ScriptReply[];
    const rate =
      Number(counted[0]) > 0
        ? { limit: Number(counted[0]), remaining: Math.max(0, Number(counted[1])) }
        : undefined;
    if (header[0] === 'NOT_FOUND') return { status: 'board-not-found', rate };
    if (header[0] === 'PLAYER_NOT_FOUND') return { status: 'player-not-found', rate };
    if (header[0] === 'NOT_MODIFIED') {
      return { status: 'not-modified', notModified: true, version: String(header[1]), rate };
    }
    return {
      status: 'ok',
      header: decodeHeader(header),
      rows: withCohorts(decodeRows(reply[1] as ScriptReply[]), header[6]),
      version: String(header[5]),
      rate,
    };
  }

  /** A page of a period. */
  page(
    boardId: string,
    period: PeriodRef,
    offset: number,
    limit: number,
  ): Promise<StandingsRead<RankedEntry[]>>;
  page(
    boardId: string,
    period: PeriodRef,
    offset: number,
    limit: number,
    conditions: ReadConditions,
  ): Promise<ConditionalRead<RankedEntry[]>>;
  async page(
    boardId: string,
    period: PeriodRef,
    offset: number,
    limit: number,
    conditions: ReadConditions = {},
  ): Promise<ConditionalRead<RankedEntry[]> | StandingsRead<RankedEntry[]>> {
    const args = [offset, limit, conditions.ifVersion ?? ''];
    return entriesOf(await this.read(this.pageScript, boardId, period, args, conditions));
  }

  /** `limit` entries around a player. */
  around(
    boardId: string,
    period: PeriodRef,
    playerId: string,
    limit: number,
  ): Promise<StandingsRead<RankedEntry[]>>;
  around(
    boardId: string,
    period: PeriodRef,
    playerId: string,
    limit: number,
    conditions: ReadConditions,
  ): Promise<ConditionalRead<RankedEntry[]>>;
  async around(
    boardId: string,
    period: PeriodRef,
    playerId: string,
    limit: number,
    conditions: ReadConditions = {},
  ): Promise<ConditionalRead<RankedEntry[]> | StandingsRead<RankedEntry[]>> {
    const args = [playerId, limit, conditions.ifVersion ?? ''];
    return entriesOf(await this.read(this.aroundScript, boardId, period, args, conditions));
  }

  /** The given players' entries in request order; null for players not on the board. */
  players(boardId: string, period: PeriodRef, playerIds: string[]): Promise<StandingsRead<Rows>>;
  players(
    boardId: string,
    period: PeriodRef,
    playerIds: string[],
    conditions: ReadConditions,
  ): Promise<ConditionalRead<Rows>>;
  async players(
    boardId: string,
    period: PeriodRef,
    playerIds: string[],
    conditions: ReadConditions = {},
  ): Promise<ConditionalRead<Rows> | StandingsRead<Rows>> {
    const args = [conditions.ifVersion ?? '', ...playerIds];
    return this.read(this.playersScript, boardId, period, args, conditions);
  }
}

/** Rows of a range read are all present (the script renders only existing positions). */
function entriesOf(r: ConditionalRead<Rows>): ConditionalRead<RankedEntry[]> {
  return r.status === 'ok' ? { ...r, rows: r.rows.map((row) => row.entry as RankedEntry) } : r;
}
