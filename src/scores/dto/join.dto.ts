import { ApiProperty } from '@nestjs/swagger';

export class JoinResultDto {
  @ApiProperty({ example: 'weekend-cup' }) leaderboardId!: string;
  @ApiProperty({ example: '0000000003', description: 'The period joined (joins belong to it)' })
  periodId!: string;
  @ApiProperty({ example: 'alice' }) playerId!: string;
  @ApiProperty({ example: true, enum: [true] }) joined!: true;
  @ApiProperty({ example: 42, description: 'Players seated in the period, this one included' })
  players!: number;
}
