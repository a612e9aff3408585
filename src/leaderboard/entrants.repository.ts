import { Injectable } from '@nestjs/common';
import { LuaScript, ScriptReply } from '../valkey/lua-script';
import { ValkeyConnections } from '../valkey/valkey-connections';
import { BoardKeys } from './board.keys';
import { entrantsKey } from './tournament.keys';

/** A player's attempts in the current period; null on a board that counts none. */
export interface Attempts {
  attempts: number;
  /** null = no maxAttempts */
  maxAttempts: number | null;
}

/** Reads of a tournament board's entrants (seats and attempts of the current period). */
@Injectable()
export class EntrantsRepository {
  private readonly attemptsScript = new LuaScript('attempts.lua', __dirname);

  constructor(private readonly valkey: ValkeyConnections) {}

  async attempts(boardId: string, playerId: string): Promise<Attempts | null> {
    const [counting, attempts, max] = (await this.attemptsScript.run(
      this.valkey.api,
      [new BoardKeys(boardId).cfg, entrantsKey(boardId)],
      [playerId],
    )) as ScriptReply[];
    if (counting !== '1') return null;
    return { attempts: Number(attempts), maxAttempts: max === '' ? null : Number(max) };
  }
}
