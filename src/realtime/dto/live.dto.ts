import { ArrayMaxSize, IsArray, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { IsOptionalNonNull } from '../../common/validation';
import { BOARD_ID_PATTERN, PLAYER_ID_PATTERN } from '../../leaderboard/board';
import { MAX_TOP, MAX_WATCHED_PER_SUBSCRIPTION } from '../live';

export class SubscribeDto {
  @IsString()
  @Matches(BOARD_ID_PATTERN, { message: 'leaderboardId must match ^[a-z0-9][a-z0-9_-]{0,63}$' })
  leaderboardId!: string;

  @IsOptionalNonNull()
  @IsInt()
  @Min(1)
  @Max(MAX_TOP)
  top: number = 10;

  @IsOptionalNonNull()
  @IsArray()
  @ArrayMaxSize(MAX_WATCHED_PER_SUBSCRIPTION)
  @IsString({ each: true })
  @Matches(PLAYER_ID_PATTERN, {
    each: true,
    message: 'each playerId must be 1-128 of A-Z a-z 0-9 _ - . : @',
  })
  playerIds: string[] = [];

  @IsOptionalNonNull()
  @IsString()
  @Matches(PLAYER_ID_PATTERN, { message: 'cohortOf must be 1-128 of A-Z a-z 0-9 _ - . : @' })
  cohortOf?: string;
}

export class UnsubscribeDto {
  @IsString()
  @Matches(BOARD_ID_PATTERN, { message: 'leaderboardId must match ^[a-z0-9][a-z0-9_-]{0,63}$' })
  leaderboardId!: string;
}
