import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OffsetPageQuery } from '../../common/pagination';
import type { RankedEntry, StandingsHeader } from '../standings.repository';
import { tierFor, topPercent } from '../rank-maths';

/** The most boards one page of a player's standings holds (as for the board list). */
export const MAX_STANDINGS_PAGE = 200;

export class PlayerStandingsQueryDto extends OffsetPageQuery({
  defaultLimit: 100,
  maxLimit: MAX_STANDINGS_PAGE,
  offsetDescription: "entries to skip (boards holding the player's entry, in id order)",
}) {}

/** A player's current-period entry on one board. */
export class BoardStandingDto {
  @ApiProperty({ example: 'time-trial' }) leaderboardId!: string;
  @ApiProperty({ example: '0000000003' }) periodId!: string;
  @ApiProperty({ example: 12 }) rank!: number;
  @ApiProperty({ example: 1520, description: "players in the board's current period" })
  total!: number;
  @ApiProperty({ example: 73120 }) score!: number;
  @ApiPropertyOptional({
    type: [Number],
    example: [3, 41],
    description: 'the tie-break column values, on a board with `tiebreakers` (absent otherwise)',
  })
  subscores?: number[];
  @ApiProperty({ example: 0.789, description: 'rank / total × 100' }) topPercent!: number;
  @ApiPropertyOptional({
    example: 'gold',
    description: "the board's tightest tier the player is within; absent when none",
  })
  tier?: string;
  @ApiPropertyOptional({ example: 12, description: "cohort boards: the player's cohort" })
  cohortId?: number;
  @ApiPropertyOptional({
    example: 2,
    description: 'cohort boards: rank within the cohort (same rank mode and ties)',
  })
  cohortRank?: number;
}

export class PlayerStandingsDto {
  @ApiProperty({ example: 'alice' }) playerId!: string;
  @ApiProperty({ example: 3, description: 'boards holding an entry of the player, in all' })
  total!: number;
  @ApiProperty({ example: 0 }) offset!: number;
  @ApiProperty({ example: 100 }) limit!: number;
  @ApiProperty({ type: [BoardStandingDto], description: 'in board id order' })
  entries!: BoardStandingDto[];
}

export function toBoardStandingDto(
  leaderboardId: string,
  h: StandingsHeader,
  e: RankedEntry,
): BoardStandingDto {
  const percent = topPercent(e.rank, h.total);
  const tier = tierFor(h.tiers, percent);
  return {
    leaderboardId,
    periodId: h.periodId,
    rank: e.rank,
    total: h.total,
    score: e.score,
    ...(e.subscores !== undefined ? { subscores: e.subscores } : {}),
    topPercent: percent,
    ...(tier !== undefined ? { tier } : {}),
    ...(e.cohort ? { cohortId: e.cohort.cohortId } : {}),
    ...(e.cohort && e.cohort.cohortRank !== null ? { cohortRank: e.cohort.cohortRank } : {}),
  };
}
