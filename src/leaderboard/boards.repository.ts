import { Injectable } from '@nestjs/common';
import { LuaScript } from '../valkey/lua-script';
import { BOARD_REGISTRY_KEY, BoardKeys, LEGACY_BOARD_REGISTRY_KEY } from './board.keys';
import { entrantsKey } from './tournament.keys';
import { ValkeyConnections } from '../valkey/valkey-connections';
import {
  Board,
  DEFAULT_RESULTS_TOP,
  League,
  MutableSettings,
  RankMode,
  Reward,
  SortOrder,
  Tiebreaker,
  Tier,
  UpdateMode,
} from './board';

type BoardHash = Record<string, string>;

export interface BoardRow {
  board: Board;
  memberCount: number;
}

function toHash(fields: Partial<Board>): string[] {
  const out: string[] = [];
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (field === 'tiebreakers') {
      // A board without columns keeps exactly the configuration it always had. The scripts read
      // `cols`: one letter per column, its direction (see valkey/standings.lib.lua).
      const columns = value as Tiebreaker[];
      if (columns.length === 0) continue;
      out.push(
        'tiebreakers',
        JSON.stringify(columns.map((c) => ({ name: c.name, order: c.order }))),
      );
      out.push('cols', columns.map((c) => (c.order === 'asc' ? 'a' : 'd')).join(''));
      continue;
    }
    let text: string;
    if (value === null) text = '';
    else if (typeof value === 'object') text = JSON.stringify(value);
    else text = String(value);
    out.push(field === 'periodId' ? 'period' : field, text);
  }
  return out;
}

function fromHash(h: BoardHash): Board {
  const board: Board = {
    id: h.id,
    title: h.title,
    sortOrder: h.sortOrder as SortOrder,
    updateMode: h.updateMode as UpdateMode,
    rankMode: h.rankMode as RankMode,
    resetSchedule: h.resetSchedule ? h.resetSchedule : null,
    timezone: h.timezone,
    minScore: Number(h.minScore),
    maxScore: Number(h.maxScore),
    retainPeriods: Number(h.retainPeriods),
    tiers: JSON.parse(h.tiers || '[]') as Tier[],
    cohortSize: h.cohortSize ? Number(h.cohortSize) : null,
    leagues: JSON.parse(h.leagues || '[]') as League[],
    demoteInactive: h.demoteInactive === 'true',
    // Boards created before rewards existed have neither field.
    rewards: JSON.parse(h.rewards || '[]') as Reward[],
    resultsTop: h.resultsTop ? Number(h.resultsTop) : DEFAULT_RESULTS_TOP,
    createdAt: Number(h.createdAt),
    periodId: h.period,
    periodStartedAt: Number(h.periodStartedAt),
    // Tournament options: absent in boards created before they existed.
    startsAt: optionalNumber(h.startsAt),
    endsAt: optionalNumber(h.endsAt),
    activeFor: optionalNumber(h.activeFor),
    joinRequired: h.joinRequired === 'true',
    maxPlayers: optionalNumber(h.maxPlayers),
    maxAttempts: optionalNumber(h.maxAttempts),
  };
  if (h.tiebreakers) board.tiebreakers = JSON.parse(h.tiebreakers) as Tiebreaker[];
  return board;
}

const optionalNumber = (v: string | undefined): number | null => (v ? Number(v) : null);

/** Owns board configuration keys and the board registry. */
@Injectable()
export class BoardsRepository {
  private readonly createScript = new LuaScript('create-board.lua', __dirname);
  private readonly updateScript = new LuaScript('update-board.lua', __dirname);
  private readonly deleteScript = new LuaScript('delete-board.lua', __dirname);
  private readonly registerScript = new LuaScript('register-board.lua', __dirname);

  constructor(private readonly valkey: ValkeyConnections) {}

  private get client() {
    return this.valkey.api;
  }

  /**
   * Registers the id unless `max` boards are registered already (0 = no cap): true if the board
   * may be created. Atomic, so concurrent creations on any number of instances never pass the
   * cap; an id registered already is always admitted.
   */
  async admit(id: string, max: number): Promise<boolean> {
    return (await this.registerScript.run(this.client, [BOARD_REGISTRY_KEY], [id, max])) === 1;
  }

  /** Creates the board; false if a board with that id already exists. */
  async create(board: Board): Promise<boolean> {
    const keys = new BoardKeys(board.id);
    const created = await this.createScript.run(
      this.client,
      [keys.cfg, keys.version],
      toHash(board),
    );
    // The registry is written even when the board existed, healing a crash between the steps.
    await this.client.zadd(BOARD_REGISTRY_KEY, 0, board.id);
    return created === 1;
  }

  /**
   * Moves ids from the registry's former set (versions before the sorted registry, which may
   * still run during a rolling upgrade) into the registry; returns how many. Each id is removed
   * from the set only after it is in the registry, so one added meanwhile waits for next time.
   */
  async foldLegacyRegistry(): Promise<number> {
    const ids = await this.client.smembers(LEGACY_BOARD_REGISTRY_KEY);
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      await this.client.zadd(BOARD_REGISTRY_KEY, ...chunk.flatMap((id) => [0, id]));
      await this.client.srem(LEGACY_BOARD_REGISTRY_KEY, ...chunk);
    }
    return ids.length;
  }

  async get(id: string): Promise<Board | null> {
    const h = await this.client.hgetall(new BoardKeys(id).cfg);
    return h && h.id ? fromHash(h) : null;
  }

  /** Every registered board id, in id order. */
  async ids(): Promise<string[]> {
    return this.client.zrange(BOARD_REGISTRY_KEY, '0', '-1');
  }

  /** Every board and its current member count, in id order (jobs; the API pages). */
  async list(): Promise<BoardRow[]> {
    return this.rowsOf(await this.ids());
  }

  /**
   * A page of boards in id order with their current member counts, and how many ids are
   * registered: O(log N + limit) whatever the number of boards.
   */
  async page(offset: number, limit: number): Promise<{ rows: BoardRow[]; total: number }> {
    const [ids, total] = await Promise.all([
      this.client.zrange(BOARD_REGISTRY_KEY, String(offset), String(offset + limit - 1)),
      this.client.zcard(BOARD_REGISTRY_KEY),
    ]);
    return { rows: await this.rowsOf(ids), total };
  }

  /** Skips ids whose board vanished (deleted meanwhile, or a creation that crashed). */
  private async rowsOf(ids: string[]): Promise<BoardRow[]> {
    const rows = await Promise.all(
      ids.map(async (id) => {
        const [board, memberCount] = await Promise.all([this.get(id), this.memberCount(id)]);
        return board ? { board, memberCount } : null;
      }),
    );
    return rows.filter((r): r is BoardRow => r !== null);
  }

  async memberCount(id: string): Promise<number> {
    // While a board's layout migration runs, its current players are split between the
    // layout-1 zset and the one being built (board.keys.ts); either is empty otherwise.
    const k = new BoardKeys(id);
    const [z, zn] = await Promise.all([
      this.client.zcard(k.current.z),
      this.client.zcard(k.legacy(null).zn),
    ]);
    return z + zn;
  }

  /** The board's tie-break sequence: it moves with every score change. */
  async sequence(id: string): Promise<number> {
    return Number((await this.client.get(new BoardKeys(id).seq)) ?? 0);
  }

  /**
   * Writes changed settings atomically; 'bounds' if they would leave minScore > maxScore,
   * 'ended' if they move startsAt/endsAt of a tournament that has ended (Valkey's clock),
   * 'instants' if they would leave startsAt at or after endsAt.
   */
  async update(
    id: string,
    changes: Partial<MutableSettings>,
  ): Promise<'updated' | 'not-found' | 'bounds' | 'ended' | 'instants'> {
    const fields = toHash(changes);
    if (fields.length === 0) return (await this.get(id)) ? 'updated' : 'not-found';
    const k = new BoardKeys(id);
    const r = await this.updateScript.run(this.client, [k.cfg, k.version], fields);
    if (r === -2) return 'ended';
    if (r === -3) return 'instants';
    return r === 1 ? 'updated' : r === -1 ? 'bounds' : 'not-found';
  }

  /**
   * Deletes the board and all its periods; false if it did not exist. Other features' keys of
   * the board (stats, live state) are theirs to drop, on `board.deleted`; until then their
   * writes are refused, because every one of them checks the board's generation.
   */
  async delete(id: string): Promise<boolean> {
    const k = new BoardKeys(id);
    const cur = k.legacy(null);
    const existed = await this.deleteScript.run(
      this.client,
      [
        k.cfg,
        k.seq,
        k.periods,
        k.periodMeta,
        k.version,
        cur.z,
        cur.r,
        cur.dz,
        cur.h,
        cur.dc,
        cur.zn,
        entrantsKey(id),
        k.current.zh,
        k.hidden,
      ],
      [k.archivePrefix],
    );
    await Promise.all([
      this.client.zrem(BOARD_REGISTRY_KEY, id),
      this.client.srem(LEGACY_BOARD_REGISTRY_KEY, id),
    ]);
    return existed === 1;
  }
}
