import { ApiProperty } from '@nestjs/swagger';

export class ResetAcceptedDto {
  @ApiProperty({ example: 'reset__global__1795771550481__0000000003' }) jobId!: string;
  @ApiProperty({ example: 'global' }) leaderboardId!: string;
  @ApiProperty({ example: '0000000003', description: 'the period this reset closes' })
  periodId!: string;
}
