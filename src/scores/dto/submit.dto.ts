import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsObject,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import type { SubmissionRow } from '../scores.repository';
import {
  IsOptionalNonNull,
  IsPlainObject,
  IsSafeInteger,
  MaxJsonBytes,
  QueryInteger,
} from '../../common/validation';
import { MAX_TIEBREAKERS, PLAYER_ID_PATTERN } from '../../leaderboard/board';

export class SubmitScoreDto {
  @ApiProperty({ example: 'alice', pattern: PLAYER_ID_PATTERN.source })
  @IsString()
  @Matches(PLAYER_ID_PATTERN, {
    message: 'playerId must be 1-128 characters from A-Z a-z 0-9 _ - . : @',
  })
  playerId!: string;

  @ApiProperty({
    example: 1200,
    description: 'An integer within the board bounds (any safe integer)',
  })
  @IsSafeInteger()
  score!: number;

  @ApiPropertyOptional({
    type: [Number],
    example: [3, 41250],
    minItems: 1,
    maxItems: MAX_TIEBREAKERS,
    description:
      'One safe integer per tie-break column of the board, in its column order: required on a board ' +
      'with columns (an `increment` of a player already on the board may leave them out to keep ' +
      'the current ones), refused on a board without',
  })
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TIEBREAKERS)
  @IsSafeInteger({
    each: true,
    message: 'each of $property must be an integer between -(2^53-1) and 2^53-1',
  })
  subscores?: number[];

  @ApiPropertyOptional({ example: 'Alice', minLength: 1, maxLength: 64 })
  @IsOptionalNonNull()
  @IsString()
  @Length(1, 64)
  @Matches(/^[^\p{Cc}]*$/u, { message: 'displayName must not contain control characters' })
  displayName?: string;

  @ApiPropertyOptional({
    example: { character: 'mage', level: 12 },
    type: Object,
    description: 'JSON object, at most 1 KiB serialized',
  })
  @IsOptionalNonNull()
  @IsPlainObject()
  @MaxJsonBytes(1024)
  metadata?: Record<string, unknown>;
}

export class SubmitBatchDto {
  @ApiProperty({ type: [SubmitScoreDto], minItems: 1, maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsObject({ each: true, message: 'each entry must be a JSON object' })
  @ValidateNested({ each: true })
  @Type(() => SubmitScoreDto)
  entries!: SubmitScoreDto[];
}

export class SubmitResultDto {
  @ApiProperty({ example: 'global' }) leaderboardId!: string;
  @ApiProperty({ example: '0000000001' }) periodId!: string;
  @ApiProperty({ example: 'alice' }) playerId!: string;
  @ApiProperty({ example: 1200, description: 'Score after the write' }) score!: number;
  @ApiPropertyOptional({
    type: [Number],
    example: [3, 41250],
    description:
      'Subscores after the write, one per tie-break column; present only on boards with tie-break columns',
  })
  subscores?: number[];
  @ApiProperty({ example: 3, description: 'Rank after the write' }) rank!: number;
  @ApiProperty({ example: 900, nullable: true, type: Number }) previousScore!: number | null;
  @ApiProperty({ example: 7, nullable: true, type: Number }) previousRank!: number | null;
  @ApiProperty({ example: true, description: 'False when the stored score did not change' })
  updated!: boolean;
  @ApiPropertyOptional({ example: 12, description: "Cohort boards: the player's cohort" })
  cohortId?: number;
  @ApiPropertyOptional({ example: 2, description: 'Cohort boards: rank within the cohort' })
  cohortRank?: number;
  @ApiPropertyOptional({ example: 50, description: "Cohort boards: the cohort's ranked players" })
  cohortTotal?: number;
}

/** Maps a stored submission outcome to the response DTO. */
export function toSubmitResult(
  leaderboardId: string,
  playerId: string,
  row: SubmissionRow,
): SubmitResultDto {
  return {
    leaderboardId,
    periodId: row.periodId,
    playerId,
    score: row.score,
    ...(row.subscores ? { subscores: row.subscores } : {}),
    rank: row.rank,
    previousScore: row.previousScore,
    previousRank: row.previousRank,
    updated: row.updated,
    ...(row.cohort ?? {}),
  };
}

export class BatchResultDto {
  @ApiProperty({ example: 'global' }) leaderboardId!: string;
  @ApiProperty({ type: [SubmitResultDto], description: 'One result per entry, in order' })
  results!: SubmitResultDto[];
}

export class SeedSubmitDto {
  @ApiProperty({ example: 'alice' })
  @IsString()
  @Matches(PLAYER_ID_PATTERN, {
    message: 'player_id must be 1-128 characters from A-Z a-z 0-9 _ - . : @',
  })
  player_id!: string;

  @ApiProperty({ example: 1200 })
  @IsSafeInteger()
  score!: number;
}

export class SeedSubmitResultDto {
  @ApiProperty({ example: 'alice' }) player_id!: string;
  @ApiProperty({ example: 1200 }) score!: number;
  @ApiProperty({ example: 3 }) rank!: number;
  @ApiProperty({ example: true }) updated!: boolean;
}

export class SeedEntryDto {
  @ApiProperty({ example: 'alice' }) player_id!: string;
  @ApiProperty({ example: 1200 }) score!: number;
}

export class PurgeQueryDto {
  @ApiProperty({ type: 'integer', example: 1000000, description: 'Inclusive lower bound' })
  @QueryInteger()
  @IsSafeInteger()
  minScore!: number;

  @ApiProperty({ type: 'integer', example: 9007199254740991, description: 'Inclusive upper bound' })
  @QueryInteger()
  @IsSafeInteger()
  maxScore!: number;
}

export class PurgeResultDto {
  @ApiProperty({ example: 3 }) removed!: number;
}

export class ErasedFromDto {
  @ApiProperty({ example: 'global' }) leaderboardId!: string;
  @ApiProperty({ example: '0000000001' }) periodId!: string;
}

export class EraseResultDto {
  @ApiProperty({ example: 'alice' }) playerId!: string;
  @ApiProperty({
    type: [ErasedFromDto],
    description: 'Every board period the player was removed from',
  })
  removedFrom!: ErasedFromDto[];
}
