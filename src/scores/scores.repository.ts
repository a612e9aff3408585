import { Injectable, Optional } from '@nestjs/common';
import { LuaScript, ScriptReply } from '../valkey/lua-script';
import { BoardKeys } from '../leaderboard/board.keys';
import { idempotencyKey } from './scores.keys';
import type { Fingerprint } from './fingerprint';
import { ValkeyClient, ValkeyConnections } from '../valkey/valkey-connections';
import { ValkeyNotReplicatedError } from '../valkey/valkey-errors';
import { AppConfig } from '../config/app-config';
import { LimitSpec, RateLimiter, RateState } from '../common/rate-limiter';
import { entrantsKey } from '../leaderboard/tournament.keys';
import { decodeEntryRefusal, EntryRefused } from './entry-rules';

export interface SubmissionInput {
  playerId: string;
  score: number;
  /** One per tie-break column of the board (checked by the submit script). */
  subscores?: number[];
  displayName?: string;
  metadata?: Record<string, unknown>;
}

/** A player's standing after one submission, as the script reports it. */
export interface SubmissionRow {
  periodId: string;
  score: number;
  rank: number;
  previousScore: number | null;
  previousRank: number | null;
  updated: boolean;
  updatedAt: number;
  /** After the write; absent on boards without tie-break columns. */
  subscores?: number[];
  /**
   * On cohort boards: the player's cohort and standing in it after the write (cohortRank absent:
   * the player has no place in the cohort's view, hidden say).
   */
  cohort?: { cohortId: number; cohortRank?: number; cohortTotal: number };
}

/** Why the submit script refused the subscores (see parseSubs in submit.lib.lua). */
export type SubscoresProblem = 'none' | 'count' | 'required';

export type SubmitOutcome<T> =
  | { status: 'ok'; value: T; replayed: boolean; rate: RateState | null; updateMode?: string }
  | { status: 'rate-limited'; spec: LimitSpec }
  | { status: 'board-not-found' }
  | { status: 'idempotency-conflict' }
  | { status: 'out-of-bounds'; min: number; max: number; result: number; index: number }
  | { status: 'bad-subscores'; reason: SubscoresProblem; columns: number; index: number }
  | EntryRefused;

function decodeRow(line: string): SubmissionRow {
  const [
    periodId,
    score,
    rank,
    previousScore,
    previousRank,
    updated,
    updatedAt,
    subscores,
    cohortId,
    cohortRank,
    cohortTotal,
  ] = line.split('\t');
  const row: SubmissionRow = {
    periodId,
    score: Number(score),
    rank: Number(rank),
    previousScore: previousScore === '' ? null : Number(previousScore),
    previousRank: previousRank === '' ? null : Number(previousRank),
    updated: updated === '1',
    updatedAt: Number(updatedAt),
  };
  // Absent from rows recorded (for idempotent replays) before boards had columns.
  if (subscores) row.subscores = subscores.split(',').map(Number);
  if (cohortId) {
    row.cohort = {
      cohortId: Number(cohortId),
      // '' when the player has no place in the cohort's view (a hidden player's submit that
      // changed nothing): left out, as their own reads leave it out, rather than read as 0.
      ...(cohortRank ? { cohortRank: Number(cohortRank) } : {}),
      cohortTotal: Number(cohortTotal),
    };
  }
  return row;
}

/** Subscores as the scripts take them: decimal, comma-separated; '' = none sent. */
const subscoresArg = (e: SubmissionInput): string => e.subscores?.map(String).join(',') ?? '';

function entryArgs(e: SubmissionInput): string[] {
  return [
    e.playerId,
    String(e.score),
    e.displayName ?? '',
    e.metadata !== undefined ? JSON.stringify(e.metadata) : '',
    subscoresArg(e),
  ];
}

/** Writes to a board's standings: submissions, removals, purges. Each is one Lua call. */
@Injectable()
export class ScoresRepository {
  private readonly submitScript = new LuaScript('submit.lua', __dirname, { asFunction: true });
  private readonly batchScript = new LuaScript('submit-batch.lua', __dirname, { asFunction: true });
  private readonly removeScript = new LuaScript('remove.lua', __dirname);
  private readonly purgeScript = new LuaScript('purge.lua', __dirname);
  private readonly eraseScript = new LuaScript('erase.lua', __dirname);

  /**
   * Durable writes (VALKEY_DURABLE_WRITES=replicas): submits go over a connection of their own,
   * each followed by WAIT 1, which blocks that connection (not the API's reads) until a replica
   * has everything it wrote.
   */
  private readonly durable: { client: ValkeyClient; waitMs: number } | null = null;

  constructor(
    private readonly valkey: ValkeyConnections,
    @Optional() config?: AppConfig,
  ) {
    if (config?.durableWrites === 'replicas') {
      this.durable = {
        client: valkey.create('durable-writes', {
          enableOfflineQueue: false,
          commandTimeout: config.valkeyCommandTimeoutMs,
          maxRetriesPerRequest: 0,
          connectTimeout: 2000,
          retryStrategy: (times) => Math.min(50 * times, 1000),
        }),
        // The server-side wait ends before the client's command timeout would fire.
        waitMs: Math.max(10, Math.floor(config.valkeyCommandTimeoutMs / 2)),
      };
    }
  }

  /**
   * Runs a submit script. In durable mode, an accepted or replayed submission is only returned
   * once a replica has it; otherwise its outcome is unknown (applied on the master, maybe lost
   * on a failover): ValkeyNotReplicatedError, a 503 saying so.
   */
  private async runSubmit(
    script: LuaScript,
    keys: string[],
    args: (string | number)[],
  ): Promise<ScriptReply[]> {
    if (!this.durable) return (await script.run(this.valkey.api, keys, args)) as ScriptReply[];
    const { reply, replicas } = await script.runReplicated(
      this.durable.client,
      keys,
      args,
      1,
      this.durable.waitMs,
    );
    const rows = reply as ScriptReply[];
    if ((rows[0] === 'OK' || rows[0] === 'REPLAY') && replicas < 1) {
      throw new ValkeyNotReplicatedError(replicas, 1);
    }
    return rows;
  }

  private submitKeys(boardId: string, fp: Fingerprint, limits: LimitSpec[]): string[] {
    const k = new BoardKeys(boardId);
    const cur = k.current;
    const record = idempotencyKey(boardId, fp.keyDigest || 'none');
    return [
      k.cfg,
      k.seq,
      cur.z,
      cur.r,
      cur.dz,
      k.version,
      record,
      fp.keyDigest && fp.legacyKeyDigest ? idempotencyKey(boardId, fp.legacyKeyDigest) : record,
      ...limits.map((l) => l.key),
      entrantsKey(boardId), // last: the tournament rules' (submit.lua)
    ];
  }

  private outcome<T>(
    reply: ScriptReply[],
    decode: (encoded: string) => T,
    limits: LimitSpec[],
    refusedOutside: LimitSpec | null,
  ): SubmitOutcome<T> {
    switch (reply[0]) {
      case 'OK':
        return {
          status: 'ok',
          value: decode(String(reply[1])),
          replayed: false,
          rate: limits.length
            ? { limit: Number(reply[2]), remaining: Math.max(0, Number(reply[3])) }
            : null,
          updateMode: String(reply[4]),
        };
      case 'REPLAY':
        return {
          status: 'ok',
          value: decode(String(reply[1])),
          replayed: true,
          rate: limits.length ? { limit: Number(reply[2]), remaining: Number(reply[3]) } : null,
        };
      case 'RATE_LIMITED': {
        const index = Number(reply[1]);
        const spec = index === 0 ? refusedOutside : limits[index - 1];
        if (!spec) throw new Error(`Unexpected rate-limit index ${index}`);
        return { status: 'rate-limited', spec };
      }
      case 'NOT_FOUND':
        return { status: 'board-not-found' };
      case 'IDEMPOTENCY_CONFLICT':
        return { status: 'idempotency-conflict' };
      case 'SUBSCORES':
        return {
          status: 'bad-subscores',
          reason: String(reply[1]) as SubscoresProblem,
          columns: Number(reply[2]),
          index: reply[3] === undefined ? 0 : Number(reply[3]),
        };
      case 'OUT_OF_BOUNDS':
        return {
          status: 'out-of-bounds',
          min: Number(reply[1]),
          max: Number(reply[2]),
          result: Number(reply[3]),
          index: reply[4] === undefined ? 0 : Number(reply[4]),
        };
      case 'ENTRY_REFUSED':
        return decodeEntryRefusal(reply);
      case null:
      default:
        throw new Error(`Unexpected submit reply ${JSON.stringify(reply[0])}`);
    }
  }

  /**
   * Applies one submission atomically (rate limits, mode, tie-break, metadata, idempotency)
   * in one round trip. The fingerprint's key digest is '' when there was no Idempotency-Key.
   * The `limits` counters must live in the board's slot on a cluster. `refusedOutside`: a
   * counter checked outside the script that has no room; only an idempotent replay passes, and
   * anything else is refused naming it.
   */
  async submit(
    boardId: string,
    entry: SubmissionInput,
    fp: Fingerprint,
    limits: LimitSpec[] = [],
    refusedOutside: LimitSpec | null = null,
  ): Promise<SubmitOutcome<SubmissionRow>> {
    const reply = await this.runSubmit(this.submitScript, this.submitKeys(boardId, fp, limits), [
      ...RateLimiter.args(limits),
      refusedOutside ? '1' : '',
      ...entryArgs(entry).slice(0, 4),
      fp.keyDigest ? fp.bodyDigest : '',
      subscoresArg(entry),
    ]);
    return this.outcome(reply, decodeRow, limits, refusedOutside);
  }

  /** Applies a whole batch atomically, all or nothing, in one round trip. */
  async submitBatch(
    boardId: string,
    entries: SubmissionInput[],
    fp: Fingerprint,
    limits: LimitSpec[] = [],
    refusedOutside: LimitSpec | null = null,
  ): Promise<SubmitOutcome<SubmissionRow[]>> {
    const reply = await this.runSubmit(this.batchScript, this.submitKeys(boardId, fp, limits), [
      ...RateLimiter.args(limits),
      refusedOutside ? '1' : '',
      fp.keyDigest ? fp.bodyDigest : '',
      ...entries.flatMap(entryArgs),
    ]);
    return this.outcome(
      reply,
      (encoded) => encoded.split('\n').map(decodeRow),
      limits,
      refusedOutside,
    );
  }

  private currentKeys(boardId: string): string[] {
    const k = new BoardKeys(boardId);
    const cur = k.current;
    return [k.cfg, cur.z, cur.r, cur.dz, k.version];
  }

  /** Removes a player from the current period: 'removed', 'absent' or 'board-not-found'. */
  async remove(
    boardId: string,
    playerId: string,
  ): Promise<'removed' | 'absent' | 'board-not-found'> {
    const r = await this.removeScript.run(this.valkey.api, this.currentKeys(boardId), [playerId]);
    return r === 1 ? 'removed' : r === 0 ? 'absent' : 'board-not-found';
  }

  /** Removes up to `chunk` players with min <= score <= max; -1 if the board does not exist. */
  async purgeChunk(
    boardId: string,
    minScore: number,
    maxScore: number,
    chunk: number,
  ): Promise<number> {
    return Number(
      await this.purgeScript.run(this.valkey.api, this.currentKeys(boardId), [
        String(minScore),
        String(maxScore),
        chunk,
      ]),
    );
  }

  /**
   * Removes a player from a board's current and archived periods in one atomic script;
   * returns the period ids it was removed from, the current period's first.
   */
  async eraseEverywhere(boardId: string, playerId: string): Promise<string[]> {
    const k = new BoardKeys(boardId);
    const cur = k.current;
    const reply = await this.eraseScript.run(
      this.valkey.api,
      [k.cfg, cur.z, cur.r, cur.dz, k.periods, k.version, entrantsKey(boardId)],
      [playerId, k.archivePrefix],
    );
    return (reply as ScriptReply[]).map(String);
  }
}
