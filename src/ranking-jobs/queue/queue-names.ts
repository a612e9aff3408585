/** Queue and job names, and the hash-tagged prefix that keeps BullMQ on one cluster slot. */
export const QUEUE_PREFIX = '{valkran}';

export const JOBS = {
  ranking: ['recompute'],
  resets: ['reset', 'scheduled-reset', 'tournament-start', 'tournament-end', 'results'],
  maintenance: ['sweep', 'prune'],
  webhooks: ['deliver'],
} as const;

export type QueueName = keyof typeof JOBS;
export type JobName = (typeof JOBS)[QueueName][number];
export const QUEUE_NAMES = Object.keys(JOBS) as QueueName[];

export interface RecomputeJob {
  boardId: string;
}
export interface ResetJob {
  boardId: string;
  /** The period this reset closes: the job is idempotent per (board, period). */
  periodId: string;
  /**
   * The board's generation (its creation time) when the reset was asked for: a board deleted
   * and created again under the same id is not reset by its predecessor's job. Absent in jobs
   * queued by versions before it existed, which reset whichever board has the id.
   */
  generation?: number;
}
export interface ScheduledResetJob {
  boardId: string;
}
export interface PruneJob {
  boardId: string;
}
/** A tournament's start or end (delayed until `at`, its startsAt or endsAt in ms). */
export interface TournamentJob {
  boardId: string;
  /** The board's generation (its creation time): a board created again is another board. */
  generation: number;
  at: number;
}
/** Ids make arming idempotent per board generation and instant (a moved instant: a new job). */
export const tournamentJobId = (
  edge: 'start' | 'end',
  boardId: string,
  generation: number,
  at: number,
): string => `tournament-${edge}__${boardId}__${generation}__${at}`;

/** Writes and announces a closed period's results: idempotent per (board, generation, period). */
export interface ResultsJob {
  boardId: string;
  generation: number;
  periodId: string;
}
/** One webhook delivery: retried with the same id and body until it succeeds or runs out. */
export interface WebhookDeliveryJob {
  webhookId: string;
  /** Stable across retries: the receiver dedupes on it (`Valkran-Delivery`). */
  deliveryId: string;
  event: string;
  /** The JSON body, signed as is on every attempt. */
  body: string;
}

/** The backoff type of jobs retried on a configured schedule (see WorkerRunner). */
export const SCHEDULED_BACKOFF = 'schedule';

/** BullMQ job ids may not contain ':'; board ids and period ids never do. */
/**
 * A reset's job id: board, the board's generation (its creation time, so a board deleted and
 * created again under the same id does not collide with its predecessor's jobs) and period.
 */
export const resetJobId = (boardId: string, generation: number, periodId: string): string =>
  `reset__${boardId}__${generation}__${periodId}`;
export const schedulerId = (boardId: string): string => `reset-schedule__${boardId}`;
export const resultsJobId = (boardId: string, generation: number, periodId: string): string =>
  `results__${boardId}__${generation}__${periodId}`;
export const deliveryJobId = (deliveryId: string): string => `delivery__${deliveryId}`;
