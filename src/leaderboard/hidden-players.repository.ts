import { Injectable } from '@nestjs/common';
import { LuaScript } from '../valkey/lua-script';
import { ValkeyConnections } from '../valkey/valkey-connections';
import { BoardKeys } from './board.keys';
import { HIDDEN_REGISTRY_KEYS as REG } from './hidden-players.keys';

/** A player's entry in the hidden registry. */
export interface HiddenRecord {
  hiddenAt: number;
  /** '' = none given */
  reason: string;
}

/** Entries one board's hide-players.lua call moved, or null when the board does not exist. */
export interface BoardMoves {
  current: number;
  archived: number;
}

function recordOf(value: string | null): HiddenRecord | null {
  if (!value) return null;
  const tab = value.indexOf('\t');
  return { hiddenAt: Number(value.slice(0, tab)), reason: value.slice(tab + 1) };
}

/**
 * Hidden players (shadow-ban): the global registry and each board's copy of it, with the scripts
 * that move a player's entries between a period's visible zset and its hidden one
 * (valkey/hidden.lib.lua).
 */
@Injectable()
export class HiddenPlayersRepository {
  private readonly setScript = new LuaScript('set-hidden.lua', __dirname);
  private readonly hideScript = new LuaScript('hide-players.lua', __dirname);
  private readonly seedScript = new LuaScript('seed-hidden.lua', __dirname);

  constructor(private readonly valkey: ValkeyConnections) {}

  private get client() {
    return this.valkey.api;
  }

  /** Writes the player's flag in the registry; returns the change's number and the record. */
  async record(
    playerId: string,
    hidden: boolean,
    reason: string,
  ): Promise<{ change: number; record: HiddenRecord | null }> {
    const [change, value] = (await this.setScript.run(
      this.client,
      [REG.players, REG.changes, REG.seq],
      [playerId, hidden ? '1' : '', reason],
    )) as [number, string];
    return { change: Number(change), record: recordOf(value) };
  }

  async get(playerId: string): Promise<HiddenRecord | null> {
    return recordOf(await this.client.hget(REG.players, playerId));
  }

  /**
   * The number of the player's last change, then whether they are hidden (read in that order: a
   * change between the two reads shows as a newer number on the next look).
   */
  async state(playerId: string): Promise<{ change: number; hidden: boolean }> {
    const change = Number((await this.client.hget(REG.changes, playerId)) ?? 0);
    const hidden = (await this.client.hexists(REG.players, playerId)) === 1;
    return { change, hidden };
  }

  /** The number of changes so far. */
  async changes(): Promise<number> {
    return Number((await this.client.get(REG.seq)) ?? 0);
  }

  /** Every hidden player's id. */
  async hiddenIds(): Promise<string[]> {
    return this.client.hkeys(REG.players);
  }

  /** The ids in a board's hidden set. */
  async marked(boardId: string): Promise<string[]> {
    return this.client.smembers(new BoardKeys(boardId).hidden);
  }

  /**
   * Hides (or shows) the players on one board, current and archived periods, atomically for the
   * board; null when the board does not exist.
   */
  async applyToBoard(
    boardId: string,
    hidden: boolean,
    playerIds: string[],
  ): Promise<BoardMoves | null> {
    const k = new BoardKeys(boardId);
    const cur = k.current;
    const reply = await this.hideScript.run(
      this.client,
      [k.cfg, k.hidden, k.periods, k.periodMeta, k.version, cur.z, cur.r, cur.dz, cur.zh],
      [hidden ? '1' : '', k.archivePrefix, ...playerIds],
    );
    if (!Array.isArray(reply)) return null;
    const [current, archived] = reply;
    return { current: Number(current), archived: Number(archived) };
  }

  /**
   * Seeds the hidden set of a board that does not exist yet (`first`: the first chunk, which
   * drops a set left behind); false, and nothing written, once the board exists.
   */
  async seed(boardId: string, playerIds: string[], first: boolean): Promise<boolean> {
    const k = new BoardKeys(boardId);
    const reply = await this.seedScript.run(
      this.client,
      [k.cfg, k.hidden],
      [first ? '1' : '', ...playerIds],
    );
    return reply === 1;
  }
}
