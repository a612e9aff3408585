import { ApiProperty } from '@nestjs/swagger';

export const KEY_SCOPES = ['admin'] as const;

export class WhoAmIDto {
  @ApiProperty({
    enum: KEY_SCOPES,
    example: 'admin',
    description: 'what the presented key may do (this route answers admin keys only)',
  })
  scope!: (typeof KEY_SCOPES)[number];
}
