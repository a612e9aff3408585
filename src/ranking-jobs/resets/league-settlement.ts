import { Injectable, Logger } from '@nestjs/common';
import { EventBus } from '../../events/event-bus';
import { LeaguesRepository } from './leagues.repository';

/**
 * The most cohorts one settle step takes; a step stops sooner, after a work budget of ~0.3 ms of
 * Valkey time (SETTLE_STEP_BUDGET; bench/leagues.mjs measures it), so no call nears 10 ms.
 */
export const SETTLE_COHORTS_PER_STEP = 1000;

/**
 * The most cohorts whose keys one drop step unlinks: 250 small sorted sets are ~0.3 ms (a big
 * period hash is unlinked in the background by Valkey's lazy free).
 */
export const DROP_COHORTS_PER_STEP = 250;

/**
 * The league half of a period close, run by the reset job after its reset script (on every
 * attempt, so a retry after a crash finishes what the crashed attempt began): promotions and
 * demotions of every closed period not settled yet, oldest first, in bounded atomic steps.
 */
@Injectable()
export class LeagueSettlement {
  private readonly logger = new Logger(LeagueSettlement.name);

  constructor(
    private readonly repo: LeaguesRepository,
    private readonly events: EventBus,
  ) {}

  /**
   * Drops the cohort keys of the board's pruned periods (once settled) and of a deleted board,
   * in steps of DROP_COHORTS_PER_STEP cohorts.
   */
  async dropStale(boardId: string): Promise<void> {
    while (await this.repo.dropStaleStep(boardId, DROP_COHORTS_PER_STEP));
  }

  /** Settles every closed period of the board; returns the periods this call finished. */
  async settle(boardId: string, cohortsPerStep = SETTLE_COHORTS_PER_STEP): Promise<string[]> {
    const finished: string[] = [];
    for (;;) {
      const step = await this.repo.settleStep(boardId, cohortsPerStep);
      if (step.status === 'none') {
        await this.announceOwed(boardId);
        // Periods pruned before they were settled are dropped once they are.
        if (finished.length > 0) await this.dropStale(boardId);
        return finished;
      }
      if (step.status === 'done') {
        finished.push(step.periodId);
        this.logger.log(
          `Leagues of ${boardId} settled for period ${step.periodId}: ${step.movedInPeriod} moved`,
        );
      }
    }
  }

  /**
   * Emits `league.moved` for every settled period still owing it, then marks it announced: the
   * step that finishes a period records the debt atomically with the movements, so a worker
   * killed before or during the announcement leaves it to the next settlement (the job's retry,
   * or the board's next close). At least once: two settlers racing, or a crash between the emit
   * and the mark, emit it again; the webhook delivery's id derives from board and period, so
   * it is queued once (while BullMQ keeps the completed job: a day, or the last 10,000).
   */
  private async announceOwed(boardId: string): Promise<void> {
    const { generation, owed } = await this.repo.owedAnnouncements(boardId);
    for (const { periodId, moved } of owed) {
      await this.events.emit('league.moved', { boardId, generation, periodId, moved });
      await this.repo.announced(boardId, periodId);
    }
  }
}
