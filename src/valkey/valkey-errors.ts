import { ReplyError } from 'ioredis';

/** Thrown when Valkey cannot answer in time (down, paused, failing over). Rendered as 503. */
export class ValkeyUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`Valkey is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'ValkeyUnavailableError';
  }
}

const TRANSIENT_REPLIES = /^(LOADING|BUSY|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|READONLY|NOREPLICAS)\b/;

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
