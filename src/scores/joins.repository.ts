import { Injectable } from '@nestjs/common';
import { LimitSpec, RateLimiter, RateState } from '../common/rate-limiter';
import { BoardKeys } from '../leaderboard/board.keys';
import { entrantsKey } from '../leaderboard/tournament.keys';
import { LuaScript, ScriptReply } from '../valkey/lua-script';
import { ValkeyConnections } from '../valkey/valkey-connections';
import { decodeEntryRefusal, EntryRefused } from './entry-rules';

export type JoinOutcome =
  | {
      status: 'joined';
      periodId: string;
      /** Seats taken in the period, this player's included. */
      players: number;
      /** False when the player had joined (or submitted) already: nothing changed. */
      seatedNow: boolean;
      rate: RateState | null;
    }
  | { status: 'board-not-found' }
  | { status: 'no-entry-rules' }
  | { status: 'rate-limited'; spec: LimitSpec }
  | EntryRefused;

/** Joins to a tournament board's current period: one atomic script per join. */
@Injectable()
export class JoinsRepository {
  private readonly joinScript = new LuaScript('join.lua', __dirname);

  constructor(private readonly valkey: ValkeyConnections) {}

  /**
   * Seats the player in the board's current period unless a rule refuses it. The `limits`
   * counters (in the board's slot) are checked and charged in the script; `refusedOutside`: a
   * counter checked outside it had no room (the join is refused naming it).
   */
  async join(
    boardId: string,
    playerId: string,
    limits: LimitSpec[],
    refusedOutside: LimitSpec | null,
  ): Promise<JoinOutcome> {
    const reply = (await this.joinScript.run(
      this.valkey.api,
      [new BoardKeys(boardId).cfg, entrantsKey(boardId), ...limits.map((l) => l.key)],
      [...RateLimiter.args(limits), refusedOutside ? '1' : '', playerId],
    )) as ScriptReply[];
    switch (reply[0]) {
      case 'JOINED':
        return {
          status: 'joined',
          periodId: String(reply[1]),
          players: Number(reply[2]),
          seatedNow: Number(reply[3]) === 1,
          rate: limits.length
            ? { limit: Number(reply[4]), remaining: Math.max(0, Number(reply[5])) }
            : null,
        };
      case 'NOT_FOUND':
        return { status: 'board-not-found' };
      case 'NO_ENTRY_RULES':
        return { status: 'no-entry-rules' };
      case 'RATE_LIMITED': {
        const index = Number(reply[1]);
        const spec = index === 0 ? refusedOutside : limits[index - 1];
        if (!spec) throw new Error(`Unexpected rate-limit index ${index}`);
        return { status: 'rate-limited', spec };
      }
      case 'ENTRY_REFUSED':
        return decodeEntryRefusal(reply);
      case null:
      default:
        throw new Error(`Unexpected join reply ${JSON.stringify(reply[0])}`);
    }
  }
}
