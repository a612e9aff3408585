import { Global, Injectable, Module } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ValkeyConnections } from '../valkey/valkey-connections';

/** Collectors that read state at scrape time (queue depths, socket counts). */
export type ScrapeHook = () => Promise<void>;

/**
 * The process's Prometheus registry. Counters are per process; Prometheus sums them across
 * instances. Label values are bounded: routes are templates, boards are ids an admin created.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly hooks: ScrapeHook[] = [];

  readonly httpDuration = new Histogram({
    name: 'valkran_http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly submissions = new Counter({
    name: 'valkran_submissions_total',
    help: 'Score submissions applied, by board, update mode and whether the score changed',
    labelNames: ['board', 'mode', 'updated'],
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'valkran_rate_limited_total',
    help: 'Requests rejected by a rate limit',
    labelNames: ['limit'],
    registers: [this.registry],
  });
  readonly valkeyErrors = new Counter({
    name: 'valkran_valkey_errors_total',
    help: 'Valkey connection errors and failed commands, by connection',
    labelNames: ['connection'],
    registers: [this.registry],
  });
  readonly queueJobs = new Gauge({
    name: 'valkran_queue_jobs',
    help: 'Jobs per queue and state (read at scrape time)',
    labelNames: ['queue', 'state'],
    registers: [this.registry],
  });
  readonly jobDuration = new Histogram({
    name: 'valkran_job_duration_seconds',
    help: 'Job run time by queue, job name and outcome',
    labelNames: ['queue', 'name', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly liveSockets = new Gauge({
    name: 'valkran_live_sockets',
    help: 'Connected Socket.IO clients on /live in this process',
    registers: [this.registry],
  });
  readonly liveSubscriptions = new Gauge({
    name: 'valkran_live_subscriptions',
    help: 'Live board subscriptions held by sockets in this process',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'valkran_' });
  }

  onScrape(hook: ScrapeHook): void {
    this.hooks.push(hook);
  }

  async render(): Promise<string> {
    await Promise.allSettled(this.hooks.map((h) => h()));
    return this.registry.metrics();
  }
}

@Global()
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsModule {
  constructor(metrics: Metrics, valkey: ValkeyConnections) {
    valkey.onConnectionError((connection) => metrics.valkeyErrors.inc({ connection }));
  }
}
