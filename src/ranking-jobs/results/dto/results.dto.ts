import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { PeriodResults } from '../../../events/domain-events';
import { isoFromMs } from '../../../common/iso-time';
import { ANY_JSON_VALUE } from '../../../leaderboard/dto/board.dto';

export class ResultEntryDto {
  @ApiProperty({ example: 1, description: 'Final rank in the board’s rank mode' }) rank!: number;
  @ApiProperty({ example: 'alice' }) playerId!: string;
  @ApiProperty({ example: 1200 }) score!: number;
  @ApiPropertyOptional({
    type: [Number],
    example: [3, 41250],
    description: 'One integer per tie-break column; present only on boards with tie-break columns',
  })
  subscores?: number[];
  @ApiPropertyOptional({ example: 'Alice' }) displayName?: string;
  @ApiPropertyOptional({ example: { level: 12 }, type: Object }) metadata?: Record<string, unknown>;
  @ApiPropertyOptional({
    ...ANY_JSON_VALUE,
    example: { gems: 500 },
    description:
      'The reward of the range the rank falls in (tied players: the best range the tie reaches); ' +
      'absent when none',
  })
  reward?: unknown;
}

export class PeriodResultsDto {
  @ApiProperty({ example: 'weekly' }) leaderboardId!: string;
  @ApiProperty({ example: '0000000002' }) periodId!: string;
  @ApiProperty({ example: '2026-11-16T00:00:00.000Z' }) startedAt!: string;
  @ApiProperty({ example: '2026-11-23T00:00:00.000Z' }) closedAt!: string;
  @ApiProperty({ example: 1520, description: 'members when the period closed' }) total!: number;
  @ApiProperty({
    type: [ResultEntryDto],
    description:
      'The best `resultsTop` entries at the close, best first (plus the rest of a rewarded tie ' +
      'at the cut)',
  })
  entries!: ResultEntryDto[];
}

export function toResultsDto(r: PeriodResults): PeriodResultsDto {
  return {
    leaderboardId: r.leaderboardId,
    periodId: r.periodId,
    startedAt: isoFromMs(r.startedAt),
    closedAt: isoFromMs(r.closedAt),
    total: r.total,
    entries: r.entries.map((e) => {
      const dto: ResultEntryDto = { rank: e.rank, playerId: e.playerId, score: e.score };
      if (e.subscores !== undefined) dto.subscores = e.subscores;
      if (e.displayName !== undefined) dto.displayName = e.displayName;
      if (e.metadata !== undefined) dto.metadata = e.metadata;
      if (e.reward !== undefined) dto.reward = e.reward;
      return dto;
    }),
  };
}
