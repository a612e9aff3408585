import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { IsOptionalNonNull, QueryInteger } from '../../common/validation';
import { OffsetPageQuery } from '../../common/pagination';
import { PLAYER_ID_PATTERN } from '../board';
import type { RankedEntry, StandingsHeader } from '../standings.repository';
import { tierFor, topPercent } from '../rank-maths';
import { isoFromMs } from '../../common/iso-time';

/** A page of a board, a period or a cohort. */
export class PageQueryDto extends OffsetPageQuery({ defaultLimit: 25, maxLimit: 1000 }) {}

export class AroundQueryDto {
  @ApiPropertyOptional({ type: 'integer', default: 11, minimum: 1, maximum: 1000 })
  @IsOptionalNonNull()
  @QueryInteger()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 11;
}

export class LookupDto {
  @ApiProperty({ example: ['alice', 'bob', 'carol'], maxItems: 100 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(PLAYER_ID_PATTERN, {
    each: true,
    message: 'each playerId must be 1-128 of A-Z a-z 0-9 _ - . : @',
  })
  playerIds!: string[];
}

export class EntryDto {
  @ApiProperty({ example: 1 }) rank!: number;
  @ApiProperty({ example: 'alice' }) playerId!: string;
  @ApiProperty({ example: 1200 }) score!: number;
  @ApiPropertyOptional({
    type: [Number],
    example: [3, 41250],
    description:
      "One integer per tie-break column, in the board's column order; present only on boards with tie-break columns",
  })
  subscores?: number[];
  @ApiPropertyOptional({ example: 'Alice' }) displayName?: string;
  @ApiPropertyOptional({ example: { level: 12 }, type: Object }) metadata?: Record<string, unknown>;
  @ApiProperty({ example: '2026-11-27T08:00:00.000Z' }) updatedAt!: string;
}

export class PageDto {
  @ApiProperty({ example: 'global' }) leaderboardId!: string;
  @ApiProperty({ example: '0000000001' }) periodId!: string;
  @ApiProperty({ example: 1520 }) total!: number;
  @ApiProperty({ example: 0 }) offset!: number;
  @ApiProperty({ example: 25 }) limit!: number;
  @ApiProperty({ type: [EntryDto] }) entries!: EntryDto[];
}

export class AroundDto {
  @ApiProperty({ example: 'global' }) leaderboardId!: string;
  @ApiProperty({ example: '0000000001' }) periodId!: string;
  @ApiProperty({ example: 1520 }) total!: number;
  @ApiProperty({ example: 'alice' }) playerId!: string;
  @ApiProperty({ type: [EntryDto] }) entries!: EntryDto[];
}

export class PlayerDto extends EntryDto {
  @ApiProperty({ example: 'global' }) leaderboardId!: string;
  @ApiProperty({ example: '0000000001' }) periodId!: string;
  @ApiProperty({ example: 1520 }) total!: number;
  @ApiProperty({ example: 0.0658 }) topPercent!: number;
  @ApiPropertyOptional({ example: 'gold' }) tier?: string;
  @ApiPropertyOptional({
    example: 2,
    description:
      'Tournament boards with an entry rule (joinRequired, maxPlayers, maxAttempts), current period only: accepted submissions this period',
  })
  attempts?: number;
  @ApiPropertyOptional({
    example: 1,
    nullable: true,
    type: Number,
    description: 'With `attempts`: how many more are accepted this period (null = no maxAttempts)',
  })
  attemptsLeft?: number | null;
  @ApiPropertyOptional({ example: 12, description: "Cohort boards: the player's cohort" })
  cohortId?: number;
  @ApiPropertyOptional({
    example: 2,
    description: 'Cohort boards: rank within the cohort (same rank mode and ties)',
  })
  cohortRank?: number;
  @ApiPropertyOptional({ example: 50, description: "Cohort boards: the cohort's ranked players" })
  cohortTotal?: number;
  @ApiPropertyOptional({
    example: 'silver',
    description:
      "Boards with leagues: the player's league (archived periods: the league of their cohort)",
  })
  league?: string;
}

export class LookupResultDto {
  @ApiProperty({ example: 'global' }) leaderboardId!: string;
  @ApiProperty({ example: '0000000001' }) periodId!: string;
  @ApiProperty({ example: 1520 }) total!: number;
  @ApiProperty({ type: [PlayerDto], description: 'Found players, best rank first' })
  entries!: PlayerDto[];
  @ApiProperty({ example: ['zoe'], description: 'Requested ids not on the board' })
  missing!: string[];
}

export function toEntryDto(e: RankedEntry): EntryDto {
  const dto: EntryDto = {
    rank: e.rank,
    playerId: e.playerId,
    score: e.score,
    updatedAt: isoFromMs(e.updatedAt),
  };
  if (e.subscores !== undefined) dto.subscores = e.subscores;
  if (e.displayName !== undefined) dto.displayName = e.displayName;
  if (e.metadata !== undefined) dto.metadata = e.metadata;
  return dto;
}

export function toPlayerDto(leaderboardId: string, h: StandingsHeader, e: RankedEntry): PlayerDto {
  const percent = topPercent(e.rank, h.total);
  const tier = tierFor(h.tiers, percent);
  // Fields assigned in place (the entry's, then these, in this order) rather than spread into a
  // new object: four object spreads were the largest self time of our own code in a CPU profile
  // of player reads (issue 13).
  const dto = toEntryDto(e) as PlayerDto;
  dto.leaderboardId = leaderboardId;
  dto.periodId = h.periodId;
  dto.total = h.total;
  dto.topPercent = percent;
  if (tier !== undefined) dto.tier = tier;
  const c = e.cohort;
  if (c) {
    dto.cohortId = c.cohortId;
    if (c.cohortRank !== null) dto.cohortRank = c.cohortRank;
    dto.cohortTotal = c.cohortTotal;
    if (c.league) dto.league = c.league;
  }
  return dto;
}
