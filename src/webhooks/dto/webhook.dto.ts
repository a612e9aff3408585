import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { IsOptionalNonNull } from '../../common/validation';
import { isoFromMs } from '../../common/iso-time';
import { WEBHOOK_EVENTS, WebhookEvent } from '../webhook-events';
import type { DeliveryAttemptRecord, Webhook } from '../webhooks.repository';

export const MAX_URL_LENGTH = 2048;
const SECRET_PATTERN = /^[\x21-\x7e]{16,256}$/;
const EVENTS_DESCRIPTION = `Events to deliver: ${WEBHOOK_EVENTS.join(', ')}.`;

const URL_DESCRIPTION =
  'https (plain http only outside production or with WEBHOOK_ALLOW_PRIVATE=true); private, ' +
  'loopback and link-local targets are refused, at creation and at every delivery, unless ' +
  'WEBHOOK_ALLOW_PRIVATE=true';
const EVENTS_MESSAGE = `each event must be one of ${WEBHOOK_EVENTS.join(', ')}`;
const SECRET_MESSAGE = 'secret must be 16-256 printable ASCII characters without spaces';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://game.example/hooks/valkran',
    maxLength: MAX_URL_LENGTH,
    description: URL_DESCRIPTION,
  })
  @IsString()
  @MaxLength(MAX_URL_LENGTH)
  url!: string;

  @ApiProperty({
    enum: WEBHOOK_EVENTS,
    isArray: true,
    minItems: 1,
    example: ['period.closed'],
    description: EVENTS_DESCRIPTION,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENTS.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENTS, { each: true, message: EVENTS_MESSAGE })
  events!: WebhookEvent[];

  @ApiPropertyOptional({
    minLength: 16,
    maxLength: 256,
    description:
      'The signing secret (printable ASCII, no spaces); generated when absent. Shown only in ' +
      'this response',
  })
  @IsOptionalNonNull()
  @IsString()
  @Matches(SECRET_PATTERN, { message: SECRET_MESSAGE })
  secret?: string;

  @ApiPropertyOptional({ example: 'Season payouts', maxLength: 200 })
  @IsOptionalNonNull()
  @IsString()
  @Length(0, 200)
  description?: string;
}

/** Fields a PATCH may change (each optional). */
export class UpdateWebhookDto {
  @ApiPropertyOptional({
    example: 'https://game.example/hooks/valkran',
    maxLength: MAX_URL_LENGTH,
    description: URL_DESCRIPTION,
  })
  @IsOptionalNonNull()
  @IsString()
  @MaxLength(MAX_URL_LENGTH)
  url?: string;

  @ApiPropertyOptional({
    enum: WEBHOOK_EVENTS,
    isArray: true,
    minItems: 1,
    example: ['period.closed'],
    description: EVENTS_DESCRIPTION,
  })
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENTS.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENTS, { each: true, message: EVENTS_MESSAGE })
  events?: WebhookEvent[];

  @ApiPropertyOptional({
    minLength: 16,
    maxLength: 256,
    description: 'A new signing secret (printable ASCII, no spaces); never shown again',
  })
  @IsOptionalNonNull()
  @IsString()
  @Matches(SECRET_PATTERN, { message: SECRET_MESSAGE })
  secret?: string;

  @ApiPropertyOptional({ example: 'Season payouts', maxLength: 200, description: '"" clears it' })
  @IsOptionalNonNull()
  @IsString()
  @Length(0, 200)
  description?: string;
}

export class WebhookDto {
  @ApiProperty({ example: 'wh_5f0c2a9be1d34c7a8b6e0f12' }) id!: string;
  @ApiProperty({ example: 'https://game.example/hooks/valkran' }) url!: string;
  @ApiProperty({ enum: WEBHOOK_EVENTS, isArray: true }) events!: WebhookEvent[];
  @ApiProperty({ nullable: true, type: String, example: 'Season payouts' }) description!:
    string | null;
  @ApiProperty({
    example: false,
    description:
      'Deliveries have failed for a day (or one ran out of retries) since the last success; ' +
      'cleared by the next success. A failing webhook still gets deliveries.',
  })
  failing!: boolean;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'first failure since the last success',
  })
  failingSince!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastSuccessAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastFailureAt!: string | null;
  @ApiProperty({ example: '2026-11-27T08:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-11-27T08:00:00.000Z' }) updatedAt!: string;
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({
    example: 'whsec_Jr8cX3…',
    description: 'The signing secret: shown here only, never again (store it now)',
  })
  secret!: string;
}

export class DeliveryAttemptDto {
  @ApiProperty({ example: 'dlv_8a7c…', description: 'Stable across retries (Valkran-Delivery)' })
  deliveryId!: string;
  @ApiProperty({ example: 'period.closed' }) event!: string;
  @ApiProperty({ example: 1, description: '1 for the first attempt' }) attempt!: number;
  @ApiProperty({ example: '2026-11-27T08:00:00.000Z' }) at!: string;
  @ApiProperty({ nullable: true, type: Number, example: 200 }) statusCode!: number | null;
  @ApiProperty({ example: 42 }) durationMs!: number;
  @ApiProperty({ nullable: true, type: String, example: null }) error!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: 'When the next attempt is due; null after a success or the last attempt',
  })
  nextRetryAt!: string | null;
}

export class DeliveryListDto {
  @ApiProperty({ example: 'wh_5f0c2a9be1d34c7a8b6e0f12' }) webhookId!: string;
  @ApiProperty({ type: [DeliveryAttemptDto], description: 'the last 100 attempts, newest first' })
  deliveries!: DeliveryAttemptDto[];
}

export class TestDeliveryDto extends DeliveryAttemptDto {
  @ApiProperty({ example: true, description: 'the receiver answered 2xx' }) ok!: boolean;
}

const iso = (ms: number | null): string | null => (ms === null ? null : isoFromMs(ms));

export function toWebhookDto(h: Webhook): WebhookDto {
  return {
    id: h.id,
    url: h.url,
    events: [...h.events],
    description: h.description,
    failing: h.failing,
    failingSince: iso(h.failingSince),
    lastSuccessAt: iso(h.lastSuccessAt),
    lastFailureAt: iso(h.lastFailureAt),
    createdAt: isoFromMs(h.createdAt),
    updatedAt: isoFromMs(h.updatedAt),
  };
}

export function toDeliveryAttemptDto(r: DeliveryAttemptRecord): DeliveryAttemptDto {
  return {
    deliveryId: r.deliveryId,
    event: r.event,
    attempt: r.attempt,
    at: isoFromMs(r.at),
    statusCode: r.statusCode,
    durationMs: r.durationMs,
    error: r.error,
    nextRetryAt: iso(r.nextRetryAt),
  };
}
