import { boardTag } from '../valkey/keys';
import type { PeriodRef } from './board';

/**
 * The board and standings key family (see valkey/keys.ts for the rule all keys follow).
 *
 * Per board:
 *   {lb:id}:cfg                 hash: board configuration + current period id and start
 *   {lb:id}:seq                 counter: the tie-break sequence (one per score change)
 *   {lb:id}:cur:z               zset: current period, member = seq(14 hex) + playerId, score = k
 *   {lb:id}:cur:h               hash: playerId -> "seq\tupdatedAt\tscore\tdisplayName\tmetadata"
 *   {lb:id}:cur:dz / :dc        dense boards only: distinct k values (zset) and their counts (hash)
 *   {lb:id}:arc:<period>:z|h|dz|dc  an archived period, same layout
 *   {lb:id}:periods             zset of archived period ids (score = archive time)
 *   {lb:id}:pmeta               hash: period id -> JSON {startedAt, endedAt, total}
 * Global:
 *   {valkran:boards}:ids        zset of board ids, every score 0 (so ordered by id): the registry
 *   valkran:boards              set of board ids: the registry before it was a zset; folded into
 *                               the zset at boot and by the sweep (older instances still add here)
 * Other features add their own keys under the same tag (stats, live state, idempotency, rate
 * counters); deleting a board drops these, and each feature drops its own on `board.deleted`.
 */
export interface PeriodKeys {
  z: string;
  h: string;
  dz: string;
  dc: string;
}

export const BOARD_REGISTRY_KEY = '{valkran:boards}:ids';
export const LEGACY_BOARD_REGISTRY_KEY = 'valkran:boards';

export class BoardKeys {
  readonly tag: string;
  constructor(readonly boardId: string) {
    this.tag = boardTag(boardId);
  }
  get cfg(): string {
    return `${this.tag}:cfg`;
  }
  get seq(): string {
    return `${this.tag}:seq`;
  }
  get periods(): string {
    return `${this.tag}:periods`;
  }
  get periodMeta(): string {
    return `${this.tag}:pmeta`;
  }
  get current(): PeriodKeys {
    return this.period('cur');
  }
  archived(periodId: string): PeriodKeys {
    return this.period(`arc:${periodId}`);
  }
  /** The keys of the current period or of an archived one. */
  of(period: PeriodRef): PeriodKeys {
    return period === 'current' ? this.current : this.archived(period.archived);
  }
  /** Prefix of every archived period's keys (scripts scan or unlink by it). */
  get archivePrefix(): string {
    return `${this.tag}:arc:`;
  }
  private period(infix: string): PeriodKeys {
    const base = `${this.tag}:${infix}`;
    return { z: `${base}:z`, h: `${base}:h`, dz: `${base}:dz`, dc: `${base}:dc` };
  }
}
