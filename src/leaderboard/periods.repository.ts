import { Injectable } from '@nestjs/common';
import { BoardKeys } from './board.keys';
import { ValkeyConnections } from '../valkey/valkey-connections';

export interface ArchivedPeriod {
  id: string;
  startedAt: number;
  endedAt: number;
  total: number;
}

/** Reads the archive index (`{lb:id}:periods`, `{lb:id}:pmeta`); resets write it. */
@Injectable()
export class PeriodsRepository {
  constructor(private readonly valkey: ValkeyConnections) {}

  /** Archived periods, newest first. */
  async list(boardId: string): Promise<ArchivedPeriod[]> {
    const k = new BoardKeys(boardId);
    const ids = await this.valkey.api.zrevrange(k.periods, 0, -1);
    if (ids.length === 0) return [];
    const metas = await this.valkey.api.hmget(k.periodMeta, ...ids);
    return ids.flatMap((id, i) => {
      const meta = metas[i];
      if (!meta) return [];
      const m = JSON.parse(meta) as Omit<ArchivedPeriod, 'id'>;
      return [{ id, startedAt: m.startedAt, endedAt: m.endedAt, total: m.total }];
    });
  }

  async get(boardId: string, periodId: string): Promise<ArchivedPeriod | null> {
    const meta = await this.valkey.api.hget(new BoardKeys(boardId).periodMeta, periodId);
    if (!meta) return null;
    return { id: periodId, ...(JSON.parse(meta) as Omit<ArchivedPeriod, 'id'>) };
  }
}
