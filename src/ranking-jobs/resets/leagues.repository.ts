import { Injectable } from '@nestjs/common';
import { LuaScript, ScriptReply } from '../../valkey/lua-script';
import { BoardKeys } from '../../leaderboard/board.keys';
import { ValkeyConnections } from '../../valkey/valkey-connections';

export type SettleStep =
  | { status: 'none' }
  | { status: 'progress'; periodId: string; moved: number; done: number; cohorts: number }
  | { status: 'done'; periodId: string; moved: number; movedInPeriod: number };

/**
 * The work budget of one settle step, in settle-leagues.lua's units (10 a cohort, 1 a player
 * moved; one unit is ~7 µs of Valkey time here): 40 is ~0.3 ms, so a step stays far below 10 ms
 * even when the shared machine stalls Valkey for a few ms mid-script (bench/leagues.mjs).
 */
export const SETTLE_STEP_BUDGET = 40;

/** League movements at a period close (settle-leagues.lua), in bounded atomic steps. */
@Injectable()
export class LeaguesRepository {
  private readonly settleScript = new LuaScript('settle-leagues.lua', __dirname);
  private readonly dropScript = new LuaScript('drop-cohorts.lua', __dirname);
  private readonly announcementsScript = new LuaScript('league-announcements.lua', __dirname);

  constructor(private readonly valkey: ValkeyConnections) {}

  /**
   * Settles up to `cohorts` cohorts of the board's oldest closed, unsettled period, stopping
   * once the step has done `budget` units of work (10 a cohort, 1 a player moved; at least one
   * cohort per step, see SETTLE_STEP_BUDGET).
   */
  async settleStep(
    boardId: string,
    cohorts: number,
    budget = SETTLE_STEP_BUDGET,
  ): Promise<SettleStep> {
    const reply = (await this.settleScript.run(
      this.valkey.api,
      [new BoardKeys(boardId).cfg],
      [cohorts, budget],
    )) as ScriptReply[];
    switch (reply[0]) {
      case 'PROGRESS':
        return {
          status: 'progress',
          periodId: String(reply[1]),
          moved: Number(reply[2]),
          done: Number(reply[3]),
          cohorts: Number(reply[4]),
        };
      case 'DONE':
        return {
          status: 'done',
          periodId: String(reply[1]),
          moved: Number(reply[2]),
          movedInPeriod: Number(reply[3]),
        };
      case null:
      default:
        return { status: 'none' };
    }
  }

  /**
   * The settled periods whose league.moved is still owed (oldest first), with the movements
   * recorded in each (kept with the debt: the period's cohort keys may be pruned first), and the
   * board's generation; see {@link announced}.
   */
  async owedAnnouncements(
    boardId: string,
  ): Promise<{ generation: number; owed: { periodId: string; moved: number }[] }> {
    const [generation, flat] = (await this.announcementsScript.run(
      this.valkey.api,
      [new BoardKeys(boardId).cfg],
      ['list'],
    )) as [ScriptReply, ScriptReply[]];
    const owed: { periodId: string; moved: number }[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      owed.push({ periodId: String(flat[i]), moved: Number(flat[i + 1]) });
    }
    return { generation: Number(generation), owed };
  }

  /** Marks a period's league.moved as announced. */
  async announced(boardId: string, periodId: string): Promise<void> {
    await this.announcementsScript.run(
      this.valkey.api,
      [new BoardKeys(boardId).cfg],
      ['done', periodId],
    );
  }

  /**
   * Drops up to `cohorts` cohorts' keys that nothing reads any more (a pruned period's, a deleted
   * board's); true when more may be left.
   */
  async dropStaleStep(boardId: string, cohorts: number): Promise<boolean> {
    const k = new BoardKeys(boardId);
    const reply = await this.dropScript.run(
      this.valkey.api,
      [k.cfg, k.periods, `${k.tag}:co:gens`],
      [cohorts],
    );
    return reply === 1;
  }
}
