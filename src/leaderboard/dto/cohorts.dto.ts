import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { RankedEntry } from '../standings.repository';
import type { CohortRow } from '../cohorts.repository';
import { EntryDto, toEntryDto } from './standings.dto';

export class CohortDto {
  @ApiProperty({
    example: 3,
    description: 'Cohorts are numbered 1, 2, … per period, in opening order',
  })
  cohortId!: number;
  @ApiPropertyOptional({
    example: 'silver',
    description: "The cohort's league (boards with leagues)",
  })
  league?: string;
  @ApiProperty({ example: 50, description: 'Players ranked in the cohort' }) size!: number;
}

export class CohortListDto {
  @ApiProperty({ example: 'weekly' }) leaderboardId!: string;
  @ApiProperty({ example: '0000000001' }) periodId!: string;
  @ApiProperty({ example: 20000, description: 'Cohorts opened in the period' }) total!: number;
  @ApiProperty({ example: 0 }) offset!: number;
  @ApiProperty({ example: 25 }) limit!: number;
  @ApiProperty({ type: [CohortDto] }) cohorts!: CohortDto[];
}

export class CohortPageDto {
  @ApiProperty({ example: 'weekly' }) leaderboardId!: string;
  @ApiProperty({ example: '0000000001' }) periodId!: string;
  @ApiProperty({ example: 3 }) cohortId!: number;
  @ApiPropertyOptional({ example: 'silver' }) league?: string;
  @ApiProperty({ example: 50, description: 'Players ranked in the cohort' }) total!: number;
  @ApiProperty({ example: 0 }) offset!: number;
  @ApiProperty({ example: 25 }) limit!: number;
  @ApiProperty({ type: [EntryDto], description: 'Ranks are within the cohort' })
  entries!: EntryDto[];
}

export class PlayerCohortDto {
  @ApiProperty({ example: 'weekly' }) leaderboardId!: string;
  @ApiProperty({ example: '0000000001' }) periodId!: string;
  @ApiProperty({ example: 'alice' }) playerId!: string;
  @ApiProperty({ example: 3 }) cohortId!: number;
  @ApiPropertyOptional({ example: 'silver' }) league?: string;
  @ApiProperty({ example: 50, description: 'Players ranked in the cohort' }) total!: number;
  @ApiProperty({
    example: 4,
    nullable: true,
    type: Number,
    description: "The player's rank in the cohort (null if removed from the period)",
  })
  cohortRank!: number | null;
  @ApiProperty({ type: [EntryDto], description: 'The whole cohort, best first' })
  entries!: EntryDto[];
}

export const toCohortDto = (c: CohortRow): CohortDto => ({
  cohortId: c.cohortId,
  ...(c.league ? { league: c.league } : {}),
  size: c.size,
});

export function toCohortEntries(entries: RankedEntry[]): EntryDto[] {
  return entries.map(toEntryDto);
}

export class LeagueCountDto {
  @ApiProperty({ example: 'silver' }) name!: string;
  @ApiProperty({ example: 1200, description: 'Players whose league this is' }) players!: number;
}

export class LeaguesDto {
  @ApiProperty({ example: 'weekly' }) leaderboardId!: string;
  @ApiProperty({ type: [LeagueCountDto], description: 'Lowest league first' })
  leagues!: LeagueCountDto[];
  @ApiProperty({
    example: 0,
    description:
      'Closed periods whose movements the reset job is still applying (counts are final at 0)',
  })
  pendingPeriods!: number;
}

export class MovementDto {
  @ApiProperty({ example: 'alice' }) playerId!: string;
  @ApiProperty({ example: 'silver' }) from!: string;
  @ApiProperty({ example: 'gold' }) to!: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 3,
    description: 'null: demoted for not playing in the period (demoteInactive)',
  })
  cohortId!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 1,
    description: 'Final rank in the cohort (null: demoted for not playing)',
  })
  cohortRank!: number | null;
}

export class MovementsDto {
  @ApiProperty({ example: 'weekly' }) leaderboardId!: string;
  @ApiProperty({ example: '0000000001' }) periodId!: string;
  @ApiProperty({
    example: true,
    description: "False while the reset job is still applying this period's movements",
  })
  settled!: boolean;
  @ApiProperty({ example: 4000, description: 'Movements recorded so far' }) total!: number;
  @ApiProperty({ example: 0 }) offset!: number;
  @ApiProperty({ example: 25 }) limit!: number;
  @ApiProperty({ type: [MovementDto], description: 'In the order they were applied (by cohort)' })
  movements!: MovementDto[];
}

export class SetLeagueDto {
  @ApiProperty({ example: 'gold', description: "One of the board's league names" })
  @IsString()
  @Length(1, 32)
  league!: string;
}

export class PlayerLeagueDto {
  @ApiProperty({ example: 'weekly' }) leaderboardId!: string;
  @ApiProperty({ example: 'alice' }) playerId!: string;
  @ApiProperty({ example: 'gold' }) league!: string;
  @ApiProperty({
    example: 'silver',
    nullable: true,
    type: String,
    description: 'null: a new player',
  })
  previousLeague!: string | null;
}
