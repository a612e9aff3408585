import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
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
  registerDecorator,
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
  UniqueNames,
} from '../../common/validation';
import { OffsetPageQuery } from '../../common/pagination';
import { MAX_SCHEDULE_LENGTH } from '../schedule';
import {
  Board,
  BOARD_ID_PATTERN,
  MAX_TIEBREAKERS,
  MAX_COHORT_SIZE,
  MAX_LEAGUES,
  MIN_COHORT_SIZE,
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
import {
  MAX_ACTIVE_FOR_SECONDS,
  MAX_ENTRY_LIMIT,
  parseInstant,
  TournamentSettings,
} from '../tournament';

/** An ISO-8601 instant with a time zone designator (`Z` or an offset). */
const IsInstant = (): PropertyDecorator => (target: object, propertyName: string | symbol) =>
  registerDecorator({
    name: 'isInstant',
    target: target.constructor,
    propertyName: propertyName as string,
    options: {
      message:
        '$property must be an ISO-8601 instant such as 2026-11-27T18:00:00Z (with Z or an offset)',
    },
    validator: { validate: (v: unknown) => parseInstant(v) !== null },
  });

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

export class TiebreakerDto {
  @ApiProperty({ example: 'deaths', minLength: 1, maxLength: 32 })
  @IsString()
  @Length(1, 32)
  @Matches(/^[^\p{Cc}]*$/u, { message: 'name must not contain control characters' })
  name!: string;

  @ApiProperty({
    enum: SORT_ORDERS,
    example: 'asc',
    description: "The column's own direction: `desc` higher is better, `asc` lower is better",
  })
  @IsIn(SORT_ORDERS)
  order!: SortOrder;
}

export class LeagueDto {
  @ApiProperty({ example: 'bronze', minLength: 1, maxLength: 32 })
  @IsString()
  @Length(1, 32)
  @Matches(/^[^\p{Cc}]*$/u, { message: 'name must not contain control characters' })
  name!: string;

  @ApiProperty({ example: 5, minimum: 0, maximum: MAX_COHORT_SIZE })
  @IsInt()
  @Min(0)
  @Max(MAX_COHORT_SIZE)
  promote!: number;

  @ApiProperty({ example: 5, minimum: 0, maximum: MAX_COHORT_SIZE })
  @IsInt()
  @Min(0)
  @Max(MAX_COHORT_SIZE)
  demote!: number;
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
    type: String,
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

  // Tournament window (README "Tournaments"); null removes the rule.
  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2026-11-27T18:00:00Z',
    description:
      'Submissions before this instant are refused (409 `not-started`); joins are accepted. May change only while the tournament has not ended.',
  })
  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsInstant()
  startsAt?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2026-11-29T18:00:00Z',
    description:
      'From this instant submissions are refused (409 `ended`) and the worker closes the period once, like a scheduled reset; the schedule stops there. Must be in the future when set; may change only while the tournament has not ended.',
  })
  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsInstant()
  endsAt?: string | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    maximum: MAX_ACTIVE_FOR_SECONDS,
    example: 172800,
    description:
      'Seconds each period takes submissions after it opens (409 `closed` after); needs a resetSchedule',
  })
  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsInt()
  @Min(1)
  @Max(MAX_ACTIVE_FOR_SECONDS)
  activeFor?: number | null;

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

  @ApiPropertyOptional({
    type: [TiebreakerDto],
    maxItems: MAX_TIEBREAKERS,
    default: [],
    description:
      'Tie-break columns: equal scores order by each column in turn, in its own direction, then by ' +
      'who reached that tuple first. Every submit then carries `subscores`, one integer per column. ' +
      'Names unique. Fixed at creation.',
  })
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMaxSize(MAX_TIEBREAKERS)
  @IsObject({ each: true, message: 'each tiebreaker must be a JSON object' })
  @UniqueNames()
  @ValidateNested({ each: true })
  @Type(() => TiebreakerDto)
  tiebreakers?: TiebreakerDto[];

  @ApiPropertyOptional({
    default: false,
    description:
      'Players must join each period (POST …/players/{playerId}/join) before their scores count (403 `not-joined`)',
  })
  @IsOptionalNonNull()
  @IsBoolean()
  joinRequired?: boolean;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    maximum: MAX_ENTRY_LIMIT,
    example: 100,
    description:
      'Most players per period: joins (or, without joinRequired, first submissions) beyond it are refused (409 `full`)',
  })
  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsInt()
  @Min(1)
  @Max(MAX_ENTRY_LIMIT)
  maxPlayers?: number | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    maximum: MAX_ENTRY_LIMIT,
    example: 3,
    description:
      'Most accepted submissions per player and period (409 `no-attempts-left`); an idempotent replay is not an attempt, each batch entry is one',
  })
  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsInt()
  @Min(1)
  @Max(MAX_ENTRY_LIMIT)
  maxAttempts?: number | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: MIN_COHORT_SIZE,
    maximum: MAX_COHORT_SIZE,
    example: 50,
    description:
      'Players per cohort: each player is placed in a cohort of this size at their first ' +
      'accepted submit in a period; null = no cohorts. Immutable.',
  })
  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsInt()
  @Min(MIN_COHORT_SIZE)
  @Max(MAX_COHORT_SIZE)
  cohortSize?: number | null;

  @ApiPropertyOptional({
    type: [LeagueDto],
    maxItems: MAX_LEAGUES,
    description:
      'Leagues, lowest first (needs cohortSize): at each period close the top `promote` of every ' +
      'cohort move up one league, the bottom `demote` down one. Immutable.',
  })
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMaxSize(MAX_LEAGUES)
  @IsObject({ each: true, message: 'each league must be a JSON object' })
  @ValidateNested({ each: true })
  @Type(() => LeagueDto)
  leagues?: LeagueDto[];

  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description:
      'Needs leagues: at each period close, a player who had a league above the lowest during ' +
      'the period and did not play in it moves down one league (recorded as a movement with ' +
      'cohortId and cohortRank null). Immutable.',
  })
  @IsOptionalNonNull()
  @IsBoolean()
  demoteInactive?: boolean;
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

  @ApiPropertyOptional({ description: 'Immutable: rejected with 400', deprecated: true })
  @ValidateIf((_o, v) => v !== undefined)
  @IsImmutable()
  tiebreakers?: unknown;

  @ApiPropertyOptional({ description: 'Immutable: rejected with 400', deprecated: true })
  @ValidateIf((_o, v) => v !== undefined)
  @IsImmutable()
  cohortSize?: unknown;

  @ApiPropertyOptional({ description: 'Immutable: rejected with 400', deprecated: true })
  @ValidateIf((_o, v) => v !== undefined)
  @IsImmutable()
  joinRequired?: unknown;

  @ApiPropertyOptional({ description: 'Immutable: rejected with 400', deprecated: true })
  @ValidateIf((_o, v) => v !== undefined)
  @IsImmutable()
  maxPlayers?: unknown;

  @ApiPropertyOptional({ description: 'Immutable: rejected with 400', deprecated: true })
  @ValidateIf((_o, v) => v !== undefined)
  @IsImmutable()
  maxAttempts?: unknown;

  @ApiPropertyOptional({ description: 'Immutable: rejected with 400', deprecated: true })
  @ValidateIf((_o, v) => v !== undefined)
  @IsImmutable()
  leagues?: unknown;

  @ApiPropertyOptional({ description: 'Immutable: rejected with 400', deprecated: true })
  @ValidateIf((_o, v) => v !== undefined)
  @IsImmutable()
  demoteInactive?: unknown;
}

/** Most boards one page of the board list holds. */
export const MAX_BOARD_PAGE = 200;

export class BoardListQueryDto extends OffsetPageQuery({
  defaultLimit: 100,
  maxLimit: MAX_BOARD_PAGE,
  offsetDescription: 'boards to skip, in id order',
}) {}

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
  @ApiProperty({
    type: [TiebreakerDto],
    description: 'Tie-break columns ([] = ties order by who reached the score first)',
  })
  tiebreakers!: TiebreakerDto[];
  @ApiProperty({ nullable: true, type: Number, example: 50 }) cohortSize!: number | null;
  @ApiProperty({ type: [LeagueDto] }) leagues!: LeagueDto[];
  @ApiProperty({ example: false }) demoteInactive!: boolean;
  @ApiProperty({ type: [RewardDto] }) rewards!: RewardDto[];
  @ApiProperty({ example: DEFAULT_RESULTS_TOP }) resultsTop!: number;
  @ApiProperty({ example: 1520 }) memberCount!: number;
  @ApiProperty({ example: '2026-11-27T08:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ type: PeriodDto }) period!: PeriodDto;
  @ApiProperty({ nullable: true, type: String, example: null }) nextResetAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: null })
  startsAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: null })
  endsAt!: string | null;
  @ApiProperty({ nullable: true, type: Number, example: null }) activeFor!: number | null;
  @ApiProperty({ example: false }) joinRequired!: boolean;
  @ApiProperty({ nullable: true, type: Number, example: null }) maxPlayers!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: null }) maxAttempts!: number | null;
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
    tiebreakers: (board.tiebreakers ?? []).map((c) => ({ name: c.name, order: c.order })),
    cohortSize: board.cohortSize,
    leagues: board.leagues.map((l) => ({ name: l.name, promote: l.promote, demote: l.demote })),
    demoteInactive: board.demoteInactive,
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
    ...tournamentFields(board),
  };
}

const isoOrNull = (ms: number | null): string | null =>
  ms === null ? null : new Date(ms).toISOString();

function tournamentFields(board: Board): Pick<BoardDto, keyof TournamentSettings> {
  return {
    startsAt: isoOrNull(board.startsAt),
    endsAt: isoOrNull(board.endsAt),
    activeFor: board.activeFor,
    joinRequired: board.joinRequired,
    maxPlayers: board.maxPlayers,
    maxAttempts: board.maxAttempts,
  };
}

/** A create or PATCH body's instants in ms (absent stays absent, null removes). */
export function tournamentInput(
  body: Pick<CreateBoardDto, 'startsAt' | 'endsAt'>,
): Partial<Pick<TournamentSettings, 'startsAt' | 'endsAt'>> {
  const out: Partial<Pick<TournamentSettings, 'startsAt' | 'endsAt'>> = {};
  if (body.startsAt !== undefined) out.startsAt = instantOrNull(body.startsAt);
  if (body.endsAt !== undefined) out.endsAt = instantOrNull(body.endsAt);
  return out;
}

const instantOrNull = (text: string | null): number | null =>
  text === null ? null : parseInstant(text);
