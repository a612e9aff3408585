import { boardTag } from '../valkey/keys';
import type { PeriodRef } from './board';

/**
 * The board and standings key family (see valkey/keys.ts for the rule all keys follow).
 *
 * Per board:
 *   {lb:id}:cfg        hash: board configuration, current period id and start, and `layout`, the
 *                      storage layout of every period of the board ('2'; absent = layout 1);
 *                      on a board with tie-break columns also `tiebreakers` (JSON) and `cols`,
 *                      one letter per column, its direction ('a' asc, 'd' desc)
 *   {lb:id}:seq        counter: the tie-break sequence (one INCR per score change)
 *   {lb:id}:ver        counter: the board's version, moved by every script that changes what a
 *                      read returns, starting at Valkey's clock in µs at creation; reads answer
 *                      "<createdAt>.<ver>" (a re-created board differs, even in the same ms)
 *   {lb:id}:cur:z|r|dz the current period (below)
 *   {lb:id}:arc:<period>:z|r|dz  an archived period, same layout (a reset renames cur:* to it)
 *   {lb:id}:arc:<period>:results the period's results (ranking-jobs/results/results.keys.ts),
 *                      unlinked with the period's other keys
 *   {lb:id}:periods    zset of archived period ids (score = archive time)
 *   {lb:id}:pmeta      hash: period id -> JSON {startedAt, endedAt, total}
 *
 * A period in layout 2 (valkey/standings.lib.lua reads it, standings-write.lib.lua writes it):
 *   z   zset, score k = -score on desc boards, score on asc boards (exact: |k| <= 2^53 - 1);
 *       member = the tie-break sequence as 7 big-endian bytes ‖ playerId. Equal k order by
 *       member bytes, i.e. by sequence: first to reach a score ranks first. 7 bytes hold every
 *       sequence number Lua counts exactly (2^53 - 1: 285 years at a million changes a second).
 *   r   hash of the player records, bucketed: field "<b>" (b = 0, 1, …) holds the entries
 *       "\n<playerId>\t<record>" of the players whose sha1(playerId) falls in bucket b. Linear
 *       hashing: field '#' holds the bucket count n, which grows by one bucket split whenever the
 *       period holds more than 12 players per bucket, so a bucket keeps ~12 entries (~400 bytes)
 *       on a 1k, 1M or 100M-player board alike; buckets never shrink (a period emptied by
 *       removals is dropped whole). A record is seq (14 hex digits) ‖ updatedAt ms (11 hex
 *       digits) ‖ displayName [‖ "\t" metadata JSON]; the score is not stored (it is k). An entry
 *       longer than 128 bytes keeps its record in field "!<playerId>" and the stub "!" in its
 *       bucket. The hash itself is one key per period: a reset renames it in O(1), and UNLINK
 *       frees it off the main thread.
 *   dz  dense boards only: zset of the distinct k values (member = k in decimal); how many players
 *       hold a k is ZCOUNT z k k, so layout 1's counts hash (dc) is gone.
 * A board with tie-break columns (issue 9; `cols` in cfg, fixed at creation) keeps the same three
 * keys, with the tuple at the front of each member and record:
 *   z   score k as above; member = sortable(k) ‖ sortable(c1) ‖ … ‖ sequence ‖ playerId, where
 *       sortable(v) is any safe integer as 7 bytes in numeric byte order (v + 2^53 - 1 for v < 0,
 *       else v with 0x20 added to its first byte) and a desc column's value is negated first.
 *       Member byte order is then the ranking order on its own, so the lex commands work across
 *       the whole zset: the players strictly better than a tuple are ZLEXCOUNT z - (<prefix>,
 *       those holding it ZLEXCOUNT z [<prefix> (<prefix>\xff (O(log N) each).
 *   r   a record carries k and the subscores in decimal, each followed by ',', between updatedAt
 *       and the displayName (a player's member cannot be found from the record otherwise).
 *   dz  dense boards: the distinct tuple prefixes (score k).
 * Boards without columns keep exactly the layout above (no `cols` field), so no migration.
 * Hidden players (shadow-ban; valkey/hidden.lib.lua, hidden-players.repository.ts):
 *   {lb:id}:hidden     set of the board's hidden players' ids (the global registry's, copied to
 *                      every board so its scripts stay in its slot)
 *   zh  per period (current and archived): zset of the hidden players' entries, same members and
 *       scores as they had in z (their records stay in r). Scripts name it after z (z .. 'h'),
 *       like the archived periods' keys below; a reset renames it with the period.
 * Every key a script touches is declared in its KEYS, except archived periods' keys in scripts
 * that visit every period (erase, delete, prune, the migration's last step): those derive them
 * from the archive prefix (`archivePrefix`), which carries the same hash tag as the declared cfg.
 *
 * Layout 1 (before): z member = 14 hex digits of the sequence ‖ playerId; h hash playerId ->
 * "seq\tupdatedAt\tscore\tdisplayName\tmetadata"; dense boards dz plus dc (k -> count).
 * Scripts refuse a board whose `layout` is not theirs (LAYOUT error reply, a 503 with
 * Retry-After); the layout migration (layout-migration.ts) converts each period in bounded
 * steps, building the new zset under `zn` until the period's h is empty, then gives it the name
 * `z`, and sets `layout` once no period holds layout-1 records.
 * A later layout gets its own number (`layout`, per board: every period of a board shares it).
 * Tie-break columns did not need one: only boards created with columns use them.
 *
 * Global:
 *   {valkran:boards}:ids        zset of board ids, every score 0 (so ordered by id): the registry
 *   valkran:boards              set of board ids: the registry before it was a zset; folded into
 *                               the zset at boot and by the sweep (older instances still add here)
 * Other features add their own keys under the same tag (stats, live state, idempotency, rate
 * counters); deleting a board drops these, and each feature drops its own on `board.deleted`.
 */
export interface PeriodKeys {
  /** ranking zset */
  z: string;
  /** bucketed player records */
  r: string;
  /** distinct k values (dense boards) */
  dz: string;
  /** hidden players' entries (same encoding as z) */
  zh: string;
}

/** A period's layout-1 keys and the zset a migration builds (layout-migration only). */
export interface LegacyPeriodKeys {
  z: string;
  h: string;
  dz: string;
  dc: string;
  /** the layout-2 zset being built; renamed to `z` once the period is converted */
  zn: string;
  r: string;
}

/** The storage layout this version reads and writes (cfg field `layout`). */
export const STORAGE_LAYOUT = '2';

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
  get version(): string {
    return `${this.tag}:ver`;
  }
  get periods(): string {
    return `${this.tag}:periods`;
  }
  get periodMeta(): string {
    return `${this.tag}:pmeta`;
  }
  /** The board's hidden players (a copy of the global registry's ids). */
  get hidden(): string {
    return `${this.tag}:hidden`;
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
  /** A period's layout-1 keys (null = the current period), for the migration. */
  legacy(periodId: string | null): LegacyPeriodKeys {
    const base = `${this.tag}:${periodId === null ? 'cur' : `arc:${periodId}`}`;
    return {
      z: `${base}:z`,
      h: `${base}:h`,
      dz: `${base}:dz`,
      dc: `${base}:dc`,
      zn: `${base}:zn`,
      r: `${base}:r`,
    };
  }
  /** Prefix of every archived period's keys (scripts scan or unlink by it). */
  get archivePrefix(): string {
    return `${this.tag}:arc:`;
  }
  private period(infix: string): PeriodKeys {
    const base = `${this.tag}:${infix}`;
    return { z: `${base}:z`, r: `${base}:r`, dz: `${base}:dz`, zh: `${base}:zh` };
  }
}
