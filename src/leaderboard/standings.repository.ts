import { Injectable } from '@nestjs/common';
import { LuaScript, ScriptReply } from '../valkey/lua-script';
import { BoardKeys } from './board.keys';
import { entrantsKey } from './tournament.keys';
import { ValkeyConnections } from '../valkey/valkey-connections';
import { PeriodRef, Tier } from './board';
import { LimitSpec, RateLimitRepository, RateState } from '../common/rate-limit.repository';
import { decodeReadHeader, ReadHeader } from './read-header';

/** One ranked row as stored, decoded. */
export interface RankedEntry {
  rank: number;
  /** The tie-break sequence (14 hex digits, fixed width): orders equal scores, earliest first. */
  sequence: string;
  playerId: string;
  score: number;
  /** One value per tie-break column; absent on boards without columns. */
  subscores?: number[];
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

/** Player reads give the players' cohort columns in their header (see cohortReadColumns). */
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
  /** The board's tie-break columns, one letter per column, its direction (cfg `cols`); absent = none. */
  columns?: string;
}

export type StandingsRead<T> =
  | {
      status: 'ok';
      header: StandingsHeader;
      rows: T;
      /** The board's version ("<createdAt>.<counter>"): every change a read can see moves it. */
      version?: string;
      /** A players read of a tournament board's current period: each player's attempts. */
      attempts?: PlayerAttempts;
    }
  | { status: 'board-not-found' }
  /** A read of an archived period the board does not have (never archived, or pruned). */
  | { status: 'period-not-found' }
  | { status: 'player-not-found' };

/** A player's standing on one board (see StandingsRepository.playerOnBoards); null: not on it. */
export interface PlayerOnBoard {
  boardId: string;
  header: StandingsHeader;
  entry: RankedEntry | null;
}

/** Attempts of the players read (in request order), on a board that counts them. */
export interface PlayerAttempts {
  /** null = no maxAttempts */
  maxAttempts: number | null;
  attempts: number[];
}

function decodeAttempts(raw: ScriptReply | undefined): { attempts?: PlayerAttempts } {
  if (!Array.isArray(raw) || raw.length === 0) return {};
  const [max, ...counts] = raw;
  return {
    attempts: { maxAttempts: max === '' ? null : Number(max), attempts: counts.map(Number) },
  };
}

/** A conditional read whose `ifVersion` is still the board's version: nothing was rendered. */
export interface NotModified {
  status: 'not-modified';
  notModified: true;
  version: string;
}

/**
 * Boards per player-boards.lua call on a standalone Valkey: ~100 boards keep one call near a
 * millisecond of Valkey time (README, "A player's standings on every board").
 */
export const BOARDS_PER_CALL = 100;

// A record (valkey/standings.lib.lua): the sequence in 14 hex digits, updatedAt in 11, on a board
// with columns k and the subscores in decimal, each followed by ',', then the displayName, then a
// tab and the metadata JSON when there is metadata.
const SEQ_HEX = 14;
const AT_HEX = 11;

/**
 * Decodes a stored player record (see board.keys.ts) with the score and rank the script read, on
 * a board with `columns` tie-break columns. Every number is a safe integer written in decimal
 * (or hex below 2^53), so Number and parseInt are exact.
 */
export function decodeRecord(
  playerId: string,
  record: string,
  score: string,
  rank: number,
  columns = 0,
): RankedEntry {
  let from = SEQ_HEX + AT_HEX;
  let subscores: number[] | undefined;
  if (columns > 0) {
    from = record.indexOf(',', from) + 1; // k: the score, which the zset gave already
    subscores = [];
    for (let i = 0; i < columns; i++) {
      const comma = record.indexOf(',', from);
      subscores.push(Number(record.slice(from, comma)));
      from = comma + 1;
    }
  }
  const rest = record.slice(from);
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
  if (subscores) entry.subscores = subscores;
  if (displayName) entry.displayName = displayName;
  if (metadata) entry.metadata = JSON.parse(metadata) as Record<string, unknown>;
  return entry;
}

function decodeHeader(raw: ReadHeader): StandingsHeader {
  const header: StandingsHeader = {
    periodId: String(raw.periodId),
    periodStartedAt: Number(raw.periodStartedAt),
    total: Number(raw.total),
    tiers: JSON.parse(String(raw.tiers || '[]')) as Tier[],
  };
  if (raw.columns) header.columns = String(raw.columns);
  return header;
}

function decodeRows(
  flat: ScriptReply[],
  columns: number,
): { playerId: string; entry: RankedEntry | null }[] {
  const out: { playerId: string; entry: RankedEntry | null }[] = [];
  for (let i = 0; i < flat.length; i += 4) {
    const playerId = String(flat[i]);
    const record = String(flat[i + 1]);
    out.push({
      playerId,
      entry: record
        ? decodeRecord(playerId, record, String(flat[i + 2]), Number(flat[i + 3]), columns)
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
  private readonly playerBoardsScript = new LuaScript('player-boards.lua', __dirname);
  private readonly playerScript = new LuaScript('player.lua', __dirname);

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
    if (period === 'current') keys.push(entrantsKey(boardId)); // after the counters: players.lua
    const reply = (await script.run(
      this.valkey.api,
      keys,
      RateLimitRepository.args(specs, args),
    )) as ScriptReply[];
    const header = decodeReadHeader(reply[0] as ScriptReply[]);
    if (header.status === 'RATE_LIMITED') return { status: 'rate-limited', spec: specs[0] };
    const counted = reply[2] as ScriptReply[];
    const rate =
      Number(counted[0]) > 0
        ? { limit: Number(counted[0]), remaining: Math.max(0, Number(counted[1])) }
        : undefined;
    if (header.status === 'NOT_FOUND') return { status: 'board-not-found', rate };
    if (header.status === 'PERIOD_NOT_FOUND') return { status: 'period-not-found', rate };
    if (header.status === 'PLAYER_NOT_FOUND') return { status: 'player-not-found', rate };
    if (header.status === 'NOT_MODIFIED') {
      return { status: 'not-modified', notModified: true, version: String(header.version), rate };
    }
    const decoded = decodeHeader(header);
    return {
      status: 'ok',
      header: decoded,
      rows: withCohorts(
        decodeRows(reply[1] as ScriptReply[], decoded.columns?.length ?? 0),
        header.cohorts,
      ),
      version: String(header.version),
      rate,
      ...decodeAttempts(reply[3]),
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

  /**
   * One player's entry, read by that player's id (their own read): a hidden player gets their
   * plausible standing and a total that counts them (valkey/hidden.lib.lua), where
   * {@link players} (lookups by others) leaves them out. One row, null when not on the board.
   */
  player(boardId: string, period: PeriodRef, playerId: string): Promise<StandingsRead<Rows>>;
  player(
    boardId: string,
    period: PeriodRef,
    playerId: string,
    conditions: ReadConditions,
  ): Promise<ConditionalRead<Rows>>;
  async player(
    boardId: string,
    period: PeriodRef,
    playerId: string,
    conditions: ReadConditions = {},
  ): Promise<ConditionalRead<Rows> | StandingsRead<Rows>> {
    const args = [conditions.ifVersion ?? '', playerId];
    return this.read(this.playerScript, boardId, period, args, conditions);
  }

  /**
   * One player's current-period entry on each of the given boards, in the given order, in one
   * pipelined pass: player-boards.lua once per chunk of boards, every call issued in the same
   * tick on the auto-pipelining API connection (`apiFanout`), which sends them in one write (on
   * a cluster, one per node). On a cluster a chunk is one board (each board is a slot of its own, and a script may
   * not span slots); on a standalone Valkey it is {@link BOARDS_PER_CALL} boards, which costs
   * Valkey and Node a fraction of a call per board while no call blocks Valkey for long.
   * A board deleted meanwhile is left out; one whose storage layout is still being migrated
   * fails the whole pass (StorageLayoutPendingError), as its player read would.
   */
  async playerOnBoards(boardIds: string[], playerId: string): Promise<PlayerOnBoard[]> {
    const size = this.valkey.cluster ? 1 : BOARDS_PER_CALL;
    const calls: Promise<ScriptReply>[] = [];
    for (let i = 0; i < boardIds.length; i += size) {
      const keys = boardIds.slice(i, i + size).flatMap((boardId) => {
        const k = new BoardKeys(boardId);
        const p = k.current;
        return [k.cfg, p.z, p.r, p.dz, k.version];
      });
      calls.push(this.playerBoardsScript.run(this.valkey.apiFanout, keys, [playerId]));
    }
    const replies = (await Promise.all(calls)).flatMap((r) => r as ScriptReply[][]);
    const out: PlayerOnBoard[] = [];
    replies.forEach(([raw, record, score, rank], n) => {
      const header = decodeReadHeader(raw as ScriptReply[]);
      if (header.status !== 'OK') return;
      const decoded = decodeHeader(header);
      const columns = decoded.columns?.length ?? 0;
      const entry = record
        ? decodeRecord(playerId, String(record), String(score), Number(rank), columns)
        : null;
      out.push({
        boardId: boardIds[n],
        header: decoded,
        entry: withCohorts([{ playerId, entry }], header.cohorts)[0].entry,
      });
    });
    return out;
  }
}

/** Rows of a range read are all present (the script renders only existing positions). */
function entriesOf(r: ConditionalRead<Rows>): ConditionalRead<RankedEntry[]> {
  return r.status === 'ok' ? { ...r, rows: r.rows.map((row) => row.entry as RankedEntry) } : r;
}
