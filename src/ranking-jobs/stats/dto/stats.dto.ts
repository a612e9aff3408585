import type { StatsReading } from '../stats.service';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class HistogramBucketDto {
  @ApiProperty({ example: 0 }) from!: number;
  @ApiProperty({ example: 499, description: 'inclusive' }) to!: number;
  @ApiProperty({ example: 120 }) count!: number;
}

export class PercentilesDto {
  @ApiProperty({ nullable: true, type: Number, example: 5200, description: 'median score' })
  p50!: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 8100,
    description: 'score needed for the top 10 %',
  })
  p90!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 9700, description: 'top 1 %' })
  p99!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 9950, description: 'top 0.1 %' })
  p999!: number | null;
}

export class TierCutoffDto {
  @ApiProperty({ example: 'gold' }) name!: string;
  @ApiProperty({ example: 1 }) topPercent!: number;
  @ApiProperty({ nullable: true, type: Number, example: 15, description: 'worst rank in the tier' })
  rank!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 9700, description: 'score at that rank' })
  score!: number | null;
  @ApiPropertyOptional({
    nullable: true,
    type: [Number],
    example: [3, 41250],
    description:
      'On boards with tie-break columns, once computed: the subscores at that rank (the cut-off is the tuple)',
  })
  subscores?: number[] | null;
}

export const STATS_STATUSES = ['pending', 'ready'] as const;

export class StatsDto {
  @ApiProperty({
    enum: STATS_STATUSES,
    description:
      '`ready`: computed by the ranking job for this period, every figure as of `computedAt`. ' +
      '`pending`: not computed for this period yet (a new board, just reset, or no worker running): ' +
      '`total`, every figure and `computedAt` are null, `histogram` is empty.',
  })
  status!: (typeof STATS_STATUSES)[number];
  @ApiProperty({ example: 'global' }) leaderboardId!: string;
  @ApiProperty({ example: '0000000003' }) periodId!: string;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 1520,
    description: 'members when the stats were computed; null while pending',
  })
  total!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 0 }) minScore!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 9999 }) maxScore!: number | null;
  @ApiProperty({ type: PercentilesDto }) percentiles!: PercentilesDto;
  @ApiProperty({ type: [HistogramBucketDto] }) histogram!: HistogramBucketDto[];
  @ApiProperty({ type: [TierCutoffDto] }) tiers!: TierCutoffDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    example: '2026-11-27T08:00:00.000Z',
    description: 'null until the first ranking job has run for this period',
  })
  computedAt!: string | null;
}

export function toStatsDto(reading: StatsReading): StatsDto {
  if (reading.status === 'pending') {
    return {
      status: 'pending',
      leaderboardId: reading.leaderboardId,
      periodId: reading.periodId,
      total: null,
      minScore: null,
      maxScore: null,
      percentiles: { p50: null, p90: null, p99: null, p999: null },
      histogram: [],
      tiers: reading.tiers.map((t) => ({ ...t })),
      computedAt: null,
    };
  }
  const s = reading.stats;
  return {
    status: 'ready',
    leaderboardId: s.leaderboardId,
    periodId: s.periodId,
    total: s.total,
    minScore: s.minScore,
    maxScore: s.maxScore,
    percentiles: { ...s.percentiles },
    histogram: s.histogram.map((b) => ({ from: b.from, to: b.to, count: b.count })),
    tiers: s.tiers.map((t) => ({
      name: t.name,
      topPercent: t.topPercent,
      rank: t.rank,
      score: t.score,
      ...(t.subscores !== undefined ? { subscores: t.subscores } : {}),
    })),
    computedAt: s.computedAt,
  };
}
