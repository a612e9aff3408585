import { Injectable, Logger } from '@nestjs/common';
import { EventBus } from '../../events/event-bus';
import { LeaguesRepository } from './leagues.repository';

/**
 * Cohorts per settle step: a step of 200 cohorts of 50 (promote and demote 5) measured a few ms
 * of Valkey time (npm run bench:leagues), well under the 10 ms any one call may take.
 */
export const SETTLE_COHORTS_PER_STEP = 200;

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

  /** Settles every closed period of the board; returns the periods this call finished. */
  async settle(boardId: string, cohortsPerStep = SETTLE_COHORTS_PER_STEP): Promise<string[]> {
    const finished: string[] = [];
    for (;;) {
      const step = await this.repo.settleStep(boardId, cohortsPerStep);
      if (step.status === 'none') return finished;
      if (step.status === 'done') {
        finished.push(step.periodId);
        this.logger.log(
          `Leagues of ${boardId} settled for period ${step.periodId}: ${step.movedInPeriod} moved`,
        );
        // Once per period: only the step that finished it gets here.
        await this.events.emit('league.moved', {
          boardId,
          periodId: step.periodId,
          moved: step.movedInPeriod,
        });
      }
    }
  }
}
