import { Injectable } from '@nestjs/common';
import { LuaScript, ScriptReply } from '../valkey/lua-script';
import { BoardKeys } from './board.keys';
import { ValkeyConnections } from '../valkey/valkey-connections';
import { PeriodRef, Tier } from './board';

/** One ranked row as stored, decoded. */
export interface RankedEntry {
  rank: number;
  /** The tie-break sequence (fixed-width hex): orders equal scores, earliest first. */
  sequence: string;
  playerId: string;
  score: number;
  displayName?: string;
  metadata?: Record<string, unknown>;
  updatedAt: number;
}

export interface StandingsHeader {
  periodId: string;
  periodStartedAt: number;
  total: number;
  tiers: Tier[];
}

export type StandingsRead<T> =
  | { status: 'ok'; header: StandingsHeader; rows: T }
  | { status: 'board-not-found' }
  | { status: 'player-not-found' };

/** Decodes "seq\tupdatedAt\tscore\tdisplayName\tmetadata" (see standings.lib.lua). */
export function decodeEntry(playerId: string, packed: string, rank: number): RankedEntry {
  // Neither field can hold a raw tab: display names reject control characters and JSON
  // escapes them inside strings.
  const [sequence, updatedAt, score, displayName, metadata] = packed.split('\t');
  const entry: RankedEntry = {
    rank,
    sequence,
    playerId,
    score: Number(score),
    updatedAt: Number(updatedAt),
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
  for (let i = 0; i < flat.length; i += 3) {
    const playerId = String(flat[i]);
    const packed = String(flat[i + 1]);
    out.push({
      playerId,
      entry: packed ? decodeEntry(playerId, packed, Number(flat[i + 2])) : null,
    });
  }
  return out;
}

/**
 * Reads of a period's standings. Each read is one Lua call: O(log N + M) whatever the offset.
 */
@Injectable()
export class StandingsRepository {
  private readonly pageScript = new LuaScript('page.lua', __dirname);
  private readonly aroundScript = new LuaScript('around.lua', __dirname);
  private readonly playersScript = new LuaScript('players.lua', __dirname);

  constructor(private readonly valkey: ValkeyConnections) {}

  private keysFor(boardId: string, period: PeriodRef): string[] {
    const k = new BoardKeys(boardId);
    const p = k.of(period);
    return [k.cfg, p.z, p.h, p.dz];
  }

  private async read(
    script: LuaScript,
    keys: string[],
    args: (string | number)[],
  ): Promise<StandingsRead<{ playerId: string; entry: RankedEntry | null }[]>> {
    const reply = (await script.run(this.valkey.api, keys, args)) as ScriptReply[];
    const header = reply[0] as ScriptReply[];
    if (header[0] === 'NOT_FOUND') return { status: 'board-not-found' };
    if (header[0] === 'PLAYER_NOT_FOUND') return { status: 'player-not-found' };
    return {
      status: 'ok',
      header: decodeHeader(header),
      rows: decodeRows(reply[1] as ScriptReply[]),
    };
  }

  async page(
    boardId: string,
    period: PeriodRef,
    offset: number,
    limit: number,
  ): Promise<StandingsRead<RankedEntry[]>> {
    const r = await this.read(this.pageScript, this.keysFor(boardId, period), [offset, limit]);
    return r.status === 'ok' ? { ...r, rows: r.rows.map((row) => row.entry as RankedEntry) } : r;
  }

  async around(
    boardId: string,
    period: PeriodRef,
    playerId: string,
    limit: number,
  ): Promise<StandingsRead<RankedEntry[]>> {
    const r = await this.read(this.aroundScript, this.keysFor(boardId, period), [playerId, limit]);
    return r.status === 'ok' ? { ...r, rows: r.rows.map((row) => row.entry as RankedEntry) } : r;
  }

  /** The given players' entries in request order; null for players not on the board. */
  async players(
    boardId: string,
    period: PeriodRef,
    playerIds: string[],
  ): Promise<StandingsRead<{ playerId: string; entry: RankedEntry | null }[]>> {
    return this.read(this.playersScript, this.keysFor(boardId, period), playerIds);
  }
}
