import { ApiProperty } from '@nestjs/swagger';
import type { ArchivedPeriod } from '../periods.repository';

export class ArchivedPeriodDto {
  @ApiProperty({ example: '0000000002' }) id!: string;
  @ApiProperty({ example: '2026-11-16T00:00:00.000Z' }) startedAt!: string;
  @ApiProperty({ example: '2026-11-23T00:00:00.000Z' }) endedAt!: string;
  @ApiProperty({ example: 1520, description: 'members when the period closed' }) total!: number;
}

export class PeriodListDto {
  @ApiProperty({ example: 'weekly' }) leaderboardId!: string;
  @ApiProperty({ example: '0000000003', description: 'the current period' })
  currentPeriodId!: string;
  @ApiProperty({ type: [ArchivedPeriodDto], description: 'newest first' })
  periods!: ArchivedPeriodDto[];
}

export const toArchivedPeriodDto = (p: ArchivedPeriod): ArchivedPeriodDto => ({
  id: p.id,
  startedAt: new Date(p.startedAt).toISOString(),
  endedAt: new Date(p.endedAt).toISOString(),
  total: p.total,
});
