import { Injectable } from '@nestjs/common';
import { LuaScript, ScriptReply } from '../valkey/lua-script';
import { BoardKeys, STORAGE_LAYOUT } from './board.keys';
import { ValkeyConnections } from '../valkey/valkey-connections';

/** What one step of a period's conversion did (see migrate-period.lua). */
export type PeriodStep =
  | { status: 'more'; left: number; cursor: string }
  | { status: 'period-done' }
  | { status: 'board-done' }
  | { status: 'gone' };

/** The storage-layout migration's Valkey side: which boards need it, and its atomic steps. */
@Injectable()
export class LayoutMigrationRepository {
  private readonly periodScript = new LuaScript('migrate-period.lua', __dirname);
  private readonly finishScript = new LuaScript('finish-migration.lua', __dirname);

  constructor(private readonly valkey: ValkeyConnections) {}

  /** Those of the given boards that exist in another layout than this version's. */
  async pending(boardIds: string[]): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < boardIds.length; i += 500) {
      const chunk = boardIds.slice(i, i + 500);
      const rows = await Promise.all(
        chunk.map((id) => this.valkey.api.hmget(new BoardKeys(id).cfg, 'createdAt', 'layout')),
      );
      rows.forEach(([createdAt, layout], j) => {
        if (createdAt !== null && layout !== STORAGE_LAYOUT) out.push(chunk[j]);
      });
    }
    return out;
  }

  async archivedPeriods(boardId: string): Promise<string[]> {
    return this.valkey.api.zrange(new BoardKeys(boardId).periods, '0', '-1');
  }

  /**
   * Converts about `count` players of one period (null = the current one), atomically, scanning
   * on from `cursor` ('0' to start; pass back the one a step returns).
   */
  async migratePeriod(
    boardId: string,
    periodId: string | null,
    count: number,
    cursor = '0',
  ): Promise<PeriodStep> {
    const k = new BoardKeys(boardId);
    const p = k.legacy(periodId);
    const reply = (await this.periodScript.run(
      this.valkey.api,
      [k.cfg, k.periods, p.z, p.h, p.dc, p.zn, p.r, p.dz],
      [periodId ?? '', count, cursor],
    )) as ScriptReply[];
    switch (reply[0]) {
      case 'MORE':
        return { status: 'more', left: Number(reply[1]), cursor: String(reply[2]) };
      case 'PERIOD_DONE':
        return { status: 'period-done' };
      case 'DONE':
        return { status: 'board-done' };
      case null:
      default:
        return { status: 'gone' };
    }
  }

  /**
   * Marks the board as converted when no period holds layout-1 records any more: 'pending'
   * names a period that still does ('' = the current one).
   */
  async finish(
    boardId: string,
  ): Promise<{ status: 'done' } | { status: 'gone' } | { status: 'pending'; periodId: string }> {
    const k = new BoardKeys(boardId);
    const reply = (await this.finishScript.run(
      this.valkey.api,
      [k.cfg, k.periods, k.legacy(null).h, k.version],
      [k.archivePrefix],
    )) as ScriptReply[];
    if (reply[0] === 'DONE') return { status: 'done' };
    if (reply[0] === 'PENDING') return { status: 'pending', periodId: String(reply[1]) };
    return { status: 'gone' };
  }
}
