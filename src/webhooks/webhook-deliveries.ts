import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { HandlesJob } from '../ranking-jobs/queue/job-handlers';
import type { WebhookDeliveryJob } from '../ranking-jobs/queue/queue-names';
import { signatureHeader } from './signature';
import { AttemptOutcome, WebhookClient } from './webhook-client';
import { WebhookMetrics } from './webhook-metrics';
import { DeliveryAttemptRecord, Webhook, WebhooksRepository } from './webhooks.repository';

/** Failures for this long since the last success mark a webhook failing. */
export const FAILING_AFTER_MS = 24 * 3600 * 1000;

export interface Attempt {
  deliveryId: string;
  event: string;
  body: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** No retry follows a failure of this attempt. */
  last: boolean;
  /** A failed last attempt marks the webhook failing (not for a ping). */
  marksFailing: boolean;
}

/**
 * Delivers webhooks: the `webhooks/deliver` job (worker) and the admin's test ping (api). Each
 * attempt is signed anew, logged, counted, and reflected in the webhook's health; a failed
 * attempt fails the job, which BullMQ retries on the configured schedule with the same
 * delivery id and body. A worker that dies mid-delivery leaves the job to its lock: another
 * worker takes it over and delivers again (at least once; receivers dedupe on the id).
 */
@Injectable()
export class WebhookDeliveries {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly client: WebhookClient,
    private readonly metrics: WebhookMetrics,
    private readonly config: AppConfig,
  ) {}

  /** Makes one attempt and records it; the log entry and whether the receiver took it. */
  async attempt(
    hook: Webhook,
    a: Attempt,
  ): Promise<{ outcome: AttemptOutcome; record: DeliveryAttemptRecord }> {
    const outcome = await this.client.post(hook.url, a.body, {
      'content-type': 'application/json',
      'user-agent': 'Valkran-Webhooks/1',
      'valkran-delivery': a.deliveryId,
      'valkran-event': a.event,
      'valkran-signature': signatureHeader(hook.secret, a.body, Math.floor(Date.now() / 1000)),
    });
    const at = Date.now();
    const delays = this.config.webhooks.retryDelaysMs;
    const record: DeliveryAttemptRecord = {
      deliveryId: a.deliveryId,
      event: a.event,
      attempt: a.attempt,
      at,
      statusCode: outcome.statusCode,
      durationMs: outcome.durationMs,
      error: outcome.error,
      nextRetryAt:
        outcome.ok || a.last ? null : at + delays[Math.min(a.attempt, delays.length) - 1],
    };
    this.metrics.deliveries.inc({
      webhook: hook.id,
      event: a.event,
      outcome: outcome.ok ? 'delivered' : a.last ? 'failed' : 'retrying',
    });
    await this.repo.recordAttempt(
      hook.id,
      record,
      outcome.ok,
      a.last && a.marksFailing,
      FAILING_AFTER_MS,
    );
    return { outcome, record };
  }

  @HandlesJob('webhooks', 'deliver')
  async onDeliver(job: Job<WebhookDeliveryJob>): Promise<{ status: string }> {
    const { webhookId, deliveryId, event, body } = job.data;
    // Read at every attempt: a PATCHed URL or secret applies to retries too.
    const hook = await this.repo.get(webhookId);
    if (!hook) return { status: 'webhook deleted' };
    const attempt = job.attemptsMade + 1;
    const { outcome } = await this.attempt(hook, {
      deliveryId,
      event,
      body,
      attempt,
      last: attempt >= (job.opts.attempts ?? 1),
      marksFailing: true,
    });
    if (!outcome.ok) throw new Error(outcome.error ?? 'delivery failed');
    return { status: `delivered (${outcome.statusCode})` };
  }
}
