import { Global, Injectable, Module } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ValkeyConnections } from '../valkey/valkey-connections';

/** Collectors that read state at scrape time (queue depths, socket counts). */
export type ScrapeHook = () => Promise<void>;

/**
 * How long a scrape waits for its hooks. Past it /metrics answers with what the hooks have
 * set so far (a hook that reads Valkey marks its own figures as failed, see MetricsModule),
 * so a frozen Valkey never holds a scrape for Prometheus' whole scrape timeout.
 */
export const SCRAPE_DEADLINE_MS = 1000;

/** How long one reading of Valkey's INFO serves /metrics. */
export const VALKEY_INFO_TTL_MS = 1000;
/** Past this, the reading counts as Valkey down (within the scrape deadline). */
const VALKEY_INFO_TIMEOUT_MS = 750;

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
  readonly renderedReads = new Counter({
    name: 'valkran_rendered_reads_total',
    help: 'Public reads answered with a body this process kept (kept) or rendered from the rows (rendered); see READ_RENDER_CACHE_MB',
    labelNames: ['outcome'],
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

  readonly valkeyUp = new Gauge({
    name: 'valkran_valkey_up',
    help: 'Whether Valkey answered INFO within 750 ms at the last reading (1) or not (0)',
    registers: [this.registry],
  });
  readonly valkeyMemoryUsed = new Gauge({
    name: 'valkran_valkey_memory_used_bytes',
    help: 'Valkey used_memory by node (each master on a cluster), read at scrape time',
    labelNames: ['node'],
    registers: [this.registry],
  });
  readonly valkeyMaxmemory = new Gauge({
    name: 'valkran_valkey_maxmemory_bytes',
    help: 'Valkey maxmemory by node (0 = no ceiling), read at scrape time',
    labelNames: ['node'],
    registers: [this.registry],
  });
  readonly resetsOverdue = new Gauge({
    name: 'valkran_resets_overdue_seconds',
    help: 'How long the oldest reset no worker has started has been due (scheduled: since its fire time; manual: since it was asked for); 0 when none',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'valkran_' });
  }

  onScrape(hook: ScrapeHook): void {
    this.hooks.push(hook);
  }

  async render(): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((r) => {
      timer = setTimeout(r, SCRAPE_DEADLINE_MS);
    });
    await Promise.race([Promise.allSettled(this.hooks.map((h) => h())), deadline]);
    clearTimeout(timer);
    return this.registry.metrics();
  }
}

/**
 * Valkey's reachability and memory against `maxmemory`, for the scrape: one INFO per node at
 * most once per {@link VALKEY_INFO_TTL_MS} (concurrent scrapes share it), on the API
 * connection, so an outage fails at once (no offline queue); a frozen server counts as down
 * after {@link VALKEY_INFO_TIMEOUT_MS}.
 */
function valkeyScrape(metrics: Metrics, valkey: ValkeyConnections): ScrapeHook {
  let last: { at: number; reading: Promise<void> } | null = null;
  const read = async (): Promise<void> => {
    try {
      let timer: NodeJS.Timeout | undefined;
      const nodes = await Promise.race([
        valkey.memory().finally(() => clearTimeout(timer)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer in ${VALKEY_INFO_TIMEOUT_MS} ms`)),
            VALKEY_INFO_TIMEOUT_MS,
          );
        }),
      ]);
      metrics.valkeyMemoryUsed.reset();
      metrics.valkeyMaxmemory.reset();
      for (const { node, used, max } of nodes) {
        metrics.valkeyMemoryUsed.set({ node }, used);
        metrics.valkeyMaxmemory.set({ node }, max);
      }
      metrics.valkeyUp.set(1);
    } catch {
      // No figures rather than stale ones: the memory alert must not fire on old numbers.
      metrics.valkeyUp.set(0);
      metrics.valkeyMemoryUsed.reset();
      metrics.valkeyMaxmemory.reset();
    }
  };
  return () => {
    const now = Date.now();
    if (!last || now - last.at >= VALKEY_INFO_TTL_MS) last = { at: now, reading: read() };
    return last.reading;
  };
}

@Global()
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsModule {
  constructor(metrics: Metrics, valkey: ValkeyConnections) {
    valkey.onConnectionError((connection) => metrics.valkeyErrors.inc({ connection }));
    metrics.onScrape(valkeyScrape(metrics, valkey));
  }
}
