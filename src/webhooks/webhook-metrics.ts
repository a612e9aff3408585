import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { Metrics } from '../common/metrics';
import { Webhook, WebhooksRepository } from './webhooks.repository';

/** How long one reading of the webhooks' health serves /metrics. */
export const FAILING_READ_TTL_MS = 1000;

/**
 * The webhooks' Prometheus series, on the process's registry:
 * `valkran_webhook_deliveries_total{webhook,event,outcome}` counts attempts made by this process
 * (outcome `delivered`, `retrying` or `failed`: the last attempt failed); `valkran_webhook_failing
 * {webhook}` is 1 for a webhook marked failing, 0 otherwise, read from Valkey at scrape time, so
 * every process reports the same state (alerts may use any instance's).
 */
@Injectable()
export class WebhookMetrics {
  readonly deliveries: Counter<'webhook' | 'event' | 'outcome'>;
  readonly failing: Gauge<'webhook'>;

  constructor(metrics: Metrics, repo: WebhooksRepository) {
    this.deliveries = new Counter({
      name: 'valkran_webhook_deliveries_total',
      help: 'Webhook delivery attempts by webhook, event and outcome (delivered, retrying, failed)',
      labelNames: ['webhook', 'event', 'outcome'],
      registers: [metrics.registry],
    });
    this.failing = new Gauge({
      name: 'valkran_webhook_failing',
      help: '1 while a webhook is marked failing (failing for a day or out of retries), else 0',
      labelNames: ['webhook'],
      registers: [metrics.registry],
    });
    metrics.onScrape(async () => {
      const hooks = await this.read(repo);
      // Deleted webhooks drop out of the series.
      this.failing.reset();
      for (const h of hooks) this.failing.set({ webhook: h.id }, h.failing ? 1 : 0);
    });
  }

  private last: { at: number; value: Promise<Webhook[]> } | null = null;

  /**
   * The webhooks, read at most once per FAILING_READ_TTL_MS however often /metrics is scraped
   * (concurrent scrapes share one read; a failed read is kept as long, so a scrape flood during
   * an outage costs Valkey nothing either).
   */
  private read(repo: WebhooksRepository): Promise<Webhook[]> {
    const now = Date.now();
    if (this.last && now - this.last.at < FAILING_READ_TTL_MS) return this.last.value;
    const value = repo.list();
    value.catch(() => undefined);
    this.last = { at: now, value };
    return value;
  }
}
