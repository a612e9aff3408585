import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  IsCron,
  IsImmutable,
  IsJsonValue,
  IsOptionalNonNull,
  IsSafeInteger,
  IsTimeZone,
  MaxJsonBytes,
  QueryInteger,
} from '../../common/validation';
import { MAX_SCHEDULE_LENGTH } from '../schedule';
import {
  Board,
  BOARD_ID_PATTERN,
  DEFAULT_RESULTS_TOP,
  MAX_RESULTS_TOP,
  MAX_REWARDS,
  RANK_MODES,
  RankMode,
  SORT_ORDERS,
  SortOrder,
  UPDATE_MODES,
  UpdateMode,
} from '../board';

export class TierDto {
  @ApiProperty({ example: 'gold', minLength: 1, maxLength: 32 })
  @IsString()
  @Length(1, 32)
  name!: string;

  @ApiProperty({ example: 1, description: 'Players within this top percentage get the tier' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.0001)
  @Max(100)
  topPercent!: number;
}

/** OpenAPI for "any JSON value but null" (without it the reflected type would say object). */
export const ANY_JSON_VALUE = {
  oneOf: [
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'array', items: {} },
    { type: 'object' },
  ],
};

export class RewardDto {
  @ApiProperty({ example: 1, minimum: 1, maximum: MAX_RESULTS_TOP })
  @IsInt()
  @Min(1)
  @Max(MAX_RESULTS_TOP)
  fromRank!: number;

  @ApiProperty({
    example: 3,
    minimum: 1,
    maximum: MAX_RESULTS_TOP,
    description: 'Inclusive; at least fromRank and at most the board’s resultsTop',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_RESULTS_TOP)
  toRank!: number;

  @ApiProperty({
    ...ANY_JSON_VALUE,
    example: { gems: 500, badge: 'podium' },
    description: 'Any JSON value but null, at most 1 KiB serialized; passed through as given',
  })
  @IsJsonValue()
  @MaxJsonBytes(1024)
  reward!: unknown;
}

/** Fields that may change after creation (PATCH). */
export class MutableBoardFieldsDto {
  @ApiPropertyOptional({ example: 'Weekly Arena', minLength: 1, maxLength: 100 })
  @IsOptionalNonNull()
  @IsString()
  @Length(1, 100)
  title?: string;

  @ApiPropertyOptional({
    example: '0 0 * * 1',
    nullable: true,
    maxLength: MAX_SCHEDULE_LENGTH,
    description: 'Cron, 5 fields or 6 with seconds; null = never resets',
  })
  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsString()
  @MaxLength(MAX_SCHEDULE_LENGTH, {
    message: `$property must be at most ${MAX_SCHEDULE_LENGTH} characters`,
  })
  @IsCron()
  resetSchedule?: string | null;

  @ApiPropertyOptional({ example: 'Europe/Berlin', description: 'IANA time zone of the schedule' })
  @IsOptionalNonNull()
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ example: 0, description: 'Smallest allowed score (inclusive)' })
  @IsOptionalNonNull()
  @IsSafeInteger()
  minScore?: number;

  @ApiPropertyOptional({ example: 1000000, description: 'Largest allowed score (inclusive)' })
  @IsOptionalNonNull()
  @IsSafeInteger()
  maxScore?: number;

  @ApiPropertyOptional({ example: 7, minimum: 0, maximum: 365 })
  @IsOptionalNonNull()
  @IsInt()
  @Min(0)
  @Max(365)
  retainPeriods?: number;

  @ApiPropertyOptional({ type: [TierDto], maxItems: 10 })
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMaxSize(10)
  @IsObject({ each: true, message: 'each tier must be a JSON object' })
  @ValidateNested({ each: true })
  @Type(() => TierDto)
  tiers?: TierDto[];

  @ApiPropertyOptional({
    type: [RewardDto],
    maxItems: MAX_REWARDS,
    description:
      'Rewards by final rank, written into each closed period’s results; ranges must not overlap. ' +
      'Tied players whose ranks straddle two ranges all get the better range’s reward.',
  })
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMaxSize(MAX_REWARDS)
  @IsObject({ each: true, message: 'each reward must be a JSON object' })
  @ValidateNested({ each: true })
  @Type(() => RewardDto)
  rewards?: RewardDto[];

  @ApiPropertyOptional({
    example: DEFAULT_RESULTS_TOP,
    minimum: 1,
    maximum: MAX_RESULTS_TOP,
    default: DEFAULT_RESULTS_TOP,
    description: 'How many entries each closed period’s results hold',
  })
  @IsOptionalNonNull()
  @IsInt()
  @Min(1)
  @Max(MAX_RESULTS_TOP)
  resultsTop?: number;
}

export class CreateBoardDto extends MutableBoardFieldsDto {
  @ApiProperty({ example: 'weekly-arena', pattern: BOARD_ID_PATTERN.source })
  @IsString()
  @Matches(BOARD_ID_PATTERN, { message: 'id must match ^[a-z0-9][a-z0-9_-]{0,63}$' })
  id!: string;

  @ApiPropertyOptional({ enum: SORT_ORDERS, default: 'desc' })
  @IsOptionalNonNull()
  @IsIn(SORT_ORDERS)
  sortOrder?: SortOrder;

  @ApiPropertyOptional({ enum: UPDATE_MODES, default: 'best' })
  @IsOptionalNonNull()
  @IsIn(UPDATE_MODES)
  updateMode?: UpdateMode;

  @ApiPropertyOptional({ enum: RANK_MODES, default: 'ordinal' })
  @IsOptionalNonNull()
  @IsIn(RANK_MODES)
  rankMode?: RankMode;
}

export class UpdateBoardDto extends MutableBoardFieldsDto {
  @ApiPropertyOptional({ description: 'Immutable: rejected with 400', deprecated: true })
  @ValidateIf((_o, v) => v !== undefined)
  @IsImmutable()
  id?: unknown;

  @ApiPropertyOptional({ description: 'Immutable: rejected with 400', deprecated: true })
  @ValidateIf((_o, v) => v !== undefined)
  @IsImmutable()
  sortOrder?: unknown;

  @ApiPropertyOptional({ description: 'Immutable: rejected with 400', deprecated: true })
  @ValidateIf((_o, v) => v !== undefined)
  @IsImmutable()
  updateMode?: unknown;

  @ApiPropertyOptional({ description: 'Immutable: rejected with 400', deprecated: true })
  @ValidateIf((_o, v) => v !== undefined)
  @IsImmutable()
  rankMode?: unknown;
}

/** Most boards one page of the board list holds. */
export const MAX_BOARD_PAGE = 200;

export class BoardListQueryDto {
  @ApiPropertyOptional({ default: 0, minimum: 0, description: 'boards to skip, in id order' })
  @IsOptionalNonNull()
  @QueryInteger()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  offset: number = 0;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: MAX_BOARD_PAGE })
  @IsOptionalNonNull()
  @QueryInteger()
  @IsInt()
  @Min(1)
  @Max(MAX_BOARD_PAGE)
  limit: number = 100;
}

export class PeriodDto {
  @ApiProperty({ example: '0000000001' }) id!: string;
  @ApiProperty({ example: '2026-11-27T08:00:00.000Z' }) startedAt!: string;
  @ApiProperty({ nullable: true, type: String, example: null }) endsAt!: string | null;
}

export class BoardDto {
  @ApiProperty({ example: 'weekly-arena' }) id!: string;
  @ApiProperty({ example: 'Weekly Arena' }) title!: string;
  @ApiProperty({ enum: SORT_ORDERS }) sortOrder!: SortOrder;
  @ApiProperty({ enum: UPDATE_MODES }) updateMode!: UpdateMode;
  @ApiProperty({ enum: RANK_MODES }) rankMode!: RankMode;
  @ApiProperty({ nullable: true, type: String, example: '0 0 * * 1' }) resetSchedule!:
    string | null;
  @ApiProperty({ example: 'UTC' }) timezone!: string;
  @ApiProperty({ example: -9007199254740991 }) minScore!: number;
  @ApiProperty({ example: 9007199254740991 }) maxScore!: number;
  @ApiProperty({ example: 7 }) retainPeriods!: number;
  @ApiProperty({ type: [TierDto] }) tiers!: TierDto[];
  @ApiProperty({ type: [RewardDto] }) rewards!: RewardDto[];
  @ApiProperty({ example: DEFAULT_RESULTS_TOP }) resultsTop!: number;
  @ApiProperty({ example: 1520 }) memberCount!: number;
  @ApiProperty({ example: '2026-11-27T08:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ type: PeriodDto }) period!: PeriodDto;
  @ApiProperty({ nullable: true, type: String, example: null }) nextResetAt!: string | null;
}

export function toBoardDto(board: Board, memberCount: number, nextResetAt: Date | null): BoardDto {
  const next = nextResetAt ? nextResetAt.toISOString() : null;
  return {
    id: board.id,
    title: board.title,
    sortOrder: board.sortOrder,
    updateMode: board.updateMode,
    rankMode: board.rankMode,
    resetSchedule: board.resetSchedule,
    timezone: board.timezone,
    minScore: board.minScore,
    maxScore: board.maxScore,
    retainPeriods: board.retainPeriods,
    tiers: board.tiers.map((t) => ({ name: t.name, topPercent: t.topPercent })),
    rewards: board.rewards.map((r) => ({
      fromRank: r.fromRank,
      toRank: r.toRank,
      reward: r.reward,
    })),
    resultsTop: board.resultsTop,
    memberCount,
    createdAt: new Date(board.createdAt).toISOString(),
    period: {
      id: board.periodId,
      startedAt: new Date(board.periodStartedAt).toISOString(),
      endsAt: next,
    },
    nextResetAt: next,
  };
}
