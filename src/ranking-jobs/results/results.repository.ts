import { Injectable } from '@nestjs/common';
import type { Reward } from '../../leaderboard/board';
import { BoardKeys } from '../../leaderboard/board.keys';
import { LuaScript } from '../../valkey/lua-script';
import { ValkeyConnections } from '../../valkey/valkey-connections';
import { pendingResultsKey, resultsKey } from './results.keys';

/** A closed period whose results are still to be written and announced. */
export interface PendingResults {
  periodId: string;
  /** The board's generation at the close. */
  generation: number;
  resultsTop: number;
  /** The board's rewards at the close. */
  rewards: Reward[];
}

/** The stored header of a period's results. */
export interface ResultsHeader {
  leaderboardId: string;
  periodId: string;
  startedAt: number;
  closedAt: number;
  total: number;
  rewards: Reward[];
}

/** One stored entry: `i` its position (0 = best), `r` the index of its reward in the header. */
export interface StoredResultEntry {
  i: number;
  rank: number;
  playerId: string;
  score: number;
  subscores?: number[];
  displayName?: string;
  metadata?: Record<string, unknown>;
  r?: number;
}

export type WriteOutcome = 'WRITTEN' | 'EXISTS' | 'NOT_FOUND' | 'NOT_ARCHIVED' | 'CHANGED';

/** Owns closed periods' results and the list of those still to be written. */
@Injectable()
export class ResultsRepository {
  private readonly writeScript = new LuaScript('write-results.lua', __dirname);
  private readonly finishScript = new LuaScript('finish-results.lua', __dirname);
  private readonly eraseScript = new LuaScript('erase-results.lua', __dirname);

  constructor(private readonly valkey: ValkeyConnections) {}

  /** The board's closed periods whose results are still to be written or announced. */
  async pending(boardId: string): Promise<PendingResults[]> {
    const all = await this.valkey.api.hgetall(pendingResultsKey(boardId));
    return Object.entries(all).map(([periodId, raw]) => ({
      periodId,
      ...(JSON.parse(raw) as Omit<PendingResults, 'periodId'>),
    }));
  }

  async pendingOne(boardId: string, periodId: string): Promise<PendingResults | null> {
    const raw = await this.valkey.api.hget(pendingResultsKey(boardId), periodId);
    return raw ? { periodId, ...(JSON.parse(raw) as Omit<PendingResults, 'periodId'>) } : null;
  }

  /**
   * Stores the results unless they exist already (see write-results.lua); `archived` is the
   * archive's member count the entries were read at.
   */
  async write(
    generation: number,
    header: ResultsHeader,
    archived: number,
    entries: StoredResultEntry[],
  ): Promise<WriteOutcome> {
    const { leaderboardId: boardId, periodId } = header;
    const k = new BoardKeys(boardId);
    const pairs = entries.flatMap((e) => [e.playerId, JSON.stringify(e)]);
    const reply = await this.writeScript.run(
      this.valkey.api,
      [k.cfg, k.periodMeta, k.archived(periodId).z, resultsKey(boardId, periodId)],
      [String(generation), periodId, archived, JSON.stringify(header), ...pairs],
    );
    return String(reply) as WriteOutcome;
  }

  /** The stored results (entries best first), or null if there are none. */
  async read(
    boardId: string,
    periodId: string,
  ): Promise<{ header: ResultsHeader; entries: StoredResultEntry[] } | null> {
    const all = await this.valkey.api.hgetall(resultsKey(boardId, periodId));
    const head = all['#'];
    if (!head) return null;
    const entries: StoredResultEntry[] = [];
    for (const [field, raw] of Object.entries(all)) {
      if (field !== '#') entries.push(JSON.parse(raw) as StoredResultEntry);
    }
    entries.sort((a, b) => a.i - b.i);
    return { header: JSON.parse(head) as ResultsHeader, entries };
  }

  /** Drops the period's pending entry if it is of this generation; true if it was dropped. */
  async finish(boardId: string, periodId: string, generation: number): Promise<boolean> {
    const reply = await this.finishScript.run(
      this.valkey.api,
      [pendingResultsKey(boardId)],
      [periodId, String(generation)],
    );
    return reply === 1;
  }

  /** Removes the player from every stored result of the board; returns those periods' ids. */
  async erasePlayer(boardId: string, playerId: string): Promise<string[]> {
    const k = new BoardKeys(boardId);
    const reply = await this.eraseScript.run(
      this.valkey.api,
      [k.periods],
      [playerId, k.archivePrefix],
    );
    return (reply as string[]).map(String);
  }

  /** Drops the board's pending list (its `board.deleted` share; results go with the periods). */
  async drop(boardId: string): Promise<void> {
    await this.valkey.api.del(pendingResultsKey(boardId));
  }
}
