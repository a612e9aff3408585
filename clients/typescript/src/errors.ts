import type { components } from './schema';

/** An RFC 9457 problem, as every Valkran error response and failed live ack carries. */
export type Problem = components['schemas']['Problem'];

/**
 * A request Valkran answered with an error (4xx/5xx), or a live subscription it refused.
 * `problem` is the server's problem+json body; `status` its HTTP status.
 */
export class ValkranError extends Error {
  override readonly name = 'ValkranError';

  constructor(
    readonly status: number,
    readonly problem: Problem,
    /** The request id the server echoed (X-Request-Id), for its logs. */
    readonly requestId?: string,
  ) {
    super(problem.detail || problem.title || `HTTP ${status}`);
  }

  /** A problem type's last segment, e.g. `validation`, `outcome-unknown`, `rate-limited`. */
  get code(): string {
    return this.problem.type.slice(this.problem.type.lastIndexOf('/') + 1);
  }
}

/** Turns any error body into a problem (a proxy may answer with HTML or nothing). */
export function toProblem(status: number, body: unknown, fallback: string): Problem {
  if (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as Problem).type === 'string' &&
    typeof (body as Problem).detail === 'string'
  ) {
    return body as Problem;
  }
  return {
    type: 'about:blank',
    title: fallback,
    status,
    detail: typeof body === 'string' && body.length > 0 ? body.slice(0, 500) : fallback,
  };
}
