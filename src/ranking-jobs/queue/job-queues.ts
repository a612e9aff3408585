import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { shutdownStep } from '../../common/shutdown';
import { JobsOptions, Queue } from 'bullmq';
import { ValkeyConnections } from '../../valkey/valkey-connections';
import { Metrics } from '../../common/metrics';
import {
  PruneJob,
  QUEUE_NAMES,
  QUEUE_PREFIX,
  QueueName,
  RecomputeJob,
  ResetJob,
  resetJobId,
  ResultsJob,
  resultsJobId,
  SCHEDULED_BACKOFF,
  ScheduledResetJob,
  schedulerId,
  WebhookDeliveryJob,
  deliveryJobId,
} from './queue-names';

/** How long one reading of the queues' job counts serves /metrics and /health/ready. */
export const COUNTS_TTL_MS = 1000;

/** Failed jobs stay for inspection (bull-board); retries back off exponentially. */
const DEFAULTS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { count: 200, age: 3600 },
  removeOnFail: { count: 1000, age: 7 * 24 * 3600 },
};

/**
 * The producer side of the queues, used by api and worker alike. Its connection fails fast
 * like the API's, so an enqueue during an outage becomes a 503 instead of a hang.
 */
@Injectable()
export class JobQueues implements OnApplicationShutdown {
  private readonly logger = new Logger(JobQueues.name);
  readonly queues: Record<QueueName, Queue>;

  constructor(valkey: ValkeyConnections, metrics: Metrics) {
    const connection = valkey.create('queues', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 2000,
      retryStrategy: (times) => Math.min(100 * times, 2000),
    });
    this.queues = Object.fromEntries(
      QUEUE_NAMES.map((name) => [
        name,
        new Queue(name, { connection, prefix: QUEUE_PREFIX, defaultJobOptions: DEFAULTS }),
      ]),
    ) as Record<QueueName, Queue>;
    metrics.onScrape(async () => {
      for (const [name, counts] of Object.entries(await this.jobCounts())) {
        for (const [state, n] of Object.entries(counts))
          metrics.queueJobs.set({ queue: name, state }, n);
      }
    });
    metrics.onScrape(async () => metrics.resetsOverdue.set(await this.resetsOverdueSeconds()));
  }

  private overdue: { at: number; value: Promise<number> } | null = null;

  /**
   * How long the oldest reset that no worker has started has been due, in seconds (0 when
   * none): the earliest delayed reset job (a scheduled reset waits there until its fire time,
   * and stays there while no worker runs) and the oldest waiting one. A scheduled reset is due
   * at its fire time, a manual one when it was asked for. Running jobs are not looked at.
   * Two jobs read at most once per {@link COUNTS_TTL_MS}, like the counts.
   */
  resetsOverdueSeconds(): Promise<number> {
    const now = Date.now();
    if (this.overdue && now - this.overdue.at < COUNTS_TTL_MS) return this.overdue.value;
    const value = (async () => {
      const jobs = await this.queues.resets.getJobs(['delayed', 'waiting'], 0, 0, true);
      let oldest = now;
      for (const job of jobs) {
        // A scheduler's job carries its fire time; a manual reset is due when it was asked for.
        oldest = Math.min(oldest, job.opts?.prevMillis ?? job.timestamp);
      }
      return (now - oldest) / 1000;
    })();
    value.catch(() => undefined);
    this.overdue = { at: now, value };
    return value;
  }

  private counts: { at: number; value: Promise<Record<QueueName, Record<string, number>>> } | null =
    null;

  /**
   * Every queue's job counts by state, read at most once per {@link COUNTS_TTL_MS} however often
   * /metrics and /health/ready are asked (concurrent callers share one read; a failure is kept
   * as long, so a flood during an outage costs Valkey nothing either).
   */
  jobCounts(): Promise<Record<QueueName, Record<string, number>>> {
    const now = Date.now();
    if (this.counts && now - this.counts.at < COUNTS_TTL_MS) return this.counts.value;
    const value = (async () => {
      const entries = await Promise.all(
        Object.entries(this.queues).map(
          async ([name, queue]) =>
            [
              name,
              await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'),
            ] as const,
        ),
      );
      return Object.fromEntries(entries) as Record<QueueName, Record<string, number>>;
    })();
    value.catch(() => undefined);
    this.counts = { at: now, value };
    return value;
  }

  /**
   * Asks for a stats recomputation. Deduplicated per board: at most one running and one
   * waiting job per board, and a request made while one runs is never dropped.
   */
  async recompute(boardId: string): Promise<void> {
    const data: RecomputeJob = { boardId };
    await this.queues.ranking.add('recompute', data, {
      deduplication: { id: `recompute__${boardId}`, keepLastIfActive: true },
      attempts: 3,
    });
  }

  /**
   * Enqueues the reset of `periodId`; the job id makes a repeated request a no-op while the
   * job waits, runs or has succeeded. One that failed for good (kept for inspection) is
   * replaced, so asking again really tries again.
   */
  async reset(boardId: string, generation: number, periodId: string): Promise<string> {
    const data: ResetJob = { boardId, periodId, generation };
    const jobId = resetJobId(boardId, generation, periodId);
    let job = await this.queues.resets.add('reset', data, { jobId });
    if (await job.isFailed()) {
      await job.remove();
      job = await this.queues.resets.add('reset', data, { jobId });
    }
    return job.id ?? jobId;
  }

  /**
   * Enqueues the writing and announcing of a closed period's results; like {@link reset}, the
   * job id makes a repeated request a no-op and a job that failed for good is replaced.
   */
  async results(boardId: string, generation: number, periodId: string): Promise<void> {
    const data: ResultsJob = { boardId, generation, periodId };
    const jobId = resultsJobId(boardId, generation, periodId);
    const job = await this.queues.resets.add('results', data, { jobId });
    if (await job.isFailed()) {
      await job.remove();
      await this.queues.resets.add('results', data, { jobId });
    }
  }

  /**
   * Enqueues a webhook delivery, once per delivery id (a repeated announcement adds nothing
   * while the job is kept: a day after it completed, a week after it failed). Retried
   * `retryDelaysMs.length` times on that schedule (the workers' `schedule` backoff).
   */
  async deliver(data: WebhookDeliveryJob, retries: number): Promise<void> {
    await this.queues.webhooks.add('deliver', data, {
      jobId: deliveryJobId(data.deliveryId),
      attempts: retries + 1,
      backoff: { type: SCHEDULED_BACKOFF },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
    });
  }

  async prune(boardId: string): Promise<void> {
    const data: PruneJob = { boardId };
    await this.queues.maintenance.add('prune', data, {
      deduplication: { id: `prune__${boardId}`, keepLastIfActive: true },
    });
  }

  /**
   * Creates the board's reset scheduler (one per board), or replaces it when its pattern or
   * time zone differ. One that already matches is left alone: re-upserting moves a job that is
   * due but not yet run (no worker was up at its fire time) to the next fire time.
   */
  async upsertSchedule(boardId: string, pattern: string, tz: string): Promise<void> {
    const existing = await this.queues.resets.getJobScheduler(schedulerId(boardId));
    if (existing?.pattern === pattern && existing.tz === tz) return;
    const data: ScheduledResetJob = { boardId };
    await this.queues.resets.upsertJobScheduler(
      schedulerId(boardId),
      { pattern, tz },
      { name: 'scheduled-reset', data },
    );
  }

  async removeSchedule(boardId: string): Promise<void> {
    await this.queues.resets.removeJobScheduler(schedulerId(boardId));
  }

  /** Board ids that have a reset scheduler. */
  async scheduledBoards(): Promise<string[]> {
    const schedulers = await this.queues.resets.getJobSchedulers(0, -1);
    return schedulers
      .map((s) => s.key ?? s.id ?? '')
      .filter((k): k is string => typeof k === 'string' && k.startsWith('reset-schedule__'))
      .map((k) => k.slice('reset-schedule__'.length));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      Object.values(this.queues).map((q) =>
        shutdownStep(this.logger, `close queue ${q.name}`, 2000, () => q.close()),
      ),
    );
  }
}
