import { Injectable } from '@nestjs/common';
import { ProblemException } from '../common/problem';
import { RateLimiter, RateState } from '../common/rate-limiter';
import { boardNotFound } from '../leaderboard/board';
import { JoinResultDto } from './dto/join.dto';
import { entryRefusalProblem } from './entry-rules';
import { JoinsRepository } from './joins.repository';

/** Joining a tournament board's current period (README "Tournaments"). */
@Injectable()
export class JoinsService {
  constructor(
    private readonly repo: JoinsRepository,
    private readonly limiter: RateLimiter,
  ) {}

  /**
   * Seats the player (a no-op when seated already). Charged like a submission of one score:
   * the per-key and per-player limits, only when the join is accepted.
   */
  async join(
    boardId: string,
    playerId: string,
    apiKeyDigest = '',
  ): Promise<{ result: JoinResultDto; rate: RateState | null }> {
    const limits = await this.limiter.planSubmission(boardId, [playerId], apiKeyDigest);
    if (limits.refused) throw this.limiter.reject(limits.refused);
    const outcome = await this.repo.join(boardId, playerId, limits.inScript, null);
    switch (outcome.status) {
      case 'joined': {
        const outside = await this.limiter.chargeAccepted(limits);
        return {
          result: {
            leaderboardId: boardId,
            periodId: outcome.periodId,
            playerId,
            joined: true,
            players: outcome.players,
          },
          rate: RateLimiter.tightest(outcome.rate, outside),
        };
      }
      case 'board-not-found':
        throw boardNotFound(boardId);
      case 'no-entry-rules':
        throw new ProblemException(
          409,
          'no-entry-rules',
          `Leaderboard "${boardId}" takes no joins: it sets none of joinRequired, maxPlayers, maxAttempts.`,
        );
      case 'rate-limited':
        throw this.limiter.reject(outcome.spec);
      case 'entry-refused':
        throw entryRefusalProblem(boardId, outcome, '');
    }
  }
}
