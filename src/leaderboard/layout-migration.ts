import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { BoardsRepository } from './boards.repository';
import { LayoutMigrationRepository } from './layout-migration.repository';

/** Players converted per atomic step: a few milliseconds of Valkey time each (~4 ms measured). */
const STEP = 250;
/** After a pass, how often to look again for boards in an older layout (cheap: one HMGET each). */
const RECHECK_MS = 60_000;
const RETRY_MS = 1000;

export type BoardMigration = 'migrated' | 'already' | 'gone';

/**
 * Converts boards written in an older storage layout (board.keys.ts) to the current one. Every
 * process runs it at startup, api and worker alike (a deployment may start either first, and
 * until a board is converted the scripts refuse it with a 503): each step is one atomic script
 * that takes what is left, so processes racing on one board split the work instead of
 * repeating it. Then it looks again every minute, for a board restored from an older backup or
 * written by an instance of the previous version that was still running.
 */
@Injectable()
export class LayoutMigration implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LayoutMigration.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(
    private readonly repo: LayoutMigrationRepository,
    private readonly boards: BoardsRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.pass(), ms);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    try {
      await this.migrateAll();
      this.schedule(RECHECK_MS);
    } catch (err) {
      if (this.stopped) return;
      this.logger.warn(`Storage layout migration interrupted, retrying: ${(err as Error).message}`);
      this.schedule(RETRY_MS);
    }
  }

  /**
   * Migrates every registered board still in an older layout; resolves with how many this call
   * converted. Calls made while one runs share it.
   */
  migrateAll(): Promise<number> {
    this.running ??= this.runAll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runAll(): Promise<number> {
    // Ids still in an older version's registry set count too (BoardsService folds them as well).
    await this.boards.foldLegacyRegistry();
    const pending = await this.repo.pending(await this.boards.ids());
    let migrated = 0;
    for (const id of pending) {
      if (this.stopped) break;
      if ((await this.migrateBoard(id)) === 'migrated') migrated++;
    }
    return migrated;
  }

  /** Converts one board, its current and every archived period, in bounded atomic steps. */
  async migrateBoard(boardId: string): Promise<BoardMigration> {
    const started = Date.now();
    let steps = 0;
    // A period listed after the first look (a reset cannot run meanwhile: it refuses the board)
    // or converted by another process is picked up by the next round; two always suffice.
    for (let round = 0; round < 3; round++) {
      const periods = [null, ...(await this.repo.archivedPeriods(boardId))];
      for (const periodId of periods) {
        let cursor = '0';
        for (;;) {
          const step = await this.repo.migratePeriod(boardId, periodId, STEP, cursor);
          steps++;
          if (step.status === 'board-done') return 'already';
          if (step.status !== 'more') break;
          cursor = step.cursor;
        }
      }
      const done = await this.repo.finish(boardId);
      if (done.status === 'gone') return 'gone';
      if (done.status === 'done') {
        this.logger.log(
          `Board "${boardId}" converted to the current storage layout: ${periods.length} period(s), ${steps} step(s), ${Date.now() - started} ms`,
        );
        return 'migrated';
      }
    }
    throw new Error(`Board "${boardId}" still holds records in an older layout after 3 rounds`);
  }
}
