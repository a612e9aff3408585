import { Injectable, OnModuleInit } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import { AppConfig } from '../config/app-config';
import { StandingsRepository } from '../leaderboard/standings.repository';
import { topPercent } from '../leaderboard/ranking';
import { RankingService } from '../ranking-jobs/ranking.service';
import { ResetsService } from '../ranking-jobs/resets.service';
import { BoardKeys } from '../valkey/keys';
import { ValkeyConnections } from '../valkey/valkey-connections';
import {
  LIVE_NAMESPACE,
  LiveSnapshot,
  MAX_TOP,
  PlayerState,
  rooms,
  TopRow,
  toTopRow,
} from './live';
import { LiveRepository } from './live.repository';

const sameRow = (a: TopRow | undefined, b: TopRow | undefined): boolean =>
  !!a &&
  !!b &&
  a.playerId === b.playerId &&
  a.score === b.score &&
  a.rank === b.rank &&
  a.displayName === b.displayName;

/** Index of the first top row that differs between two snapshots (= the length if none). */
export function firstDifference(before: TopRow[], after: TopRow[]): number {
  const n = Math.max(before.length, after.length);
  for (let i = 0; i < n; i++) if (!sameRow(before[i], after[i])) return i;
  return n;
}

/**
 * Turns ranking jobs into live events (runs where the jobs run: worker and all modes). Per
 * board and tick it reads one snapshot — the top 100 and the watched players — whatever the
 * number of sockets or submissions, diffs it against the last one, and emits only what
 * changed, to rooms, through the Valkey adapter so every api instance delivers it.
 */
@Injectable()
export class LivePublisher implements OnModuleInit {
  private readonly emitter: Emitter;
  private readonly intervalMs: number;

  constructor(
    private readonly live: LiveRepository,
    private readonly standings: StandingsRepository,
    private readonly ranking: RankingService,
    private readonly resets: ResetsService,
    config: AppConfig,
    valkey: ValkeyConnections,
  ) {
    this.intervalMs = Math.ceil(1000 / config.liveMaxHz);
    // The emitter does not handle rejected publishes either: same never-reject connection.
    this.emitter = new Emitter(
      valkey.create('live-emitter', {
        maxRetriesPerRequest: null,
        enableOfflineQueue: true,
        retryStrategy: (times: number) => Math.min(100 * times, 2000),
      }),
    );
  }

  onModuleInit(): void {
    this.ranking.computed.subscribe((stats) => this.publish(stats.leaderboardId));
    this.resets.resets.subscribe(async (e) => {
      this.emitter.of(LIVE_NAMESPACE).to(rooms.board(e.boardId)).emit('leaderboard.reset', {
        leaderboardId: e.boardId,
        archivedPeriodId: e.archivedPeriodId,
        periodId: e.periodId,
      });
      await Promise.resolve();
    });
  }

  private async read(
    boardId: string,
    players: string[],
  ): Promise<{ snap: LiveSnapshot; players: Map<string, PlayerState> } | null> {
    const keys = new BoardKeys(boardId).current;
    const [page, found] = await Promise.all([
      this.standings.page(boardId, keys, 0, MAX_TOP),
      players.length ? this.standings.players(boardId, keys, players) : null,
    ]);
    if (page.status !== 'ok') return null;
    const snap: LiveSnapshot = {
      periodId: page.header.periodId,
      total: page.header.total,
      top: page.rows.map(toTopRow),
    };
    const states = new Map<string, PlayerState>();
    if (found?.status === 'ok') {
      for (const row of found.rows) {
        states.set(
          row.playerId,
          row.entry ? { rank: row.entry.rank, score: row.entry.score } : null,
        );
      }
    }
    return { snap, players: states };
  }

  /** Publishes what changed on the board since the last publish, at most liveMaxHz times a second. */
  async publish(boardId: string): Promise<void> {
    let gate = await this.live.takeGate(boardId, this.intervalMs);
    while (gate && !gate.taken) {
      const { waitMs } = gate;
      await new Promise((r) => setTimeout(r, waitMs));
      gate = await this.live.takeGate(boardId, this.intervalMs);
    }
    if (!gate) return; // board deleted
    const generation = gate.generation;
    // Stamped when the slot is taken, so `at` values are LIVE_MAX_HZ apart however long the
    // reads below take.
    const at = new Date().toISOString();
    const watched = await this.live.watched(boardId);
    const [before, current, wasStates] = await Promise.all([
      this.live.lastSnapshot(boardId),
      this.read(boardId, watched.players),
      this.live.playerStates(boardId, watched.players),
    ]);
    if (!current) return;
    const after = current.snap;
    const newPeriod = !before || before.periodId !== after.periodId;
    const d = newPeriod ? 0 : firstDifference(before.top, after.top);
    // The top n changed iff a row before index n changed.
    const tops = watched.tops.filter(
      (n) => newPeriod || d < Math.min(n, Math.max(before.top.length, after.top.length)),
    );
    const changed = new Map<string, PlayerState>();
    watched.players.forEach((playerId, i) => {
      const was = newPeriod ? undefined : wasStates[i];
      const now = current.players.get(playerId) ?? null;
      const same = was !== undefined && was?.rank === now?.rank && was?.score === now?.score;
      if (same || (was === undefined && now === null && !newPeriod)) return;
      changed.set(playerId, now);
    });
    // Recorded before anything is sent: a publish that starts while this one is still
    // emitting (a slow tick outliving the gate) diffs against what this one sends, and does
    // not send it again.
    const saved = await this.live.save(
      boardId,
      { snapshot: after, players: changed, clearPlayers: newPeriod },
      { generation },
    );
    if (!saved) return; // board deleted (or re-created) meanwhile
    const ns = this.emitter.of(LIVE_NAMESPACE);
    for (const n of tops) {
      ns.to(rooms.top(boardId, n)).emit('leaderboard.top', {
        leaderboardId: boardId,
        periodId: after.periodId,
        entries: after.top.slice(0, n),
        at,
      });
    }
    for (const [playerId, now] of changed) {
      ns.to(rooms.player(boardId, playerId)).emit('player.rank', {
        leaderboardId: boardId,
        periodId: after.periodId,
        playerId,
        rank: now?.rank ?? null,
        score: now?.score ?? null,
        topPercent: now ? topPercent(now.rank, after.total) : null,
      });
    }
  }
}
