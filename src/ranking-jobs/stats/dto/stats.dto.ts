import { ApiProperty } from '@nestjs/swagger';

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
}

export class StatsDto {
  @ApiProperty({ example: 'global' }) leaderboardId!: string;
  @ApiProperty({ example: '0000000003' }) periodId!: string;
  @ApiProperty({ example: 1520 }) total!: number;
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
