import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsString, Length, Matches } from 'class-validator';
import { IsOptionalNonNull } from '../../common/validation';
import { isoFromMs } from '../../common/iso-time';
import type { HiddenStatus } from '../../leaderboard/hidden-players.service';

export class SetHiddenDto {
  @ApiProperty({
    example: true,
    description: 'true hides the player on every board, false shows them again',
  })
  @IsBoolean()
  hidden!: boolean;

  @ApiPropertyOptional({
    example: 'speed hack, ticket 4211',
    minLength: 1,
    maxLength: 200,
    description: 'Why (shown by GET /v1/players/{playerId}); only with `hidden: true`',
  })
  @IsOptionalNonNull()
  @IsString()
  @Length(1, 200)
  @Matches(/^[^\p{Cc}]*$/u, { message: 'reason must not contain control characters' })
  reason?: string;
}

export class HiddenPlayerDto {
  @ApiProperty({ example: 'alice' }) playerId!: string;
  @ApiProperty({
    example: true,
    description: 'Hidden from everyone else on every board (shadow-ban)',
  })
  hidden!: boolean;
  @ApiPropertyOptional({
    example: '2025-05-01T12:00:00.000Z',
    description: 'When the player was hidden (absent when not hidden)',
  })
  hiddenAt?: string;
  @ApiPropertyOptional({ example: 'speed hack, ticket 4211', description: 'Why, when given' })
  reason?: string;
}

export function toHiddenPlayerDto(s: HiddenStatus): HiddenPlayerDto {
  const dto: HiddenPlayerDto = { playerId: s.playerId, hidden: s.hidden };
  if (s.hiddenAt !== undefined) dto.hiddenAt = isoFromMs(s.hiddenAt);
  if (s.reason) dto.reason = s.reason;
  return dto;
}
