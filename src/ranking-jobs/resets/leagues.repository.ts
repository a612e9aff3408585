import { Injectable } from '@nestjs/common';
import { LuaScript, ScriptReply } from '../../valkey/lua-script';
import { BoardKeys } from '../../leaderboard/board.keys';
import { ValkeyConnections } from '../../valkey/valkey-connections';

export type SettleStep =
  | { status: 'none' }
  | { status: 'progress'; periodId: string; moved: number; done: number; cohorts: number }
  | { status: 'done'; periodId: string; moved: number; movedInPeriod: number };

/** League movements at a period close (settle-leagues.lua), in bounded atomic steps. */
@Injectable()
export class LeaguesRepository {
  private readonly settleScript = new LuaScript('settle-leagues.lua', __dirname);

  constructor(private readonly valkey: ValkeyConnections) {}

  /** Settles up to `cohorts` cohorts of the board's oldest closed, unsettled period. */
  async settleStep(boardId: string, cohorts: number): Promise<SettleStep> {
    const reply = (await this.settleScript.run(
      this.valkey.api,
      [new BoardKeys(boardId).cfg],
      [cohorts],
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
}
