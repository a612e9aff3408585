import { Injectable, PipeTransform } from '@nestjs/common';
import { badRequest } from '../common/problem';

export const WEBHOOK_ID_PATTERN = /^wh_[0-9a-f]{24}$/;

/** Validates a `{webhookId}` path segment (400 naming it otherwise). */
@Injectable()
export class WebhookIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!WEBHOOK_ID_PATTERN.test(value)) {
      throw badRequest('webhookId', 'must be a webhook id (wh_ and 24 hex digits)');
    }
    return value;
  }
}
