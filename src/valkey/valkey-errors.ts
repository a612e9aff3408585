import { ReplyError } from 'ioredis';

/**
 * What a failed command may have done. `not-applied`: Valkey refused it or never received it
 * (connection not ready, refused, a LOADING/BUSY/CLUSTERDOWN… reply), or it could not write.
 * `unknown`: it was sent and no answer came (timeout, connection lost while waiting): Valkey
 * may have run it, for example a long script still running when the command timeout fired.
 */
export type ValkeyFailureOutcome = 'not-applied' | 'unknown';

/** Thrown when Valkey cannot answer in time (down, paused, failing over). Rendered as 503. */
export class ValkeyUnavailableError extends Error {
  readonly outcome: ValkeyFailureOutcome;

  /** `mayWrite`: false for a command or script that cannot change anything (reads). */
  constructor(cause: unknown, mayWrite = true) {
    super(`Valkey is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'ValkeyUnavailableError';
    this.outcome = mayWrite ? valkeyFailureOutcome(cause) : 'not-applied';
  }
}

/**
 * A write Valkey applied but no replica confirmed in time (durable writes, WAIT): it is not
 * acknowledged, and whether it survives a failover is unknown.
 */
export class ValkeyNotReplicatedError extends ValkeyUnavailableError {
  override readonly outcome: ValkeyFailureOutcome = 'unknown';

  constructor(acked: number, wanted: number) {
    super(`the write reached ${acked} of ${wanted} replica(s) in time`);
    this.name = 'ValkeyNotReplicatedError';
  }
}

// Valkey refusing a command before running it. MOVED/ASK reach the application only from a
// cluster pipeline (single commands are redirected by ioredis), e.g. during a failover.
const TRANSIENT_REPLIES =
  /^(LOADING|BUSY|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|READONLY|NOREPLICAS|MOVED|ASK)\b/;

/**
 * Sent, then no answer: ioredis's command timeout, and the in-flight commands it fails when a
 * connection drops (MaxRetriesPerRequestError with maxRetriesPerRequest 0, or "Connection is
 * closed."). Commands ioredis never wrote fail with "Stream isn't writeable" (no offline queue)
 * or a connect error instead.
 */
const SENT_WITHOUT_ANSWER = /Command timed out|Connection is closed|ECONNRESET|EPIPE/i;

/** True for errors that mean "Valkey is not reachable right now" rather than a bug. */
export function isValkeyUnavailable(err: unknown): boolean {
  if (err instanceof ValkeyUnavailableError) return true;
  if (!(err instanceof Error)) return false;
  if (err instanceof ReplyError) return TRANSIENT_REPLIES.test(err.message);
  return (
    /Command timed out|Stream isn't writeable|Connection is closed|connect ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Failed to refresh slots cache|None of startup nodes is available|Cluster isn't ready|Cluster is ended/i.test(
      err.message,
    ) ||
    err.name === 'MaxRetriesPerRequestError' ||
    err.name === 'ClusterAllFailedError'
  );
}

/**
 * For an error {@link isValkeyUnavailable} accepts: whether the command may have been applied.
 * A transient error reply is Valkey refusing the command before running it.
 */
export function valkeyFailureOutcome(err: unknown): ValkeyFailureOutcome {
  if (err instanceof ValkeyUnavailableError) return err.outcome;
  if (!(err instanceof Error) || err instanceof ReplyError) return 'not-applied';
  return err.name === 'MaxRetriesPerRequestError' || SENT_WITHOUT_ANSWER.test(err.message)
    ? 'unknown'
    : 'not-applied';
}

/**
 * True for Valkey refusing a write because it is at `maxmemory` (`-OOM command not allowed…`,
 * also from a script whose first write was refused): the command was not applied, and reads
 * still work.
 */
export function isValkeyOutOfMemory(err: unknown): boolean {
  return err instanceof ReplyError && /^OOM\b/.test((err as Error).message);
}
