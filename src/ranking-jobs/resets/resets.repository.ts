import { Injectable } from '@nestjs/common';
import { LuaScript, ScriptReply } from '../../valkey/lua-script';
import { BoardKeys } from '../../leaderboard/board.keys';
import { ValkeyConnections } from '../../valkey/valkey-connections';
import { pendingResultsKey } from '../results/results.keys';

export type ResetOutcome =
  | { status: 'reset'; archivedPeriodId: string; periodId: string; endedAt: number }
  | { status: 'stale'; periodId: string }
  | { status: 'skipped'; periodId: string }
  | { status: 'board-not-found' };

/** Owns period rollover: archiving the current period and dropping old archives. */
@Injectable()
export class ResetsRepository {
  private readonly resetScript = new LuaScript('reset.lua', __dirname);
  private readonly pruneScript = new LuaScript('prune-periods.lua', __dirname);

  constructor(private readonly valkey: ValkeyConnections) {}

  /**
   * Archives `expectedPeriodId` if it is still current (and, for a scheduled reset, started
   * before the fire time, under the schedule the fire time was computed from) and opens the
   * next period, in one atomic script. With a `generation`, a board of another generation (the
   * id deleted and created again) counts as not found; without one, any board of the id does.
   * `tournamentEnd`: the fire time is the board's tournament endsAt (the close at the end).
   */
  async reset(
    boardId: string,
    expectedPeriodId: string,
    scheduled: {
      fireAt: number;
      schedule: string;
      timezone: string;
      tournamentEnd?: boolean;
    } | null,
    generation?: number,
  ): Promise<ResetOutcome> {
    const k = new BoardKeys(boardId);
    const cur = k.current;
    const arc = k.archived(expectedPeriodId);
    const reply = (await this.resetScript.run(
      this.valkey.api,
      [
        k.cfg,
        cur.z,
        cur.r,
        cur.dz,
        k.periods,
        k.periodMeta,
        arc.z,
        arc.r,
        arc.dz,
        k.version,
        pendingResultsKey(boardId),
      ],
      [
        ...(scheduled
          ? [
              expectedPeriodId,
              String(scheduled.fireAt),
              `${scheduled.schedule}\t${scheduled.timezone}`,
            ]
          : [expectedPeriodId, '', '']),
        generation === undefined ? '' : String(generation),
        scheduled?.tournamentEnd ? '1' : '',
      ],
    )) as ScriptReply[];
    switch (reply[0]) {
      case 'RESET':
        return {
          status: 'reset',
          archivedPeriodId: String(reply[1]),
          periodId: String(reply[2]),
          endedAt: Number(reply[3]),
        };
      case 'STALE':
        return { status: 'stale', periodId: String(reply[1]) };
      case 'SKIPPED':
        return { status: 'skipped', periodId: String(reply[1]) };
      case 'NOT_FOUND':
      case null:
      default:
        return { status: 'board-not-found' };
    }
  }

  /**
   * Drops the oldest archive beyond `retain`; returns its id, or null if none was dropped (none
   * beyond, or the oldest one's results are still to be written).
   */
  async pruneOne(boardId: string, retain: number): Promise<string | null> {
    const k = new BoardKeys(boardId);
    const dropped = await this.pruneScript.run(
      this.valkey.api,
      [k.periods, k.periodMeta, k.cfg, k.version, pendingResultsKey(boardId)],
      [retain, k.archivePrefix],
    );
    return dropped ? String(dropped) : null;
  }

  async archivedCount(boardId: string): Promise<number> {
    return this.valkey.api.zcard(new BoardKeys(boardId).periods);
  }
}
