import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { JobQueues } from '../queue/job-queues';
import { ValkeyConnections } from '../../valkey/valkey-connections';
import { shutdownStep } from '../../common/shutdown';
import { EventBus } from '../../events/event-bus';

/** How often changed boards are handed to the ranking queue (stats jobs). */
export const STATS_FLUSH_MS = 250;

/**
 * Turns a stream of writes into a handful of stats jobs. A `scores.changed` event only marks
 * its board as changed (a Set insert, no I/O); every STATS_FLUSH_MS the changed boards are enqueued,
 * one deduplicated job each. The cost per tick follows the number of changed boards, not the
 * number of submissions. A mark lost with a crashed process only delays stats until the next
 * write or the worker's periodic sweep, which re-checks every board.
 */
@Injectable()
export class StatsTrigger implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(StatsTrigger.name);
  private dirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly queues: JobQueues,
    private readonly valkey: ValkeyConnections,
    private readonly events: EventBus,
  ) {}

  onModuleInit(): void {
    this.events.on('scores.changed', (e) => this.changed(e.boardId));
    this.timer = setInterval(() => void this.flush(), STATS_FLUSH_MS);
    this.timer.unref();
  }

  changed(boardId: string): void {
    this.dirty.add(boardId);
  }

  async flush(): Promise<void> {
    if (this.flushing || this.dirty.size === 0) return;
    const boards = [...this.dirty];
    this.dirty = new Set();
    this.flushing = (async () => {
      const results = await Promise.allSettled(boards.map((id) => this.queues.recompute(id)));
      results.forEach((r, i) => {
        if (r.status === 'rejected') this.dirty.add(boards[i]); // retried next tick
      });
      const failed = results.filter((r) => r.status === 'rejected').length;
      if (failed) this.logger.warn(`Could not enqueue ranking for ${failed} board(s); will retry`);
    })();
    try {
      await this.flushing;
    } finally {
      this.flushing = null;
    }
  }

  /** Before the queues close: hand over the last marks, but never hold shutdown for long. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await shutdownStep(this.logger, 'hand over changed boards', 2000, async () => {
      if ((this.flushing || this.dirty.size > 0) && !(await this.valkey.reachable())) {
        // An enqueue would wait out its command timeout; the worker's periodic sweep finds
        // these boards again once Valkey is back.
        this.logger.warn('Valkey is unreachable: stats of changed boards wait for the sweep');
        return;
      }
      await this.flushing;
      await this.flush();
    });
  }
}
