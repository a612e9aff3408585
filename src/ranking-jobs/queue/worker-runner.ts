import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { ValkeyConnections } from '../../valkey/valkey-connections';
import { Metrics } from '../../common/metrics';
import { JobHandlerRegistry } from './job-handlers';
import { QUEUE_NAMES, QUEUE_PREFIX, QueueName, SCHEDULED_BACKOFF } from './queue-names';
import { AppConfig } from '../../config/app-config';
import { shutdownStep } from '../../common/shutdown';

// A stats job is two short Valkey scripts: its time is round trips, not CPU, so many run at
// once (at most one per board: the jobs are deduplicated per board). None waits on the live
// gate any more (the publisher has its own loop), so every slot does work.
// Webhook deliveries wait on other people's servers (up to 10 s each), not on Valkey or CPU.
const CONCURRENCY: Record<QueueName, number> = {
  ranking: 64,
  resets: 2,
  maintenance: 1,
  webhooks: 16,
};
/**
 * Reset and maintenance jobs take milliseconds, so a short lock lets another worker pick up
 * the job of a worker that died mid-job within seconds rather than BullMQ's default 30 s.
 */
/** How long running jobs get to finish on shutdown (they take milliseconds when Valkey answers). */
const JOB_GRACE_MS = 5000;
// A delivery takes at most its 10 s timeout; the lock is renewed while it runs, and a delivery
// whose worker died is taken over when the lock lapses.
const LOCK_MS: Record<QueueName, number> = {
  ranking: 30_000,
  resets: 5_000,
  maintenance: 10_000,
  webhooks: 12_000,
};

/**
 * Runs the BullMQ workers (worker and all modes). Its connection retries forever: a worker
 * waits out a Valkey outage instead of failing jobs.
 */
@Injectable()
export class WorkerRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerRunner.name);
  private workers: Worker[] = [];

  constructor(
    private readonly valkey: ValkeyConnections,
    private readonly registry: JobHandlerRegistry,
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
  ) {}

  /**
   * The delay before retry number `attemptsMade` (1 = the first retry) of a job with the
   * `schedule` backoff: the configured webhook retry schedule, its last step repeated.
   */
  private scheduledBackoff(attemptsMade: number, type?: string): number {
    if (type !== SCHEDULED_BACKOFF) throw new Error(`Unknown backoff type ${type}`);
    const delays = this.config.webhooks.retryDelaysMs;
    return delays[Math.min(attemptsMade, delays.length) - 1] ?? 0;
  }

  private observe(queue: QueueName, job: Job | undefined, outcome: 'completed' | 'failed'): void {
    if (!job?.processedOn) return;
    const seconds = ((job.finishedOn ?? Date.now()) - job.processedOn) / 1000;
    this.metrics.jobDuration.observe({ queue, name: job.name, outcome }, seconds);
  }

  onApplicationBootstrap(): void {
    this.registry.load();
    const options = {
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      retryStrategy: (times: number) => Math.min(100 * times, 2000),
    };
    this.workers = QUEUE_NAMES.map((queue) => {
      const worker = new Worker(queue, (job: Job) => this.registry.handle(queue, job), {
        connection: this.valkey.create(`worker:${queue}`, options),
        prefix: QUEUE_PREFIX,
        concurrency: CONCURRENCY[queue],
        lockDuration: LOCK_MS[queue],
        stalledInterval: LOCK_MS[queue],
        settings: { backoffStrategy: (n: number, type?: string) => this.scheduledBackoff(n, type) },
        autorun: true,
      });
      worker.on('completed', (job) => this.observe(queue, job, 'completed'));
      worker.on('failed', (job) => this.observe(queue, job, 'failed'));
      worker.on('failed', (job, err) =>
        this.logger.warn(`Job ${queue}/${job?.name} ${job?.id} failed: ${err.message}`),
      );
      worker.on('error', (err) => this.logger.warn(`Worker ${queue}: ${err.message}`));
      return worker;
    });
    this.logger.log('Workers running');
  }

  /**
   * Stops taking jobs and lets running ones finish, for at most JOB_GRACE_MS. While Valkey is
   * unreachable a running job can neither finish nor record its outcome (its commands wait on
   * a retry-forever connection), so shutdown does not wait for it: its lock expires and
   * another worker runs it again once Valkey is back (every job is idempotent).
   */
  async beforeApplicationShutdown(): Promise<void> {
    const closing = Promise.all(this.workers.map((w) => w.close()));
    await shutdownStep(this.logger, 'finish running jobs', JOB_GRACE_MS, async () => {
      const unreachable = this.valkey
        .reachable()
        .then((ok) => (ok ? new Promise<never>(() => undefined) : ('unreachable' as const)));
      if ((await Promise.race([closing, unreachable])) === 'unreachable') {
        this.logger.warn(
          'Valkey is unreachable: running jobs (if any) are left to their locks and will be retried',
        );
      }
    });
  }
}
