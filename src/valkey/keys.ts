/**
 * The Valkey key layout. Every key of one board shares the `{lb:<id>}` hash tag, so a board
 * lives in one cluster slot and each Lua script touches exactly one slot.
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
 *   {lb:id}:idem:<sha256>       idempotency record, 24 h TTL
 *   {lb:id}:rl:p:<player>:<s>   per-player submission counter of second <s>, 2 s TTL
 *   {lb:id}:stats, {lb:id}:live:*   ranking stats and live-update state
 * Global:
 *   valkran:boards              set of board ids
 *   {rl:ip:<ip>}:<s>, {rl:key:<digest>}:<s>   per-IP read and per-API-key submit counters
 */
export interface PeriodKeys {
  z: string;
  h: string;
  dz: string;
  dc: string;
}

export const BOARD_REGISTRY_KEY = 'valkran:boards';

export class BoardKeys {
  readonly tag: string;
  constructor(readonly boardId: string) {
    this.tag = `{lb:${boardId}}`;
  }
  get cfg(): string {
    return `${this.tag}:cfg`;
  }
  get seq(): string {
    return `${this.tag}:seq`;
  }
  get stats(): string {
    return `${this.tag}:stats`;
  }
  /** Live-update state: snap, tops, players, pstate, gate. */
  live(what: 'snap' | 'tops' | 'players' | 'pstate' | 'gate'): string {
    return `${this.tag}:live:${what}`;
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
  /** The per-player submission counter of one one-second window. */
  playerRate(playerId: string, window: number): string {
    return `${this.tag}:rl:p:${playerId}:${window}`;
  }
  idempotency(digestHex: string): string {
    return `${this.tag}:idem:${digestHex}`;
  }
  private period(infix: string): PeriodKeys {
    const base = `${this.tag}:${infix}`;
    return { z: `${base}:z`, h: `${base}:h`, dz: `${base}:dz`, dc: `${base}:dc` };
  }
}
