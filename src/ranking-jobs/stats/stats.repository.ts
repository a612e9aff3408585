import { Injectable } from '@nestjs/common';
import { LuaScript, ScriptReply } from '../../valkey/lua-script';
import { BoardKeys } from '../../leaderboard/board.keys';
import { statsKey } from './stats.keys';
import { ValkeyConnections } from '../../valkey/valkey-connections';
import type { BoardStats } from './stats';

export interface Probe {
  periodId: string;
  total: number;
  sequence: number;
  /** k values (see keys.ts) at the requested indices; null past the end */
  ks: (string | null)[];
  /** Subscores at the requested indices (null past the end); only on boards with tie-break columns. */
  subscores?: (number[] | null)[];
  counts: number[];
}

/** Owns `{lb:id}:stats` and the bounded reads the stats are computed from. */
@Injectable()
export class StatsRepository {
  private readonly probeScript = new LuaScript('stats-probe.lua', __dirname);
  private readonly saveScript = new LuaScript('save-stats.lua', __dirname);

  constructor(private readonly valkey: ValkeyConnections) {}

  /** k at each index (negative from the end) and member counts in inclusive k ranges. */
  async probe(
    boardId: string,
    indices: number[],
    kRanges: [string, string][],
  ): Promise<Probe | null> {
    const k = new BoardKeys(boardId);
    const reply = (await this.probeScript.run(
      this.valkey.api,
      [k.cfg, k.current.z, k.seq],
      [indices.length, ...indices, ...kRanges.flat()],
    )) as ScriptReply[][];
    const head = reply[0];
    if (head[0] !== 'OK') return null;
    const probe: Probe = {
      periodId: String(head[1]),
      total: Number(head[2]),
      sequence: Number(head[3]),
      ks: reply[1].map((v) => (v === '' ? null : String(v))),
      counts: reply[2].map(Number),
    };
    const subscores = reply[3] ?? [];
    if (subscores.some((v) => v !== '')) {
      probe.subscores = subscores.map((v) => (v ? String(v).split(',').map(Number) : null));
    }
    return probe;
  }

  /**
   * Stores stats computed for the board of this generation (its creation time); false, and
   * nothing written, if the board was deleted or re-created meanwhile.
   */
  async save(stats: BoardStats, generation: number): Promise<boolean> {
    const k = new BoardKeys(stats.leaderboardId);
    const reply = await this.saveScript.run(
      this.valkey.api,
      [k.cfg, statsKey(stats.leaderboardId)],
      [String(generation), JSON.stringify(stats)],
    );
    return reply === 1;
  }

  /** Drops the board's stats (its `board.deleted` share). */
  async drop(boardId: string): Promise<void> {
    await this.valkey.api.del(statsKey(boardId));
  }

  async load(boardId: string): Promise<BoardStats | null> {
    const raw = await this.valkey.api.get(statsKey(boardId));
    return raw ? (JSON.parse(raw) as BoardStats) : null;
  }
}
