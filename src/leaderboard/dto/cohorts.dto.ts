import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
