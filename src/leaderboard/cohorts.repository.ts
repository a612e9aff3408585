import { Injectable } from '@nestjs/common';
import { LuaScript, ScriptReply } from '../valkey/lua-script';
import { ValkeyConnections } from '../valkey/valkey-connections';
import { BoardKeys } from './board.keys';
import type { PeriodRef } from './board';
import { decodeRecord, RankedEntry } from './standings.repository';
import { decodeReadHeader } from './read-header';

/** One cohort of a period: its id (1, 2, … in opening order), league name ('' = none), size. */
export interface CohortRow {
  cohortId: number;
  league: string;
  /** Players ranked in the cohort (placed players removed from the period are not). */
  size: number;
}

export type CohortRead<T> =
  | { status: 'ok'; currentPeriodId: string; columns: number; value: T }
  | { status: 'board-not-found' }
  | { status: 'no-cohorts' }
  | { status: 'no-leagues' }
  | { status: 'no-cohort' };

/**
 * One player's move at a period close: league names, and where they finished (null, null: a
 * player demoted for not playing, on a board with demoteInactive).
 */
export interface Movement {
  playerId: string;
  from: string;
  to: string;
  cohortId: number | null;
  cohortRank: number | null;
}

export type SetLeagueOutcome =
  | { status: 'ok'; previous: string | null }
  | { status: 'board-not-found' | 'no-leagues' | 'unknown-league' };

function decodeEntries(flat: ScriptReply[], columns: number): RankedEntry[] {
  const out: RankedEntry[] = [];
  for (let i = 0; i < flat.length; i += 4) {
    out.push(
      decodeRecord(
        String(flat[i]),
        String(flat[i + 1]),
        String(flat[i + 2]),
        Number(flat[i + 3]),
        columns,
      ),
    );
  }
  return out;
}

/** Reads of a period's cohorts (cohorts.lua): one Valkey call each, O(log N + M). */
@Injectable()
export class CohortsRepository {
  private readonly script = new LuaScript('cohorts.lua', __dirname);
  private readonly setLeagueScript = new LuaScript('set-league.lua', __dirname);

  constructor(private readonly valkey: ValkeyConnections) {}

  private async read(
    boardId: string,
    period: PeriodRef,
    args: (string | number)[],
  ): Promise<CohortRead<ScriptReply[]>> {
    const k = new BoardKeys(boardId);
    const p = k.of(period);
    const periodId = period === 'current' ? '' : period.archived;
    const reply = (await this.script.run(
      this.valkey.api,
      [k.cfg, p.z, p.r, p.dz, k.version],
      [String(args[0]), periodId, ...args.slice(1)],
    )) as ScriptReply[];
    const header = decodeReadHeader(reply[0] as ScriptReply[]);
    if (header.status !== 'OK') return { status: 'board-not-found' };
    const body = reply[1] as ScriptReply[];
    if (body[0] === 'NO_COHORTS') return { status: 'no-cohorts' };
    if (body[0] === 'NO_COHORT') return { status: 'no-cohort' };
    if (body[0] === 'NO_LEAGUES') return { status: 'no-leagues' };
    // the board's tie-break columns, one letter each (readContext)
    const columns = String(header.columns ?? '').length;
    return { status: 'ok', currentPeriodId: String(header.periodId), columns, value: body };
  }

  /** A page of the period's cohorts, in opening order, and how many it has. */
  async list(
    boardId: string,
    period: PeriodRef,
    offset: number,
    limit: number,
  ): Promise<CohortRead<{ total: number; cohorts: CohortRow[] }>> {
    const r = await this.read(boardId, period, ['list', offset, limit]);
    if (r.status !== 'ok') return r;
    const cohorts: CohortRow[] = [];
    for (let i = 2; i < r.value.length; i += 3) {
      cohorts.push({
        cohortId: Number(r.value[i]),
        league: String(r.value[i + 1]),
        size: Number(r.value[i + 2]),
      });
    }
    return { ...r, value: { total: Number(r.value[1]), cohorts } };
  }

  /** A page of one cohort, best first, ranked within the cohort. */
  async page(
    boardId: string,
    period: PeriodRef,
    cohortId: number,
    offset: number,
    limit: number,
  ): Promise<CohortRead<{ cohort: CohortRow; entries: RankedEntry[] }>> {
    return this.cohortOf(await this.read(boardId, period, ['page', cohortId, offset, limit]));
  }

  /** The whole cohort a player was placed in during the period. */
  async ofPlayer(
    boardId: string,
    period: PeriodRef,
    playerId: string,
  ): Promise<CohortRead<{ cohort: CohortRow; entries: RankedEntry[] }>> {
    return this.cohortOf(await this.read(boardId, period, ['player', playerId]));
  }

  /** Players per league (lowest first), and how many closed periods are still being settled. */
  async leagues(
    boardId: string,
  ): Promise<CohortRead<{ pendingPeriods: number; leagues: { name: string; players: number }[] }>> {
    const r = await this.read(boardId, 'current', ['leagues']);
    if (r.status !== 'ok') return r;
    const leagues: { name: string; players: number }[] = [];
    for (let i = 2; i < r.value.length; i += 2) {
      leagues.push({ name: String(r.value[i]), players: Number(r.value[i + 1]) });
    }
    return { ...r, value: { pendingPeriods: Number(r.value[1]), leagues } };
  }

  /** A page of a closed period's movements, in the order they were applied. */
  async movements(
    boardId: string,
    periodId: string,
    offset: number,
    limit: number,
  ): Promise<CohortRead<{ settled: boolean; total: number; movements: Movement[] }>> {
    const r = await this.read(boardId, { archived: periodId }, ['movements', offset, limit]);
    if (r.status !== 'ok') return r;
    const movements: Movement[] = [];
    for (let i = 3; i < r.value.length; i += 5) {
      movements.push({
        playerId: String(r.value[i]),
        from: String(r.value[i + 1]),
        to: String(r.value[i + 2]),
        cohortId: r.value[i + 3] === null ? null : Number(r.value[i + 3]),
        cohortRank: r.value[i + 4] === null ? null : Number(r.value[i + 4]),
      });
    }
    return {
      ...r,
      value: { settled: r.value[1] === 1, total: Number(r.value[2]), movements },
    };
  }

  /** Sets the league a player is placed in from their next placement on (admin). */
  async setLeague(boardId: string, playerId: string, league: string): Promise<SetLeagueOutcome> {
    const k = new BoardKeys(boardId);
    const reply = (await this.setLeagueScript.run(
      this.valkey.api,
      [k.cfg, k.version],
      [playerId, league],
    )) as ScriptReply[];
    switch (reply[0]) {
      case 'OK':
        return { status: 'ok', previous: reply[1] ? String(reply[1]) : null };
      case 'NO_LEAGUES':
        return { status: 'no-leagues' };
      case 'UNKNOWN_LEAGUE':
        return { status: 'unknown-league' };
      case null:
      default:
        return { status: 'board-not-found' };
    }
  }

  private cohortOf(
    r: CohortRead<ScriptReply[]>,
  ): CohortRead<{ cohort: CohortRow; entries: RankedEntry[] }> {
    if (r.status !== 'ok') return r;
    const [, cohortId, league, size, rows] = r.value;
    return {
      ...r,
      value: {
        cohort: { cohortId: Number(cohortId), league: String(league), size: Number(size) },
        entries: decodeEntries(rows as ScriptReply[], r.columns),
      },
    };
  }
}
